import { Hono } from 'hono';
import * as v from 'valibot';
import {
  type Address,
  type Hex,
  hashMessage,
  hashTypedData,
  isAddressEqual,
  recoverMessageAddress,
  type TypedDataDefinition,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { environments, isUuid, signMessagePayload } from '../../okto/index.ts';
import { answerSuccess, sendAnswer } from '../answers.ts';
import type { OktoUserKeys } from '../oktoKeys.ts';
import { parseWithSchema, readJsonBody } from '../requestBody.ts';
import type { SessionAuth } from '../sessionAuth.ts';
import { answerRefusal, unreadable } from './refusal.ts';
import type { SigningLimit } from './signingLimit.ts';

// `POST /api/oc/v1/signMessage` (shared/okto-wallet-protocol.md §4, §7.2): the session key vouches for
// the message with `userSessionSignature` over the canonical envelope the server rebuilds (t = 2, the
// user's ecdsaKeyId); the user's Okto key then signs the standard digest (EIP-191 or EIP-712).

const READING = 'error in reading request';
const text = v.string('must be a string');

const SignMessageBodySchema = v.object(
  {
    data: v.object(
      {
        userData: v.object({ userSWA: text, jobId: text, sessionPk: text }, 'must be an object'),
        transactions: v.array(
          v.object(
            { transactionId: text, method: text, signingMessage: text, userSessionSignature: text },
            'must be an object',
          ),
          'must be an array',
        ),
      },
      'must be an object',
    ),
  },
  'must be an object',
);

export type SignMessageRouteDependencies = {
  authenticate: SessionAuth;
  signingLimit: SigningLimit;
  oktoKeys: (userId: string) => OktoUserKeys;
  newTraceId: () => string;
};

/** The `/signMessage` route, to mount at the app's root. */
export function createSignMessageRoute(deps: SignMessageRouteDependencies): Hono {
  const { authenticate, signingLimit, oktoKeys, newTraceId } = deps;
  const routes = new Hono();

  routes.post('/api/oc/v1/signMessage', async (c) => {
    const traceId = newTraceId();
    const refuse = (details: string) => sendAnswer(c, answerRefusal(unreadable(details), traceId));
    const found = await authenticate(c);
    if (!found.ok) return sendAnswer(c, found.answer);
    const { session } = found;
    const limited = signingLimit(session, traceId);
    if (limited) return sendAnswer(c, limited);
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return refuse(`${READING}: ${body.details}`);
    const parsed = parseWithSchema(SignMessageBodySchema, body.value);
    if (!parsed.ok) return refuse(`${READING}: ${parsed.details}`);

    const { userData, transactions } = parsed.value.data;
    if (userData.sessionPk.toLowerCase() !== session.sessionPk.toLowerCase())
      return refuse(`${READING}: userData.sessionPk is not the key of this session`);
    if (
      !/^0x[0-9a-fA-F]{40}$/.test(userData.userSWA) ||
      !isAddressEqual(userData.userSWA as Hex, session.user.userSWA)
    )
      return refuse(`${READING}: userData.userSWA is not this session's userSWA`);
    if (transactions.length !== 1)
      return refuse(`${READING}: transactions must hold exactly one transaction, got ${transactions.length}`);
    const [transaction] = transactions;
    const { method, signingMessage, transactionId, userSessionSignature } = transaction;
    if (method !== 'EIP191' && method !== 'EIP712')
      return refuse(`${READING}: transactions[0].method must be "EIP191" or "EIP712"`);
    if (!isUuid(userData.jobId)) return refuse(`${READING}: userData.jobId must be a UUID`);
    if (!isUuid(transactionId)) return refuse(`${READING}: transactions[0].transactionId must be a UUID`);

    const keys = oktoKeys(session.user.userId);
    const { payload } = signMessagePayload({
      method,
      message: signingMessage,
      ecdsaKeyId: keys.ecdsaKeyId,
      threshold: environments.local.signMessageThreshold,
      transactionId,
    });
    const vouched = /^0x[0-9a-fA-F]{130}$/.test(userSessionSignature)
      ? await recoverPersonal(payload, userSessionSignature as Hex)
      : undefined;
    if (!vouched || !isAddressEqual(vouched, session.sessionAddress))
      return refuse('invalid user session signature');

    let digest: Hex;
    if (method === 'EIP191') digest = hashMessage(signingMessage);
    else {
      const typed = hashTypedDataText(signingMessage);
      if ('why' in typed) return refuse(`invalid typed data: ${typed.why}`);
      digest = typed.digest;
    }
    const signature = await privateKeyToAccount(keys.ecdsaPrivateKey).sign({ hash: digest });
    return sendAnswer(
      c,
      answerSuccess([{ transaction_id: transactionId, signature: signature.slice(2).toLowerCase() }]),
    );
  });

  return routes;
}

/** The signer of `personal_sign` over a UTF-8 text, or undefined when the signature recovers to no key. */
async function recoverPersonal(message: string, signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverMessageAddress({ message, signature });
  } catch {
    return undefined;
  }
}

/**
 * `hashTypedData(JSON.parse(text))`, any JSON layout (pretty-printed too). Numbers beyond the safe-integer
 * range are refused: `JSON.parse` has already rounded them, so the digest would be of another message.
 */
function hashTypedDataText(text: string): { digest: Hex } | { why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { why: 'signingMessage is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { why: 'signingMessage must be a JSON object with types, primaryType, domain and message' };
  const record = value as Record<string, unknown>;
  for (const key of ['types', 'domain', 'message'])
    if (typeof record[key] !== 'object' || record[key] === null || Array.isArray(record[key]))
      return { why: `${key} must be an object` };
  if (typeof record.primaryType !== 'string') return { why: 'primaryType must be a string' };
  const unsafe = findUnsafeNumber(value);
  if (unsafe !== undefined)
    return { why: `${unsafe} is a number beyond the safe-integer range: send it as a string` };
  try {
    return { digest: hashTypedData(value as TypedDataDefinition) };
  } catch (error) {
    const reason =
      error instanceof Error
        ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
        : String(error);
    return { why: reason };
  }
}

/** The path of the first integer beyond ±2^53 − 1, walking iteratively (a deep document cannot overflow the stack). */
function findUnsafeNumber(root: unknown): string | undefined {
  const pending: [unknown, string][] = [[root, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return path;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, item] of Object.entries(value).reverse())
      pending.push([item, path ? `${path}.${key}` : key]);
  }
  return undefined;
}
