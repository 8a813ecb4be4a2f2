import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLocalStack } from '../src/cli/localStack.ts';
import { EXT_DIR, getServiceWorker, launchExtension, makeUserDataDir } from '../tests/e2e/fixtures.ts';
import { configureExtension, openPopup } from '../tests/e2e/stack.ts';
import { median } from './stats.ts';

// The extension part of `npm run bench`: how big each bundle is, gzipped, with every chunk it loads,
// and how long the login pipeline takes from clicking Verify to signed in, in real Chromium.

const LOGINS = 20;

/**
 * Gzip size of an HTML entry's scripts: the entry chunk and every chunk it imports, transitively.
 * With `lazy`, also the chunks it loads on demand (`import('./x.js')`), except those named in `skip`:
 * what one state of a page (the popup signed out, or signed in) loads in all.
 */
function bundleGzip(entryFile: string, { lazy = false, skip = [] as string[] } = {}): number {
  const assets = join(EXT_DIR, 'assets');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || skip.some((prefix) => file.startsWith(prefix))) return;
    seen.add(file);
    const code = readFileSync(join(assets, file), 'utf8');
    for (const [, dep] of code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) if (dep) visit(dep);
    if (lazy)
      for (const [, dep] of code.matchAll(/import\(\s*[`"']\.\/([^`"']+\.js)[`"']\s*\)/g))
        if (dep) visit(dep);
  };
  visit(entryFile);
  return [...seen].reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
}

function entryChunk(prefix: string): string {
  const file = readdirSync(join(EXT_DIR, 'assets')).find((f) => f.startsWith(prefix) && f.endsWith('.js'));
  if (!file) throw new Error(`no built chunk starting with ${prefix}; did the build change?`);
  return file;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints bundle sizes against their targets and the median login pipeline time (of the Chrome build in dist/chrome/). */
export async function benchExtension(): Promise<void> {
  const sizes = [
    // The wallet's worker: UserOps, intents, typed data, EIP-5792, four sign-in methods. 60 KB was the
    // login-only worker's budget; the key never leaves the worker, so the wallet's protocol code lives here.
    ['service worker', bundleGzip(entryChunk('index.ts-')), 80],
    // The popup loads the login or the wallet on demand: each state with what it loads.
    ['popup, signed out', bundleGzip(entryChunk('popup.html-'), { lazy: true, skip: ['Wallet-'] }), 60],
    // Signed in, the phone-number library is fetched after the first paint, only to format a WhatsApp number.
    [
      'popup, signed in',
      bundleGzip(entryChunk('popup.html-'), { lazy: true, skip: ['LoginSteps-', 'phone-'] }),
      60,
    ],
    ['approval window', bundleGzip(entryChunk('approval-'), { lazy: true }), undefined],
    ['options', bundleGzip(entryChunk('options.html-')), undefined],
  ] as const;
  for (const [name, bytes, target] of sizes)
    console.log(
      `  ${name.padEnd(18)} ${kb(bytes).padStart(9)} gzip${target ? `   (target ≤ ${target} KB: ${bytes <= target * 1024 ? 'met' : 'MISSED'})` : ''}`,
    );

  const stack = await startLocalStack({ relaxedLimits: true });
  const context = await launchExtension(makeUserDataDir());
  try {
    const worker = await getServiceWorker(context);
    const extensionId = new URL(worker.url()).host;
    await configureExtension(context, extensionId, stack);
    const popup = await openPopup(context, extensionId);
    const timings: number[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const email = `bench-${Date.now()}-${i}@example.com`;
      await popup.getByRole('tab', { name: 'Email' }).click();
      await popup.getByLabel('Email address').fill(email);
      await popup.getByRole('button', { name: 'Send code' }).click();
      const code = await stack.latestCode(email);
      // Typing the last digit submits; the clock starts as the Verify would be clicked.
      await popup.getByLabel('Verification code').fill(code.slice(0, 5));
      const started = performance.now();
      await popup.getByLabel('Verification code').press(code.slice(5));
      await popup.getByTestId('user-swa').waitFor();
      timings.push(performance.now() - started);
      await popup.getByRole('button', { name: 'Log out' }).click();
      await popup.getByRole('button', { name: 'Send code' }).waitFor();
    }
    console.log(
      `  login pipeline   median ${median(timings).toFixed(0)} ms from Verify to signed in (n=${LOGINS}, min ${Math.min(...timings).toFixed(0)}, max ${Math.max(...timings).toFixed(0)})`,
    );
  } finally {
    await context.close();
    await stack.close();
  }
}
