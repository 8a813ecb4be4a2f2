import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, test as base, chromium, expect, type Worker } from '@playwright/test';

/** Absolute path of the built extension (`npm run build` first): the Chrome build, `dist/chrome/`. */
export const EXT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/chrome');

/** Debian's Chromium; Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Where a test saves a screenshot of a state: `test-results/screenshots/` on every run, or
 * `docs/screenshots/` (the README's pictures) when run with `UPDATE_SCREENSHOTS=1`.
 */
export function screenshotPath(name: string): string {
  return `${process.env.UPDATE_SCREENSHOTS ? 'docs' : 'test-results'}/screenshots/${name}.png`;
}

/** Makes a fresh, empty Chromium profile directory. */
export function makeUserDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'okto-e2e-profile-'));
}

/**
 * Launches Chromium with the built extension on the given profile.
 *
 * Exported for tests that close the browser and launch it again on the same profile.
 * `--disable-extensions-except` is required: Playwright's default args include `--disable-extensions`.
 */
export async function launchExtension(
  userDataDir: string,
  extraArgs: readonly string[] = [],
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: false, // `--headless=new` below; no display needed
    args: [
      '--headless=new',
      `--disable-extensions-except=${EXT_DIR}`,
      `--load-extension=${EXT_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

/** The extension's service worker, waiting for it to register if it has not yet. */
export async function getServiceWorker(context: BrowserContext): Promise<Worker> {
  const isOurs = (worker: Worker) => worker.url().startsWith('chrome-extension://');
  const existing = context.serviceWorkers().find(isOurs);
  if (existing) return existing;
  return context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 20_000 });
}

type Fixtures = {
  /** A fresh profile directory, removed after the test. */
  userDataDir: string;
  /** Chromium with the extension loaded on `userDataDir`. */
  context: BrowserContext;
  /** The extension's service worker. */
  serviceWorker: Worker;
  /** The running extension's id, read from the service worker's URL. */
  extensionId: string;
};

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture args.
  userDataDir: async ({}, use) => {
    const dir = makeUserDataDir();
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  context: async ({ userDataDir }, use) => {
    const context = await launchExtension(userDataDir);
    await use(context);
    await context.close();
  },
  serviceWorker: async ({ context }, use) => {
    await use(await getServiceWorker(context));
  },
  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
});

export { expect };
