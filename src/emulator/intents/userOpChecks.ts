import * as v from 'valibot';
import {
  type Address,
  decodeAbiParameters,
  type Hex,
  hexToBytes,
  isAddressEqual,
  pad,
  slice,
  zeroAddress,
} from 'viem';
import {
  decodeIntentCallData,
  environments,
  type IntentCall,
  type IntentCallData,
  IntentCallDataError,
  nonceToBytes32,
  parseRawTransactionJson,
  type RawTransaction,
  type SignedUserOperation,
  userOpHash,
} from '../../okto/index.ts';
import type { Catalog, CatalogNetwork } from '../catalog.ts';
import type { EmulatorClient } from '../clients.ts';
import { parseWithSchema } from '../requestBody.ts';
import type { EmulatorSession } from '../sessions.ts';
import { checkIntentRules, type UnreadableTransaction } from './intentRules.ts';
import { checkPaymasterData, recoverRaw } from './paymasterCheck.ts';
import { NETWORK_NOT_FOUND, type Refusal, unreadable } from './refusal.ts';

// Checks #3–11 of `POST /api/oc/v1/execute` (shared/okto-wallet-protocol.md §7.1), in the table's order;
// the first that fails answers. #1 (Bearer) and #2 (rate limit) are the route's. Every signature is
// recovered and compared: nothing is accepted that Okto's server would refuse.

const text = v.string('must be a string');
const address = v.pipe(text, v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address'));
const quantity = v.pipe(
  text,
  v.regex(/^0x[0-9a-fA-F]{1,32}$/, 'must be a 0x-hex quantity of at most 16 bytes'),
);
const bytes = v.pipe(
  text,
  v.regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'must be 0x-hex bytes (an even number of digits)'),
);

/** Check #3: exactly the 13 keys of a signed UserOp, strings, 0x-hex. */
const ExecuteBodySchema = v.strictObject({
  sender: address,
  nonce: v.pipe(text, v.regex(/^0x[0-9a-fA-F]{1,64}$/, 'must be 0x-hex of at most 32 bytes')),
  paymaster: address,
  callGasLimit: quantity,
  verificationGasLimit: quantity,
  preVerificationGas: quantity,
  maxFeePerGas: quantity,
  maxPriorityFeePerGas: quantity,
  paymasterPostOpGasLimit: quantity,
  paymasterVerificationGasLimit: quantity,
  callData: bytes,
  paymasterData: bytes,
  signature: bytes,
});

export type CheckUserOpContext = {
  session: EmulatorSession;
  /** The session's registered client: its signer sponsors, its fee payers may be named. */
  client: EmulatorClient | undefined;
  /** The user's `/wallets` address. */
  wallet: Address;
  catalog: Catalog;
  /** Unix seconds on the emulator clock. */
  now: number;
  /** Whether `sender` had an order accepted with this nonce (`bytes32`, lower case) before. */
  isNonceUsed(sender: Address, nonce: Hex): boolean;
};

/** A UserOp that passed every check, with what running it needs. */
export type AcceptedUserOp = {
  userOp: SignedUserOperation;
  /** `bytes32`, lower case. */
  nonce: Hex;
  /** The nonce's UUID, the order's id. */
  jobId: string;
  call: IntentCall;
  network: CatalogNetwork;
  userOpHash: Hex;
};

export type CheckUserOpResult = { ok: true; accepted: AcceptedUserOp } | { ok: false; refusal: Refusal };

/**
 * Runs checks #3–11 on an `/execute` body.
 * @example
 * const result = await checkUserOp(JSON.parse(body), { session, client, wallet, catalog, now, isNonceUsed });
 * if (!result.ok) return answerRefusal(result.refusal, traceId);
 */
export async function checkUserOp(body: unknown, ctx: CheckUserOpContext): Promise<CheckUserOpResult> {
  const refuse = (refusal: Refusal) => ({ ok: false, refusal }) as const;
  const { user } = ctx.session;

  // #3
  const parsed = parseWithSchema(ExecuteBodySchema, body);
  if (!parsed.ok) return refuse(unreadable(parsed.details));
  const userOp = parsed.value as SignedUserOperation;
  if (BigInt(userOp.maxFeePerGas) !== BigInt(userOp.maxPriorityFeePerGas))
    return refuse(unreadable('maxFeePerGas must equal maxPriorityFeePerGas'));

  // #4
  if (!isAddressEqual(userOp.sender, user.userSWA)) return refuse(unreadable('sender mismatch'));
  if (!isAddressEqual(userOp.paymaster, environments.local.paymaster))
    return refuse(unreadable('paymaster mismatch'));

  // #5, #6
  const paymaster = await checkPaymasterData({
    paymasterData: userOp.paymasterData,
    nonce: userOp.nonce,
    clientSWA: user.clientSWA,
    client: ctx.client,
    now: ctx.now,
  });
  if (paymaster) return refuse(paymaster);

  // #7
  const nonce = pad(userOp.nonce, { size: 32 }).toLowerCase() as Hex;
  if (BigInt(nonce) >> 128n !== 0n) return refuse(unreadable('invalid nonce'));
  if (ctx.isNonceUsed(userOp.sender, nonce)) return refuse(unreadable('nonce already used'));

  // #8
  const decoded = decodeCallData(userOp.callData);
  if ('refusal' in decoded) return refuse(decoded.refusal);
  const { job, unreadableTransaction } = decoded;
  const badJob = checkJob(job, {
    nonce,
    sender: userOp.sender,
    clientSWA: user.clientSWA,
    client: ctx.client,
  });
  if (badJob) return refuse(unreadable(`invalid callData: ${badJob}`));

  // #9
  const network = ctx.catalog.findNetwork(job.params.caip2Id);
  if (!network) return refuse(NETWORK_NOT_FOUND);

  // #10
  const broken = checkIntentRules({ call: job, wallet: ctx.wallet, unreadableTransaction });
  if (broken) return refuse(unreadable(broken));

  // #11
  const hash = userOpHash(userOp, {
    entryPoint: environments.local.entryPoint,
    chainId: environments.local.chainId,
  });
  const signer = isPersonalSignSignature(userOp.signature)
    ? await recoverRaw(hash, userOp.signature)
    : undefined;
  if (!signer || !isAddressEqual(signer, ctx.session.sessionAddress))
    return refuse(unreadable('invalid userop signature'));

  return {
    ok: true,
    accepted: {
      userOp,
      nonce,
      jobId: job.jobId,
      call: { intent: job.intent, params: job.params } as IntentCall,
      network,
      userOpHash: hash,
    },
  };
}

/** `r‖s‖v` with v 27 or 28, as `personal_sign` makes it (§3.6). */
function isPersonalSignSignature(signature: Hex): boolean {
  return /^0x[0-9a-fA-F]{128}(1b|1c)$/i.test(signature);
}

type DecodedCallData =
  | { job: IntentCallData; unreadableTransaction?: UnreadableTransaction }
  | { refusal: Refusal };

const INITIATE_JOB_ARGS = [
  { type: 'uint256' },
  { type: 'address' },
  { type: 'address' },
  { type: 'address' },
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'string' },
] as const;
const OUTER = [{ type: 'bytes4' }, { type: 'address' }, { type: 'uint256' }, { type: 'bytes' }] as const;
const RAW_TRANSACTION_PARAMETERS = [
  { type: 'tuple', components: [{ type: 'string' }, { type: 'bytes[]' }] },
] as const;

/**
 * Check #8's decoding, with src/okto's strict decoder. A `RAW_TRANSACTION` element that is not a
 * transaction's JSON is a check #10 failure, after #9 (the network): the decoder refuses the whole
 * callData for it, so the rest, already checked, is read again here and the element reported.
 */
function decodeCallData(callData: Hex): DecodedCallData {
  try {
    return { job: decodeIntentCallData(callData, { environment: 'local' }) };
  } catch (error) {
    const details = error instanceof IntentCallDataError ? error.details : 'does not decode';
    const element = /^_jobParameters\.transactions\[(\d+)\] is not a transaction: (.*)$/s.exec(details);
    if (!element) return { refusal: unreadable(`invalid callData: ${details}`) };
    return readAroundUnreadableTransaction(callData, Number(element[1]), element[2]);
  }
}

function readAroundUnreadableTransaction(callData: Hex, index: number, why: string): DecodedCallData {
  const [, , , inner] = decodeAbiParameters(OUTER, callData);
  const [jobIdWord, clientSWA, userSWA, feePayer, , , jobParameters] = decodeAbiParameters(
    INITIATE_JOB_ARGS,
    slice(inner, 4),
  );
  const [[caip2Id, elements]] = decodeAbiParameters(RAW_TRANSACTION_PARAMETERS, jobParameters);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const before: RawTransaction[] = elements
    .slice(0, index)
    .map((element) => parseRawTransactionJson(decoder.decode(hexToBytes(element))));
  const hex = jobIdWord.toString(16).padStart(32, '0');
  return {
    job: {
      intent: 'RAW_TRANSACTION',
      params: { caip2Id, transactions: before },
      jobId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      clientSWA,
      userSWA,
      feePayer,
      // Read and checked by the decoder before it reached the element; unused from here on.
      policy: { gsnEnabled: false, sponsorshipEnabled: false },
      environment: 'local',
    },
    unreadableTransaction: { index, why },
  };
}

/** The `initiateJob` arguments that must match the UserOp and the session; what is wrong, or undefined. */
function checkJob(
  job: IntentCallData,
  p: { nonce: Hex; sender: Address; clientSWA: Address; client: EmulatorClient | undefined },
): string | undefined {
  if (nonceToBytes32(job.jobId) !== p.nonce) return '_jobId is not the UserOp nonce';
  if (!isAddressEqual(job.clientSWA, p.clientSWA))
    return `_clientSWA ${job.clientSWA} is not the session's client ${p.clientSWA}`;
  if (!isAddressEqual(job.userSWA, p.sender)) return `_userSWA ${job.userSWA} is not the UserOp sender`;
  const payers = p.client?.feePayers ?? [];
  if (
    !isAddressEqual(job.feePayer, zeroAddress) &&
    !payers.some((payer) => isAddressEqual(payer, job.feePayer))
  )
    return `_feePayerAddress ${job.feePayer} is neither the zero address nor a fee payer of the client`;
  return undefined;
}
