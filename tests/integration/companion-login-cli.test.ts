import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';

// `npm run companion` with the login variables of okto-social-login.md §2: a malformed one, or a method
// listed without its variables, stops it before it listens, exit code 2, naming the variable.

const cli = fileURLToPath(new URL('../../src/cli/companion.ts', import.meta.url));
const sandbox = {
  OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'sandbox',
};

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], {
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
  return {
    child,
    exited: once(child, 'exit').then(([code]) => code as number | null),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

test.each([
  ['an unknown method', { COMPANION_LOGIN_METHODS: 'email,x' }, /COMPANION_LOGIN_METHODS lists "x"/],
  [
    'google listed without its client',
    { COMPANION_LOGIN_METHODS: 'email,google' },
    /COMPANION_GOOGLE_CLIENT_ID is missing: COMPANION_LOGIN_METHODS lists google/,
  ],
  [
    'Apple without a public URL',
    { COMPANION_APPLE_CLIENT_ID: 'com.example.web' },
    /COMPANION_PUBLIC_URL is missing/,
  ],
  [
    'a plaintext authorize URL',
    { COMPANION_GOOGLE_CLIENT_ID: 'g', COMPANION_GOOGLE_AUTHORIZE_URL: 'http://accounts.example/auth' },
    /COMPANION_GOOGLE_AUTHORIZE_URL is "http:\/\/accounts.example\/auth"/,
  ],
  [
    'half of client_jwt',
    { COMPANION_CLIENT_JWT_LOGIN_URL: 'https://app.example/l' },
    /COMPANION_CLIENT_JWT_LABEL is missing/,
  ],
  [
    'a malformed X secret',
    { COMPANION_TWITTER_CLIENT_ID: 'x', COMPANION_TWITTER_CLIENT_SECRET: 'my secret' },
    /COMPANION_TWITTER_CLIENT_SECRET is malformed/,
  ],
])('refuses to start with %s, naming the variable, exit code 2', async (_, override, message) => {
  const companion = run({ ...sandbox, ...override });
  expect(await companion.exited).toBe(2);
  expect(companion.stderr()).toMatch(message);
  expect(companion.stderr()).not.toContain('my secret');
  expect(companion.stdout()).toBe('');
});

test('starts with every method configured for sandbox, and serves them in /v1/config', async () => {
  const companion = run({
    ...sandbox,
    COMPANION_ALLOWED_ORIGINS: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    COMPANION_GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com',
    COMPANION_APPLE_CLIENT_ID: 'com.example.wallet.web',
    COMPANION_PUBLIC_URL: 'https://companion.example.com',
    COMPANION_TWITTER_CLIENT_ID: 'Y2xpZW50LWlk',
    COMPANION_TWITTER_CLIENT_SECRET: 'web-app-secret',
    COMPANION_CLIENT_JWT_LOGIN_URL: 'https://app.example.com/okto/extension-login',
    COMPANION_CLIENT_JWT_LABEL: 'Example',
  });
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(companion.stdout())?.[1];
  }
  expect(url, companion.stderr()).toBeDefined();
  const text = await (await fetch(`${url}/v1/config`)).text();
  const { login } = JSON.parse(text);
  expect(Object.keys(login)).toEqual(['otp', 'google', 'apple', 'twitter', 'clientJwt']);
  expect(login.apple.relayUrl).toBe('https://companion.example.com/v1/oauth/apple/callback');
  expect(text).not.toContain('web-app-secret');
  companion.child.kill('SIGTERM');
  expect(await companion.exited).toBe(0);
  expect(companion.stdout()).not.toContain('web-app-secret');
});
