import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BrowserContext, expect, type Page } from '@playwright/test';

// A plain web server for provider tests. 127.0.0.1:<port> and localhost:<port> are two origins
// served by the same server, so a page on one embedding a frame from the other is a cross-origin frame.

/** A `*.test` name reaches the server only in a browser launched with {@link TEST_HOSTS_ARG}. */
export type DappHost = '127.0.0.1' | 'localhost' | `${string}.test`;

/** Chromium flag that resolves every `*.test` name to the server's address (the port stays the URL's). */
export const TEST_HOSTS_ARG = '--host-resolver-rules=MAP *.test 127.0.0.1';

export type DappServer = {
  /** `http://<host>:<port>`, the page's origin. */
  origin(host: DappHost): string;
  /** The test dApp page on `host`. */
  url(host: DappHost, path?: string): string;
  close(): Promise<void>;
};

/** The dApp page: records what the provider looked like before any page script, and every event. */
const DAPP_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Test dApp</title>
<script>
  window.providerAtFirstScript = typeof window.okto;
  window.announced = [];
  window.addEventListener('eip6963:announceProvider', (e) => window.announced.push(e.detail));
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  window.events = [];
  for (const name of ['connect', 'disconnect', 'accountsChanged', 'okto_sessionChanged'])
    window.okto && window.okto.on(name, (data) => window.events.push([name, data]));
</script></head><body><h1>Test dApp</h1></body></html>`;

/** The dApp page that asks to connect as soon as it loads; `window.outcome` is then its answer. */
const ASK_PAGE = DAPP_PAGE.replace(
  '</script></head>',
  `  window.okto.request({ method: 'eth_requestAccounts' }).then(
    (result) => (window.outcome = { result }),
    (error) => (window.outcome = { error: { code: error.code, message: error.message } }),
  );
</script></head>`,
);

/** A page embedding every `src` in a frame; `hidden` makes them invisible 1×1 frames. */
const framesPage = (sources: string[], hidden: boolean) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Embedding page</title></head><body><h1>News</h1>${sources
    .map(
      (src) =>
        `<iframe src="${src.replace(/"/g, '&quot;')}"${hidden ? ' width="1" height="1" style="border:0;opacity:0"' : ' width="320" height="120"'}></iframe>`,
    )
    .join('')}</body></html>`;

/** A page embedding `src` in a frame; `sandbox` makes the frame's origin opaque ("null"). */
const framePage = (src: string, sandbox = false) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Embedding page</title></head>
<body><iframe id="frame"${sandbox ? ' sandbox="allow-scripts"' : ''} src="${src.replace(/"/g, '&quot;')}"></iframe></body></html>`;

/**
 * Starts the server on a free port of 127.0.0.1 (localhost resolves to it too, and so does any name a
 * test maps there with Chromium's `--host-resolver-rules`). `/ask` asks to connect on load; `/frames`
 * embeds every `src` (`hidden` for invisible frames). `/isolated` serves the
 * dApp page cross-origin isolated (COOP + COEP), where `performance.now()` has 5 µs resolution instead
 * of 100 µs: the benchmark times sub-millisecond round trips there.
 */
export async function startDappServer(): Promise<DappServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const src = url.searchParams.get('src') ?? '';
    const pages: Record<string, () => string> = {
      '/frame': () => framePage(src),
      '/sandboxed': () => framePage(src, true),
      '/frames': () => framesPage(url.searchParams.getAll('src'), url.searchParams.has('hidden')),
      '/ask': () => ASK_PAGE,
    };
    const body = (pages[url.pathname] ?? (() => DAPP_PAGE))();
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      ...(url.pathname === '/isolated'
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {}),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: (host) => `http://${host}:${port}`,
    url: (host, path = '/') => `http://${host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What `window.okto.request` gave: the result, or the EIP-1193 error's code and message. */
export type RequestOutcome =
  | { result: unknown; error?: undefined }
  | { error: { code: number; message: string }; result?: undefined };

/** Calls `window.okto.request` in a page (or frame) and returns the outcome, never throwing. */
export function providerRequest(
  page: Pick<Page, 'evaluate'>,
  method: string,
  params?: unknown,
): Promise<RequestOutcome> {
  return page.evaluate(
    async ({ method, params }) => {
      const okto = (window as unknown as { okto: { request(a: unknown): Promise<unknown> } }).okto;
      try {
        return { result: await okto.request(params === undefined ? { method } : { method, params }) };
      } catch (error) {
        const { code, message } = error as { code: number; message: string };
        return { error: { code, message } };
      }
    },
    { method, params },
  );
}

/** Whether `page` is the approval window (approval.html, or the popup's login while requests wait). */
export const isApprovalWindow = (page: Page) => /\/(approval\.html|popup\.html\?pending=)/.test(page.url());

/** The next approval window the worker opens (approval.html, or the popup's login for a pending request). */
export async function nextApprovalWindow(context: BrowserContext): Promise<Page> {
  const page = await context.waitForEvent('page', {
    predicate: isApprovalWindow,
    timeout: 15_000,
  });
  await page.waitForLoadState('domcontentloaded');
  return page;
}

/** Events the dApp page has heard so far. */
export function pageEvents(page: Page): Promise<[string, unknown][]> {
  return page.evaluate(() => (window as unknown as { events: [string, unknown][] }).events);
}

export { expect };

/**
 * Serves the test dApp for the tests of one spec file: started before the first test, closed after the
 * last. Read it inside tests and hooks, not at the top level.
 */
export function serveDapp(t: {
  beforeAll(hook: () => Promise<void>): void;
  afterAll(hook: () => Promise<void>): void;
}): Omit<DappServer, 'close'> {
  let server: DappServer | undefined;
  t.beforeAll(async () => {
    server = await startDappServer();
  });
  t.afterAll(async () => {
    await server?.close();
  });
  const started = () => {
    if (!server) throw new Error('the dApp server starts before the first test');
    return server;
  };
  return { origin: (host) => started().origin(host), url: (host, path) => started().url(host, path) };
}

/** Opens the dApp at `url` and approves it through the approval window; returns the page. */
export async function openApprovedDapp(context: BrowserContext, url: string): Promise<Page> {
  const dapp = await context.newPage();
  await dapp.goto(url);
  const opened = nextApprovalWindow(context);
  const answer = providerRequest(dapp, 'eth_requestAccounts');
  await answerApproval(await opened, 'Approve');
  expect((await answer).result).toHaveLength(1);
  return dapp;
}

/** Clicks Approve or Reject in an approval window and waits for the window to close (it closes itself). */
export async function answerApproval(window: Page, button: 'Approve' | 'Reject'): Promise<void> {
  const closed = window.waitForEvent('close');
  await window
    .getByRole('button', { name: button })
    .click()
    .catch((error: unknown) => {
      if (!window.isClosed()) throw error; // closing mid-click is the expected end
    });
  await closed;
}
