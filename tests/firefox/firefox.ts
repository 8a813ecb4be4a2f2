import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { OktoTestHooks } from '../../src/background/index.ts';
import type { LocalStack } from '../../src/cli/localStack.ts';
import type { Settings } from '../../src/messages/login.ts';

// Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi (Playwright cannot drive stock Firefox),
// with the Firefox build installed as a temporary add-on. Firefox forbids navigating to moz-extension://
// from automation, and reports such pages as about:blank: the extension opens its own pages (an approval
// window, or `tabs.create` from one of its pages) and the tests find them by evaluating `location.href`.

/** The Firefox build (`npm run build` first). */
export const FIREFOX_EXT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/firefox');
/** Debian's Firefox ESR; `.ci/run` installs it when it is missing. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export type RunningFirefox = { browser: Browser; addonId: string };

/** Starts a headless Firefox on a fresh profile with the Firefox build installed. */
export async function launchFirefox(): Promise<RunningFirefox> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      // permissions.request from a click is granted without the doorhanger no test can press.
      'extensions.webextOptionalPermissionPrompts': false,
    },
  });
  try {
    const addonId = await browser.installExtension(FIREFOX_EXT_DIR);
    return { browser, addonId };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Waits until `until` holds, polling; throws `message` after `timeoutMs`. */
export async function waitFor<value>(
  check: () => Promise<value | undefined | false> | value | undefined | false,
  message: string,
  timeoutMs = 15_000,
): Promise<value> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${message} (after ${timeoutMs} ms)${last ? `: ${last}` : ''}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const hrefOf = (page: Page) => page.evaluate(() => location.href).catch(() => '');

/** The open extension page whose path (after the moz-extension://<uuid>/) starts with `path`. */
export async function extensionPage(browser: Browser, path: string, timeoutMs = 15_000): Promise<Page> {
  return waitFor(
    async () => {
      for (const page of await browser.pages()) {
        const href = await hrefOf(page);
        if (/^moz-extension:\/\/[^/]+\//.test(href) && new URL(href).pathname.slice(1).startsWith(path))
          return page;
      }
      return undefined;
    },
    `no extension page ${path} opened`,
    timeoutMs,
  );
}

/** Every open page of the extension (its URLs read from the pages themselves). */
export async function extensionPages(browser: Browser): Promise<Page[]> {
  const pages: Page[] = [];
  for (const page of await browser.pages())
    if ((await hrefOf(page)).startsWith('moz-extension://')) pages.push(page);
  return pages;
}

/** Has the extension open `path` in a new tab, from one of its pages, and returns that tab. */
export async function openExtensionTab(from: Page, path: string): Promise<Page> {
  const before = new Set(await from.browser().pages());
  await from.evaluate(async (p) => {
    await chrome.tabs.create({ url: chrome.runtime.getURL(p) });
  }, path);
  const page = await waitFor(async () => {
    for (const candidate of await from.browser().pages())
      if (!before.has(candidate) && (await hrefOf(candidate)).includes(`/${path}`)) return candidate;
    return undefined;
  }, `the tab ${path} did not open`);
  await page.setViewport({ width: 360, height: 600 });
  await page.waitForSelector('#app');
  return page;
}

/**
 * Runs `fn` with the background's test hooks (`globalThis.__okto` of the event page), from an extension
 * page: `runtime.getBackgroundPage()` is Firefox's way in. The answer comes back as JSON.
 */
export async function inBackground<result>(
  page: Page,
  fn: (hooks: OktoTestHooks) => Promise<result> | result,
): Promise<result> {
  // A string, not a function with the source as argument: extension pages forbid eval(), while BiDi's own
  // evaluation of a string is not the page's and passes.
  const json = (await page.evaluate(`(async () => {
    const background = await chrome.runtime.getBackgroundPage();
    if (!background) throw new Error('no background page');
    const run = ${fn.toString()};
    return JSON.stringify((await run(background.__okto)) ?? null);
  })()`)) as string;
  return JSON.parse(json) as result;
}

/** Points the extension at the stack, as the options page would. */
export async function configureExtension(page: Page, stack: LocalStack): Promise<void> {
  const settings: Settings = {
    environment: 'local',
    localBaseUrl: stack.emulatorUrl,
    companionUrl: stack.companionUrl,
  };
  const answer = await page.evaluate(
    (s) => chrome.runtime.sendMessage({ type: 'settings/save', settings: s, confirmLogout: true }),
    settings,
  );
  if (!(answer as { ok?: boolean })?.ok) throw new Error(`settings/save answered ${JSON.stringify(answer)}`);
}

/** Clicks the button whose text is `text` (trimmed), once it is there and enabled. */
export async function clickButton(page: Page, text: string): Promise<void> {
  const handle = await page.waitForFunction(
    (t) =>
      [...document.querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === t && !b.disabled && b.getAttribute('aria-disabled') !== 'true',
      ),
    { timeout: 15_000 },
    text,
  );
  await (handle as unknown as { click(): Promise<void> }).click();
}

/** Types into the input of the `<label>` whose text starts with `label`. */
export async function fillLabelled(page: Page, label: string, value: string): Promise<void> {
  const handle = await page.waitForFunction(
    (l) =>
      [...document.querySelectorAll('label')]
        .find((el) => el.textContent?.trim().startsWith(l))
        ?.querySelector('input'),
    { timeout: 15_000 },
    label,
  );
  await (handle as unknown as { type(text: string): Promise<void> }).type(value);
}

/** The text of the first element matching `selector`, once there. */
export async function textOf(page: Page, selector: string, timeoutMs = 15_000): Promise<string> {
  const element = await page.waitForSelector(selector, { timeout: timeoutMs });
  return ((await element?.evaluate((el) => el.textContent)) ?? '').trim();
}

export type TestDapp = { url: string; close(): Promise<void> };

/** A plain page on loopback: what a dApp is, with `window.okto` from the extension. */
export async function startTestDapp(): Promise<TestDapp> {
  const server = createServer((_request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>Test dApp</title><script>
  window.providerAtFirstScript = typeof window.okto;
  window.announced = [];
  window.addEventListener('eip6963:announceProvider', (e) => window.announced.push(e.detail.info.rdns));
  window.dispatchEvent(new Event('eip6963:requestProvider'));
</script></head><body><h1>Test dApp</h1></body></html>`,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** An EIP-1193 answer as the page saw it. */
export type PageAnswer = { result?: unknown; error?: { code: number; message: string } };

/**
 * Starts `window.okto.request(...)` in the dApp page without waiting for it (it may wait for an approval);
 * `answer()` waits for its outcome.
 */
export async function startRequest(
  page: Page,
  request: { method: string; params?: unknown },
): Promise<{ answer(timeoutMs?: number): Promise<PageAnswer> }> {
  const key = `r${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    (k, r) => {
      const w = window as unknown as Record<string, unknown> & {
        okto: { request(r: unknown): Promise<unknown> };
      };
      w.okto.request(r).then(
        (result) => (w[k] = { result }),
        (error: { code: number; message: string }) =>
          (w[k] = { error: { code: error.code, message: error.message } }),
      );
    },
    key,
    request,
  );
  return {
    answer: (timeoutMs = 30_000) =>
      waitFor(
        () => page.evaluate((k) => (window as unknown as Record<string, PageAnswer | undefined>)[k], key),
        `no answer to ${request.method}`,
        timeoutMs,
      ),
  };
}

/** Approves the request shown in the approval window, once its Approve button is armed. */
export async function approveInWindow(browser: Browser): Promise<void> {
  const window = await extensionPage(browser, 'approval.html');
  await window.waitForSelector('button[data-armed="true"]', { timeout: 15_000 });
  await clickButton(window, 'Approve');
}
