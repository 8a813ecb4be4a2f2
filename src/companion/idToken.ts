import { errors as joseErrors, jwtVerify } from 'jose';
import { type Address, isAddressEqual } from 'viem';
import type { LoginConfig } from './loginConfig.ts';
import { type ProviderKeys, ProviderKeysUnavailableError } from './providerKeys.ts';
import { CompanionRequestError, invalidInput } from './requestError.ts';

// What `/v1/session` learns from the id token of the login it completes. The companion co-signs a
// session only for a login that happened: the request carries the token Okto's /authenticate will get,
// checked by its provider's rules, and the companion counts the sessions of each token.
//   okto        Okto's HS256 token (OTP): claims only, Okto holds the key.
//   google      RS256, verified with the configured issuer's published keys, and its claims.
//   apple       the same.
//   twitter     opaque: only an access token this companion's own code exchange handed out.
//   client_jwt  the app's JWT, in the app's algorithm with the app's key: claims only (Okto calls the
//               app's verify endpoint, which the companion does not know).

/** The `authData.provider` values the companion knows, as Okto's /authenticate names them. */
export const ID_TOKEN_PROVIDERS = ['okto', 'google', 'apple', 'twitter', 'client_jwt'] as const;
export type IdTokenProvider = (typeof ID_TOKEN_PROVIDERS)[number];

/** A login's id token may register sessions for at most this long after it was issued. */
export const ID_TOKEN_MAX_AGE_SECONDS = 60 * 60;

export type CheckIdTokenParameters = {
  idToken: string;
  /** Unix seconds. */
  now: number;
  /** The companion's own client: a token that names another is refused. */
  clientSWA: Address;
};

/** A token fit to register sessions, and until when (Unix seconds): its session count lives that long. */
export type CheckedIdToken = { usableUntil: number };

/** Checks one provider's id token; throws a {@link CompanionRequestError} naming the problem. */
export type IdTokenCheck = (p: CheckIdTokenParameters) => CheckedIdToken;

const FIELD = 'authData.idToken';

/**
 * Okto's own id token (OTP logins): an HS256 JWT whose key only Okto holds. The companion cannot check
 * its signature (Okto does, at /authenticate), so it reads the claims: the token must be a JWT with
 * a numeric `exp` still ahead, no older than {@link ID_TOKEN_MAX_AGE_SECONDS} when it carries `iat`,
 * and for this client when it names one (`client_swa`).
 */
export const checkOktoIdToken: IdTokenCheck = ({ idToken, now, clientSWA }) => {
  const claims = readJwtClaims(idToken);
  const { exp, iat, client_swa } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw invalidInput(
      FIELD,
      `${FIELD} has no numeric exp claim: send the auth_token that OTP verify answered.`,
    );
  if (exp <= now)
    throw new CompanionRequestError({
      status: 401,
      code: 'id_token_expired',
      field: FIELD,
      message: `${FIELD} expired at ${new Date(exp * 1000).toISOString()}: log in again.`,
    });
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat)))
    throw invalidInput(FIELD, `${FIELD} has an iat claim that is not a number.`);
  if (iat !== undefined && now - iat > ID_TOKEN_MAX_AGE_SECONDS)
    throw new CompanionRequestError({
      status: 401,
      code: 'id_token_too_old',
      field: FIELD,
      message: `${FIELD} was issued more than ${ID_TOKEN_MAX_AGE_SECONDS / 60} minutes ago: a session is registered right after the code is verified. Log in again.`,
    });
  if (
    client_swa !== undefined &&
    (typeof client_swa !== 'string' ||
      !/^0x[0-9a-fA-F]{40}$/.test(client_swa) ||
      !isAddressEqual(client_swa as Address, clientSWA))
  )
    throw new CompanionRequestError({
      status: 403,
      code: 'id_token_other_client',
      field: FIELD,
      message: `${FIELD} belongs to another Okto client than the one this signing service signs for: log in through this app.`,
    });
  return { usableUntil: iat === undefined ? exp : Math.min(exp, iat + ID_TOKEN_MAX_AGE_SECONDS) };
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const OTP_HINT = 'send the auth_token that OTP verify answered';

/** The payload of a compact JWS, unverified; throws a 400 naming what is wrong with its shape. */
function readJwtClaims(token: string, hint = OTP_HINT): Record<string, unknown> {
  return readJwt(token, hint).claims;
}

function readJwt(
  token: string,
  hint: string,
): { header: Record<string, unknown> & { alg: string }; claims: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)))
    throw invalidInput(FIELD, `${FIELD} is not a JWT (three base64url parts separated by dots): ${hint}.`);
  const header = decodeJsonPart(parts[0] as string);
  if (header === undefined || typeof header.alg !== 'string')
    throw invalidInput(FIELD, `${FIELD} has no JWT header with an alg: ${hint}.`);
  if (header.alg.toLowerCase() === 'none')
    throw invalidInput(FIELD, `${FIELD} is an unsigned JWT: login tokens are signed.`);
  const claims = decodeJsonPart(parts[1] as string);
  if (claims === undefined) throw invalidInput(FIELD, `${FIELD} has a payload that is not a JSON object.`);
  return { header: header as Record<string, unknown> & { alg: string }, claims };
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const base64 = part.replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
      c.charCodeAt(0),
    );
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** How far ahead of the companion's clock an `iat` may be. */
export const IAT_LEEWAY_SECONDS = 60;
/** The most a `client_jwt` may live: `exp − iat ≤ 300` (okto-social-login.md §3.4). */
export const CLIENT_JWT_MAX_LIFETIME_SECONDS = 300;
/** The audience of every `client_jwt`. */
export const CLIENT_JWT_AUDIENCE = 'okto-extension';

const PROVIDER_NAMES: Record<IdTokenProvider, string> = {
  okto: 'Email and WhatsApp',
  google: 'Google',
  apple: 'Apple',
  twitter: 'X',
  client_jwt: "The app's",
};

export type CreateIdTokenChecksParameters = {
  login: LoginConfig;
  clientSWA: Address;
  /** The configured issuers' key sets (google, apple). */
  providerKeys: ProviderKeys;
  /** Whether this companion's X code exchange handed out this access token (and it has not expired). */
  isIssuedXToken: (accessToken: string) => Promise<boolean>;
};

/** Checks one login's token for `/v1/session`; throws a {@link CompanionRequestError} naming the problem. */
export type IdTokenChecks = (p: {
  provider: IdTokenProvider;
  idToken: string;
  /** Unix seconds. */
  now: number;
}) => Promise<CheckedIdToken>;

const expired = (exp: number) =>
  new CompanionRequestError({
    status: 401,
    code: 'id_token_expired',
    field: FIELD,
    message: `${FIELD} expired at ${new Date(exp * 1000).toISOString()}: sign in again.`,
  });

const invalid = (message: string) =>
  new CompanionRequestError({ status: 401, code: 'id_token_invalid', field: FIELD, message });

const otherClient = (message: string) =>
  new CompanionRequestError({ status: 403, code: 'id_token_other_client', field: FIELD, message });

/** Whether `aud` is `expected`, or an array holding it. */
function hasAudience(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

/** A numeric `iat` not in the future, and the end of the window in which the token may register. */
function freshness(claims: Record<string, unknown>, now: number): { iat: number; exp: number } {
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw invalidInput(FIELD, `${FIELD} has no numeric exp claim.`);
  if (exp <= now) throw expired(exp);
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw invalidInput(FIELD, `${FIELD} has no numeric iat claim.`);
  if (iat > now + IAT_LEEWAY_SECONDS)
    throw invalid(`${FIELD} was issued in the future (iat): check the clocks, then sign in again.`);
  if (now - iat > ID_TOKEN_MAX_AGE_SECONDS)
    throw new CompanionRequestError({
      status: 401,
      code: 'id_token_too_old',
      field: FIELD,
      message: `${FIELD} was issued more than ${ID_TOKEN_MAX_AGE_SECONDS / 60} minutes ago: a session is registered right after sign-in. Sign in again.`,
    });
  return { iat, exp };
}

/**
 * The provider checks of `/v1/session`, for the methods this companion offers (a provider it does not
 * offer is refused: it has no issuer or client to check against).
 */
export function createIdTokenChecks({
  login,
  clientSWA,
  providerKeys,
  isIssuedXToken,
}: CreateIdTokenChecksParameters): IdTokenChecks {
  const notEnabled = (provider: IdTokenProvider) =>
    invalidInput(
      'authData.provider',
      `authData.provider ${JSON.stringify(provider)}: ${PROVIDER_NAMES[provider]} sign-in is not enabled on this signing service.`,
    );

  async function checkOidc(
    provider: 'google' | 'apple',
    idToken: string,
    now: number,
  ): Promise<CheckedIdToken> {
    const method = login[provider];
    if (method === undefined) throw notEnabled(provider);
    const name = PROVIDER_NAMES[provider];
    const { header, claims } = readJwt(idToken, `send the id_token ${name} answered`);
    if (header.alg !== 'RS256') throw invalid(`${FIELD} is not an RS256 JWT, as ${name}'s id_tokens are.`);
    // Google writes its issuer both ways (okto-social-login.md §3.1).
    const issuers =
      method.issuer === 'https://accounts.google.com'
        ? [method.issuer, 'accounts.google.com']
        : [method.issuer];
    // Claims first: a token that cannot pass costs no request to the issuer.
    if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))
      throw invalid(`${FIELD} was not issued by ${method.issuer}.`);
    if (
      !hasAudience(claims.aud, method.clientId) ||
      (claims.azp !== undefined && claims.azp !== method.clientId)
    )
      throw otherClient(
        `${FIELD} was issued to another app than this one's ${name} client: sign in through this app.`,
      );
    const { iat, exp } = freshness(claims, now);
    if (typeof claims.sub !== 'string' || claims.sub === '')
      throw invalidInput(FIELD, `${FIELD} has no sub claim.`);
    try {
      await jwtVerify(idToken, await providerKeys(method.issuer), {
        algorithms: ['RS256'],
        currentDate: new Date(now * 1000),
      });
    } catch (error) {
      if (
        error instanceof ProviderKeysUnavailableError ||
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        !(error instanceof joseErrors.JOSEError) ||
        error.code === 'ERR_JOSE_GENERIC'
      )
        throw new CompanionRequestError({
          status: 502,
          code: 'provider_unavailable',
          message: `The signing service could not fetch ${name}'s public keys to check the sign-in. Try again in a moment.`,
        });
      throw invalid(`${FIELD} is not signed by ${method.issuer}'s keys.`);
    }
    return { usableUntil: Math.min(exp, iat + ID_TOKEN_MAX_AGE_SECONDS) };
  }

  async function checkTwitter(idToken: string, now: number): Promise<CheckedIdToken> {
    if (login.twitter === undefined) throw notEnabled('twitter');
    if (!(await isIssuedXToken(idToken)))
      throw invalid(
        `${FIELD} is not an X access token this signing service's code exchange handed out in the last hour: sign in with X again.`,
      );
    return { usableUntil: now + ID_TOKEN_MAX_AGE_SECONDS };
  }

  function checkClientJwt(idToken: string, now: number): CheckedIdToken {
    if (login.clientJwt === undefined) throw notEnabled('client_jwt');
    const claims = readJwtClaims(idToken, "send the bare JWT the app's login answered, without Bearer");
    if (!hasAudience(claims.aud, CLIENT_JWT_AUDIENCE))
      throw otherClient(`${FIELD} is not meant for the extension (aud must be "${CLIENT_JWT_AUDIENCE}").`);
    const { iat, exp } = freshness(claims, now);
    if (exp - iat > CLIENT_JWT_MAX_LIFETIME_SECONDS)
      throw invalid(
        `${FIELD} lives longer than ${CLIENT_JWT_MAX_LIFETIME_SECONDS} seconds (exp − iat): the app must issue short JWTs.`,
      );
    const { user_id } = claims;
    if (typeof user_id !== 'string' || user_id === '' || user_id.length > 256)
      throw invalidInput(FIELD, `${FIELD} has no user_id claim of 1 to 256 characters.`);
    return { usableUntil: exp };
  }

  return async ({ provider, idToken, now }) => {
    switch (provider) {
      case 'okto':
        if (!login.otp.email && !login.otp.whatsapp) throw notEnabled('okto');
        return checkOktoIdToken({ idToken, now, clientSWA });
      case 'google':
      case 'apple':
        return checkOidc(provider, idToken, now);
      case 'twitter':
        return checkTwitter(idToken, now);
      case 'client_jwt':
        return checkClientJwt(idToken, now);
    }
  };
}
