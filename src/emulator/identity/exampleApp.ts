import type { Context, Hono } from 'hono';
import { base64url, type CryptoKey, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { EmulatorClock } from '../clock.ts';
import type { RandomBytes } from '../random.ts';
import {
  type AuthorizeCheck,
  mountAuthorize,
  otherValue,
  param,
  redirectLocation,
  redirectResponse,
} from './authorizeFlow.ts';
import type { IdpControls } from './controls.ts';
import { EXAMPLE_APP_LABEL, isExtensionRedirect } from './devClients.ts';
import { renderErrorPage } from './pages.ts';

// The example app of the `client_jwt` method (okto-social-login.md §3.4): an app with its own login that
// hands the extension a short JWT, and the verify endpoint Okto calls with it. A real app builds both; this
// one shows what they must do. Its login sets a session cookie, so a later request 302s at once.

/** The app's JWTs live 5 minutes (`exp − iat ≤ 300`). */
export const APP_JWT_LIFETIME_SECONDS = 300;
/** The `aud` the extension and the verify endpoint expect. */
export const APP_JWT_AUDIENCE = 'okto-extension';
/** How long the app's own login session lasts. */
export const APP_SESSION_SECONDS = 86_400;
const SESSION_COOKIE = 'okto_example_app_session';

export type ExampleAppDependencies = {
  clock: EmulatorClock;
  controls: IdpControls;
  randomBytes: RandomBytes;
};

type AppRequest = { redirectUri: string; state: string; nonce: string };

function check(params: URLSearchParams): AuthorizeCheck<AppRequest> {
  const redirectUri = param(params, 'redirect_uri') ?? '';
  if (!isExtensionRedirect(redirectUri, 'client_jwt'))
    return {
      ok: false,
      page: renderErrorPage(
        400,
        'redirect_uri_mismatch',
        `${redirectUri || '(none)'} is not the redirect of an extension this app allows: https://<extension id>.chromiumapp.org/client_jwt.`,
      ),
    };
  const state = param(params, 'state');
  const nonce = param(params, 'nonce');
  if (state === undefined || nonce === undefined)
    return { ok: false, page: renderErrorPage(400, 'invalid_request', 'state and nonce are required.') };
  return { ok: true, request: { redirectUri, state, nonce } };
}

function sessionCookieOf(c: Context): string | undefined {
  for (const part of (c.req.header('cookie') ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}

/** Mounts the example app's login at `/app/okto/extension-login` and its verify endpoint at `/app/okto/verify`. */
export function mountExampleApp(routes: Hono, deps: ExampleAppDependencies): void {
  const keys = generateKeyPair('ES256');
  keys.catch(() => {});
  const sessions = new Map<string, { account: string; expiresAt: number }>();
  const now = () => deps.clock.nowSeconds();

  async function issueJwt(account: string, nonce: string): Promise<string> {
    const iat = now();
    const { privateKey }: { privateKey: CryptoKey } = await keys;
    return new SignJWT({
      user_id: account,
      iat,
      exp: iat + APP_JWT_LIFETIME_SECONDS,
      nonce,
      aud: APP_JWT_AUDIENCE,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(privateKey);
  }

  const success = async (r: AppRequest, account: string, spoil = { state: false, nonce: false }) =>
    redirectLocation(
      r.redirectUri,
      {
        jwt: await issueJwt(account, spoil.nonce ? otherValue(r.nonce) : r.nonce),
        state: spoil.state ? otherValue(r.state) : r.state,
      },
      'fragment',
    );

  mountAuthorize<AppRequest>(
    routes,
    {
      idp: 'app',
      providerName: EXAMPLE_APP_LABEL,
      path: '/app/okto/extension-login',
      check,
      hidden: (r) => ({ redirect_uri: r.redirectUri, state: r.state, nonce: r.nonce }),
      clientLabel: () => 'The Okto extension',
      redirectUri: (r) => r.redirectUri,
      async beforePage(c, r) {
        const id = sessionCookieOf(c);
        const session = id === undefined ? undefined : sessions.get(id);
        if (session === undefined || session.expiresAt <= now()) return undefined;
        return redirectResponse(await success(r, session.account));
      },
      async approve(r, { account, badState, badNonce, fromPage }) {
        const location = await success(r, account, { state: badState, nonce: badNonce });
        if (!fromPage) return redirectResponse(location);
        const id = base64url.encode(deps.randomBytes(24));
        sessions.set(id, { account, expiresAt: now() + APP_SESSION_SECONDS });
        return redirectResponse(location, {
          'Set-Cookie': `${SESSION_COOKIE}=${id}; Path=/app/; Max-Age=${APP_SESSION_SECONDS}; HttpOnly; SameSite=Lax`,
        });
      },
      deny: (r) =>
        redirectResponse(
          redirectLocation(r.redirectUri, { error: 'access_denied', state: r.state }, 'fragment'),
        ),
    },
    deps.controls,
  );

  // What Okto calls: `authorization: Bearer <jwt>`; the method is undocumented, so both.
  routes.on(['GET', 'POST'], '/app/okto/verify', async (c) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!match) return c.json({ success: false }, 401);
    try {
      const { publicKey } = await keys;
      const { payload } = await jwtVerify(match[1] as string, publicKey, {
        algorithms: ['ES256'],
        audience: APP_JWT_AUDIENCE,
        currentDate: new Date(deps.clock.nowMs()),
      });
      if (typeof payload.user_id !== 'string' || payload.user_id === '' || typeof payload.exp !== 'number')
        return c.json({ success: false }, 401);
      return c.json({ user_id: payload.user_id, success: true });
    } catch {
      return c.json({ success: false }, 401);
    }
  });
}
