import type { Hex } from 'viem';
import { environments, OKTO_ENVIRONMENTS, type OktoEnvironment } from '../okto/environments.ts';
import { BaseError } from '../okto/errors.ts';
import { decodeIntentCallData, type IntentCallData } from '../okto/intents.ts';
import { decodePaymasterData } from '../okto/paymaster.ts';
import { userOpHash, validateUserOp } from '../okto/userOp.ts';
import { nonceUuid } from './jobHistory.ts';
import { asObject, asString, isCutBody, isRedacted, previewStrings } from './loggedBody.ts';

// A UserOp as the request log holds it (the body of `POST /execute`, redacted), read back for a
// developer: its hash, sender, nonce and job UUID, gas and fees, paymaster and the validity of its
// paymasterData, and its callData decoded as an Okto intent.

/** An intent's callData decoded, or why it does not decode. */
export type DecodedCallData = { ok: true; call: IntentCallData } | { ok: false; reason: string };

/** Until when (and from when) the paymasterData is accepted, and which record says so. */
export type PaymasterValidity = {
  /** Unix seconds. */
  validUntil: number;
  /** Unix seconds; unknown when only the job's record is there. */
  validAfter?: number;
  /** The UserOp's own paymasterData, the companion's `/v1/paymaster` answer, or the job's record. */
  source: 'paymasterData' | 'companion' | 'job';
};

/** The UserOp's gas: limits and fees as integers (missing or malformed ones are left out). */
export type DecodedGas = {
  callGasLimit?: bigint;
  verificationGasLimit?: bigint;
  preVerificationGas?: bigint;
  paymasterVerificationGasLimit?: bigint;
  paymasterPostOpGasLimit?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /** The most it can cost in wei: every gas limit at `maxFeePerGas` (the paymaster pays it). */
  maxCostWei?: bigint;
};

export type DecodedPaymasterData =
  /** The log cut it to its first characters (`shown`), as it does every paymasterData. */
  | { state: 'redacted'; shown: string }
  | { state: 'decoded'; clientSWA: string; validUntil: number; validAfter: number }
  | { state: 'invalid'; shown: string }
  | { state: 'missing' };

export type DecodedUserOp = {
  sender?: string;
  /** `0x` + 64 hex. */
  nonce?: string;
  /** The nonce's UUID: the job id Okto answers and lists the order under. */
  jobUuid?: string;
  paymaster?: string;
  /** The environments whose paymaster it is (`local` and `sandbox` share one); empty when none. */
  paymasterOf: OktoEnvironment[];
  gas: DecodedGas;
  paymasterData: DecodedPaymasterData;
  validity?: PaymasterValidity;
  /**
   * The hash the session key signed: computed when the whole UserOp is in the log, else the job's
   * record of it (the log redacts paymasterData, which the hash covers).
   */
  hash?: { value: string; source: 'computed' | 'job' };
  callData?: DecodedCallData;
  signature?: string;
  /** The log kept only the beginning of the body (this many characters in all): later fields are unknown. */
  cutChars?: number;
};

/** What other entries of the log say about a UserOp's nonce. */
export type UserOpContext = {
  /** The job's record of the UserOp hash. */
  userOpHash?: string;
  /** The job's record of the paymasterData's validity (unix seconds). */
  paymasterValidUntil?: number;
  /** The companion's `/v1/paymaster` answer for this nonce, logged with its validity unredacted. */
  companion?: { validUntil: number; validAfter?: number };
};

const GAS_FIELDS = [
  'callGasLimit',
  'verificationGasLimit',
  'preVerificationGas',
  'paymasterVerificationGasLimit',
  'paymasterPostOpGasLimit',
  'maxFeePerGas',
  'maxPriorityFeePerGas',
] as const;

/**
 * Reads a logged `/execute` body (a signed UserOp) back; `undefined` when it is not one (no `sender`
 * or `nonce`). A body the log cut keeps the fields its preview holds whole.
 */
export function decodeUserOp(body: unknown, context: UserOpContext = {}): DecodedUserOp | undefined {
  let fields: Record<string, unknown> | undefined = asObject(body);
  let cutChars: number | undefined;
  if (isCutBody(body)) {
    fields = previewStrings(body.preview ?? '');
    cutChars = body.chars ?? 0;
  }
  if (!fields) return undefined;
  const sender = asString(fields.sender);
  const nonce = asString(fields.nonce);
  if (sender === undefined && nonce === undefined) return undefined;

  const gas: DecodedGas = {};
  for (const name of GAS_FIELDS) {
    const value = quantity(fields[name]);
    if (value !== undefined) gas[name] = value;
  }
  const limits = [
    gas.callGasLimit,
    gas.verificationGasLimit,
    gas.preVerificationGas,
    gas.paymasterVerificationGasLimit,
    gas.paymasterPostOpGasLimit,
  ];
  if (gas.maxFeePerGas !== undefined && limits.every((l) => l !== undefined))
    gas.maxCostWei = limits.reduce<bigint>((sum, l) => sum + (l ?? 0n), 0n) * gas.maxFeePerGas;

  const paymaster = asString(fields.paymaster);
  const paymasterOf = paymasterEnvironments(paymaster);
  const paymasterData = readPaymasterData(asString(fields.paymasterData));
  const callDataText = asString(fields.callData);
  const callData = callDataText === undefined ? undefined : decodeCallData(callDataText);

  const validity: PaymasterValidity | undefined =
    paymasterData.state === 'decoded'
      ? {
          validUntil: paymasterData.validUntil,
          validAfter: paymasterData.validAfter,
          source: 'paymasterData',
        }
      : context.companion
        ? { ...context.companion, source: 'companion' }
        : context.paymasterValidUntil !== undefined
          ? { validUntil: context.paymasterValidUntil, source: 'job' }
          : undefined;

  const computed =
    paymasterData.state === 'decoded' && cutChars === undefined
      ? computeHash(fields, callData, paymasterOf)
      : undefined;
  const hash = computed
    ? { value: computed, source: 'computed' as const }
    : context.userOpHash
      ? { value: context.userOpHash, source: 'job' as const }
      : undefined;

  return {
    sender,
    nonce,
    jobUuid: nonceUuid(nonce),
    paymaster,
    paymasterOf,
    gas,
    paymasterData,
    ...(validity && { validity }),
    ...(hash && { hash }),
    ...(callData && { callData }),
    signature: asString(fields.signature),
    ...(cutChars !== undefined && { cutChars }),
  };
}

/** Decodes an intent's callData with `decodeIntentCallData`; a failure says what is wrong. */
export function decodeCallData(callData: string): DecodedCallData {
  if (isRedacted(callData)) return { ok: false, reason: 'the log cut it, so it cannot be decoded' };
  try {
    return { ok: true, call: decodeIntentCallData(callData as Hex) };
  } catch (error) {
    const reason =
      error instanceof BaseError ? (error.details ?? error.shortMessage) : 'it does not decode as an intent';
    return { ok: false, reason };
  }
}

/** The environments whose paymaster `paymaster` is (`local` and `sandbox` share one); empty when none. */
export function paymasterEnvironments(paymaster: string | undefined): OktoEnvironment[] {
  if (!paymaster) return [];
  return OKTO_ENVIRONMENTS.filter(
    (env) => environments[env].paymaster.toLowerCase() === paymaster.toLowerCase(),
  );
}

/** Where `nowMs` falls in a paymasterData's validity window, and how long is left (negative: ago). */
export function validityAt(
  { validUntil, validAfter = 0 }: Pick<PaymasterValidity, 'validUntil' | 'validAfter'>,
  nowMs: number,
): { state: 'valid' | 'expired' | 'not yet valid'; msLeft: number } {
  const msLeft = validUntil * 1000 - nowMs;
  if (validAfter * 1000 > nowMs) return { state: 'not yet valid', msLeft };
  return { state: msLeft > 0 ? 'valid' : 'expired', msLeft };
}

function readPaymasterData(text: string | undefined): DecodedPaymasterData {
  if (text === undefined || text === '') return { state: 'missing' };
  if (isRedacted(text)) return { state: 'redacted', shown: text };
  try {
    const { clientSWA, validUntil, validAfter } = decodePaymasterData(text as Hex);
    return { state: 'decoded', clientSWA, validUntil, validAfter };
  } catch {
    return { state: 'invalid', shown: text.length > 20 ? `${text.slice(0, 20)}…` : text };
  }
}

function computeHash(
  fields: Record<string, unknown>,
  callData: DecodedCallData | undefined,
  paymasterOf: OktoEnvironment[],
): string | undefined {
  const environment = callData?.ok ? callData.call.environment : paymasterOf[0];
  if (!environment) return undefined;
  try {
    const { entryPoint, chainId } = environments[environment];
    return userOpHash(validateUserOp(fields), { entryPoint, chainId });
  } catch {
    return undefined;
  }
}

function quantity(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !/^(?:0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) return undefined;
  return BigInt(value);
}
