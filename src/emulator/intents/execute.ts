import { Hono } from 'hono';
import type { Address, Hex } from 'viem';
import { answerSuccess, answerWalletError, sendAnswer } from '../answers.ts';
import type { Catalog } from '../catalog.ts';
import type { ClientRegistry } from '../clients.ts';
import type { EmulatorClock } from '../clock.ts';
import type { OktoUserKeys } from '../oktoKeys.ts';
import { readJsonBody } from '../requestBody.ts';
import type { SessionAuth } from '../sessionAuth.ts';
import { type OrderBook, orderDetails } from './orderBook.ts';
import type { OrderRunner } from './orderRunner.ts';
import { answerRefusal, unreadable } from './refusal.ts';
import type { SigningLimit } from './signingLimit.ts';
import { checkUserOp } from './userOpChecks.ts';

// `POST /api/oc/v1/execute` (shared/okto-wallet-protocol.md §3.7, §7.1): every check in the table's
// order, then the order is created synchronously as INITIATED and the runner takes it from there.

export type ExecuteRouteDependencies = {
  authenticate: SessionAuth;
  signingLimit: SigningLimit;
  clients: ClientRegistry;
  catalog: Catalog;
  oktoKeys: (userId: string) => OktoUserKeys;
  orders: OrderBook;
  runner: OrderRunner;
  clock: EmulatorClock;
  newTraceId: () => string;
};

/** The `/execute` route, to mount at the app's root. */
export function createExecuteRoute(deps: ExecuteRouteDependencies): Hono {
  const { authenticate, signingLimit, clients, catalog, oktoKeys, orders, runner, clock, newTraceId } = deps;
  const routes = new Hono();
  /** Nonces of accepted UserOps, per sender: `sender:nonce`, lower case. */
  const usedNonces = new Set<string>();
  const nonceKey = (sender: Address, nonce: Hex) => `${sender.toLowerCase()}:${nonce.toLowerCase()}`;

  routes.post('/api/oc/v1/execute', async (c) => {
    const traceId = newTraceId();
    const found = await authenticate(c);
    if (!found.ok) return sendAnswer(c, found.answer);
    const { session } = found;
    const limited = signingLimit(session, traceId);
    if (limited) return sendAnswer(c, limited);
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return sendAnswer(c, answerWalletError(400, 'ER-TECH-0005', body.details, traceId));

    const { user } = session;
    const keys = oktoKeys(user.userId);
    const checked = await checkUserOp(body.value, {
      session,
      client: clients.find(user.clientSWA),
      wallet: keys.address,
      catalog,
      now: clock.nowSeconds(),
      isNonceUsed: (sender, nonce) => usedNonces.has(nonceKey(sender, nonce)),
    });
    if (!checked.ok) return sendAnswer(c, answerRefusal(checked.refusal, traceId));
    const { accepted } = checked;

    // The checks awaited signature recoveries: the same UserOp sent twice at once passes check #7
    // twice, so the nonce is claimed here, synchronously with creating the order.
    const key = nonceKey(accepted.userOp.sender, accepted.nonce);
    if (usedNonces.has(key)) return sendAnswer(c, answerRefusal(unreadable('nonce already used'), traceId));
    usedNonces.add(key);
    const order = orders.create({
      intentId: accepted.jobId,
      intentType: accepted.call.intent,
      details: orderDetails(accepted.call),
      createdAtMs: clock.nowMs(),
      caip2Id: accepted.network.caipId,
      userId: user.userId,
      userSWA: user.userSWA,
      wallet: keys.address,
      contact: user.contact.to,
      userOpHash: accepted.userOpHash,
    });
    runner.start(order, accepted.call);
    return sendAnswer(c, answerSuccess({ jobId: accepted.jobId }));
  });

  return routes;
}
