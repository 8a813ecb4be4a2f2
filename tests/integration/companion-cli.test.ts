import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';

// `npm run companion`: the process an operator runs. Configuration comes from the environment only.

const cli = fileURLToPath(new URL('../../src/cli/companion.ts', import.meta.url));
const goodEnv = {
  OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'local',
  OKTO_BASE_URL: 'http://127.0.0.1:8790',
};

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>) {
  // Node with tsx's loader, not `npx tsx`: signals then reach the companion itself.
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

test('--port 0 prints the URL of a free port, serves, logs a JSON line per request, and stops on SIGTERM', async () => {
  const companion = run(['--port', '0'], goodEnv);
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(companion.stdout())?.[1];
  }
  expect(url, companion.stderr()).toBeDefined();
  const response = await fetch(`${url}/v1/config`);
  expect(await response.json()).toMatchObject({ clientSWA: DEV_CLIENT_SWA, environment: 'local' });
  companion.child.kill('SIGTERM');
  expect(await companion.exited).toBe(0);
  const lines = companion.stdout().trim().split('\n');
  expect(lines[0]).toBe(url);
  expect(JSON.parse(lines[1] ?? '')).toMatchObject({ route: '/v1/config', method: 'GET', status: 200 });
  expect(companion.stdout()).not.toContain(DEV_CLIENT_PRIVATE_KEY.slice(2));
});

test.each([
  ['a missing OKTO_CLIENT_SWA', { OKTO_CLIENT_SWA: '' }, /OKTO_CLIENT_SWA is missing/],
  ['an unknown OKTO_ENVIRONMENT', { OKTO_ENVIRONMENT: 'prod' }, /OKTO_ENVIRONMENT is "prod"/],
  [
    'local without OKTO_BASE_URL',
    { OKTO_BASE_URL: '' },
    /OKTO_BASE_URL is missing: OKTO_ENVIRONMENT=local needs/,
  ],
  [
    'a key too long',
    { OKTO_CLIENT_PRIVATE_KEY: `${DEV_CLIENT_PRIVATE_KEY}ff` },
    /OKTO_CLIENT_PRIVATE_KEY is malformed/,
  ],
  ['a REDIS_URL without scheme', { REDIS_URL: 'localhost:6379' }, /REDIS_URL is not a Redis URL/],
  [
    'a budget without a window',
    { COMPANION_LIMIT_SEND: '60' },
    /COMPANION_LIMIT_SEND is "60": expected <count>\/<window>/,
  ],
  ['a connection cap of zero', { COMPANION_MAX_CONNECTIONS: '0' }, /COMPANION_MAX_CONNECTIONS is "0"/],
])('refuses to start with %s, naming the variable, exit code 2', async (_, override, message) => {
  const companion = run(['--port', '0'], { ...goodEnv, ...override });
  expect(await companion.exited).toBe(2);
  expect(companion.stderr()).toMatch(message);
  expect(companion.stderr()).not.toContain(DEV_CLIENT_PRIVATE_KEY.slice(2, 30));
  expect(companion.stdout()).toBe('');
});

test('refuses a port that is not a number', async () => {
  const companion = run(['--port', 'eighty'], goodEnv);
  expect(await companion.exited).toBe(2);
  expect(companion.stderr()).toMatch(/--port must be 0/);
});
