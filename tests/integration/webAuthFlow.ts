import type { WebAuthFlow } from '../../src/background/login/flow.ts';
import { fetchWithReconnect } from '../../src/cli/localStack.ts';

// `chrome.identity` in node, for the login flow's tests against the emulator's stand-ins: it does what
// Chrome's flow window does (okto-social-login.md §3, notes/launch-web-auth-flow.md §3.1), with fetch.
// Redirects are followed until one reaches `https://<id>.chromiumapp.org/…`, which ends the flow with the
// full URL; a page that answers an HTTP error ends it with "Authorization page could not be loaded." (first
// page or not: seen in Chromium 156 when the companion's Apple relay refuses a post); Apple's
// self-submitting form is posted; an account chooser waits for the test to approve, cancel or close it.

export const PAGE_FAILED = 'Authorization page could not be loaded.';
export const WINDOW_CLOSED = 'The user did not approve access.';

/** A flow window that shows a page and waits for the user. */
export type TestWindow = {
  /** The page's URL. */
  url: string;
  /** Continue with the chooser's first account, or `account`. */
  approve(account?: string): Promise<void>;
  /** The chooser's Cancel button. */
  cancel(): Promise<void>;
  /** The user closes the window. */
  close(): void;
  /** The page's HTML. */
  html: string;
};

export type TestIdentity = {
  identity: WebAuthFlow;
  /** The URL of every flow launched, in order. */
  launched: string[];
  /** The next window that shows a page (waits for it). */
  nextWindow(): Promise<TestWindow>;
  /** How many windows have shown a page so far. */
  windowsShown(): number;
};

function hiddenFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.append(unescapeHtml(name as string), unescapeHtml(value as string));
  return fields;
}

function unescapeHtml(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/**
 * A `chrome.identity` for `extensionId`. `fetch` reaches the stand-ins (default: node's, retried once on a
 * closed keep-alive connection); it sees every request the window makes, so tests can change them.
 */
export function createTestIdentity(
  extensionId: string,
  fetch: typeof globalThis.fetch = fetchWithReconnect,
): TestIdentity {
  const launched: string[] = [];
  const shown: TestWindow[] = [];
  const waiting: ((window: TestWindow) => void)[] = [];
  let count = 0;
  const redirectBase = `https://${extensionId}.chromiumapp.org/`;

  function show(window: TestWindow) {
    count++;
    const waiter = waiting.shift();
    if (waiter) waiter(window);
    else shown.push(window);
  }

  const identity: WebAuthFlow = {
    extensionId,
    getRedirectURL: (path) => `${redirectBase}${path}`,
    launchWebAuthFlow: ({ url }) =>
      new Promise<string | undefined>((resolve, reject) => {
        launched.push(url);
        let closed = false;
        const fail = (error: unknown) => {
          if (!closed) reject(error);
          closed = true;
        };
        async function navigate(target: string, init: RequestInit = {}): Promise<void> {
          let response = await fetch(target, { ...init, redirect: 'manual' });
          let current = target;
          for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
            const location = new URL(response.headers.get('location') ?? '', current).toString();
            if (location.startsWith(redirectBase)) {
              if (!closed) resolve(location);
              closed = true;
              return;
            }
            if (hops > 10) throw new Error('too many redirects');
            current = location;
            response = await fetch(current, { redirect: 'manual' });
          }
          const html = await response.text();
          if (response.status >= 400) throw new Error(PAGE_FAILED);
          const action = /<form id="form-post" method="post" action="([^"]+)">/.exec(html)?.[1];
          if (action !== undefined) {
            // Apple's form_post: the page's script submits at once.
            await navigate(new URL(unescapeHtml(action), current).toString(), post(hiddenFields(html)));
            return;
          }
          const chooser = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
          const decide = async (decision: 'approve' | 'cancel', account?: string) => {
            if (chooser === undefined) throw new Error(`this page has no chooser: ${html.slice(0, 200)}`);
            const fields = hiddenFields(html);
            fields.set('decision', decision);
            fields.set('account', 'alice@example.com');
            if (account !== undefined) fields.set('other_account', account);
            await navigate(new URL(unescapeHtml(chooser), current).toString(), post(fields)).catch(fail);
          };
          show({
            url: current,
            html,
            approve: (account) => decide('approve', account),
            cancel: () => decide('cancel'),
            close: () => fail(new Error(WINDOW_CLOSED)),
          });
        }
        navigate(url).catch(fail);
      }),
  };

  return {
    identity,
    launched,
    windowsShown: () => count,
    nextWindow: () => {
      const window = shown.shift();
      return window ? Promise.resolve(window) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

function post(fields: URLSearchParams): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  };
}
