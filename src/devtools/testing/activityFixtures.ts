import { type ActivityLog, createActivityLog } from '../../background/activityLog.ts';
import type { ActivityEntry } from '../../messages/devtools.ts';

// Activity entries for the panel's unit tests, recorded through the worker's real activity log (so
// they are redacted and capped as in the extension), in the shapes src/background/index.ts records.

export const EMULATOR = 'http://127.0.0.1:8790';
export const COMPANION = 'http://127.0.0.1:8791';

/** The fields of a wallet job that src/background/index.ts copies into each `job` entry. */
export type JobFields = {
  id: string;
  kind?: 'send' | 'transaction' | 'calls';
  title?: string;
  caip2Id?: string;
  origin?: string;
  intent?: string;
  nonce?: string;
  callData?: string;
  state: 'approved' | 'submitting' | 'submitted' | 'done';
  status: string;
  outcome?: 'pending' | 'succeeded' | 'failed';
  oktoJobId?: string;
  userOpHash?: string;
  paymasterValidUntil?: number;
  transactionHashes?: string[];
  reason?: string;
};

/** A log on a clock that moves 1 s per entry, from `start` (unix ms). */
export function testLog(start = 1_700_000_000_000): ActivityLog & { entries(): ActivityEntry[] } {
  let t = start;
  const log = createActivityLog({ now: () => (t += 1000) });
  return Object.assign(log, { entries: () => log.list() });
}

/** Records a job change as the worker does. */
export function recordJob(log: ActivityLog, job: JobFields): ActivityEntry {
  return log.record({
    kind: 'job',
    method: `job ${job.state}`,
    ...(job.origin ? { origin: job.origin } : {}),
    durationMs: 0,
    request: {
      id: job.id,
      kind: job.kind ?? 'send',
      title: job.title,
      caip2Id: job.caip2Id ?? 'eip155:84532',
      intent: job.intent ?? 'TOKEN_TRANSFER',
      nonce: job.nonce,
      callData: job.callData,
    },
    response: {
      state: job.state,
      status: job.status,
      outcome: job.outcome ?? 'pending',
      oktoJobId: job.oktoJobId,
      userOpHash: job.userOpHash,
      paymasterValidUntil: job.paymasterValidUntil,
      transactionHashes: job.transactionHashes ?? [],
      reason: job.reason,
    },
  });
}

/** Records an HTTP exchange with Okto (`okto`) or the companion, as the login flow reports it. */
export function recordExchange(
  log: ActivityLog,
  p: {
    service: 'okto' | 'companion';
    method: 'GET' | 'POST';
    url: string;
    request?: unknown;
    response?: unknown;
    status?: number;
  },
): ActivityEntry {
  return log.record({
    kind: p.service,
    method: p.method,
    url: p.url,
    status: p.status ?? 200,
    durationMs: 5,
    request: p.request,
    response: p.response,
  });
}

/** Records a dApp's provider request (the site connected, so its params are kept). */
export function recordProvider(
  log: ActivityLog,
  p: { method: string; params?: unknown; result?: unknown; origin?: string },
): ActivityEntry {
  return log.record({
    kind: 'provider',
    tabId: 1,
    frameId: 0,
    origin: p.origin ?? 'https://dapp.test',
    method: p.method,
    request: p.params,
    response: p.result,
    durationMs: 2,
  });
}
