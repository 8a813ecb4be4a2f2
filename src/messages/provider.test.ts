import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DAPP_TOKEN_TTL_SECONDS,
  isProviderEventFor,
  MAX_DAPP_TOKEN_TTL_SECONDS,
  PageRequestSchema,
  ProviderEventSchema,
  REQUEST_CHANNEL,
  RequestAuthTokenParamsSchema,
  readPageRequest,
} from './provider.ts';

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

/** What pages may post: good requests and every kind of bad one. */
const corpus: unknown[] = [
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: 'a1', method: 'okto_requestAuthToken', params: [{ ttlSeconds: 60 }] },
  { channel: REQUEST_CHANNEL, id: 'x', method: 'eth_chainId', params: {} },
  { channel: REQUEST_CHANNEL, id: 'x', method: 'eth_chainId', extra: 'dropped' },
  null,
  undefined,
  42,
  'okto:request',
  [],
  {},
  { channel: 'other', id: 1, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: '', method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: 'x'.repeat(65), method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: 1.5, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: Number.NaN, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: {}, method: 'eth_accounts' },
  { channel: REQUEST_CHANNEL, id: 1 },
  { channel: REQUEST_CHANNEL, id: 1, method: '' },
  { channel: REQUEST_CHANNEL, id: 1, method: 7 },
  { channel: REQUEST_CHANNEL, id: 1, method: 'm'.repeat(65) },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth accounts' },
  { channel: REQUEST_CHANNEL, id: 1, method: '__proto__' },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: 'x' },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: null },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: new Date() },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: new Map() },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: ['x'.repeat(9000)] },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: [10n] },
  { channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: cyclic },
];

describe('page requests', () => {
  it('are accepted by the bridge exactly when the worker-side schema accepts them', () => {
    corpus.forEach((input, index) => {
      expect(readPageRequest(input).ok, `corpus[${index}]`).toBe(
        v.safeParse(PageRequestSchema, input).success,
      );
    });
  });

  it('keep only channel, id, method and params, so nothing else the page adds travels on', () => {
    const read = readPageRequest({
      channel: REQUEST_CHANNEL,
      id: 3,
      method: 'eth_accounts',
      origin: 'https://x',
    });
    expect(read).toEqual({ ok: true, request: { channel: REQUEST_CHANNEL, id: 3, method: 'eth_accounts' } });
  });

  it('say what is wrong, for the error the page gets', () => {
    expect(readPageRequest({ channel: REQUEST_CHANNEL, id: 1, method: 'eth_accounts', params: 'x' })).toEqual(
      {
        ok: false,
        issue: 'params must be an array or an object',
      },
    );
  });
});

describe('events', () => {
  const event = { type: 'provider/event', origin: 'https://a.example', event: 'accountsChanged', data: [] };
  it('reach only the origin they are addressed to', () => {
    expect(isProviderEventFor(event, 'https://a.example')).toBe(true);
    expect(isProviderEventFor(event, 'https://b.example')).toBe(false);
  });
  it('are checked as the schema checks them', () => {
    for (const input of [
      event,
      { ...event, event: 'other' },
      { ...event, extra: 1 },
      { ...event, type: 'x' },
      null,
    ])
      expect(isProviderEventFor(input, 'https://a.example')).toBe(
        v.safeParse(ProviderEventSchema, input).success,
      );
  });
});

describe('okto_requestAuthToken params', () => {
  it('allow no params, [] or a whole number of seconds from 1', () => {
    for (const ok of [
      undefined,
      [],
      [{}],
      [{ ttlSeconds: 1 }],
      [{ ttlSeconds: 900 }],
      [{ ttlSeconds: 5400 }],
    ])
      expect(v.safeParse(RequestAuthTokenParamsSchema, ok).success).toBe(true);
    for (const bad of [[{ ttlSeconds: 0 }], [{ ttlSeconds: 1.5 }], [{ ttl: 5 }], {}, [1]])
      expect(v.safeParse(RequestAuthTokenParamsSchema, bad).success).toBe(false);
  });

  it('clamp a lifetime above 15 minutes to 15 minutes (F1: Okto cannot revoke a token)', () => {
    expect(MAX_DAPP_TOKEN_TTL_SECONDS).toBe(900);
    expect(DEFAULT_DAPP_TOKEN_TTL_SECONDS).toBe(300);
    expect(v.parse(RequestAuthTokenParamsSchema, [{ ttlSeconds: 5400 }])).toEqual([{ ttlSeconds: 900 }]);
    expect(v.parse(RequestAuthTokenParamsSchema, [{ ttlSeconds: 600 }])).toEqual([{ ttlSeconds: 600 }]);
  });
});
