import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadCompanionConfig } from '../../src/companion/config.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { openLimits } from './companionFixtures.ts';
import { EXTENSION_ID, getManual, random43, redirectOf, xCode } from './identityFixtures.ts';

// What the companion remembers for the login methods lives in the rate-limit store, so with Redis it
// holds across replicas: an X token exchanged on one is accepted by another, and an Apple state relayed by
// one is refused by another.

let redis: ChildProcess;
let emulator: RunningEmulator;
let a: RunningCompanion;
let b: RunningCompanion;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  const port = await freePort();
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    redis.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  emulator = await startEmulator({ port: 0, chains: false, log: () => {} });
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: emulator.url,
    COMPANION_ALLOWED_ORIGINS: `chrome-extension://${EXTENSION_ID}`,
    COMPANION_PUBLIC_URL: 'http://127.0.0.1:8791',
    REDIS_URL: `redis://127.0.0.1:${port}`,
  });
  [a, b] = await Promise.all(
    [0, 1].map(() => startCompanion({ config, port: 0, limits: openLimits(), log: () => {} })),
  );
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), emulator?.close()]);
  if (redis && redis.exitCode === null) {
    const exited = once(redis, 'exit');
    redis.kill('SIGKILL');
    await exited;
  }
});

test('an X token exchanged on one replica registers a session on another', async () => {
  expect(a.rateLimiter).toBe('redis');
  const codeVerifier = random43();
  const code = await xCode(emulator.url, { verifier: codeVerifier });
  const exchanged = await fetch(`${a.url}/v1/oauth/twitter/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, codeVerifier, redirectUri: redirectOf('twitter') }),
  });
  const { accessToken } = await exchanged.json();
  const session = await fetch(`${b.url}/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      sessionPk: createSessionKey().publicKey,
      nonce: crypto.randomUUID(),
      authData: { idToken: accessToken, provider: 'twitter' },
    }),
  });
  expect(session.status).toBe(200);
});

test('an Apple state relayed by one replica is refused by another', async () => {
  const body = new URLSearchParams({ state: `${EXTENSION_ID}.${random43()}`, id_token: 'a.b.c' }).toString();
  const post = (base: string) =>
    getManual(`${base}/v1/oauth/apple/callback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
  expect((await post(a.url)).status).toBe(302);
  expect((await post(b.url)).status).toBe(400);
});
