import type { AppleConfig } from './config.ts';
import { PROVIDER_NAMES } from './config.ts';
import {
  decodeJwt,
  hasAudience,
  isFreshEnough,
  type ProviderMethod,
  providerError,
  withQuery,
} from './providerMethod.ts';

// Apple (okto-social-login.md §3.2): Apple posts its answer (form_post) to the companion's relay, since
// Chrome drops a post's body; the relay redirects to the extension with the id_token in the fragment. The
// `state` starts with the extension id (on Firefox, its redirect host's hash), which tells the relay where to go.

/** Whether `redirectUrl` is Firefox's `identity.getRedirectURL()` (`https://<hash>.extensions.allizom.org/…`). */
const isFirefoxRedirect = (redirectUrl: string) =>
  /^https:\/\/[0-9a-f]{40}\.extensions\.allizom\.org\//.test(redirectUrl);

export const apple: ProviderMethod<AppleConfig> = {
  provider: 'apple',
  configOf: (methods) => methods.apple,
  nameOf: () => PROVIDER_NAMES.apple,
  uses: { nonce: true, pkce: false },
  stateFor: (state, extensionId) => `${extensionId}.${state}`,
  authorizeUrl: ({ config, redirectUrl, state, nonce = '' }) =>
    // Firefox's launchWebAuthFlow refuses a redirect_uri outside its own redirect domain (its ext-identity.js),
    // and Apple's must be the relay: there the flow starts at the companion, which redirects to Apple with
    // this very request (COMPANION_ALLOW_FIREFOX=1, src/companion/README.md).
    isFirefoxRedirect(redirectUrl)
      ? withQuery(config.relayUrl.replace(/\/callback$/, '/start'), { state, nonce })
      : withQuery(config.authorizeUrl, {
          client_id: config.clientId,
          redirect_uri: config.relayUrl,
          response_type: 'code id_token',
          response_mode: 'form_post',
          scope: 'name email',
          state,
          nonce,
        }),
  async readLogin({ config, params, secrets, now }) {
    const invalid = () => providerError('provider_token_invalid', PROVIDER_NAMES.apple);
    const idToken = params.get('id_token') ?? '';
    const jwt = decodeJwt(idToken);
    if (!jwt) throw invalid();
    const { header, claims } = jwt;
    if (
      header.alg !== 'RS256' ||
      claims.iss !== config.issuer ||
      !hasAudience(claims.aud, config.clientId) ||
      !isFreshEnough(claims.exp, now) ||
      secrets.nonce === undefined ||
      claims.nonce !== secrets.nonce ||
      typeof claims.sub !== 'string' ||
      claims.sub === ''
    )
      throw invalid();
    const label = typeof claims.email === 'string' && claims.email !== '' ? claims.email : 'Apple ID';
    return { idToken, provider: 'apple', label };
  },
};
