import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { type CompanionEnv, loadCompanionConfig } from '../../src/companion/config.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';

// Slow and many clients against the real Node server, over raw sockets: a client that trickles its
// headers or its body is cut off at the configured timeout (5 s for headers, 10 s for the whole
// request), within a second; and connections beyond COMPANION_MAX_CONNECTIONS are closed on arrival.

const baseEnv: CompanionEnv = {
  OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'local',
  OKTO_BASE_URL: 'http://127.0.0.1:9',
};

const running: RunningCompanion[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((companion) => companion.close()));
});

async function start(env: CompanionEnv = {}) {
  const companion = await startCompanion({
    config: loadCompanionConfig({ ...baseEnv, ...env }),
    port: 0,
    log: () => {},
  });
  running.push(companion);
  return companion;
}

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Writes `first`, then `drip` every 500 ms, until the server closes; answers after how many ms. */
async function heldFor(port: number, first: string, drip: string): Promise<{ ms: number; answer: string }> {
  const socket = await open(port);
  const started = performance.now();
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
  });
  socket.write(first);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip);
  }, 500);
  // Whichever the server does first: end its side, or reset the connection.
  await Promise.race([once(socket, 'end'), once(socket, 'close')]);
  clearInterval(timer);
  return { ms: performance.now() - started, answer };
}

test('a client trickling its headers is cut off after 5 s, one trickling its body after 10 s', {
  timeout: 20_000,
}, async () => {
  const companion = await start();
  const [header, body] = await Promise.all([
    heldFor(companion.port, 'POST /v1/otp/email/send HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n'),
    heldFor(
      companion.port,
      'POST /v1/otp/email/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      ' ',
    ),
  ]);
  expect(header.ms).toBeGreaterThan(4_000);
  expect(header.ms).toBeLessThan(6_000);
  expect(body.ms).toBeGreaterThan(9_000);
  expect(body.ms).toBeLessThan(11_000);
  // Neither got a signature: Node answers 408 (or just closes).
  for (const { answer } of [header, body]) {
    expect(answer).not.toContain('client_signature');
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }
  // The companion still serves others.
  expect((await fetch(`${companion.url}/healthz`)).status).toBe(200);
});

test('connections beyond COMPANION_MAX_CONNECTIONS are closed on arrival; freed slots serve again', async () => {
  const companion = await start({ COMPANION_MAX_CONNECTIONS: '2' });
  const first = await open(companion.port);
  const second = await open(companion.port);
  // Let the server accept both before the third arrives.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const third = await open(companion.port);
  const started = performance.now();
  let thirdAnswer = '';
  third.on('data', (chunk: Buffer) => {
    thirdAnswer += chunk.toString();
  });
  third.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await Promise.race([once(third, 'end'), once(third, 'close')]);
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(thirdAnswer).toBe('');

  // The two accepted connections are served.
  let firstAnswer = '';
  first.on('data', (chunk: Buffer) => {
    firstAnswer += chunk.toString();
  });
  first.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await once(first, 'end');
  expect(firstAnswer).toMatch(/^HTTP\/1\.1 200/);

  // With a slot free again, a new client is served.
  second.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await fetch(`${companion.url}/healthz`, { headers: { Connection: 'close' } })).status).toBe(200);
});
