import type { ClientJwtConfig } from './config.ts';
import {
  decodeJwt,
  hasAudience,
  isFreshEnough,
  type ProviderMethod,
  providerError,
  withQuery,
} from './providerMethod.ts';

// The app's own login (`client_jwt`, okto-social-login.md §3.4): the app's login page redirects back with
// a short JWT in the fragment. Okto never parses it (it calls the app's verify endpoint), so the extension
// checks the five agreed claims: `user_id`, `iat`, `exp` (at most 5 minutes after `iat`), `nonce`, `aud`.

/** The `aud` of every app JWT meant for the extension. */
export const CLIENT_JWT_AUDIENCE = 'okto-extension';
/** `exp − iat` at most. */
export const CLIENT_JWT_MAX_LIFETIME_SECONDS = 300;
/** How far ahead of this computer's clock the app's `iat` may be. */
const IAT_LEEWAY_SECONDS = 60;

export const clientJwt: ProviderMethod<ClientJwtConfig> = {
  provider: 'client_jwt',
  configOf: (methods) => methods.clientJwt,
  nameOf: (config) => config.label,
  uses: { nonce: true, pkce: false },
  stateFor: (state) => state,
  authorizeUrl: ({ config, redirectUrl, state, nonce = '' }) =>
    withQuery(config.loginUrl, { redirect_uri: redirectUrl, state, nonce }),
  async readLogin({ config, params, secrets, now }) {
    const idToken = params.get('jwt') ?? '';
    const claims = decodeJwt(idToken)?.claims;
    const { user_id, iat, exp, nonce, aud } = claims ?? {};
    if (
      claims === undefined ||
      typeof user_id !== 'string' ||
      user_id === '' ||
      user_id.length > 256 ||
      typeof iat !== 'number' ||
      !Number.isFinite(iat) ||
      iat * 1000 > now + IAT_LEEWAY_SECONDS * 1000 ||
      !isFreshEnough(exp, now) ||
      (exp as number) - iat > CLIENT_JWT_MAX_LIFETIME_SECONDS ||
      secrets.nonce === undefined ||
      nonce !== secrets.nonce ||
      !hasAudience(aud, CLIENT_JWT_AUDIENCE)
    )
      throw providerError('provider_token_invalid', config.label);
    return { idToken, provider: 'client_jwt', label: user_id };
  },
};
