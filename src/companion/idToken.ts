import { type Address, isAddressEqual } from 'viem';
import { CompanionRequestError, invalidInput } from './requestError.ts';

// What `/v1/session` learns from the id token of the login it completes. The companion co-signs a
// session only for a login that happened: the request carries the id token Okto's verify answered
// (as /authenticate will), and the companion counts the sessions of each token. One check per
// provider, so that later login methods (google, apple, twitter, client_jwt) add theirs.

/** The `authData.provider` values the companion knows, as Okto's /authenticate names them. */
export const ID_TOKEN_PROVIDERS = ['okto'] as const;
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

/** The check of each provider. */
export const idTokenChecks: Record<IdTokenProvider, IdTokenCheck> = { okto: checkOktoIdToken };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The payload of a compact JWS, unverified; throws a 400 naming what is wrong with its shape. */
function readJwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)))
    throw invalidInput(
      FIELD,
      `${FIELD} is not a JWT (three base64url parts separated by dots): send the auth_token that OTP verify answered.`,
    );
  const header = decodeJsonPart(parts[0] as string);
  if (header === undefined || typeof header.alg !== 'string')
    throw invalidInput(
      FIELD,
      `${FIELD} has no JWT header with an alg: send the auth_token that OTP verify answered.`,
    );
  if (header.alg.toLowerCase() === 'none')
    throw invalidInput(FIELD, `${FIELD} is an unsigned JWT: Okto's tokens are signed.`);
  const claims = decodeJsonPart(parts[1] as string);
  if (claims === undefined) throw invalidInput(FIELD, `${FIELD} has a payload that is not a JSON object.`);
  return claims;
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
