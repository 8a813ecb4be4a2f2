import type { Hono } from 'hono';
import type { EmulatorClock } from '../clock.ts';
import { displayName, googleSubject } from './accounts.ts';
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
import { GOOGLE_DEV_CLIENT_ID, isExtensionRedirect } from './devClients.ts';
import type { IssuerKeys } from './issuerKeys.ts';
import { renderErrorPage } from './pages.ts';

// The Google-like stand-in (okto-social-login.md §5): OIDC discovery, JWKS and the implicit flow
// (`response_type=id_token`) with the development Web client. Its id_tokens are shaped as Google's
// (§3.1): header `{"alg":"RS256","kid":"<40 hex>","typ":"JWT"}`, 1 h.

export const GOOGLE_ID_TOKEN_LIFETIME_SECONDS = 3600;

export type GoogleStandInDependencies = {
  /** The emulator's origin, e.g. `http://127.0.0.1:8790`; the issuer is `<origin>/idp/google`. */
  origin: string;
  clock: EmulatorClock;
  keys: IssuerKeys;
  controls: IdpControls;
};

type GoogleRequest = {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope: string;
  nonce: string;
  state?: string;
  prompt?: string;
};

/** The issuer URL of the Google-like stand-in. */
export const googleIssuer = (origin: string) => `${origin}/idp/google`;

function check(params: URLSearchParams): AuthorizeCheck<GoogleRequest> {
  const clientId = param(params, 'client_id');
  if (clientId !== GOOGLE_DEV_CLIENT_ID)
    return {
      ok: false,
      page: renderErrorPage(
        401,
        'invalid_client',
        `The OAuth client was not found (client_id ${clientId ?? 'missing'}).`,
      ),
    };
  const redirectUri = param(params, 'redirect_uri') ?? '';
  if (!isExtensionRedirect(redirectUri, 'google'))
    return {
      ok: false,
      page: renderErrorPage(
        400,
        'redirect_uri_mismatch',
        `The redirect URI in the request, ${redirectUri || '(none)'}, does not match the ones authorized for the OAuth client: https://<extension id>.chromiumapp.org/google.`,
      ),
    };
  const invalid = (description: string) =>
    ({ ok: false, page: renderErrorPage(400, 'invalid_request', description) }) as const;
  const responseType = param(params, 'response_type');
  if (responseType !== 'id_token')
    return invalid(`response_type must be id_token (the implicit flow), got ${responseType ?? 'none'}.`);
  const scope = param(params, 'scope') ?? '';
  if (!scope.split(' ').includes('openid')) return invalid('scope must include openid.');
  const nonce = param(params, 'nonce');
  if (nonce === undefined) return invalid('nonce is required with response_type=id_token.');
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      responseType,
      scope,
      nonce,
      state: param(params, 'state'),
      prompt: param(params, 'prompt'),
    },
  };
}

/** Mounts the Google-like routes under `/idp/google` on `routes`. */
export function mountGoogleStandIn(routes: Hono, deps: GoogleStandInDependencies): void {
  const issuer = googleIssuer(deps.origin);

  routes.get('/idp/google/.well-known/openid-configuration', (c) =>
    c.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  );
  routes.get('/idp/google/jwks', async (c) => c.json(await deps.keys.jwks()));

  mountAuthorize<GoogleRequest>(
    routes,
    {
      idp: 'google',
      providerName: 'Google',
      path: '/idp/google/authorize',
      check,
      hidden: (r) => ({
        client_id: r.clientId,
        redirect_uri: r.redirectUri,
        response_type: r.responseType,
        scope: r.scope,
        nonce: r.nonce,
        ...(r.state === undefined ? {} : { state: r.state }),
        ...(r.prompt === undefined ? {} : { prompt: r.prompt }),
      }),
      clientLabel: (r) => r.clientId,
      redirectUri: (r) => r.redirectUri,
      async approve(r, { account, badState, badNonce }) {
        const iat = deps.clock.nowSeconds();
        const idToken = await deps.keys.sign(
          {
            iss: issuer,
            azp: r.clientId,
            aud: r.clientId,
            sub: googleSubject(account),
            email: account,
            email_verified: true,
            name: displayName(account).name,
            nonce: badNonce ? otherValue(r.nonce) : r.nonce,
            iat,
            exp: iat + GOOGLE_ID_TOKEN_LIFETIME_SECONDS,
          },
          'google',
        );
        const state = badState ? otherValue(r.state) : r.state;
        return redirectResponse(
          redirectLocation(r.redirectUri, withState({ id_token: idToken }, state), 'fragment'),
        );
      },
      deny: (r) =>
        redirectResponse(
          redirectLocation(r.redirectUri, withState({ error: 'access_denied' }, r.state), 'fragment'),
        ),
    },
    deps.controls,
  );
}
