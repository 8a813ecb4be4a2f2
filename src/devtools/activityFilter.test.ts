import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../messages/devtools.ts';
import { ACTIVITY_KINDS, entryOutcome, entryTarget, filterEntries, isFailure } from './activityFilter.ts';

const entries: ActivityEntry[] = [
  {
    id: 1,
    at: 0,
    kind: 'okto',
    method: 'POST',
    url: 'http://127.0.0.1:8790/api/oc/v1/authenticate/email',
    status: 200,
    durationMs: 12,
    traceId: 'trace-abc',
    request: { email: 'a•••@example.com' },
  },
  {
    id: 2,
    at: 1,
    kind: 'companion',
    method: 'POST',
    url: 'http://127.0.0.1:8791/v1/session',
    status: 503,
    durationMs: 3,
    error: { message: 'The signing service is down', code: 'companion_unreachable' },
  },
  {
    id: 3,
    at: 2,
    kind: 'provider',
    method: 'eth_chainId',
    origin: 'https://app.test',
    tabId: 4,
    durationMs: 1,
    response: '0x1',
  },
  {
    id: 4,
    at: 3,
    kind: 'job',
    method: 'job done',
    durationMs: 0,
    request: {
      id: 'job-1',
      title: 'Send 0.000001 ETH to 0x88be…3eF2',
      nonce: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    },
    response: { state: 'done', status: 'FAILED_ON_CHAIN', outcome: 'failed', reason: 'execution reverted' },
  },
];
const all = new Set(ACTIVITY_KINDS);

describe('filterEntries', () => {
  it('keeps everything with no text and every kind', () => {
    expect(filterEntries(entries, { text: '', kinds: all })).toHaveLength(4);
  });

  it('matches method, URL, origin, trace id, error and bodies, case-insensitively', () => {
    const ids = (text: string) => filterEntries(entries, { text, kinds: all }).map((e) => e.id);
    expect(ids('ETH_CHAIN')).toEqual([3]);
    expect(ids('/v1/session')).toEqual([2]);
    expect(ids('app.test')).toEqual([3]);
    expect(ids('trace-abc')).toEqual([1]);
    expect(ids('signing service')).toEqual([2]);
    expect(ids('example.com')).toEqual([1]);
    expect(ids('503')).toEqual([2]);
    expect(ids('reverted')).toEqual([4]);
  });

  it('keeps only the chosen kinds', () => {
    expect(filterEntries(entries, { text: '', kinds: new Set(['provider']) }).map((e) => e.id)).toEqual([3]);
    expect(filterEntries(entries, { text: '', kinds: new Set(['job']) }).map((e) => e.id)).toEqual([4]);
    expect(filterEntries(entries, { text: 'post', kinds: new Set(['companion']) }).map((e) => e.id)).toEqual([
      2,
    ]);
  });
});

describe('columns', () => {
  it('shows the path of HTTP calls, the origin of provider requests and the title of jobs', () => {
    expect(entries.map(entryTarget)).toEqual([
      '/api/oc/v1/authenticate/email',
      '/v1/session',
      'https://app.test',
      'Send 0.000001 ETH to 0x88be…3eF2',
    ]);
  });
  it("shows the status, that the call failed, or the job's status; a failed job is a failure", () => {
    expect(entries.map(entryOutcome)).toEqual(['200', '503 error', 'ok', 'FAILED_ON_CHAIN']);
    expect(entries.map(isFailure)).toEqual([false, true, false, true]);
  });
});
