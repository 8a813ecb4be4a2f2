import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CompanionEnv, loadCompanionConfig } from '../../src/companion/config.ts';
import { type CompanionRateLimits, DEFAULT_RATE_LIMITS } from '../../src/companion/rateLimit.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';

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

async function start(p: { env?: CompanionEnv; limits?: CompanionRateLimits; clock?: () => number } = {}) {
  const lines: string[] = [];
  const companion = await startCompanion({
    config: loadCompanionConfig({ ...baseEnv, ...p.env }),
    port: 0,
    limits: p.limits,
    clock: p.clock,
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
      limits: { ...DEFAULT_RATE_LIMITS, ip: { limit: 3, windowSeconds: 60 } },
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
      limits: { ...DEFAULT_RATE_LIMITS, ip: { limit: 1, windowSeconds: 60 } },
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

  test('the overall limit caps signatures across every client', async () => {
    const { companion } = await start({
      env: { COMPANION_TRUST_PROXY: '1' },
      limits: { ...DEFAULT_RATE_LIMITS, overall: { limit: 3, windowSeconds: 60 } },
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
    const limits = { ...DEFAULT_RATE_LIMITS, ip: { limit: 2, windowSeconds: 60 }, overall: open };
    const a = (await start({ env, limits })).companion;
    const b = (await start({ env, limits })).companion;
    expect((await post(a, '/v1/otp/email/send', { email: 'r1@example.com' })).status).toBe(200);
    expect((await post(b, '/v1/otp/email/send', { email: 'r2@example.com' })).status).toBe(200);
    await expectRateLimited(await post(a, '/v1/otp/email/send', { email: 'r3@example.com' }), { atMost: 60 });
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
