import { sign, verify } from 'hono/jwt';
import type { EmulatorClock } from './clock.ts';

// The `auth_token` and `refresh_auth_token` that OTP verify answers: HS256 JWTs signed with a secret
// that lives only as long as the emulator process. Clients treat them as opaque; /authenticate reads them.

/** An `auth_token` lives 10 days, as Okto's do. */
export const ID_TOKEN_LIFETIME_SECONDS = 10 * 24 * 60 * 60;
/** A `refresh_auth_token` lives 30 days (ours: Okto publishes nothing). */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export type LoginMedium = 'EMAIL_OTP' | 'WHATSAPP_OTP';

/** The claims of an `auth_token`. */
export type IdTokenClaims = {
  user_id: string;
  login_medium: LoginMedium;
  client_swa: string;
  iat: number;
  exp: number;
};

export type IdTokens = {
  /** Both tokens for a freshly verified user. */
  issue(p: { userId: string; loginMedium: LoginMedium; clientSWA: string }): Promise<{
    authToken: string;
    refreshAuthToken: string;
  }>;
  /** The claims of a valid, unexpired `auth_token`, or why it is not one. */
  verify(token: string): Promise<{ ok: true; claims: IdTokenClaims } | { ok: false; reason: string }>;
};

/** JWTs signed with `secret`; expiry is checked against the emulator clock, not the wall clock. */
export function createIdTokens({ secret, clock }: { secret: string; clock: EmulatorClock }): IdTokens {
  return {
    async issue({ userId, loginMedium, clientSWA }) {
      const iat = clock.nowSeconds();
      const [authToken, refreshAuthToken] = await Promise.all([
        sign(
          {
            user_id: userId,
            login_medium: loginMedium,
            client_swa: clientSWA,
            token_type: 'auth',
            iat,
            exp: iat + ID_TOKEN_LIFETIME_SECONDS,
          },
          secret,
          'HS256',
        ),
        sign(
          {
            user_id: userId,
            client_swa: clientSWA,
            token_type: 'refresh',
            iat,
            exp: iat + REFRESH_TOKEN_LIFETIME_SECONDS,
          },
          secret,
          'HS256',
        ),
      ]);
      return { authToken, refreshAuthToken };
    },

    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        // Time claims are checked below against the emulator clock, which may run ahead of real time.
        payload = await verify(token, secret, { alg: 'HS256', exp: false, nbf: false, iat: false });
      } catch {
        return { ok: false, reason: 'not a JWT signed by this emulator (it forgets its key on restart)' };
      }
      const { user_id, login_medium, client_swa, token_type, iat, exp } = payload;
      if (token_type !== 'auth') return { ok: false, reason: 'not an auth_token (a refresh_auth_token?)' };
      if (
        typeof user_id !== 'string' ||
        (login_medium !== 'EMAIL_OTP' && login_medium !== 'WHATSAPP_OTP') ||
        typeof client_swa !== 'string' ||
        typeof iat !== 'number' ||
        typeof exp !== 'number'
      )
        return { ok: false, reason: 'claims missing' };
      if (exp <= clock.nowSeconds())
        return { ok: false, reason: `expired at ${new Date(exp * 1000).toISOString()}` };
      return { ok: true, claims: { user_id, login_medium, client_swa, iat, exp } };
    },
  };
}
