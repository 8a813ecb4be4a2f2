import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startDemoDapp } from '../demo/server.ts';
import { TEST_TOKEN } from '../emulator/chains/testToken.ts';
import { EXAMPLE_APP_LABEL } from '../emulator/identity/devClients.ts';
import { DEV_EXTENSION_ID } from '../extensionId.ts';
import { type LocalStack, startLocalStack } from './localStack.ts';

// `npm start`: the whole local product with no account and no network. It starts the Okto emulator
// (8790) with its local chains (one anvil per network, on free ports) and its Google, Apple, X and
// example-app stand-ins, the companion (8791) with the emulator's development clients (every login
// method on) and the demo dApp (8792), builds the extension for them, and opens
// Chromium with it loaded. Ctrl-C stops everything, the chains included.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = resolve(ROOT, 'dist/chrome');
const DIST_FIREFOX = resolve(ROOT, 'dist/firefox');
const PROFILE = resolve(ROOT, '.tmp/chromium-profile');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EMULATOR_PORT = 8790;
const COMPANION_PORT = 8791;
const DEMO_PORT = 8792;

const stopping: (() => Promise<unknown> | unknown)[] = [];
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    console.log('\nStopping…');
    for (const stop of stopping.reverse()) await Promise.resolve(stop()).catch(() => {});
  }
  process.exit(code);
}

function fail(message: string): Promise<never> {
  console.error(`\n${message}`);
  return shutdown(1);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      emulatorPort: EMULATOR_PORT,
      companionPort: COMPANION_PORT,
      chains: true,
      emulatorLog: (line) => console.log(line),
      companionLog: () => {},
    });
  } catch (error) {
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    return fail(
      inUse
        ? `Port ${EMULATOR_PORT} or ${COMPANION_PORT} is already in use: is another \`npm start\` running? Stop it and try again.`
        : `Could not start the local servers: ${(error as Error).message}`,
    );
  }
  stopping.push(() => stack.close());
  let demoUrl: string;
  try {
    const demo = await startDemoDapp({
      port: DEMO_PORT,
      emulatorUrl: stack.emulatorUrl,
      chains: () =>
        stack.chains().map((c) => ({ chainId: c.chainId, name: c.networkName, rpcUrl: c.rpcUrl })),
    });
    stopping.push(() => demo.close());
    demoUrl = demo.url;
  } catch (error) {
    return fail(
      (error as { code?: string }).code === 'EADDRINUSE'
        ? `Port ${DEMO_PORT} is already in use: is another \`npm start\` running? Stop it and try again.`
        : `Could not start the demo dApp: ${(error as Error).message}`,
    );
  }

  console.log('Building the extension…');
  try {
    // Both browsers, one after the other: each build reads OKTO_BROWSER when its config loads.
    for (const browser of ['chrome', 'firefox'] as const) {
      process.env.OKTO_BROWSER = browser;
      await build({ root: ROOT, logLevel: 'warn' });
    }
  } catch (error) {
    return fail(`The extension did not build: ${(error as Error).message}`);
  }

  const browser = launchChromium([stack.inboxUrl, demoUrl]);
  if (browser) stopping.push(() => browser.kill('SIGTERM'));

  console.log(`
Okto login is running on the local emulator (no account, no network needed).

  Okto emulator     ${stack.emulatorUrl}
  Inbox (codes)     ${stack.inboxUrl}
  Companion         ${stack.companionUrl}
  Demo dApp         ${demoUrl}
  Extension         ${DIST}  (id ${DEV_EXTENSION_ID})
  Firefox build     ${DIST_FIREFOX}  (about:debugging → This Firefox → Load Temporary Add-on → its manifest.json)
${stack
  .chains()
  .map((chain) => `  Chain ${chain.caipId.padEnd(12)} ${chain.rpcUrl}  (${chain.networkName})`)
  .join('\n')}
  Sign-in methods   email, WhatsApp, Google, Apple, X, ${EXAMPLE_APP_LABEL}: local stand-ins, pick any account
  Stand-ins         ${stack.emulatorUrl}/idp/google, /idp/apple, /idp/x, /app/okto/extension-login
  Test token        ${TEST_TOKEN.symbol} (${TEST_TOKEN.decimals} decimals) at ${TEST_TOKEN.address} on every chain
  Faucet            POST ${stack.emulatorUrl}/__emulator/fund {"address","caip2Id","amount"[,"token"]}
`);
  if (browser)
    console.log(`Chromium is open with the extension loaded: click the Okto icon in the toolbar (pin it from the
puzzle-piece menu), log in with any email or WhatsApp number, and read the code in the inbox tab.
Google, Apple, X and ${EXAMPLE_APP_LABEL} sign-in run against the emulator's stand-ins: pick an account in their window.
Then try the demo dApp tab: it connects through wagmi, signs, sends on the local chains, and gets an
Okto auth token.`);
  else
    console.log(`No display or no Chromium here, so no browser was opened. To use it in your own Chrome:
  1. Open chrome://extensions and turn on Developer mode.
  2. Click "Load unpacked" and choose ${DIST}
  3. Click the Okto icon in the toolbar, log in, and read the code in the inbox: ${stack.inboxUrl}
  4. Open the demo dApp, ${demoUrl}: connect, sign, send, and request a token.`);
  console.log('\nPress Ctrl-C to stop everything.');
}

/** Opens Chromium with the extension when there is a display; otherwise returns undefined. */
function launchChromium(urls: string[]): ChildProcess | undefined {
  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (!display || !existsSync(CHROMIUM) || process.env.OKTO_NO_BROWSER) return undefined;
  mkdirSync(PROFILE, { recursive: true });
  const child = spawn(
    CHROMIUM,
    [
      `--user-data-dir=${PROFILE}`,
      `--disable-extensions-except=${DIST}`,
      `--load-extension=${DIST}`,
      '--no-first-run',
      '--no-default-browser-check',
      ...urls,
    ],
    { stdio: 'ignore' },
  );
  child.on('exit', (code) => {
    if (!shuttingDown) console.log(`Chromium closed (exit ${code ?? 'signal'}). The servers keep running.`);
  });
  return child;
}

void main();
