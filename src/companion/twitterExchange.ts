import { extensionOfRedirect, originMatchesExtension } from './extensionRedirects.ts';
import type { TwitterExchangeConfig } from './loginConfig.ts';
import { CompanionRequestError } from './requestError.ts';

// The X code exchange (okto-social-login.md §3.3): the extension got a code with PKCE; the companion
// trades it at X's token endpoint (as X requires: a form post, and for a confidential client its secret,
// which must not be in the extension). The code, the verifier and the token are never logged.

/** The longest the companion waits for X's token endpoint. */
export const X_EXCHANGE_TIMEOUT_MS = 10_000;

export type ExchangeTwitterCodeParameters = {
  input: { code: string; codeVerifier: string; redirectUri: string };
  /** The request's `Origin`, when a browser sent one (already on the allow-list). */
  origin: string | undefined;
  extensionIds: ReadonlySet<string>;
  exchange: TwitterExchangeConfig;
  fetch: typeof fetch;
  timeoutMs?: number;
};

const unavailable = () =>
  new CompanionRequestError({
    status: 502,
    code: 'provider_unavailable',
    message: 'X could not be reached to finish the sign-in. Try again in a moment.',
  });

/**
 * Trades an X authorization code for an access token.
 * @throws {CompanionRequestError} 400 `redirect_not_allowed`, 400 `provider_rejected` (X 4xx), 502
 * `provider_unavailable` (X 5xx or 429, unreachable, over the timeout, or an answer without a token).
 */
export async function exchangeTwitterCode({
  input,
  origin,
  extensionIds,
  exchange,
  fetch: fetchFn,
  timeoutMs = X_EXCHANGE_TIMEOUT_MS,
}: ExchangeTwitterCodeParameters): Promise<{ accessToken: string; expiresIn: number }> {
  const extensionId = extensionOfRedirect(input.redirectUri, 'twitter', extensionIds);
  if (extensionId === undefined)
    throw new CompanionRequestError({
      status: 400,
      code: 'redirect_not_allowed',
      field: 'redirectUri',
      message:
        "redirectUri is not the X redirect of an extension this signing service allows (https://<extension id>.chromiumapp.org/twitter, or on Firefox https://<add-on hash>.extensions.allizom.org/twitter): send identity.getRedirectURL('twitter').",
    });
  if (!originMatchesExtension(origin, extensionId))
    throw new CompanionRequestError({
      status: 400,
      code: 'redirect_not_allowed',
      field: 'redirectUri',
      message: 'redirectUri belongs to another extension than the one sending this request.',
    });

  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (exchange.clientSecret !== undefined)
    headers.Authorization = `Basic ${btoa(`${encodeURIComponent(exchange.clientId)}:${encodeURIComponent(exchange.clientSecret)}`)}`;
  let response: Response;
  let body: unknown;
  try {
    response = await fetchFn(exchange.tokenUrl, {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        code: input.code,
        grant_type: 'authorization_code',
        client_id: exchange.clientId,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      await response.body?.cancel().catch(() => {});
      throw new CompanionRequestError({
        status: 400,
        code: 'provider_rejected',
        message:
          'X did not accept the sign-in (the code expired or was used, or the verifier or redirect differ). Sign in with X again.',
      });
    }
    if (response.status !== 200) throw unavailable();
    body = await response.json();
  } catch (error) {
    if (error instanceof CompanionRequestError) throw error;
    throw unavailable();
  }
  const { access_token, expires_in } =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (typeof access_token !== 'string' || access_token === '' || access_token.length > 2048)
    throw unavailable();
  const expiresIn =
    typeof expires_in === 'number' && Number.isFinite(expires_in) && expires_in > 0
      ? Math.floor(expires_in)
      : 7200;
  return { accessToken: access_token, expiresIn };
}
