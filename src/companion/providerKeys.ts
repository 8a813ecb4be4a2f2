import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { isLoginUrl } from './loginConfig.ts';

// The public keys of the configured OIDC issuers (Google, Apple, or the emulator's stand-ins), found as
// OIDC discovery finds them: `<issuer>/.well-known/openid-configuration` names `jwks_uri`. The companion
// calls only URLs its operator configured (the issuer) or that the issuer's own document names.

/** The issuer, its keys or its document did not answer: the companion cannot check the token now. */
export class ProviderKeysUnavailableError extends Error {
  override name = 'ProviderKeysUnavailableError';
}

/** How long the companion waits for a discovery document or a JWKS. */
export const PROVIDER_KEYS_TIMEOUT_MS = 5000;
/** A discovered `jwks_uri` is used this long before the document is read again. */
const DISCOVERY_CACHE_MS = 60 * 60 * 1000;

export type ProviderKeys = (issuer: string) => Promise<JWTVerifyGetKey>;

/**
 * The key sets of issuers, discovered once an hour; the keys themselves are cached by jose for 10 minutes,
 * refetched at once (at most every 30 s) for an unknown `kid`.
 */
export function createProviderKeys({ fetch: fetchFn }: { fetch: typeof fetch }): ProviderKeys {
  const byIssuer = new Map<string, { keys: JWTVerifyGetKey; until: number }>();

  async function discover(issuer: string): Promise<string> {
    let body: unknown;
    try {
      const response = await fetchFn(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(PROVIDER_KEYS_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (cause) {
      throw new ProviderKeysUnavailableError(`The discovery document of ${issuer} could not be read.`, {
        cause,
      });
    }
    const document = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (document.issuer !== issuer || typeof document.jwks_uri !== 'string' || !isLoginUrl(document.jwks_uri))
      throw new ProviderKeysUnavailableError(
        `The discovery document of ${issuer} names another issuer or no usable jwks_uri.`,
      );
    return document.jwks_uri;
  }

  return async (issuer) => {
    const cached = byIssuer.get(issuer);
    if (cached !== undefined && cached.until > Date.now()) return cached.keys;
    const jwksUri = await discover(issuer);
    const keys = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: PROVIDER_KEYS_TIMEOUT_MS,
      [customFetch]: (url, options) => fetchFn(url, options),
    });
    byIssuer.set(issuer, { keys, until: Date.now() + DISCOVERY_CACHE_MS });
    return keys;
  };
}
