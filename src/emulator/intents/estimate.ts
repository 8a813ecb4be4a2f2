import { Readable } from 'node:stream';
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import { type Address, type Hex, isAddressEqual, zeroAddress } from 'viem';
import {
  DEFAULT_GAS_LIMITS,
  encodeIntentCallData,
  environments,
  INTENT_TYPES,
  type IntentCall,
  type IntentType,
  isUuid,
  nonceToBytes32,
  parseRawTransactionJson,
  type RawTransaction,
} from '../../okto/index.ts';
import { answerHttpError, answerSuccess, sendAnswer } from '../answers.ts';
import type { Catalog } from '../catalog.ts';
import type { ClientRegistry } from '../clients.ts';
import type { EmulatorClock } from '../clock.ts';
import type { OktoUserKeys } from '../oktoKeys.ts';
import { parseWithSchema, type ReadBodyResult, readJsonBody } from '../requestBody.ts';
import type { SessionAuth } from '../sessionAuth.ts';
import { checkIntentRules } from './intentRules.ts';
import { checkPaymasterData } from './paymasterCheck.ts';
import { answerRefusal, NETWORK_NOT_FOUND, type Refusal, unreadable } from './refusal.ts';
import type { SigningLimit } from './signingLimit.ts';

// `/api/oc/v1/estimate` (shared/okto-wallet-protocol.md §7.3), POST and GET with a body (as Okto's SDK
// sends it): what Okto would make of an intent, its (zero) fees and the unsigned UserOp. Nothing is
// signed and no nonce is used up.

const text = v.string('must be a string');
const quantity = v.pipe(
  text,
  v.regex(/^0x[0-9a-fA-F]{1,32}$/, 'must be a 0x-hex quantity of at most 16 bytes'),
);

const EstimateBodySchema = v.object({
  type: v.picklist(INTENT_TYPES, `must be one of ${INTENT_TYPES.join(', ')}`),
  jobId: v.pipe(text, v.check(isUuid, 'must be a UUID')),
  feePayerAddress: v.optional(v.pipe(text, v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address'))),
  gasDetails: v.object({ maxFeePerGas: quantity, maxPriorityFeePerGas: quantity }, 'must be an object'),
  paymasterData: v.pipe(text, v.regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'must be 0x-hex bytes')),
  details: v.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'must be an object',
  ),
});

type EstimateBody = v.InferOutput<typeof EstimateBodySchema>;

export type EstimateRouteDependencies = {
  authenticate: SessionAuth;
  signingLimit: SigningLimit;
  clients: ClientRegistry;
  catalog: Catalog;
  oktoKeys: (userId: string) => OktoUserKeys;
  clock: EmulatorClock;
  newTraceId: () => string;
  /** Largest body read from a GET (POST bodies are limited by the app's middleware). */
  maxBodyBytes: number;
};

/** The `/estimate` routes (POST, and GET with a body), to mount at the app's root. */
export function createEstimateRoute(deps: EstimateRouteDependencies): Hono {
  const { authenticate, signingLimit, clients, catalog, oktoKeys, clock, newTraceId } = deps;
  const routes = new Hono();

  routes.on(['GET', 'POST'], '/api/oc/v1/estimate', async (c) => {
    const traceId = newTraceId();
    const refuse = (refusal: Refusal) => sendAnswer(c, answerRefusal(refusal, traceId));
    const found = await authenticate(c);
    if (!found.ok) return sendAnswer(c, found.answer);
    const { session } = found;
    const limited = signingLimit(session, traceId);
    if (limited) return sendAnswer(c, limited);
    const body =
      c.req.method === 'GET' ? await readGetBody(c, deps.maxBodyBytes) : await readJsonBody(c.req.raw);
    if (body === 'too large')
      return sendAnswer(
        c,
        answerHttpError(
          413,
          'Payload Too Large',
          `the body is larger than ${deps.maxBodyBytes} bytes`,
          traceId,
        ),
      );
    if (!body.ok) return refuse(unreadable(body.details));
    const parsed = parseWithSchema(EstimateBodySchema, body.value);
    if (!parsed.ok) return refuse(unreadable(parsed.details));
    const request = parsed.value;
    const call = readDetails(request.type, request.details);
    if ('refusal' in call) return refuse(call.refusal);

    const { user } = session;
    const client = clients.find(user.clientSWA);
    const nonce = nonceToBytes32(request.jobId);
    const paymaster = await checkPaymasterData({
      paymasterData: request.paymasterData as Hex,
      nonce,
      clientSWA: user.clientSWA,
      client,
      now: clock.nowSeconds(),
    });
    if (paymaster) return refuse(paymaster);
    const network = catalog.findNetwork(call.params.caip2Id);
    if (!network) return refuse(NETWORK_NOT_FOUND);
    const feePayer = (request.feePayerAddress ?? zeroAddress) as Address;
    if (
      !isAddressEqual(feePayer, zeroAddress) &&
      !(client?.feePayers ?? []).some((payer) => isAddressEqual(payer, feePayer))
    )
      return refuse(unreadable('feePayerAddress is neither the zero address nor a fee payer of the client'));
    const broken = checkIntentRules({ call, wallet: oktoKeys(user.userId).address });
    if (broken) return refuse(unreadable(broken));

    const policy = { gsnEnabled: network.gsnEnabled, sponsorshipEnabled: network.sponsorshipEnabled };
    const callData = encodeIntentCallData({
      ...call,
      jobId: request.jobId,
      clientSWA: user.clientSWA,
      userSWA: user.userSWA,
      policy,
      environment: 'local',
      feePayer,
    });
    return sendAnswer(c, answerSuccess(estimateData({ request, call, callData, policy, user, nonce })));
  });

  return routes;
}

/** The `data` of an estimate (§7.3), keys in the documented order. */
function estimateData(p: {
  request: EstimateBody;
  call: IntentCall;
  callData: Hex;
  policy: { gsnEnabled: boolean; sponsorshipEnabled: boolean };
  user: { clientSWA: Address; userSWA: Address };
  nonce: Hex;
}) {
  const { request, call, callData, policy, user, nonce } = p;
  const amount =
    call.intent === 'RAW_TRANSACTION'
      ? call.params.transactions.reduce((sum, tx) => sum + BigInt(tx.value), 0n)
      : call.params.amount;
  const empty = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, '']));
  return {
    callData: {
      clientSWA: user.clientSWA,
      feePayerAddress: request.feePayerAddress ?? '',
      gsn: { isPossible: false, isRequired: false, requiredNetworks: [], tokens: [] },
      intentType: request.type,
      jobId: request.jobId,
      payload: payloadOf(call),
      policies: policy,
      userSWA: user.userSWA,
    },
    details: {
      estimation: {
        amount: amount.toString(),
        ...empty([
          'crossChainFee',
          'crossChainFeeCollector',
          'gasFeesInInputToken',
          'integratorFeesInInputToken',
          'outputAmount',
          'platformBaseFeesInInputToken',
          'recommendedSlippage',
          'routeId',
          'routeValidUntil',
          'sameChainFee',
          'sameChainFeeCollector',
          'slippageUsed',
          'totalFeesInInputToken',
        ]),
      },
      fees: { approxTransactionFeesInUSDT: '', transactionFees: { [call.params.caip2Id]: '0' } },
      swapFees: empty([
        'gasFeesInInputToken',
        'integratorFeesInInputToken',
        'platformBaseFeesInInputToken',
        'totalFeesInInputToken',
      ]),
    },
    userOps: {
      sender: user.userSWA.toLowerCase(),
      nonce,
      callData,
      ...DEFAULT_GAS_LIMITS,
      maxFeePerGas: request.gasDetails.maxFeePerGas,
      maxPriorityFeePerGas: request.gasDetails.maxPriorityFeePerGas,
      paymaster: environments.local.paymaster.toLowerCase(),
      paymasterData: request.paymasterData.toLowerCase(),
    },
  };
}

/**
 * `details` as Okto reads it back (§7.3 `payload`): the intent's fields, amounts as decimal strings, and
 * nothing else, so an unknown extra key is not echoed.
 */
function payloadOf(call: IntentCall): Record<string, unknown> {
  switch (call.intent) {
    case 'TOKEN_TRANSFER':
    case 'NFT_TRANSFER':
      return { ...call.params, amount: call.params.amount.toString() };
    case 'RAW_TRANSACTION':
      return {
        caip2Id: call.params.caip2Id,
        transactions: call.params.transactions.map(({ data, from, to, value }) => ({
          data,
          from,
          to,
          value,
        })),
      };
  }
}

const amountText = (value: unknown, field: string): bigint | string => {
  if (typeof value === 'string' && /^[0-9]{1,78}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return `details.${field} must be a decimal string in the smallest unit`;
};

/** `details` as the intent it describes (§5's fields, amounts as strings), or why it is not one. */
function readDetails(type: IntentType, details: Record<string, unknown>): IntentCall | { refusal: Refusal } {
  const fail = (why: string) => ({ refusal: unreadable(why) });
  const caip2Id = details.caip2Id ?? details.networkId;
  if (typeof caip2Id !== 'string' || caip2Id === '')
    return fail('details.caip2Id must be a non-empty string');
  const str = (field: string) =>
    typeof details[field] === 'string' ? (details[field] as string) : undefined;
  switch (type) {
    case 'TOKEN_TRANSFER': {
      const recipientWalletAddress = str('recipientWalletAddress');
      const tokenAddress = str('tokenAddress');
      if (recipientWalletAddress === undefined)
        return fail('details.recipientWalletAddress must be a string');
      if (tokenAddress === undefined)
        return fail('details.tokenAddress must be a string ("" for the native token)');
      const amount = amountText(details.amount, 'amount');
      if (typeof amount === 'string') return fail(amount);
      return { intent: type, params: { caip2Id, recipientWalletAddress, tokenAddress, amount } };
    }
    case 'NFT_TRANSFER': {
      const fields = ['nftId', 'recipientWalletAddress', 'collectionAddress', 'nftType'] as const;
      const missing = fields.find((field) => str(field) === undefined);
      if (missing) return fail(`details.${missing} must be a string`);
      const amount = amountText(details.amount, 'amount');
      if (typeof amount === 'string') return fail(amount);
      const [nftId, recipientWalletAddress, collectionAddress, nftType] = fields.map(
        (field) => str(field) as string,
      );
      return {
        intent: type,
        params: { caip2Id, nftId, recipientWalletAddress, collectionAddress, nftType, amount },
      };
    }
    case 'RAW_TRANSACTION': {
      if (!Array.isArray(details.transactions)) return fail('details.transactions must be an array');
      const transactions: RawTransaction[] = [];
      for (const [i, tx] of details.transactions.entries()) {
        try {
          if (typeof tx !== 'object' || tx === null || Array.isArray(tx))
            throw new TypeError('not an object');
          transactions.push(parseRawTransactionJson(JSON.stringify(tx)));
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          return fail(`details.transactions[${i}] must be an object with from, to, data and value: ${why}`);
        }
      }
      return { intent: type, params: { caip2Id, transactions } };
    }
  }
}

/**
 * The body of a GET, which web-standard Requests cannot carry: read from Node's request when the app
 * runs on the Node server (`@hono/node-server` passes it as `c.env.incoming`). Otherwise there is none.
 */
async function readGetBody(c: Context, maxBytes: number): Promise<ReadBodyResult<unknown> | 'too large'> {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  const chunks: Buffer[] = [];
  let size = 0;
  if (incoming instanceof Readable && !incoming.readableEnded)
    // Read to the end even past the limit (dropping the rest), so the connection can still carry the 413.
    for await (const chunk of incoming) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size <= maxBytes) chunks.push(buffer);
    }
  if (size > maxBytes) return 'too large';
  const contentType = c.req.header('content-type');
  return readJsonBody(
    new Request(c.req.url, {
      method: 'POST',
      headers: contentType ? { 'content-type': contentType } : {},
      body: Buffer.concat(chunks),
    }),
  );
}
