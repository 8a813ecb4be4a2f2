import type { Context, Hono } from 'hono';
import { CHOOSER_ACCOUNTS, parseAccount } from './accounts.ts';
import type { IdpControls, IdpName } from './controls.ts';
import { type HtmlPage, renderChooserPage, renderErrorPage } from './pages.ts';

// What every stand-in's authorize route shares (okto-social-login.md §5.2): the request checks first (an
// error page, never a redirect), then the test control's one-shot answer, then the chooser page, whose form
// posts back to the same path with the request's parameters and the decision.

/** A request that passed its checks, or the error page that says why not. */
export type AuthorizeCheck<request> = { ok: true; request: request } | { ok: false; page: HtmlPage };

/** How an approval may be spoiled by the test control. */
export type ApproveOptions = { account: string; badState: boolean; badNonce: boolean; fromPage: boolean };

/** One stand-in's authorize behaviour; {@link mountAuthorize} gives it its routes. */
export type AuthorizeStandIn<request> = {
  idp: IdpName;
  /** "Google", "Apple", "X", "Example app". */
  providerName: string;
  path: string;
  /** The request checks, in the provider's order. */
  check(params: URLSearchParams): AuthorizeCheck<request>;
  /** The request as the chooser's hidden fields (what {@link check} reads back from the form). */
  hidden(request: request): Record<string, string>;
  clientLabel(request: request): string;
  redirectUri(request: request): string;
  approve(request: request, options: ApproveOptions): Promise<Response>;
  deny(request: request): Response;
  /** A GET's answer when the test control set none, before the chooser: the example app's existing session. */
  beforePage?(c: Context, request: request): Promise<Response | undefined>;
};

/** The answer of a page. */
export function pageResponse(page: HtmlPage): Response {
  return new Response(page.html, {
    status: page.status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...page.headers },
  });
}

/** A 302 that no cache keeps and that sends no Referer (it carries tokens). */
export function redirectResponse(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, {
    status: 302,
    headers: {
      Location: location,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      ...headers,
    },
  });
}

/** `a=1&b=2`, percent-encoded (spaces as %20, as in a fragment). */
export function encodeParams(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** `redirectUri` with `params` in its fragment, or in its query (after any query it has). */
export function redirectLocation(
  redirectUri: string,
  params: Record<string, string>,
  mode: 'fragment' | 'query',
): string {
  if (mode === 'fragment') return `${redirectUri}#${encodeParams(params)}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encodeParams(params)}`;
}

/** `state` in an answer only when the request had one, as providers do. */
export function withState(params: Record<string, string>, state: string | undefined): Record<string, string> {
  return state === undefined ? params : { ...params, state };
}

/** A 43-character value that is not `value` (a spoiled `state` or `nonce`). */
export function otherValue(value: string | undefined): string {
  const other = 'spoiled-by-the-emulator-test-control-000000';
  return value === other ? other.replace(/0$/, '1') : other;
}

async function readForm(c: Context): Promise<URLSearchParams | undefined> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  return new URLSearchParams(await c.req.text());
}

/** Mounts `GET` and `POST` of a stand-in's authorize path on `routes`. */
export function mountAuthorize<request>(
  routes: Hono,
  standIn: AuthorizeStandIn<request>,
  controls: IdpControls,
): void {
  const chooser = (request: request, notice?: string) =>
    pageResponse(
      renderChooserPage({
        providerName: standIn.providerName,
        action: standIn.path,
        hidden: standIn.hidden(request),
        clientLabel: standIn.clientLabel(request),
        redirectUri: standIn.redirectUri(request),
        notice,
      }),
    );

  routes.get(standIn.path, async (c) => {
    const checked = standIn.check(new URL(c.req.url).searchParams);
    if (!checked.ok) return pageResponse(checked.page);
    const { request } = checked;
    const setting = controls.take(standIn.idp);
    if (setting === undefined) return (await standIn.beforePage?.(c, request)) ?? chooser(request);
    const options = { account: setting.account, badState: false, badNonce: false, fromPage: false };
    switch (setting.next) {
      case 'page':
        return chooser(request);
      case 'approve':
        return standIn.approve(request, options);
      case 'deny':
        return standIn.deny(request);
      case 'http401':
        return pageResponse(
          renderErrorPage(401, 'unauthorized', 'The test control asked this page to fail (http401).'),
        );
      case 'badState':
        return standIn.approve(request, { ...options, badState: true });
      case 'badNonce':
        return standIn.approve(request, { ...options, badNonce: true });
    }
  });

  routes.post(standIn.path, async (c) => {
    const form = await readForm(c);
    if (form === undefined)
      return pageResponse(
        renderErrorPage(
          400,
          'invalid_request',
          'The decision must be posted as a form (application/x-www-form-urlencoded).',
        ),
      );
    const checked = standIn.check(form);
    if (!checked.ok) return pageResponse(checked.page);
    const { request } = checked;
    const decision = form.get('decision');
    if (decision === 'cancel') return standIn.deny(request);
    if (decision !== 'approve')
      return pageResponse(renderErrorPage(400, 'invalid_request', 'decision must be approve or cancel.'));
    const other = form.get('other_account')?.trim() ?? '';
    const account = parseAccount(other !== '' ? other : (form.get('account') ?? CHOOSER_ACCOUNTS[0]));
    if (account === undefined)
      return chooser(
        request,
        `${other || 'That'} is not an email address. Enter one such as carol@example.com.`,
      );
    return standIn.approve(request, { account, badState: false, badNonce: false, fromPage: true });
  });
}

/** The first value of a parameter, or undefined when it is absent or empty. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}
