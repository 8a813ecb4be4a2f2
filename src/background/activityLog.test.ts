import { describe, expect, it } from 'vitest';
import { type ActivityStorage, createActivityLog } from './activityLog.ts';

function memoryStorage(): ActivityStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (key) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items) => {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
    },
  };
}

const okto = { kind: 'okto', method: 'POST', url: 'https://okto.test/x', durationMs: 3 } as const;

describe('activity log', () => {
  it('keeps only the newest `limit` entries', () => {
    const log = createActivityLog({ limit: 100 });
    for (let i = 0; i < 1_000; i++) log.record({ ...okto, status: i });
    const entries = log.list();
    expect(entries).toHaveLength(100);
    expect(entries[0]?.status).toBe(900);
    expect(entries.at(-1)?.status).toBe(999);
  });

  it('redacts codes, tokens and contacts when recording', () => {
    const log = createActivityLog();
    const entry = log.record({
      ...okto,
      request: { email: 'alice@example.com', otp: '123456', token: 'abcdefghijklmnop' },
      response: { whatsapp_number: '9876543210' },
    });
    expect(entry.request).toEqual({ email: 'a•••@example.com', otp: '••••••', token: 'abcdefgh…' });
    expect(entry.response).toEqual({ whatsapp_number: '••••••3210' });
  });

  it("redacts the X code exchange: the code and verifier removed, X's token cut", () => {
    const log = createActivityLog();
    const entry = log.record({
      ...okto,
      request: {
        code: 'x-code-123',
        codeVerifier: 'v'.repeat(43),
        redirectUri: 'https://a.chromiumapp.org/twitter',
      },
      response: { accessToken: 'QUJDREVGR0hJSktMTU5PUA', expiresIn: 7200 },
    });
    expect(entry.request).toEqual({
      code: '••••••',
      codeVerifier: '••••••',
      redirectUri: 'https://a.chromiumapp.org/twitter',
    });
    expect(entry.response).toEqual({ accessToken: 'QUJDREVG…', expiresIn: 7200 });
  });

  it("lists a tab's entries together with the worker-wide ones", () => {
    const log = createActivityLog();
    log.record(okto);
    log.record({
      kind: 'provider',
      method: 'eth_accounts',
      tabId: 7,
      origin: 'https://a.test',
      durationMs: 1,
    });
    log.record({
      kind: 'provider',
      method: 'eth_accounts',
      tabId: 8,
      origin: 'https://b.test',
      durationMs: 1,
    });
    expect(log.list({ tabId: 7 }).map((e) => e.tabId)).toEqual([undefined, 7]);
  });

  it('tells subscribers of new entries and of clears', () => {
    const log = createActivityLog();
    const seen: string[] = [];
    const unsubscribe = log.subscribe(
      (e) => seen.push(e.method),
      () => seen.push('cleared'),
    );
    log.record(okto);
    log.clear();
    unsubscribe();
    log.record(okto);
    expect(seen).toEqual(['POST', 'cleared']);
    expect(log.list()).toHaveLength(1);
  });

  it('survives a worker restart through its storage, with ids that keep increasing', async () => {
    const storage = memoryStorage();
    const first = createActivityLog({ storage, persistDelayMs: 0, persistLimit: 3 });
    await first.ready;
    for (let i = 0; i < 5; i++) first.record({ ...okto, status: i });
    await new Promise((resolve) => setTimeout(resolve, 10));

    const second = createActivityLog({ storage, persistDelayMs: 0 });
    const early = second.record({ ...okto, status: 99 });
    await second.ready;
    const entries = second.list();
    expect(entries.map((e) => e.status)).toEqual([2, 3, 4, 99]);
    expect(entries.map((e) => e.id)).toEqual([3, 4, 5, 6]);
    expect(early.id).toBe(1);
    expect(second.record(okto).id).toBe(7);
  });

  it('persists no more than its share of storage.session', async () => {
    const storage = memoryStorage();
    const log = createActivityLog({ storage, persistDelayMs: 0, persistMaxChars: 10_000 });
    for (let i = 0; i < 100; i++) log.record({ ...okto, response: { blob: 'x'.repeat(900) } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const saved = storage.data.get('activityLog') as { entries: { id: number }[] };
    expect(JSON.stringify(saved.entries).length).toBeLessThanOrEqual(10_000 + saved.entries.length);
    expect(saved.entries.length).toBeGreaterThan(5);
    expect(saved.entries.at(-1)?.id).toBe(100);
  });

  it('persists a clear', async () => {
    const storage = memoryStorage();
    const first = createActivityLog({ storage, persistDelayMs: 0 });
    first.record(okto);
    first.clear();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = createActivityLog({ storage });
    await second.ready;
    expect(second.list()).toEqual([]);
  });

  it('a flooding origin pushes out only its own entries, never Okto calls or other sites (F12)', () => {
    const log = createActivityLog({ limit: 1_000, perOriginLimit: 100 });
    const provider = (origin: string, n: number) =>
      ({ kind: 'provider', method: 'eth_chainId', origin, tabId: 1, durationMs: 0, request: { n } }) as const;
    log.record({ ...okto, status: 200 });
    log.record(provider('https://dapp.example', -1));
    for (let i = 0; i < 50_000; i++) log.record(provider('https://flood.example', i));
    const entries = log.list();
    expect(entries.filter((e) => e.kind === 'okto')).toHaveLength(1);
    expect(entries.filter((e) => e.origin === 'https://dapp.example')).toHaveLength(1);
    const flood = entries.filter((e) => e.origin === 'https://flood.example');
    expect(flood).toHaveLength(100);
    expect(flood.at(-1)?.request).toEqual({ n: 49_999 });
  });

  it('many flooding origins at once push out the biggest first, so a quiet site keeps its entries', () => {
    const log = createActivityLog({ limit: 500, perOriginLimit: 100 });
    for (let i = 0; i < 5; i++)
      log.record({
        kind: 'provider',
        method: 'eth_accounts',
        origin: 'https://quiet.example',
        durationMs: 0,
      });
    for (let i = 0; i < 20_000; i++)
      log.record({ kind: 'provider', method: 'x', origin: `https://f${i % 40}.example`, durationMs: 0 });
    const entries = log.list();
    expect(entries.length).toBeLessThanOrEqual(500);
    expect(entries.filter((e) => e.origin === 'https://quiet.example')).toHaveLength(5);
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => a - b));
  });

  it('cuts big params and answers to a short preview, so an entry costs at most about a kilobyte', () => {
    const log = createActivityLog({ maxFieldChars: 1_000 });
    const entry = log.record({
      kind: 'provider',
      origin: 'https://a.example',
      method: 'eth_call',
      durationMs: 0,
      request: { blob: 'x'.repeat(8_000) },
      response: 'ok',
    });
    expect(entry.request).toMatchObject({ truncated: true, chars: 8_011 });
    expect(JSON.stringify(entry.request).length).toBeLessThanOrEqual(1_000);
    expect(entry.response).toBe('ok');
  });

  it('persists other sites and Okto calls even while one origin floods', async () => {
    const storage = memoryStorage();
    const log = createActivityLog({ storage, persistDelayMs: 0, persistLimit: 100 });
    log.record(okto);
    for (let i = 0; i < 1_000; i++)
      log.record({ kind: 'provider', method: 'x', origin: 'https://flood.example', durationMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const saved = storage.data.get('activityLog') as { entries: { kind: string; origin?: string }[] };
    expect(saved.entries.filter((e) => e.kind === 'okto')).toHaveLength(1);
    expect(saved.entries.filter((e) => e.origin === 'https://flood.example')).toHaveLength(10);
  });
});
