import type { ActivityEntry } from '../messages/devtools.ts';
import { asNumber, asObject, asString, isCutBody, previewStrings, urlParam, urlPath } from './loggedBody.ts';

// The Jobs view's model: the worker records a `job` entry every time a wallet job changes
// (approved → submitting → submitted → Okto's order statuses → done); grouped by the job's id, those
// entries are each job's timeline and its latest facts.

/** One `job` entry read back: the job as it was when the worker recorded the change. */
export type JobSnapshot = {
  entryId: number;
  /** Unix ms. */
  at: number;
  /** The wallet's job id (not Okto's). */
  id: string;
  /** `send`, `transaction` or `calls`. */
  kind?: string;
  title?: string;
  caip2Id?: string;
  /** The dApp that asked, if any. */
  origin?: string;
  intent?: string;
  /** The UserOp nonce's UUID. */
  nonce?: string;
  /** The signed UserOp's callData, once it is signed. */
  callData?: string;
  /** The log cut the entry's request (a very large batch): its length, and callData is unknown. */
  requestCutChars?: number;
  /** `approved`, `submitting`, `submitted` or `done`. */
  state: string;
  /** `APPROVED`, `SENDING`, then Okto's order status (`INITIATED`, `IN_PROGRESS`, `SUCCESSFUL`…). */
  status?: string;
  /** `pending`, `succeeded` or `failed`. */
  outcome?: string;
  /** What `/execute` answered, to poll `/orders` with. */
  oktoJobId?: string;
  userOpHash?: string;
  /** Unix seconds: the paymasterData is accepted until then. */
  paymasterValidUntil?: number;
  /** Target-chain transaction hashes. */
  transactionHashes: string[];
  reason?: string;
};

/** A change of a job's state or status, as its timeline shows it. */
export type JobStep = { at: number; state: string; status?: string; entryId: number };

/** A job as the log tells it: its latest facts and every change. */
export type JobHistory = Omit<JobSnapshot, 'entryId' | 'at'> & {
  /** Oldest first; an update that changed neither state nor status (a poll) adds no step. */
  steps: JobStep[];
  /** Every UserOp nonce (UUID) it had: a new one after Okto answered `Signature expired`. */
  nonces: string[];
  firstAt: number;
  lastAt: number;
  /** How many `job` entries it has, polls that changed nothing included. */
  updates: number;
};

/** Reads a `job` entry; `undefined` for any other entry, or one without a job id. */
export function parseJobEntry(entry: ActivityEntry): JobSnapshot | undefined {
  if (entry.kind !== 'job') return undefined;
  let request = asObject(entry.request) ?? {};
  let requestCutChars: number | undefined;
  if (isCutBody(entry.request)) {
    requestCutChars = asNumber(entry.request.chars);
    // The ids and the title come before callData, so they survive in the preview.
    const { callData: _cut, ...kept } = previewStrings(entry.request.preview ?? '');
    request = kept;
  }
  const response = asObject(entry.response) ?? {};
  const id = asString(request.id);
  if (!id) return undefined;
  const state = asString(response.state) ?? entry.method.replace(/^job\s+/, '');
  return {
    entryId: entry.id,
    at: entry.at,
    id,
    kind: asString(request.kind),
    title: asString(request.title),
    caip2Id: asString(request.caip2Id),
    origin: entry.origin,
    intent: asString(request.intent),
    nonce: asString(request.nonce),
    callData: asString(request.callData),
    ...(requestCutChars !== undefined && { requestCutChars }),
    state,
    status: asString(response.status),
    outcome: asString(response.outcome),
    oktoJobId: asString(response.oktoJobId),
    userOpHash: asString(response.userOpHash),
    paymasterValidUntil: asNumber(response.paymasterValidUntil),
    transactionHashes: Array.isArray(response.transactionHashes)
      ? response.transactionHashes.filter((h): h is string => typeof h === 'string')
      : [],
    reason: asString(response.reason),
  };
}

/**
 * The jobs of a log, newest first (by when the log first saw them). Later entries win field by field,
 * so a job keeps its callData and hash while its status moves on.
 */
export function groupJobs(entries: readonly ActivityEntry[]): JobHistory[] {
  const jobs = new Map<string, JobHistory>();
  for (const entry of entries) {
    if (entry.kind !== 'job') continue;
    const snapshot = parseJobEntry(entry);
    if (!snapshot) continue;
    const { entryId, at, ...facts } = snapshot;
    const step: JobStep = { at, state: facts.state, status: facts.status, entryId };
    const known = jobs.get(facts.id);
    if (!known) {
      jobs.set(facts.id, {
        ...facts,
        steps: [step],
        nonces: facts.nonce ? [facts.nonce] : [],
        firstAt: at,
        lastAt: at,
        updates: 1,
      });
      continue;
    }
    // A job whose hashes appeared keeps them, even if a later record had none to tell.
    const defined = Object.fromEntries(
      Object.entries(facts).filter(
        ([key, value]) =>
          value !== undefined && !(key === 'transactionHashes' && facts.transactionHashes.length === 0),
      ),
    ) as Partial<JobSnapshot>;
    Object.assign(known, defined);
    if (facts.nonce && !known.nonces.includes(facts.nonce)) known.nonces.push(facts.nonce);
    const last = known.steps.at(-1);
    if (!last || last.state !== step.state || last.status !== step.status) known.steps.push(step);
    known.lastAt = at;
    known.updates++;
  }
  return [...jobs.values()].sort((a, b) => b.firstAt - a.firstAt);
}

/**
 * A UserOp nonce in one form, lower-case `bytes32`, whether it is given as the job's UUID or as the
 * UserOp's `0x` + 64 hex; `undefined` for anything else.
 * @example nonceKey('3fa85f64-5717-4562-b3fc-2c963f66afa6') // '0x00…003fa85f6457174562b3fc2c963f66afa6'
 */
export function nonceKey(nonce: string | undefined): string | undefined {
  if (!nonce) return undefined;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nonce))
    return `0x${'0'.repeat(32)}${nonce.replaceAll('-', '').toLowerCase()}`;
  if (/^0x[0-9a-f]{64}$/i.test(nonce)) return nonce.toLowerCase();
  return undefined;
}

/** The UUID of a UUID nonce (`0x` + 32 zero hex + 32 hex), or `undefined` for any other value. */
export function nonceUuid(nonce: string | undefined): string | undefined {
  const key = nonceKey(nonce);
  if (!key?.startsWith(`0x${'0'.repeat(32)}`)) return undefined;
  const hex = key.slice(34);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The job that had this UserOp nonce (UUID or `bytes32`). */
export function jobOfNonce(jobs: readonly JobHistory[], nonce: string | undefined): JobHistory | undefined {
  const key = nonceKey(nonce);
  if (!key) return undefined;
  return jobs.find((job) => job.nonces.some((n) => nonceKey(n) === key));
}

/** The job that Okto knows by `oktoJobId` (what `/execute` answered, the `intent_id` of `/orders`). */
export function jobOfOktoId(
  jobs: readonly JobHistory[],
  oktoJobId: string | undefined,
): JobHistory | undefined {
  if (!oktoJobId) return undefined;
  const id = oktoJobId.toLowerCase();
  return jobs.find(
    (job) => job.oktoJobId?.toLowerCase() === id || job.nonces.some((n) => n.toLowerCase() === id),
  );
}

/**
 * The worker's requests that belong to a job: `/v1/paymaster` and `/execute` for one of its nonces,
 * and the `/orders` polls for its Okto job id. Oldest first.
 */
export function relatedEntries(entries: readonly ActivityEntry[], job: JobHistory): ActivityEntry[] {
  const nonces = new Set(job.nonces.map(nonceKey).filter((n): n is string => n !== undefined));
  const ids = new Set([...job.nonces, ...(job.oktoJobId ? [job.oktoJobId] : [])].map((n) => n.toLowerCase()));
  return entries.filter((entry) => {
    if (entry.kind !== 'okto' && entry.kind !== 'companion') return false;
    const path = urlPath(entry.url);
    if (path.endsWith('/v1/paymaster') || path.endsWith('/api/oc/v1/execute')) {
      const body = asObject(entry.request);
      const nonce =
        asString(body?.nonce) ??
        (isCutBody(entry.request) ? previewStrings(entry.request.preview ?? '').nonce : undefined);
      const key = nonceKey(nonce);
      return key !== undefined && nonces.has(key);
    }
    if (path.endsWith('/api/oc/v1/orders')) {
      const intentId = urlParam(entry.url, 'intent_id');
      return intentId !== undefined && ids.has(intentId.toLowerCase());
    }
    return false;
  });
}
