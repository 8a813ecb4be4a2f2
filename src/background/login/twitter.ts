import { CompanionError } from '../companionClient.ts';
import type { TwitterConfig } from './config.ts';
import { PROVIDER_NAMES } from './config.ts';
import { type ProviderMethod, providerError, withQuery } from './providerMethod.ts';

// X (okto-social-login.md §3.3): the authorization code flow with PKCE S256. The answer's query carries a
// code, which the companion trades for X's access token (it holds the client secret, if any); that opaque
// token is what Okto gets, and Okto checks it by calling X.

/** X's token is opaque: nothing in it names the account. */
export const X_ACCOUNT_LABEL = 'X account';

export const twitter: ProviderMethod<TwitterConfig> = {
  provider: 'twitter',
  configOf: (methods) => methods.twitter,
  nameOf: () => PROVIDER_NAMES.twitter,
  uses: { nonce: false, pkce: true },
  stateFor: (state) => state,
  authorizeUrl: ({ config, redirectUrl, state, codeChallenge = '' }) =>
    withQuery(config.authorizeUrl, {
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirectUrl,
      scope: config.scope,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }),
  async readLogin({ params, secrets, redirectUrl, exchangeCode }) {
    const name = PROVIDER_NAMES.twitter;
    const code = params.get('code') ?? '';
    if (!/^[\x20-\x7E]{1,512}$/.test(code) || secrets.codeVerifier === undefined || !exchangeCode)
      throw providerError('provider_token_invalid', name);
    try {
      const { accessToken } = await exchangeCode({
        code,
        codeVerifier: secrets.codeVerifier,
        redirectUri: redirectUrl,
      });
      return { idToken: accessToken, provider: 'twitter', label: X_ACCOUNT_LABEL };
    } catch (error) {
      if (error instanceof CompanionError && error.code === 'provider_rejected')
        throw providerError('provider_rejected', name);
      if (error instanceof CompanionError && error.code === 'provider_unavailable')
        throw providerError('provider_unavailable', name);
      throw error;
    }
  },
};
