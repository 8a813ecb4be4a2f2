import type { Hono } from 'hono';
import { base64url } from 'jose';
import { sha256, toBytes } from 'viem';
import type { EmulatorClock } from '../clock.ts';
import type { RandomBytes } from '../random.ts';
import { appleSubject, displayName } from './accounts.ts';
import {
  type AuthorizeCheck,
  mountAuthorize,
  otherValue,
  pageResponse,
  param,
  redirectLocation,
  redirectResponse,
  withState,
} from './authorizeFlow.ts';
import type { IdpControls } from './controls.ts';
import { APPLE_DEV_CLIENT_ID, isAppleRedirect } from './devClients.ts';
import type { IssuerKeys } from './issuerKeys.ts';
import { renderErrorPage, renderFormPostPage } from './pages.ts';

// The Apple-like stand-in (okto-social-login.md §3.2, §5): discovery, keys at `/auth/keys`, and
// `/auth/authorize` with Apple's rules on response types and modes. With `form_post` the answer is a page
// whose script (served from the emulator) posts code, id_token and state to the Return URL, the
// companion's relay; `user` (name and email) comes along on the first consent only, as at Apple.

export const APPLE_ID_TOKEN_LIFETIME_SECONDS = 86_400;

export type AppleStandInDependencies = {
  origin: string;
  clock: EmulatorClock;
  keys: IssuerKeys;
  controls: IdpControls;
  randomBytes: RandomBytes;
};

type ResponseMode = 'query' | 'fragment' | 'form_post';

type AppleRequest = {
  clientId: string;
  redirectUri: string;
  responseType: string;
  withIdToken: boolean;
  responseMode: ResponseMode;
  scope: string;
  state?: string;
  nonce?: string;
};

/** The issuer URL of the Apple-like stand-in. */
export const appleIssuer = (origin: string) => `${origin}/idp/apple`;

function check(params: URLSearchParams): AuthorizeCheck<AppleRequest> {
  const clientId = param(params, 'client_id');
  if (clientId !== APPLE_DEV_CLIENT_ID)
    return {
      ok: false,
      page: renderErrorPage(401, 'invalid_client', `Unknown client_id ${clientId ?? '(none)'}.`),
    };
  const redirectUri = param(params, 'redirect_uri') ?? '';
  if (!isAppleRedirect(redirectUri))
    return {
      ok: false,
      page: renderErrorPage(
        400,
        'redirect_uri_mismatch',
        `${redirectUri || '(none)'} is not a Return URL of this Services ID: https://<extension id>.chromiumapp.org/apple, or a companion relay on loopback (…/v1/oauth/apple/callback).`,
      ),
    };
  const invalid = (description: string) =>
    ({ ok: false, page: renderErrorPage(400, 'invalid_request', description) }) as const;
  const responseType = param(params, 'response_type') ?? '';
  const types = new Set(responseType.split(' ').filter((type) => type !== ''));
  if (types.size === 1 && types.has('id_token'))
    return invalid('response_type=id_token alone is not supported: use code id_token.');
  const withIdToken = types.has('id_token');
  if (!types.has('code') || types.size !== (withIdToken ? 2 : 1))
    return invalid(`response_type must be code or code id_token, got ${responseType || 'none'}.`);
  const mode = param(params, 'response_mode') ?? 'query';
  if (mode !== 'query' && mode !== 'fragment' && mode !== 'form_post')
    return invalid(`response_mode must be query, fragment or form_post, got ${mode}.`);
  if (withIdToken && mode === 'query')
    return invalid('response_type with id_token needs response_mode fragment or form_post.');
  const scope = param(params, 'scope') ?? '';
  const scopes = scope.split(' ');
  if ((scopes.includes('name') || scopes.includes('email')) && mode !== 'form_post')
    return invalid('response_mode must be form_post when the scope has name or email.');
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      responseType,
      withIdToken,
      responseMode: mode,
      scope,
      state: param(params, 'state'),
      nonce: param(params, 'nonce'),
    },
  };
}

/** Mounts the Apple-like routes under `/idp/apple` on `routes`. */
export function mountAppleStandIn(routes: Hono, deps: AppleStandInDependencies): void {
  const issuer = appleIssuer(deps.origin);
  /** (client, account) pairs that consented once: later answers carry no `user`. */
  const consented = new Set<string>();

  routes.get('/idp/apple/.well-known/openid-configuration', (c) =>
    c.json({
      issuer,
      authorization_endpoint: `${issuer}/auth/authorize`,
      jwks_uri: `${issuer}/auth/keys`,
      response_types_supported: ['code', 'code id_token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  );
  routes.get('/idp/apple/auth/keys', async (c) => c.json(await deps.keys.jwks()));

  function answer(r: AppleRequest, fields: Record<string, string>): Response {
    if (r.responseMode === 'form_post') return pageResponse(renderFormPostPage(r.redirectUri, fields));
    return redirectResponse(redirectLocation(r.redirectUri, fields, r.responseMode));
  }

  mountAuthorize<AppleRequest>(
    routes,
    {
      idp: 'apple',
      providerName: 'Apple',
      path: '/idp/apple/auth/authorize',
      check,
      hidden: (r) => ({
        client_id: r.clientId,
        redirect_uri: r.redirectUri,
        response_type: r.responseType,
        response_mode: r.responseMode,
        scope: r.scope,
        ...(r.state === undefined ? {} : { state: r.state }),
        ...(r.nonce === undefined ? {} : { nonce: r.nonce }),
      }),
      clientLabel: (r) => r.clientId,
      redirectUri: (r) => r.redirectUri,
      async approve(r, { account, badState, badNonce }) {
        const code = `c${base64url.encode(deps.randomBytes(24))}.0.${base64url.encode(deps.randomBytes(16))}`;
        const fields: Record<string, string> = { code };
        const scopes = r.scope.split(' ');
        if (r.withIdToken) {
          const iat = deps.clock.nowSeconds();
          const nonce = badNonce ? otherValue(r.nonce) : r.nonce;
          fields.id_token = await deps.keys.sign(
            {
              iss: issuer,
              aud: r.clientId,
              exp: iat + APPLE_ID_TOKEN_LIFETIME_SECONDS,
              iat,
              sub: appleSubject(account),
              ...(nonce === undefined ? {} : { nonce }),
              at_hash: base64url.encode(toBytes(sha256(toBytes(code))).slice(0, 16)),
              ...(scopes.includes('email') ? { email: account, email_verified: true } : {}),
              auth_time: iat,
              nonce_supported: true,
            },
            'apple',
          );
        }
        const state = badState ? otherValue(r.state) : r.state;
        if (state !== undefined) fields.state = state;
        const consent = `${r.clientId}:${account}`;
        if (
          r.responseMode === 'form_post' &&
          !consented.has(consent) &&
          scopes.some((s) => s === 'name' || s === 'email')
        ) {
          const { firstName, lastName } = displayName(account);
          fields.user = JSON.stringify({ name: { firstName, lastName }, email: account });
        }
        consented.add(consent);
        return answer(r, fields);
      },
      deny: (r) => answer(r, withState({ error: 'user_cancelled_authorize' }, r.state)),
    },
    deps.controls,
  );
}
