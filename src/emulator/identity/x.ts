import type { Context, Hono } from 'hono';
import { base64url } from 'jose';
import { sha256, toBytes } from 'viem';
import type { EmulatorClock } from '../clock.ts';
import type { RandomBytes } from '../random.ts';
import { displayName, xUserId, xUsername } from './accounts.ts';
import {
  type AuthorizeCheck,
  mountAuthorize,
  otherValue,
  param,
  redirectLocation,
  redirectResponse,
  withState,
} from './authorizeFlow.ts';
import type { IdpControls } from './controls.ts';
import { isExtensionRedirect, X_DEV_CLIENTS } from './devClients.ts';
import { renderErrorPage } from './pages.ts';

// The X-like stand-in (okto-social-login.md §3.3, §5): OAuth 2.0 authorization code with PKCE under
// `/idp/x`, as at x.com and api.x.com. Codes are single use and live 60 s; access tokens look like X's
// (`base64(<random>:<ms>:1:1:at:1)`) and live 2 h; `GET /idp/x/2/users/me` is what Okto calls with one.

export const X_CODE_LIFETIME_SECONDS = 60;
export const X_ACCESS_TOKEN_LIFETIME_SECONDS = 7200;

export type XStandInDependencies = { clock: EmulatorClock; controls: IdpControls; randomBytes: RandomBytes };

type XRequest = {
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
};

type IssuedCode = XRequest & { account: string; expiresAt: number };

function check(params: URLSearchParams): AuthorizeCheck<XRequest> {
  const clientId = param(params, 'client_id') ?? '';
  if (!X_DEV_CLIENTS.has(clientId))
    return {
      ok: false,
      page: renderErrorPage(401, 'invalid_client', `Unknown client_id ${clientId || '(none)'}.`),
    };
  const redirectUri = param(params, 'redirect_uri') ?? '';
  if (!isExtensionRedirect(redirectUri, 'twitter'))
    return {
      ok: false,
      page: renderErrorPage(
        400,
        'redirect_uri_mismatch',
        `${redirectUri || '(none)'} is not a callback URI of this app: https://<extension id>.chromiumapp.org/twitter.`,
      ),
    };
  const invalid = (description: string) =>
    ({ ok: false, page: renderErrorPage(400, 'invalid_request', description) }) as const;
  const responseType = param(params, 'response_type');
  if (responseType !== 'code') return invalid(`response_type must be code, got ${responseType ?? 'none'}.`);
  const codeChallenge = param(params, 'code_challenge');
  if (codeChallenge === undefined) return invalid('code_challenge is required (PKCE).');
  const method = param(params, 'code_challenge_method');
  if (method !== 'S256' && method !== 'plain')
    return invalid(`code_challenge_method must be S256 or plain, got ${method ?? 'none'}.`);
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      scope: param(params, 'scope') ?? '',
      state: param(params, 'state'),
      codeChallenge,
      codeChallengeMethod: method,
    },
  };
}

/** `base64url(SHA-256(verifier))`, no padding: the S256 challenge of a PKCE verifier. */
export function s256Challenge(verifier: string): string {
  return base64url.encode(toBytes(sha256(toBytes(verifier))));
}

function tokenError(c: Context, description: string): Response {
  return c.json({ error: 'invalid_request', error_description: description }, 400);
}

/** The client of a token request: `client_id` and, for a confidential client, its Basic credentials. */
function authenticateClient(
  authorization: string | undefined,
  bodyClientId: string | undefined,
): { ok: true; clientId: string } | { ok: false; description: string } {
  let basic: { id: string; secret: string } | undefined;
  if (authorization !== undefined) {
    try {
      const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization);
      const decoded = match ? atob(match[1] as string) : '';
      const colon = decoded.indexOf(':');
      if (colon > 0)
        basic = {
          id: decodeURIComponent(decoded.slice(0, colon)),
          secret: decodeURIComponent(decoded.slice(colon + 1)),
        };
    } catch {}
    if (basic === undefined)
      return { ok: false, description: 'Authorization must be Basic base64(client_id:client_secret)' };
  }
  const clientId = bodyClientId ?? basic?.id;
  if (clientId === undefined) return { ok: false, description: 'client_id is required' };
  if (basic !== undefined && basic.id !== clientId)
    return { ok: false, description: 'client_id differs from the Basic credentials' };
  const client = X_DEV_CLIENTS.get(clientId);
  if (client === undefined) return { ok: false, description: 'client_id is not a known client' };
  if (client.secret === undefined) {
    if (basic !== undefined) return { ok: false, description: 'a public client sends no client secret' };
  } else if (basic?.secret !== client.secret)
    return {
      ok: false,
      description: 'a confidential client must authenticate with Basic client_id:client_secret',
    };
  return { ok: true, clientId };
}

/** Mounts the X-like routes under `/idp/x` on `routes`. */
export function mountXStandIn(routes: Hono, deps: XStandInDependencies): void {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, { account: string; expiresAt: number }>();
  const now = () => deps.clock.nowSeconds();

  mountAuthorize<XRequest>(
    routes,
    {
      idp: 'twitter',
      providerName: 'X',
      path: '/idp/x/i/oauth2/authorize',
      check,
      hidden: (r) => ({
        response_type: 'code',
        client_id: r.clientId,
        redirect_uri: r.redirectUri,
        scope: r.scope,
        ...(r.state === undefined ? {} : { state: r.state }),
        code_challenge: r.codeChallenge,
        code_challenge_method: r.codeChallengeMethod,
      }),
      clientLabel: (r) => r.clientId,
      redirectUri: (r) => r.redirectUri,
      async approve(r, { account, badState }) {
        for (const [code, issued] of codes) if (issued.expiresAt <= now()) codes.delete(code);
        const code = base64url.encode(deps.randomBytes(48));
        codes.set(code, { ...r, account, expiresAt: now() + X_CODE_LIFETIME_SECONDS });
        const state = badState ? otherValue(r.state) : r.state;
        return redirectResponse(redirectLocation(r.redirectUri, withState({ code }, state), 'query'));
      },
      deny: (r) =>
        redirectResponse(
          redirectLocation(r.redirectUri, withState({ error: 'access_denied' }, r.state), 'query'),
        ),
    },
    deps.controls,
  );

  routes.post('/idp/x/2/oauth2/token', async (c) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded')
      return tokenError(c, 'the body must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'authorization_code')
      return tokenError(c, 'grant_type must be authorization_code');
    const client = authenticateClient(c.req.header('authorization'), form.get('client_id') ?? undefined);
    if (!client.ok) return tokenError(c, client.description);
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    // Single use: whatever happens next, this code is spent.
    codes.delete(code);
    if (issued === undefined) return tokenError(c, 'Value passed for the authorization code was invalid.');
    if (issued.expiresAt <= now()) return tokenError(c, 'the authorization code has expired');
    if (issued.clientId !== client.clientId) return tokenError(c, 'the code was issued to another client');
    if (form.get('redirect_uri') !== issued.redirectUri)
      return tokenError(c, 'redirect_uri differs from the one of the authorize request');
    const verifier = form.get('code_verifier') ?? '';
    const expected = issued.codeChallengeMethod === 'S256' ? s256Challenge(verifier) : verifier;
    if (verifier === '' || expected !== issued.codeChallenge)
      return tokenError(c, 'code_verifier does not match the code_challenge');
    for (const [token, held] of tokens) if (held.expiresAt <= now()) tokens.delete(token);
    const random = base64url.encode(deps.randomBytes(36)).replace(/[-_]/g, 'x');
    const accessToken = btoa(`${random}:${deps.clock.nowMs()}:1:1:at:1`).replace(/=+$/, '');
    tokens.set(accessToken, { account: issued.account, expiresAt: now() + X_ACCESS_TOKEN_LIFETIME_SECONDS });
    return c.json({
      token_type: 'bearer',
      expires_in: X_ACCESS_TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
      scope: issued.scope,
    });
  });

  routes.get('/idp/x/2/users/me', (c) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const held = match ? tokens.get(match[1] as string) : undefined;
    if (held === undefined || held.expiresAt <= now())
      return c.json({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, 401);
    return c.json({
      data: {
        id: xUserId(held.account),
        name: displayName(held.account).name,
        username: xUsername(held.account),
      },
    });
  });
}
