import type { GoogleConfig } from './config.ts';
import { PROVIDER_NAMES } from './config.ts';
import {
  decodeJwt,
  hasAudience,
  isFreshEnough,
  type ProviderMethod,
  providerError,
  withQuery,
} from './providerMethod.ts';

// Google (okto-social-login.md §3.1): the implicit OIDC flow with the app's Web application client; the
// answer's fragment carries the id_token, whose claims are checked here and whose signature Okto checks.

/** Google issues its `iss` with and without the scheme. */
function issuersOf(config: GoogleConfig): string[] {
  return config.issuer === 'https://accounts.google.com'
    ? [config.issuer, 'accounts.google.com']
    : [config.issuer];
}

export const google: ProviderMethod<GoogleConfig> = {
  provider: 'google',
  configOf: (methods) => methods.google,
  nameOf: () => PROVIDER_NAMES.google,
  uses: { nonce: true, pkce: false },
  stateFor: (state) => state,
  authorizeUrl: ({ config, redirectUrl, state, nonce = '' }) =>
    withQuery(config.authorizeUrl, {
      client_id: config.clientId,
      redirect_uri: redirectUrl,
      response_type: 'id_token',
      scope: 'openid email profile',
      nonce,
      state,
      prompt: 'select_account',
    }),
  async readLogin({ config, params, secrets, now }) {
    const invalid = () => providerError('provider_token_invalid', PROVIDER_NAMES.google);
    const idToken = params.get('id_token') ?? '';
    const jwt = decodeJwt(idToken);
    if (!jwt) throw invalid();
    const { header, claims } = jwt;
    if (
      header.alg !== 'RS256' ||
      typeof claims.iss !== 'string' ||
      !issuersOf(config).includes(claims.iss) ||
      !hasAudience(claims.aud, config.clientId) ||
      (claims.azp !== undefined && claims.azp !== config.clientId) ||
      !isFreshEnough(claims.exp, now) ||
      secrets.nonce === undefined ||
      claims.nonce !== secrets.nonce ||
      typeof claims.sub !== 'string' ||
      claims.sub === ''
    )
      throw invalid();
    const label = typeof claims.email === 'string' && claims.email !== '' ? claims.email : 'Google account';
    return { idToken, provider: 'google', label };
  },
};
