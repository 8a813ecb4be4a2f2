import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../messages/devtools.ts';
import { ACTIVITY_KINDS, entryOutcome, entryTarget, filterEntries } from './activityFilter.ts';

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
];
const all = new Set(ACTIVITY_KINDS);

describe('filterEntries', () => {
  it('keeps everything with no text and every kind', () => {
    expect(filterEntries(entries, { text: '', kinds: all })).toHaveLength(3);
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
  });

  it('keeps only the chosen kinds', () => {
    expect(filterEntries(entries, { text: '', kinds: new Set(['provider']) }).map((e) => e.id)).toEqual([3]);
    expect(filterEntries(entries, { text: 'post', kinds: new Set(['companion']) }).map((e) => e.id)).toEqual([
      2,
    ]);
  });
});

describe('columns', () => {
  it('shows the path of HTTP calls and the origin of provider requests', () => {
    expect(entries.map(entryTarget)).toEqual([
      '/api/oc/v1/authenticate/email',
      '/v1/session',
      'https://app.test',
    ]);
  });
  it('shows the status, or that the call failed', () => {
    expect(entries.map(entryOutcome)).toEqual(['200', '503 error', 'ok']);
  });
});
