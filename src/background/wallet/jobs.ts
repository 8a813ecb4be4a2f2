import type { Address, Hex } from 'viem';
import type { JobView } from '../../messages/wallet.ts';
import { environments } from '../../okto/environments.ts';
import { OktoApiError } from '../../okto/errors.ts';
import { encodeIntentCallData, type IntentCall } from '../../okto/intents.ts';
import { nonceToBytes32 } from '../../okto/nonce.ts';
import { classifyOrder, nextOrderPollDelay, ORDER_POLL_TIMEOUT_MS } from '../../okto/orders.ts';
import { buildUserOp, type SignedUserOperation, signUserOp, userOpHash } from '../../okto/userOp.ts';
import { CompanionError } from '../companionClient.ts';
import { toUserError } from '../errors.ts';
import type { WalletSession } from '../loginFlow.ts';
import type { KeyValueStore } from '../store.ts';
import type { NetworkDirectory } from './networks.ts';

// Jobs: actions the user approved (a send from the popup, a dApp's transaction or batch), executed as
// Okto UserOps, each exactly once. A job is written to the store before anything is sent and after every
// step, so a worker stopped at any moment resumes it without sending it twice:
//
//   approved ──(paymasterData, sign)──► submitting ──(/execute answered)──► submitted ──(order terminal)──► done
//
// - The signed UserOp is stored before `/execute`. If no answer came (the worker stopped, the network
//   failed), the job asks Okto's orders for its nonce, and sends the very same UserOp again only if Okto
//   does not have it: the nonce is single use, so Okto executes it at most once ("nonce already used"
//   means the first one arrived).
// - Okto's only published `/execute` error, `Signature expired`, is a refusal: the job gets fresh
//   paymasterData and a new nonce, once.
// - Submitted jobs poll `/orders` (1, 2, 4, 8, then every 15 s, for 10 minutes), on timers while the
//   worker lives and on an alarm across restarts. After 10 minutes a job stays pending in the activity
//   list and is checked again when the list is shown.

const INDEX_KEY = 'wallet/jobIndex';
const JOB_PREFIX = 'wallet/job/';
/** Jobs kept, newest first; older ones are dropped from the store (Okto's orders keep the history). */
const MAX_JOBS = 200;
/** A job approved but not sent within this is not sent any more: the user approved it for now, not for later. */
export const APPROVAL_VALIDITY_MS = 10 * 60_000;

export type JobKind = JobView['kind'];

/** What starting a job needs. */
export type NewJob = {
  kind: JobKind;
  origin?: string;
  /** Identifies the dApp request that asked (its document and request id), so that a re-send finds this job. */
  requestKey?: string;
  caip2Id: string;
  call: IntentCall;
  title: string;
  /** EIP-5792: the batch id the site knows this job by (its own, or the job's id). */
  callsId?: string;
};

/** A job as the store holds it. */
export type JobRecord = NewJob & {
  id: string;
  userSWA: Address;
  networkLabel: string;
  state: 'approved' | 'submitting' | 'submitted' | 'done';
  /** The UserOp nonce's UUID; a new one only after `Signature expired`. */
  nonce: string;
  expiredRetries: number;
  signedUserOp?: SignedUserOperation;
  userOpHash?: Hex;
  /** Unix seconds: the paymasterData of `signedUserOp` is accepted until then. */
  paymasterValidUntil?: number;
  /** What `/execute` answered: the id to poll `/orders` with. */
  oktoJobId?: string;
  outcome: JobView['outcome'];
  status: string;
  transactionHashes: Hex[];
  reason?: string;
  createdAt: number;
  updatedAt: number;
  submittedAt?: number;
  pollAttempt: number;
  nextPollAt?: number;
};

/** The part of a job a page may see. */
export function toJobView(job: JobRecord): JobView {
  return {
    id: job.id,
    kind: job.kind,
    ...(job.origin ? { origin: job.origin } : {}),
    caip2Id: job.caip2Id,
    networkLabel: job.networkLabel,
    title: job.title,
    outcome: job.outcome,
    status: job.status,
    transactionHashes: job.transactionHashes,
    ...(job.reason ? { reason: job.reason } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

export type Jobs = {
  /** Records an approved job and starts it; answers the record as first stored. */
  start(input: NewJob): Promise<JobRecord>;
  /**
   * {@link start}, unless a job of the same `requestKey` exists: then that one. Two approvals of one
   * request (a re-send that joined it) therefore start one job.
   */
  startOnce(input: NewJob & { requestKey: string }): Promise<JobRecord>;
  /** The batch a site knows by `callsId` (EIP-5792), if it is that site's. */
  findByCallsId(origin: string, callsId: string): Promise<JobRecord | undefined>;
  get(id: string): Promise<JobRecord | undefined>;
  /** The job a dApp request started, if any (a bridge re-send after a worker restart). */
  findByRequestKey(requestKey: string): Promise<JobRecord | undefined>;
  /** Newest first. */
  list(): Promise<JobRecord[]>;
  /** Resolves with the job once `until` holds (checked at once and after every change). */
  waitFor(id: string, until: (job: JobRecord) => boolean): Promise<JobRecord>;
  /** Drives every unfinished job one step (worker start, the alarm, the activity list being shown). */
  resume(options?: { includeStale?: boolean }): Promise<void>;
  /** Whether a job still needs the worker (to schedule the alarm). */
  hasActive(): Promise<boolean>;
  subscribe(listener: (job: JobRecord) => void): () => void;
};

export type CreateJobsParameters = {
  store: KeyValueStore;
  session: () => Promise<WalletSession>;
  networks: NetworkDirectory;
  now?: () => number;
  /** Timers for the polls while the worker lives (tests pass their own). */
  setTimer?: (fn: () => void, ms: number) => unknown;
};

/** The worker's jobs. */
export function createJobs({
  store,
  session,
  networks,
  now = Date.now,
  setTimer = (fn, ms) => setTimeout(fn, ms),
}: CreateJobsParameters): Jobs {
  const listeners = new Set<(job: JobRecord) => void>();
  /** One driver per job at a time: a timer, the alarm and a re-send never run the same job at once. */
  const locks = new Map<string, Promise<unknown>>();
  const timers = new Set<string>();
  let indexQueue: Promise<unknown> = Promise.resolve();

  const readIndex = async () => (await store.get<string[]>(INDEX_KEY)) ?? [];
  const get = (id: string) => store.get<JobRecord>(JOB_PREFIX + id);

  /** Saves a job (and the index, for a new one) in one transaction, then tells listeners. */
  async function save(job: JobRecord, isNew = false): Promise<JobRecord> {
    if (isNew) {
      const write = indexQueue.then(async () => {
        const index = await readIndex();
        const kept = [job.id, ...index.filter((id) => id !== job.id)];
        const dropped = kept.slice(MAX_JOBS);
        await store.write([
          { key: JOB_PREFIX + job.id, value: job },
          { key: INDEX_KEY, value: kept.slice(0, MAX_JOBS) },
          ...dropped.map((id) => ({ key: JOB_PREFIX + id, delete: true as const })),
        ]);
      });
      indexQueue = write.catch(() => {});
      await write;
    } else await store.write([{ key: JOB_PREFIX + job.id, value: job }]);
    for (const listener of listeners) listener(job);
    return job;
  }

  const update = (job: JobRecord, patch: Partial<JobRecord>) => save({ ...job, ...patch, updatedAt: now() });

  function exclusive<result>(id: string, task: () => Promise<result>): Promise<result> {
    const run = (locks.get(id) ?? Promise.resolve()).then(task, task);
    const settled = run.catch(() => {});
    locks.set(id, settled);
    void settled.then(() => {
      if (locks.get(id) === settled) locks.delete(id);
    });
    return run;
  }

  function schedule(job: JobRecord, delayMs: number) {
    if (timers.has(job.id)) return;
    timers.add(job.id);
    setTimer(() => {
      timers.delete(job.id);
      void drive(job.id);
    }, delayMs);
  }

  const fail = (job: JobRecord, reason: string, status = 'NOT_SENT') =>
    update(job, { state: 'done', outcome: 'failed', status, reason });

  /** Moves a job one step on, under its lock; never throws. */
  function drive(id: string, options: { includeStale?: boolean } = {}): Promise<void> {
    return exclusive(id, async () => {
      const job = await get(id);
      if (!job || job.state === 'done') return;
      try {
        if (job.state === 'approved') await submit(job);
        else if (job.state === 'submitting') await recover(job);
        else await poll(job, options);
      } catch (error) {
        // A bug or a store failure: keep the job where it is and try again later.
        console.warn('job step failed', id, error);
        schedule(job, 15_000);
      }
    });
  }

  /** Builds, signs and sends the UserOp; nothing leaves the worker before the signed op is stored. */
  async function submit(job: JobRecord): Promise<void> {
    if (now() - job.createdAt > APPROVAL_VALIDITY_MS)
      return void (await fail(
        job,
        'It was approved more than 10 minutes ago and was never sent. Ask again.',
      ));
    let signed: SignedUserOperation;
    let validUntil: number;
    let s: WalletSession;
    try {
      s = await session();
      if (s.account.userSWA !== job.userSWA) throw new Error('another user is logged in');
      const network = await networks.byCaip2Id(job.caip2Id);
      if (!network) throw new Error(`the wallet has no account on ${job.caip2Id}`);
      const { environment, clientSWA, userSWA } = s.account;
      const callData = encodeIntentCallData({
        ...job.call,
        jobId: job.nonce,
        clientSWA,
        userSWA,
        policy: { gsnEnabled: network.gsnEnabled, sponsorshipEnabled: network.sponsored },
        environment,
      });
      const [gas, paymaster] = await Promise.all([
        s.authToken().then((t) => s.okto.getGasValues(t)),
        s
          .authToken()
          .then((t) => s.companion.getPaymasterData({ nonce: nonceToBytes32(job.nonce), authToken: t })),
      ]);
      const op = buildUserOp({
        sender: userSWA,
        nonce: job.nonce,
        callData,
        paymasterData: paymaster.paymasterData,
        gas,
        environment,
      });
      signed = await signUserOp(op, { signer: s.sign, environment });
      validUntil = paymaster.validUntil;
      const { entryPoint, chainId } = environments[environment];
      job = await update(job, {
        state: 'submitting',
        status: 'SENDING',
        reason: undefined,
        pollAttempt: 0,
        signedUserOp: signed,
        userOpHash: userOpHash(op, { entryPoint, chainId }),
        paymasterValidUntil: validUntil,
      });
    } catch (error) {
      // Nothing was sent. A passing failure (Okto or the companion unreachable or failing) is tried
      // again while the approval holds; anything else fails the job with the reason.
      if (isPassing(error) && now() - job.createdAt < APPROVAL_VALIDITY_MS) {
        const waited = await update(job, {
          status: 'WAITING_TO_SEND',
          reason: toUserError(error).message,
          pollAttempt: job.pollAttempt + 1,
        });
        schedule(waited, Math.min(30_000, 2000 * 2 ** Math.min(4, job.pollAttempt)));
        return;
      }
      return void (await fail(job, `It could not be prepared: ${toUserError(error).message}`));
    }
    await execute(job, s, signed);
  }

  /** Sends the stored signed UserOp and reads Okto's answer. */
  async function execute(job: JobRecord, s: WalletSession, signed: SignedUserOperation): Promise<void> {
    try {
      const { jobId } = await s.okto.execute(await s.authToken(), signed);
      await submitted(job, jobId);
    } catch (error) {
      await afterExecuteError(job, error);
    }
  }

  async function submitted(job: JobRecord, oktoJobId: string): Promise<void> {
    const at = now();
    const next = await update(job, {
      state: 'submitted',
      status: 'INITIATED',
      oktoJobId,
      submittedAt: job.submittedAt ?? at,
      pollAttempt: 0,
      nextPollAt: at + (nextOrderPollDelay({ attempt: 0, executedAt: at, now: at }) ?? 1000),
    });
    schedule(next, (next.nextPollAt ?? at) - at);
  }

  async function afterExecuteError(job: JobRecord, error: unknown): Promise<void> {
    const answered = error instanceof OktoApiError && error.kind !== 'network' && error.kind !== 'timeout';
    if (!answered || (error instanceof OktoApiError && (error.status ?? 0) >= 500)) {
      // No answer, or Okto failed: it may or may not have the op. Find out before anything else.
      schedule(job, 2000);
      return;
    }
    const details = String(error.details ?? '');
    if (/nonce already used/i.test(details)) return submitted(job, nonceUuid(job.nonce));
    if (error.errorCode === 'ER-TECH-0016' || /signature expired/i.test(details)) {
      if (job.expiredRetries >= 1)
        return void (await fail(
          job,
          'Okto refused it twice as expired. Check your computer clock and try again.',
          'REJECTED',
        ));
      // A refusal: nothing was executed, so a fresh nonce and paymasterData are safe.
      const retry = await update(job, {
        state: 'approved',
        nonce: crypto.randomUUID(),
        expiredRetries: job.expiredRetries + 1,
        createdAt: now(),
      });
      return submit(retry);
    }
    await fail(job, `Okto refused it: ${details || error.shortMessage}`, 'REJECTED');
  }

  /** After a lost answer: does Okto have the op? If not, and it is still valid, send the same op again. */
  async function recover(job: JobRecord): Promise<void> {
    const s = await session();
    const orders = await s.okto.getOrders(await s.authToken(), { intentId: nonceUuid(job.nonce) });
    const found = orders.items[0];
    if (found) return submitted(job, found.intentId);
    if (!job.signedUserOp || (job.paymasterValidUntil ?? 0) * 1000 <= now() + 5000)
      return void (await fail(job, 'Okto could not be reached, so nothing was sent. Try again.'));
    await execute(job, s, job.signedUserOp);
  }

  async function poll(job: JobRecord, options: { includeStale?: boolean }): Promise<void> {
    const executedAt = job.submittedAt ?? job.createdAt;
    if (now() - executedAt > ORDER_POLL_TIMEOUT_MS && !options.includeStale) return;
    if (job.nextPollAt !== undefined && job.nextPollAt > now() + 250 && !options.includeStale) {
      schedule(job, job.nextPollAt - now());
      return;
    }
    const s = await session();
    let next: Partial<JobRecord> = {};
    try {
      const orders = await s.okto.getOrders(await s.authToken(), { intentId: job.oktoJobId });
      const order = orders.items.find((o) => o.intentId === job.oktoJobId) ?? orders.items[0];
      if (order) {
        const state = classifyOrder(order);
        next = {
          status: state.status,
          outcome: state.outcome,
          transactionHashes: order.downstreamTransactionHash.filter((h): h is Hex =>
            /^0x[0-9a-fA-F]{64}$/.test(h),
          ),
          ...(state.outcome === 'failed' ? { reason: describeFailure(state.status, state.reason) } : {}),
          ...(state.terminal ? { state: 'done' as const } : {}),
        };
      }
    } catch {
      // A failed poll just waits for the next one.
    }
    const attempt = job.pollAttempt + 1;
    const delay = next.state === 'done' ? undefined : nextOrderPollDelay({ attempt, executedAt, now: now() });
    const saved = await update(job, {
      ...next,
      pollAttempt: attempt,
      ...(delay === undefined ? { nextPollAt: undefined } : { nextPollAt: now() + delay }),
    });
    if (delay !== undefined && saved.state !== 'done') schedule(saved, delay);
  }

  const self: Jobs = {
    async start(input) {
      const s = await session();
      const network = await networks.byCaip2Id(input.caip2Id);
      const at = now();
      const job = await save(
        {
          ...input,
          id: crypto.randomUUID(),
          userSWA: s.account.userSWA,
          networkLabel: network?.label ?? input.caip2Id,
          state: 'approved',
          nonce: crypto.randomUUID(),
          expiredRetries: 0,
          outcome: 'pending',
          status: 'APPROVED',
          transactionHashes: [],
          createdAt: at,
          updatedAt: at,
          pollAttempt: 0,
        },
        true,
      );
      void drive(job.id);
      return job;
    },
    startOnce(input) {
      return exclusive(`request:${input.requestKey}`, async () => {
        return (await self.findByRequestKey(input.requestKey)) ?? self.start(input);
      });
    },
    async findByCallsId(origin, callsId) {
      for (const id of await readIndex()) {
        const job = await get(id);
        if (job?.origin === origin && job.callsId === callsId) return job;
      }
      return undefined;
    },
    get,
    async findByRequestKey(requestKey) {
      for (const id of await readIndex()) {
        const job = await get(id);
        if (job?.requestKey === requestKey) return job;
      }
      return undefined;
    },
    async list() {
      const jobs = await Promise.all((await readIndex()).map(get));
      return jobs.filter((j): j is JobRecord => j !== undefined);
    },
    waitFor(id, until) {
      return new Promise((resolve, reject) => {
        const check = (job: JobRecord | undefined) => {
          if (!job) return false;
          if (!until(job)) return false;
          unsubscribe();
          resolve(job);
          return true;
        };
        const unsubscribe = self.subscribe((job) => {
          if (job.id === id) check(job);
        });
        get(id).then((job) => {
          if (!job) {
            unsubscribe();
            reject(new Error(`no job ${id}`));
          } else check(job);
        }, reject);
      });
    },
    async resume(options = {}) {
      const jobs = await self.list();
      await Promise.all(jobs.filter((j) => j.state !== 'done').map((j) => drive(j.id, options)));
    },
    async hasActive() {
      const jobs = await self.list();
      return jobs.some(
        (j) => j.state !== 'done' && now() - (j.submittedAt ?? j.createdAt) <= ORDER_POLL_TIMEOUT_MS,
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return self;
}

/** Whether a failure may pass by itself: no answer, or a server error, from Okto or the companion. */
function isPassing(error: unknown): boolean {
  if (error instanceof OktoApiError)
    return error.kind === 'network' || error.kind === 'timeout' || (error.status ?? 0) >= 500;
  if (error instanceof CompanionError)
    return error.status === 0 || error.status >= 500 || error.status === 429;
  return false;
}

/** `0x000…<32 hex>` → the UUID Okto's orders name the job by. */
function nonceUuid(nonce: string): string {
  if (/^[0-9a-f]{8}-/i.test(nonce)) return nonce.toLowerCase();
  const hex = nonce.slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An order's failure in words. */
export function describeFailure(status: string, reason: string): string {
  const why = reason ? ` (${reason})` : '';
  switch (status) {
    case 'FAILED_ON_CHAIN':
      return `The transaction failed on chain${why}: its changes were undone.`;
    case 'BUNDLER_DISCARDED':
      return `Okto's bundler dropped it${why}. Nothing was executed; try again.`;
    case 'EXPIRED':
      return `It expired before it was executed${why}. Try again.`;
    case 'REJECTED':
      return `Okto rejected it${why}.`;
    default:
      return `It failed${why}.`;
  }
}
