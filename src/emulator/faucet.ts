import { Hono } from 'hono';
import * as v from 'valibot';
import { type Address, getAddress, maxUint256 } from 'viem';
import type { ActivityLog } from './activity.ts';
import { answerBadRequest, answerHttpError, answerSuccess, sendAnswer } from './answers.ts';
import type { Catalog } from './catalog.ts';
import type { LocalChains } from './chains/localChains.ts';
import { mintTestToken, readTokenBalance } from './chains/testToken.ts';
import { transferKey } from './chains/transfers.ts';
import type { EmulatorClock } from './clock.ts';
import { parseWithSchema, readJsonBody } from './requestBody.ts';

// `POST /__emulator/fund` (§7.5): credits a wallet on a local chain. Native currency: anvil_setBalance to
// current + amount (no transaction). A token: the deployer mints it (a real transaction). Either way the
// wallet's activity shows a DEPOSIT. Local only, no Bearer, like every /__emulator route.

const FundSchema = v.strictObject(
  {
    address: v.pipe(
      v.string('must be a string'),
      v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address'),
    ),
    caip2Id: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
    token: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.regex(/^(0x[0-9a-fA-F]{40})?$/, 'must be "" (the native currency) or a token address'),
      ),
    ),
    amount: v.pipe(
      v.string('must be a decimal string in the smallest unit, e.g. "1000000000000000000"'),
      v.regex(/^[0-9]{1,78}$/, 'must be a decimal string in the smallest unit, e.g. "1000000000000000000"'),
      v.check(
        (text) => BigInt(text) > 0n && BigInt(text) <= maxUint256,
        'must be more than 0 and fit in uint256',
      ),
    ),
  },
  'must be an object',
);

export type FaucetDependencies = {
  chains?: LocalChains;
  catalog: Catalog;
  activity: ActivityLog;
  clock: EmulatorClock;
  newTraceId: () => string;
};

/** The faucet route, to mount at the app's root. */
export function createFaucetRoutes(deps: FaucetDependencies): Hono {
  const { chains, catalog, activity, clock, newTraceId } = deps;
  const routes = new Hono();
  let nativeCredits = 0;

  routes.post('/__emulator/fund', async (c) => {
    const traceId = newTraceId();
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return sendAnswer(c, answerBadRequest(body.details, traceId));
    const parsed = parseWithSchema(FundSchema, body.value);
    if (!parsed.ok) return sendAnswer(c, answerBadRequest(parsed.details, traceId));
    const { caip2Id, token: tokenAddress = '' } = parsed.value;
    const address = getAddress(parsed.value.address);
    const amount = BigInt(parsed.value.amount);

    const network = catalog.findNetwork(caip2Id);
    if (!network)
      return sendAnswer(
        c,
        answerBadRequest(
          `caip2Id: unknown network ${JSON.stringify(caip2Id)}; the emulator runs ${catalog.networks.map((n) => n.caipId).join(', ')}`,
          traceId,
        ),
      );
    const chain = chains?.find(network.caipId);
    if (!chain)
      return sendAnswer(
        c,
        answerHttpError(
          503,
          'Service Unavailable',
          'the emulator runs without chains (--no-chains), so there is nothing to fund: start it with chains',
          traceId,
        ),
      );
    const token = catalog.findToken(network.caipId, tokenAddress);
    if (!token)
      return sendAnswer(
        c,
        answerBadRequest(
          `token: ${tokenAddress} is not a token of ${network.caipId}; use "" for ${network.native.symbol} or one of ${catalog.tokens
            .filter((t) => t.caipId === network.caipId && t.address !== '')
            .map((t) => `${t.address} (${t.symbol})`)
            .join(', ')}`,
          traceId,
        ),
      );

    // Alone on the chain: a native credit reads and then writes the balance, and an order's send in
    // between would be overwritten.
    const balance = await chain.exclusive(async () => {
      if (token.address === '') {
        const next = (await chain.getNativeBalance(address)) + amount;
        await chain.setNativeBalance(address, next);
        activity.record({
          key: `fund:${network.caipId}:${++nativeCredits}`,
          address,
          transferType: 'DEPOSIT',
          caipId: network.caipId,
          token: '',
          amount,
          txHash: '',
          timestamp: clock.nowSeconds(),
        });
        return next;
      }
      const minted = await mintTestToken(chain, address, amount);
      activity.record({
        key: transferKey({ caipId: network.caipId, txHash: minted.txHash, logIndex: minted.logIndex }),
        address,
        transferType: 'DEPOSIT',
        caipId: network.caipId,
        token: token.address as Address,
        amount,
        txHash: minted.txHash,
        timestamp: clock.nowSeconds(),
      });
      return readTokenBalance(chain, token.address as Address, address);
    });
    return sendAnswer(c, answerSuccess({ balance: balance.toString() }));
  });

  return routes;
}
