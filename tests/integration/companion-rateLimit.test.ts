import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CompanionEnv, loadCompanionConfig } from '../../src/companion/config.ts';
import { type CompanionRateLimits, DEFAULT_RATE_LIMITS } from '../../src/companion/rateLimit.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { fakeIdToken } from './companionFixtures.ts';

// Rate limits against OTP pumping, over real HTTP: in memory for one process, and in a real
// redis-server (started here on a free loopback port) shared by two replicas.

const baseEnv: CompanionEnv = {
  OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'local',
  OKTO_BASE_URL: 'http://127.0.0.1:9',
};
const open = { limit: 1_000_000, windowSeconds: 60 };

const running: RunningCompanion[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((companion) => companion.close()));
});

async function start(
  p: { env?: CompanionEnv; limits?: CompanionRateLimits; clock?: () => number; memoryMaxKeys?: number } = {},
) {
  const lines: string[] = [];
  const companion = await startCompanion({
    config: loadCompanionConfig({ ...baseEnv, ...p.env }),
    port: 0,
    limits: p.limits,
    clock: p.clock,
    memoryMaxKeys: p.memoryMaxKeys,
    log: (line) => lines.push(line),
  });
  running.push(companion);
  return { companion, lines };
}

function post(
  companion: RunningCompanion,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${companion.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function expectRateLimited(response: Response, { atMost }: { atMost: number }) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(atMost);
  const { error } = await response.json();
  expect(error).toMatchObject({ code: 'rate_limited', retryAfter });
  expect(error.message).toMatch(/Wait \d+ seconds/);
}

const token = 'c67931f6-a8b1-511c-91d5-9fc88231d541';
const from = (ip: string) => ({ 'X-Forwarded-For': ip });
const sessionBody = (idToken = fakeIdToken()) => ({
  sessionPk: createSessionKey().publicKey,
  nonce: crypto.randomUUID(),
  authData: { idToken, provider: 'okto' },
});

describe('in memory', () => {
  test('one address gets at most 5 sends and resends per 10 minutes, whatever its case', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { companion } = await start({ clock: () => now });
    const sends = [
      { email: 'pump@example.com' },
      { email: 'Pump@Example.com' },
      { email: 'pump@example.com', token },
      { email: 'PUMP@EXAMPLE.COM', token },
      { email: 'pump@example.com' },
    ];
    for (const body of sends) expect((await post(companion, '/v1/otp/email/send', body)).status).toBe(200);
    await expectRateLimited(
      await post(companion, '/v1/otp/email/send', { email: 'pump@example.com', token }),
      {
        atMost: 600,
      },
    );
    // Another address, and verifying for this one, are counted apart.
    expect((await post(companion, '/v1/otp/email/send', { email: 'other@example.com' })).status).toBe(200);
    const verify = { email: 'pump@example.com', token, otp: '123456' };
    expect((await post(companion, '/v1/otp/email/verify', verify)).status).toBe(200);
    // Ten minutes later the address may ask again.
    now += 600_000;
    expect((await post(companion, '/v1/otp/email/send', { email: 'pump@example.com' })).status).toBe(200);
  });

  test('one WhatsApp number gets at most 5 sends per 10 minutes', async () => {
    const { companion } = await start();
    const number = { whatsappNumber: '11987654321', countryShortName: 'BR' };
    for (let i = 0; i < 5; i++)
      expect((await post(companion, '/v1/otp/whatsapp/send', number)).status).toBe(200);
    await expectRateLimited(await post(companion, '/v1/otp/whatsapp/send', { ...number, token }), {
      atMost: 600,
    });
    const another = { whatsappNumber: '11987654322', countryShortName: 'BR' };
    expect((await post(companion, '/v1/otp/whatsapp/send', another)).status).toBe(200);
  });

  test('one client IP gets at most the per-IP limit over all signing routes; X-Forwarded-For is not trusted by default', async () => {
    const { companion } = await start({
      limits: {
        ...DEFAULT_RATE_LIMITS,
        ip: { ...DEFAULT_RATE_LIMITS.ip, address: { limit: 3, windowSeconds: 60 } },
      },
    });
    for (let i = 0; i < 3; i++)
      expect((await post(companion, '/v1/otp/email/send', { email: `ip${i}@example.com` })).status).toBe(200);
    const spoofed = { 'X-Forwarded-For': '198.51.100.1' };
    await expectRateLimited(
      await post(companion, '/v1/otp/email/send', { email: 'ip9@example.com' }, spoofed),
      {
        atMost: 60,
      },
    );
    // Junk counts too: the limit applies before the body is read.
    await expectRateLimited(await post(companion, '/v1/session', {}), { atMost: 60 });
    // Routes that sign nothing stay open.
    expect((await fetch(`${companion.url}/v1/config`)).status).toBe(200);
  });

  test('behind a trusted proxy, the address it appended is the client', async () => {
    const { companion } = await start({
      env: { COMPANION_TRUST_PROXY: '1' },
      limits: {
        ...DEFAULT_RATE_LIMITS,
        ip: { ...DEFAULT_RATE_LIMITS.ip, address: { limit: 1, windowSeconds: 60 } },
      },
    });
    const from = (ip: string) => ({ 'X-Forwarded-For': `6.6.6.6, ${ip}` });
    expect(
      (await post(companion, '/v1/otp/email/send', { email: 'a@example.com' }, from('203.0.113.1'))).status,
    ).toBe(200);
    expect(
      (await post(companion, '/v1/otp/email/send', { email: 'b@example.com' }, from('203.0.113.2'))).status,
    ).toBe(200);
    expect(
      (await post(companion, '/v1/otp/email/send', { email: 'c@example.com' }, from('203.0.113.1'))).status,
    ).toBe(429);
  });

  test('the overall limit of sends caps signatures across every client', async () => {
    const { companion } = await start({
      env: { COMPANION_TRUST_PROXY: '1' },
      limits: {
        ...DEFAULT_RATE_LIMITS,
        overall: { ...DEFAULT_RATE_LIMITS.overall, send: { limit: 3, windowSeconds: 60 } },
      },
    });
    for (let i = 0; i < 3; i++) {
      const response = await post(
        companion,
        '/v1/otp/email/send',
        { email: `o${i}@example.com` },
        {
          'X-Forwarded-For': `203.0.113.${i}`,
        },
      );
      expect(response.status).toBe(200);
    }
    await expectRateLimited(
      await post(
        companion,
        '/v1/otp/email/send',
        { email: 'o9@example.com' },
        { 'X-Forwarded-For': '203.0.113.9' },
      ),
      { atMost: 60 },
    );
  });

  test('F2: a flood of fresh contacts never resets a counter: a full memory store refuses new keys with a 503', async () => {
    const { companion } = await start({
      env: { COMPANION_TRUST_PROXY: '1', COMPANION_LIMIT_SEND: '20/1m' },
      memoryMaxKeys: 30,
    });
    const victim = { email: 'victim@example.com' };
    for (let i = 0; i < 5; i++)
      expect((await post(companion, '/v1/otp/email/send', victim, from('198.51.100.1'))).status).toBe(200);
    await expectRateLimited(await post(companion, '/v1/otp/email/send', victim, from('198.51.100.1')), {
      atMost: 600,
    });

    // Every flood request comes from a fresh address for a fresh contact: two fresh keys each.
    const statuses: Record<number, number> = {};
    let full: Response | undefined;
    for (let i = 0; i < 100; i++) {
      const response = await post(
        companion,
        '/v1/otp/email/send',
        { email: `flood${i}@example.com` },
        from(`203.0.113.${i}`),
      );
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 503) full ??= response;
      else await response.body?.cancel();
    }
    expect(full).toBeDefined();
    const { error } = await (full as Response).json();
    expect(error.code).toBe('at_capacity');
    expect(error.message).toMatch(/signs nothing for new ones/);
    expect(Number((full as Response).headers.get('retry-after'))).toBeGreaterThan(0);
    // The overall ceiling held: the victim's 5 and the flood's together stay within 20 signatures.
    expect(5 + (statuses[200] ?? 0)).toBeLessThanOrEqual(20);
    // And the victim is still limited: nothing was evicted.
    await expectRateLimited(await post(companion, '/v1/otp/email/send', victim, from('198.51.100.1')), {
      atMost: 600,
    });
  });

  test('F3: floods of verifies or sessions cannot lock out sends: each route has its own ceiling', async () => {
    const { companion } = await start({
      env: { COMPANION_TRUST_PROXY: '1', COMPANION_LIMIT_VERIFY: '3/1m', COMPANION_LIMIT_SESSION: '3/1m' },
    });
    const verify = (i: number) =>
      post(
        companion,
        '/v1/otp/email/verify',
        { email: `v${i}@example.com`, token, otp: '123456' },
        from(`203.0.113.${i}`),
      );
    for (let i = 0; i < 3; i++) expect((await verify(i)).status).toBe(200);
    const verifyRefused = await verify(3);
    await expectRateLimited(verifyRefused.clone(), { atMost: 60 });
    expect((await verifyRefused.json()).error.message).toMatch(/to verify codes at the signing service/);

    const session = (i: number) => post(companion, '/v1/session', sessionBody(), from(`198.51.100.${i}`));
    for (let i = 0; i < 3; i++) expect((await session(i)).status).toBe(200);
    await expectRateLimited(await session(3), { atMost: 60 });

    // Sends have their own budget, untouched by both floods.
    for (let i = 0; i < 3; i++)
      expect(
        (await post(companion, '/v1/otp/email/send', { email: `s${i}@example.com` }, from(`192.0.2.${i}`)))
          .status,
      ).toBe(200);
  });

  test('F9: the spellings of one inbox share its 5 sends; the signed body keeps the address as entered', async () => {
    const { companion } = await start({ env: { COMPANION_TRUST_PROXY: '1' } });
    const spellings = [
      'victim@gmail.com',
      'victim+1@gmail.com',
      'v.ictim@gmail.com',
      'Victim+x@googlemail.com',
      'vic.tim+2@GMAIL.com',
    ];
    for (const [i, email] of spellings.entries()) {
      const response = await post(companion, '/v1/otp/email/send', { email }, from(`203.0.113.${i}`));
      expect(response.status).toBe(200);
      expect((await response.json()).data.email).toBe(email);
    }
    await expectRateLimited(
      await post(companion, '/v1/otp/email/send', { email: 'victim+3@gmail.com' }, from('203.0.113.9')),
      { atMost: 600 },
    );
    // Another mailbox of the same domain is counted apart.
    expect(
      (await post(companion, '/v1/otp/email/send', { email: 'other@gmail.com' }, from('203.0.113.10')))
        .status,
    ).toBe(200);
  });

  test('F10: IPv6 counts per /64, /56 and /48 at once, each with its own budget', async () => {
    const { companion } = await start({
      env: {
        COMPANION_TRUST_PROXY: '1',
        COMPANION_LIMIT_IP: '2/1m',
        COMPANION_LIMIT_IPV6_56: '3/1m',
        COMPANION_LIMIT_IPV6_48: '5/1m',
      },
    });
    let n = 0;
    const send = (ip: string) =>
      post(companion, '/v1/otp/email/send', { email: `n${n++}@example.com` }, from(ip));
    expect((await send('2001:db8:1:100::1')).status).toBe(200);
    expect((await send('2001:db8:1:100::2')).status).toBe(200);
    await expectRateLimited(await send('2001:db8:1:100::3'), { atMost: 60 }); // its /64 is spent
    await expectRateLimited(await send('2001:db8:1:1ff::1'), { atMost: 60 }); // another /64, same /56
    expect((await send('2001:db8:1:200::1')).status).toBe(200); // another /56, same /48
    await expectRateLimited(await send('2001:db8:1:300::1'), { atMost: 60 }); // the /48 is spent
    expect((await send('2001:db8:2::1')).status).toBe(200); // another /48
  });

  test('F10: 6to4, IPv4-mapped and Teredo addresses count as the IPv4 address they carry', async () => {
    const { companion } = await start({ env: { COMPANION_TRUST_PROXY: '1', COMPANION_LIMIT_IP: '2/1m' } });
    let n = 0;
    const send = (ip: string) =>
      post(companion, '/v1/otp/email/send', { email: `t${n++}@example.com` }, from(ip));
    expect((await send('203.0.113.7')).status).toBe(200);
    expect((await send('2002:cb00:7107::1')).status).toBe(200);
    await expectRateLimited(await send('2002:cb00:7107:ffff::9'), { atMost: 60 });
    await expectRateLimited(await send('::ffff:203.0.113.7'), { atMost: 60 });
    await expectRateLimited(await send('2001:0:4136:e378:8000:63bf:34ff:8ef8'), { atMost: 60 });
    await expectRateLimited(await send('64:ff9b::cb00:7107'), { atMost: 60 });
    expect((await send('203.0.113.8')).status).toBe(200);
  });

  test('F10: a client address that is not an address is refused, never pooled into one bucket', async () => {
    const { companion } = await start({ env: { COMPANION_TRUST_PROXY: '1' } });
    for (const forwarded of ['unknown', '_hidden', '203.0.113']) {
      const response = await post(
        companion,
        '/v1/otp/email/send',
        { email: 'x@example.com' },
        from(forwarded),
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('client_address_unknown');
    }
  });
});

/** A real redis-server on a free loopback port, for this file only. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    child.once('error', reject);
  });
  return child;
}

async function stopRedis(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('in Redis, shared by replicas', () => {
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let env: CompanionEnv;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    env = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  });

  afterAll(async () => {
    await stopRedis(redis);
  });

  // Each test counts from zero: every request here comes from 127.0.0.1.
  beforeEach(async () => {
    const client = new Redis(redisPort, '127.0.0.1');
    await client.flushall();
    client.disconnect();
  });

  test('two replicas share one count per contact, and Redis never holds the contact itself', async () => {
    const a = (await start({ env })).companion;
    const b = (await start({ env })).companion;
    expect(await (await fetch(`${a.url}/healthz`)).json()).toEqual({ status: 'ok', rateLimiter: 'redis' });
    const number = { whatsappNumber: '9876501234', countryShortName: 'IN' };
    for (const replica of [a, b, a, b, a])
      expect((await post(replica, '/v1/otp/whatsapp/send', number)).status).toBe(200);
    await expectRateLimited(await post(b, '/v1/otp/whatsapp/send', number), { atMost: 600 });
    await expectRateLimited(await post(a, '/v1/otp/whatsapp/send', { ...number, token }), { atMost: 600 });

    const client = new Redis(redisPort, '127.0.0.1');
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith(`okto-companion:${DEV_CLIENT_SWA.toLowerCase()}:`))).toBe(
        true,
      );
      expect(keys.join('\n')).not.toContain('9876501234');
      const contactKey = keys.find((key) => key.includes(':contact-send:'));
      expect(contactKey).toBeDefined();
      expect(await client.get(contactKey as string)).toBe('7');
      const ttl = await client.pttl(contactKey as string);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    } finally {
      client.disconnect();
    }
  });

  test('the per-IP and overall limits are shared too', async () => {
    const limits = {
      ...DEFAULT_RATE_LIMITS,
      ip: { ...DEFAULT_RATE_LIMITS.ip, address: { limit: 2, windowSeconds: 60 } },
      overall: { send: open, verify: open, session: open, paymaster: open },
    };
    const a = (await start({ env, limits })).companion;
    const b = (await start({ env, limits })).companion;
    expect((await post(a, '/v1/otp/email/send', { email: 'r1@example.com' })).status).toBe(200);
    expect((await post(b, '/v1/otp/email/send', { email: 'r2@example.com' })).status).toBe(200);
    await expectRateLimited(await post(a, '/v1/otp/email/send', { email: 'r3@example.com' }), { atMost: 60 });
  });

  test('F2: a request refused by its network or by the overall budget creates no per-contact key', async () => {
    const { companion } = await start({
      env: { ...env, COMPANION_TRUST_PROXY: '1', COMPANION_LIMIT_IP: '2/1m', COMPANION_LIMIT_SEND: '3/1m' },
    });
    const send = (email: string, ip: string) => post(companion, '/v1/otp/email/send', { email }, from(ip));
    expect((await send('c1@example.com', '203.0.113.1')).status).toBe(200);
    expect((await send('c2@example.com', '203.0.113.1')).status).toBe(200);
    await expectRateLimited(await send('c3@example.com', '203.0.113.1'), { atMost: 60 }); // its network
    expect((await send('c4@example.com', '203.0.113.2')).status).toBe(200);
    await expectRateLimited(await send('c5@example.com', '203.0.113.2'), { atMost: 60 }); // overall
    await expectRateLimited(await send('c6@example.com', '203.0.113.3'), { atMost: 60 }); // overall
    const client = new Redis(redisPort, '127.0.0.1');
    try {
      expect((await client.keys('*:contact-send:*')).length).toBe(3);
    } finally {
      client.disconnect();
    }
  });

  test('F4: replicas share the count of sessions per login', async () => {
    const a = (await start({ env })).companion;
    const b = (await start({ env })).companion;
    const idToken = fakeIdToken();
    expect((await post(a, '/v1/session', sessionBody(idToken))).status).toBe(200);
    expect((await post(b, '/v1/session', sessionBody(idToken))).status).toBe(200);
    const third = await post(a, '/v1/session', sessionBody(idToken));
    expect(third.status).toBe(409);
    expect((await third.json()).error.code).toBe('id_token_used');
    // The count lives as long as the token may register sessions (an hour after its iat), not forever.
    const client = new Redis(redisPort, '127.0.0.1');
    try {
      const [key] = await client.keys('*:session-token:*');
      expect(await client.get(key as string)).toBe('3');
      expect(await client.pttl(key as string)).toBeGreaterThan(3_500_000);
      expect(await client.pttl(key as string)).toBeLessThanOrEqual(3_600_000);
      expect(key).not.toContain(idToken.slice(0, 20));
    } finally {
      client.disconnect();
    }
  });

  test('with Redis gone the companion fails closed with a 503, stays up, and recovers when Redis is back', async () => {
    const { companion, lines } = await start({ env });
    expect((await post(companion, '/v1/otp/email/send', { email: 'before@example.com' })).status).toBe(200);
    await stopRedis(redis);
    redis = undefined;

    const started = performance.now();
    const response = await post(companion, '/v1/otp/email/send', { email: 'during@example.com' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const { error } = await response.json();
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/signs nothing/);
    expect((await fetch(`${companion.url}/healthz`)).status).toBe(200);

    redis = await startRedis(redisPort);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await post(companion, '/v1/otp/email/send', { email: 'after@example.com' })).status;
    }
    expect(status).toBe(200);
    const events = lines.map((line) => JSON.parse(line).event).filter(Boolean);
    expect(events).toContain('redis_lost');
    expect(events.lastIndexOf('redis_ready')).toBeGreaterThan(events.indexOf('redis_lost'));
  });

  test('a companion whose Redis is unreachable at start still starts, and refuses to sign', async () => {
    const { companion, lines } = await start({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    expect(lines.some((line) => JSON.parse(line).event === 'redis_unreachable')).toBe(true);
    expect((await post(companion, '/v1/otp/email/send', { email: 'x@example.com' })).status).toBe(503);
    expect((await fetch(`${companion.url}/healthz`)).status).toBe(200);
  });
});
