import { hexToBytes, isHex } from 'viem';
import type { ActivityEntry } from '../messages/devtools.ts';
import type { OktoEnvironment } from '../okto/environments.ts';
import { isTerminalOrderStatus, type OrderOutcome, orderOutcome } from '../okto/orders.ts';
import {
  type DecodedCallData,
  type DecodedPaymasterData,
  type DecodedUserOp,
  decodeCallData,
  decodeUserOp,
  type PaymasterValidity,
  paymasterEnvironments,
} from './decodeUserOp.ts';
import {
  type JobHistory,
  type JobSnapshot,
  jobOfNonce,
  jobOfOktoId,
  nonceKey,
  nonceUuid,
  parseJobEntry,
} from './jobHistory.ts';
import {
  asNumber,
  asObject,
  asString,
  isCutBody,
  isRedacted,
  previewStrings,
  urlParam,
  urlPath,
} from './loggedBody.ts';

// What the request log's detail pane shows above the raw bodies: the entries a developer debugs a
// wallet with, decoded. The worker's `/execute` (a signed UserOp), `/signMessage` and `/orders` calls,
// the companion's `/v1/paymaster`, `job` entries, and the signing requests of dApps. Everything is
// read from the redacted log: where the log cut a value, the decoding says so instead of guessing.

/** A job as another entry refers to it. */
export type JobRef = { id: string; title?: string };

/** Typed data (EIP-712) read from JSON text or an object; `error` when it is neither. */
export type DecodedTypedData =
  | { ok: true; primaryType?: string; domain?: Record<string, unknown>; message?: unknown; types: string[] }
  | { ok: false; error: string };

export type DecodedSignMessage = {
  /** `EIP191` or `EIP712`. */
  method?: string;
  /** EIP191: the text as sent. */
  message?: string;
  /** EIP712: the typed data as sent. */
  typedData?: DecodedTypedData;
  userSWA?: string;
  jobId?: string;
  transactionId?: string;
  sessionPk?: string;
  /** The signature Okto answered. */
  signature?: string;
};

export type DecodedOrder = {
  intentId?: string;
  intentType?: string;
  status?: string;
  outcome?: OrderOutcome;
  terminal: boolean;
  reason?: string;
  /** The target chain, from the order's `details`. */
  caip2Id?: string;
  /** Target-chain hashes. */
  targetHashes: string[];
  /** Okto-chain hashes. */
  oktoChainHashes: string[];
  job?: JobRef;
};

export type DecodedPaymasterAnswer = {
  nonce?: string;
  jobUuid?: string;
  paymaster?: string;
  paymasterOf: OktoEnvironment[];
  validity?: PaymasterValidity;
  paymasterData: DecodedPaymasterData;
  job?: JobRef;
};

/** One call of `eth_sendTransaction` or `wallet_sendCalls`. */
export type DecodedTransaction = {
  from?: string;
  to?: string;
  /** Wei. */
  value?: bigint;
  data?: string;
  /** The first 4 bytes of `data`, when it has them. */
  selector?: string;
  gas?: bigint;
  chainId?: number;
};

/** A dApp's signing request, its params made readable. */
export type DecodedProviderSigning =
  | {
      kind: 'personalSign';
      address?: string;
      /** The text to sign (decoded from hex when it was UTF-8 hex). */
      message?: string;
      /** `text` as given, `utf8` decoded from 0x-hex, `hex` bytes that are not UTF-8 (Okto refuses them). */
      encoding: 'text' | 'utf8' | 'hex';
    }
  | { kind: 'typedData'; address?: string; typedData: DecodedTypedData }
  | { kind: 'transaction'; transaction: DecodedTransaction }
  | {
      kind: 'calls';
      version?: string;
      chainId?: number;
      from?: string;
      atomicRequired?: boolean;
      calls: DecodedTransaction[];
      /** The names of the capabilities asked for. */
      capabilities: string[];
    }
  /** The log has no params to read: the site was not connected, or they were too long and were cut. */
  | { kind: 'unavailable'; why: 'omitted' | 'cut' | 'malformed'; chars?: number; preview?: string };

export type DecodedEntry =
  | { type: 'userOp'; userOp: DecodedUserOp; oktoJobId?: string; job?: JobRef }
  | { type: 'signMessage'; signMessage: DecodedSignMessage }
  | { type: 'orders'; intentId?: string; orders: DecodedOrder[] }
  | { type: 'paymaster'; paymaster: DecodedPaymasterAnswer }
  | { type: 'job'; job: JobSnapshot; callData?: DecodedCallData }
  | { type: 'providerSigning'; method: string; signing: DecodedProviderSigning };

/** What the rest of the log says, for entries that refer to each other by nonce or job id. */
export type DecodeContext = {
  /** `groupJobs` of the log. */
  jobs: readonly JobHistory[];
  /** The whole log, oldest first. */
  entries: readonly ActivityEntry[];
};

/** The dApp methods whose params the panel decodes. */
export const SIGNING_METHODS = [
  'personal_sign',
  'eth_signTypedData_v4',
  'eth_sendTransaction',
  'wallet_sendCalls',
] as const;

/**
 * An entry decoded for the detail pane, or `undefined` for an entry the panel shows only raw.
 * @example decodeEntry(executeEntry, { jobs: groupJobs(entries), entries }) // { type: 'userOp', … }
 */
export function decodeEntry(entry: ActivityEntry, context: DecodeContext): DecodedEntry | undefined {
  if (entry.kind === 'job') {
    const job = parseJobEntry(entry);
    if (!job) return undefined;
    return { type: 'job', job, ...(job.callData && { callData: decodeCallData(job.callData) }) };
  }
  if (entry.kind === 'provider')
    return (SIGNING_METHODS as readonly string[]).includes(entry.method)
      ? { type: 'providerSigning', method: entry.method, signing: decodeProviderSigning(entry) }
      : undefined;
  const path = urlPath(entry.url);
  if (entry.kind === 'companion' && entry.method === 'POST' && path.endsWith('/v1/paymaster'))
    return { type: 'paymaster', paymaster: decodePaymasterAnswer(entry, context) };
  if (entry.kind !== 'okto') return undefined;
  if (entry.method === 'POST' && path.endsWith('/api/oc/v1/execute')) return decodeExecute(entry, context);
  if (entry.method === 'POST' && path.endsWith('/api/oc/v1/signMessage'))
    return { type: 'signMessage', signMessage: decodeSignMessage(entry) };
  if (entry.method === 'GET' && path.endsWith('/api/oc/v1/orders'))
    return { type: 'orders', ...decodeOrders(entry, context) };
  return undefined;
}

function decodeExecute(entry: ActivityEntry, context: DecodeContext): DecodedEntry | undefined {
  const body = entry.request;
  const nonce =
    asString(asObject(body)?.nonce) ??
    (isCutBody(body) ? previewStrings(body.preview ?? '').nonce : undefined);
  const job = jobOfNonce(context.jobs, nonce);
  const userOp = decodeUserOp(body, {
    userOpHash: job?.userOpHash,
    paymasterValidUntil: job?.paymasterValidUntil,
    companion: companionValidity(context.entries, nonce),
  });
  if (!userOp) return undefined;
  const oktoJobId = asString(asObject(asObject(entry.response)?.data)?.jobId);
  return { type: 'userOp', userOp, ...(oktoJobId && { oktoJobId }), ...(job && { job: refOf(job) }) };
}

/** The newest `/v1/paymaster` answer of the companion for this nonce: its validity, logged unredacted. */
function companionValidity(
  entries: readonly ActivityEntry[],
  nonce: string | undefined,
): { validUntil: number; validAfter?: number } | undefined {
  const key = nonceKey(nonce);
  if (!key) return undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as ActivityEntry;
    if (entry.kind !== 'companion' || !urlPath(entry.url).endsWith('/v1/paymaster')) continue;
    if (nonceKey(asString(asObject(entry.request)?.nonce)) !== key) continue;
    const response = asObject(entry.response);
    const validUntil = asNumber(response?.validUntil);
    if (validUntil === undefined) continue;
    const validAfter = asNumber(response?.validAfter);
    return { validUntil, ...(validAfter !== undefined && { validAfter }) };
  }
  return undefined;
}

function decodePaymasterAnswer(entry: ActivityEntry, context: DecodeContext): DecodedPaymasterAnswer {
  const nonce = asString(asObject(entry.request)?.nonce);
  const response = asObject(entry.response) ?? {};
  const paymaster = asString(response.paymaster);
  const validUntil = asNumber(response.validUntil);
  const validAfter = asNumber(response.validAfter);
  const data = asString(response.paymasterData);
  const job = jobOfNonce(context.jobs, nonce);
  return {
    nonce,
    jobUuid: nonceUuid(nonce),
    paymaster,
    paymasterOf: paymasterEnvironments(paymaster),
    ...(validUntil !== undefined && {
      validity: { validUntil, ...(validAfter !== undefined && { validAfter }), source: 'companion' as const },
    }),
    paymasterData:
      data === undefined || data === ''
        ? { state: 'missing' }
        : isRedacted(data)
          ? { state: 'redacted', shown: data }
          : { state: 'invalid', shown: data.slice(0, 20) },
    ...(job && { job: refOf(job) }),
  };
}

function decodeSignMessage(entry: ActivityEntry): DecodedSignMessage {
  const data = asObject(asObject(entry.request)?.data);
  const userData = asObject(data?.userData);
  const transaction = Array.isArray(data?.transactions) ? asObject(data.transactions[0]) : undefined;
  const method = asString(transaction?.method);
  const signingMessage = asString(transaction?.signingMessage);
  const answer = asObject(entry.response)?.data;
  const signature = Array.isArray(answer)
    ? asString(asObject(answer[0])?.signature)
    : asString(asObject(answer)?.signature);
  return {
    method,
    ...(method === 'EIP712' && signingMessage !== undefined
      ? { typedData: decodeTypedData(signingMessage) }
      : { message: signingMessage }),
    userSWA: asString(userData?.userSWA),
    jobId: asString(userData?.jobId),
    transactionId: asString(transaction?.transactionId),
    sessionPk: asString(userData?.sessionPk),
    ...(signature && { signature: signature.startsWith('0x') ? signature : `0x${signature}` }),
  };
}

function decodeOrders(
  entry: ActivityEntry,
  context: DecodeContext,
): { intentId?: string; orders: DecodedOrder[] } {
  const items = asObject(asObject(entry.response)?.data)?.items;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const orders = (Array.isArray(items) ? items : []).map((item): DecodedOrder => {
    const o = asObject(item) ?? {};
    const details = asObject(o.details) ?? {};
    const status = asString(o.status);
    const intentId = asString(o.intent_id);
    const job = jobOfOktoId(context.jobs, intentId);
    return {
      intentId,
      intentType: asString(o.intent_type),
      status,
      ...(status !== undefined && { outcome: orderOutcome(status) }),
      terminal: status !== undefined && isTerminalOrderStatus(status),
      reason: asString(o.reason) || undefined,
      caip2Id: asString(details.caip2Id) ?? asString(details.networkId),
      targetHashes: strings(o.downstream_transaction_hash),
      oktoChainHashes: strings(o.transaction_hash),
      ...(job && { job: refOf(job) }),
    };
  });
  const intentId = urlParam(entry.url, 'intent_id');
  return { ...(intentId && { intentId }), orders };
}

/** Reads EIP-712 typed data given as JSON text (as `/signMessage` and most dApps send it) or an object. */
export function decodeTypedData(value: unknown): DecodedTypedData {
  let data: unknown = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return { ok: false, error: 'not JSON' };
    }
  }
  const typed = asObject(data);
  if (!typed) return { ok: false, error: 'not a JSON object' };
  const types = asObject(typed.types);
  return {
    ok: true,
    primaryType: asString(typed.primaryType),
    domain: asObject(typed.domain),
    message: typed.message,
    types: types ? Object.keys(types) : [],
  };
}

/** A dApp's signing request, from the params the log kept. */
export function decodeProviderSigning(entry: ActivityEntry): DecodedProviderSigning {
  const params = entry.request;
  if (isCutBody(params))
    return { kind: 'unavailable', why: 'cut', chars: params.chars, preview: params.preview };
  const object = asObject(params);
  if (object && 'omitted' in object)
    return { kind: 'unavailable', why: 'omitted', chars: asNumber(object.chars) };
  if (!Array.isArray(params)) return { kind: 'unavailable', why: 'malformed' };
  switch (entry.method) {
    case 'personal_sign': {
      // Some dApps send [address, message]: the address is the one that looks like one.
      let [message, address] = params as unknown[];
      if (isAddressText(message) && !isAddressText(address)) [message, address] = [address, message];
      const text = asString(message);
      if (text === undefined || !/^0x(?:[0-9a-fA-F]{2})*$/.test(text))
        return { kind: 'personalSign', address: asString(address), message: text, encoding: 'text' };
      const utf8 = utf8Of(text);
      return utf8 === undefined
        ? { kind: 'personalSign', address: asString(address), message: text, encoding: 'hex' }
        : { kind: 'personalSign', address: asString(address), message: utf8, encoding: 'utf8' };
    }
    case 'eth_signTypedData_v4':
      return { kind: 'typedData', address: asString(params[0]), typedData: decodeTypedData(params[1]) };
    case 'eth_sendTransaction':
      return { kind: 'transaction', transaction: decodeTransaction(params[0]) };
    case 'wallet_sendCalls': {
      const request = asObject(params[0]) ?? {};
      const capabilities = asObject(request.capabilities);
      const atomicRequired = request.atomicRequired;
      return {
        kind: 'calls',
        version: asString(request.version),
        chainId: chainIdOf(request.chainId),
        from: asString(request.from),
        ...(typeof atomicRequired === 'boolean' && { atomicRequired }),
        calls: Array.isArray(request.calls) ? request.calls.map(decodeTransaction) : [],
        capabilities: capabilities ? Object.keys(capabilities) : [],
      };
    }
    default:
      return { kind: 'unavailable', why: 'malformed' };
  }
}

function decodeTransaction(value: unknown): DecodedTransaction {
  const tx = asObject(value) ?? {};
  const data = asString(tx.data) ?? asString(tx.input);
  const selector = data && /^0x[0-9a-fA-F]{8}/.test(data) ? data.slice(0, 10).toLowerCase() : undefined;
  const value_ = integer(tx.value);
  const gas = integer(tx.gas);
  const chainId = chainIdOf(tx.chainId);
  return {
    from: asString(tx.from),
    to: asString(tx.to),
    ...(value_ !== undefined && { value: value_ }),
    ...(data !== undefined && { data }),
    ...(selector && { selector }),
    ...(gas !== undefined && { gas }),
    ...(chainId !== undefined && { chainId }),
  };
}

function refOf(job: JobHistory): JobRef {
  return { id: job.id, ...(job.title && { title: job.title }) };
}

function isAddressText(value: unknown): boolean {
  return typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value);
}

function utf8Of(hex: string): string | undefined {
  if (!isHex(hex)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(hexToBytes(hex as `0x${string}`));
  } catch {
    return undefined;
  }
}

function integer(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^(?:0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) return BigInt(value);
  return undefined;
}

function chainIdOf(value: unknown): number | undefined {
  const id = integer(value);
  return id !== undefined && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : undefined;
}
