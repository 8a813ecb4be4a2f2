import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { EmulatorClock } from '../clock.ts';
import { appleIssuer } from './apple.ts';
import type { SocialProvider } from './devClients.ts';
import { googleIssuer } from './google.ts';

// What the emulator's `/authenticate` checks of a provider token (okto-social-login.md §5.4), as Okto
// does: Google's and Apple's id_tokens by their issuers' RS256 keys, X's access token by calling X's
// users/me with it, an app's JWT by calling the app's verify endpoint. Each failure has a reason for the
// emulator's log and events; the caller answers Okto's one documented 400 whatever it is.

/** Keys fetched from a JWKS are used this long before they are fetched again (an unknown `kid` refetches at once). */
export const JWKS_CACHE_SECONDS = 600;
/** How far in the future an `iat` may be (clock skew). */
export const IAT_LEEWAY_SECONDS = 60;
/** How long the emulator waits for X's users/me and an app's verify endpoint. */
export const PROVIDER_CALL_TIMEOUT_MS = 5000;

/** Who a verified token names: the user's identity at the provider. */
export type ProviderIdentity = {
  provider: SocialProvider;
  /** `sub` (google, apple), `data.id` (twitter), the verify answer's `user_id` (client_jwt). */
  subject: string;
  /** An address the provider says it verified (google, apple), lower case. */
  verifiedEmail?: string;
};

export type VerifyProviderTokenResult =
  | { ok: true; identity: ProviderIdentity }
  | { ok: false; reason: string };

/** What the registered client adds to the checks. */
export type ProviderTokenClient = {
  /** The app's verify endpoint for `client_jwt`; default the example app's. */
  jwtVerifyUrl?: string;
  /** When set, the `aud` an id_token of that provider must have (one of). */
  audiences?: { google?: readonly string[]; apple?: readonly string[] };
};

export type ProviderTokenVerifier = (p: {
  provider: SocialProvider;
  idToken: string;
  client: ProviderTokenClient;
}) => Promise<VerifyProviderTokenResult>;

export type CreateProviderTokenVerifierParameters = {
  /** The emulator's origin: its stand-ins are the trusted issuers. */
  origin: string;
  clock: EmulatorClock;
  /** Reaches the JWKS, users/me and verify endpoints (the emulator's own in process). */
  fetch: typeof fetch;
  /** Also trust Google's, Apple's and X's real endpoints (sandbox-like use). Default false. */
  realProviders?: boolean;
};

type TrustedIssuer = { issuer: string; jwksUri: string };

/** The issuers trusted for each id_token provider, and the users/me endpoints for X. */
export function trustedEndpoints(origin: string, realProviders = false) {
  const google: TrustedIssuer[] = [{ issuer: googleIssuer(origin), jwksUri: `${googleIssuer(origin)}/jwks` }];
  const apple: TrustedIssuer[] = [
    { issuer: appleIssuer(origin), jwksUri: `${appleIssuer(origin)}/auth/keys` },
  ];
  const usersMe = [`${origin}/idp/x/2/users/me`];
  if (realProviders) {
    const googleCerts = 'https://www.googleapis.com/oauth2/v3/certs';
    google.push({ issuer: 'https://accounts.google.com', jwksUri: googleCerts });
    google.push({ issuer: 'accounts.google.com', jwksUri: googleCerts });
    apple.push({ issuer: 'https://appleid.apple.com', jwksUri: 'https://appleid.apple.com/auth/keys' });
    usersMe.push('https://api.x.com/2/users/me');
  }
  return { google, apple, usersMe };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The verifier of provider tokens for `/authenticate`.
 * @example
 * const verify = createProviderTokenVerifier({ origin, clock, fetch });
 * const result = await verify({ provider: 'google', idToken, client: {} });
 */
export function createProviderTokenVerifier({
  origin,
  clock,
  fetch: fetchFn,
  realProviders = false,
}: CreateProviderTokenVerifierParameters): ProviderTokenVerifier {
  const trusted = trustedEndpoints(origin, realProviders);
  const jwksCache = new Map<string, { keys: JWK[]; fetchedAt: number }>();

  async function fetchJwks(jwksUri: string): Promise<JWK[]> {
    const response = await fetchFn(jwksUri, { signal: AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`the JWKS ${jwksUri} answered HTTP ${response.status}`);
    const body: unknown = await response.json();
    if (!isRecord(body) || !Array.isArray(body.keys))
      throw new Error(`the JWKS ${jwksUri} has no keys array`);
    const keys = body.keys.filter(isRecord) as JWK[];
    jwksCache.set(jwksUri, { keys, fetchedAt: clock.nowSeconds() });
    return keys;
  }

  /** The key of `kid`: from the cache while it is fresh, else fetched; an unknown `kid` refetches once. */
  async function keyOf(jwksUri: string, kid: string): Promise<JWK | undefined> {
    const cached = jwksCache.get(jwksUri);
    const fresh = cached !== undefined && clock.nowSeconds() - cached.fetchedAt < JWKS_CACHE_SECONDS;
    const find = (keys: JWK[]) => keys.find((key) => key.kid === kid && key.kty === 'RSA');
    const hit = fresh ? find(cached.keys) : undefined;
    if (hit) return hit;
    return find(await fetchJwks(jwksUri));
  }

  async function verifyIdToken(
    provider: 'google' | 'apple',
    idToken: string,
    audiences: readonly string[] | undefined,
  ): Promise<VerifyProviderTokenResult> {
    const fail = (reason: string) => ({ ok: false, reason: `${provider} id_token: ${reason}` }) as const;
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      if (idToken.split('.').length !== 3) throw new Error('not three parts');
      header = decodeProtectedHeader(idToken);
      claims = decodeJwt(idToken);
    } catch {
      return fail('not a compact JWS with a JSON header and claims');
    }
    if (header.alg !== 'RS256') return fail(`alg must be RS256, got ${JSON.stringify(header.alg ?? null)}`);
    const issuer = trusted[provider].find(({ issuer }) => issuer === claims.iss);
    if (issuer === undefined)
      return fail(`iss ${JSON.stringify(claims.iss ?? null)} is not a trusted issuer`);
    if (typeof header.kid !== 'string') return fail('the header has no kid');
    let jwk: JWK | undefined;
    try {
      jwk = await keyOf(issuer.jwksUri, header.kid);
    } catch (error) {
      return fail(
        `the issuer's keys could not be fetched (${error instanceof Error ? error.message : error})`,
      );
    }
    if (jwk === undefined) return fail(`kid ${header.kid} is not in ${issuer.jwksUri}`);
    try {
      await compactVerify(idToken, await importJWK({ ...jwk, alg: 'RS256' }, 'RS256'), {
        algorithms: ['RS256'],
      });
    } catch {
      return fail(`the signature does not verify with the key ${header.kid}`);
    }
    const now = clock.nowSeconds();
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      return fail(`expired (exp ${claims.exp}, now ${now})`);
    if (typeof claims.iat !== 'number' || claims.iat > now + IAT_LEEWAY_SECONDS)
      return fail(`iat ${claims.iat} is missing or in the future (now ${now})`);
    if (typeof claims.sub !== 'string' || claims.sub === '') return fail('sub is missing or empty');
    if (audiences !== undefined) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.some((value) => typeof value === 'string' && audiences.includes(value)))
        return fail(`aud ${JSON.stringify(claims.aud ?? null)} is not an audience of this client`);
    }
    const verified = claims.email_verified === true || claims.email_verified === 'true';
    return {
      ok: true,
      identity: {
        provider,
        subject: claims.sub,
        ...(verified && typeof claims.email === 'string' && claims.email !== ''
          ? { verifiedEmail: claims.email.toLowerCase() }
          : {}),
      },
    };
  }

  /** GET `url` with the token as Bearer; the JSON answer of a 2xx, or why there is none. */
  async function callWithBearer(
    url: string,
    token: string,
  ): Promise<{ ok: true; body: unknown } | { ok: false; reason: string }> {
    let response: Response;
    try {
      response = await fetchFn(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        ok: false,
        reason: `${url} ${timedOut ? `did not answer within ${PROVIDER_CALL_TIMEOUT_MS} ms` : 'could not be reached'}`,
      };
    }
    if (response.status < 200 || response.status > 299)
      return { ok: false, reason: `${url} answered HTTP ${response.status}` };
    try {
      return { ok: true, body: await response.json() };
    } catch {
      return { ok: false, reason: `${url} answered something that is not JSON` };
    }
  }

  async function verifyXToken(idToken: string): Promise<VerifyProviderTokenResult> {
    const reasons: string[] = [];
    for (const url of trusted.usersMe) {
      const answer = await callWithBearer(url, idToken);
      if (!answer.ok) {
        reasons.push(answer.reason);
        continue;
      }
      const id = isRecord(answer.body) && isRecord(answer.body.data) ? answer.body.data.id : undefined;
      if (typeof id === 'string' && id !== '')
        return { ok: true, identity: { provider: 'twitter', subject: id } };
      reasons.push(`${url} answered no data.id`);
    }
    return { ok: false, reason: `twitter access token: ${reasons.join('; ')}` };
  }

  async function verifyClientJwt(
    idToken: string,
    client: ProviderTokenClient,
  ): Promise<VerifyProviderTokenResult> {
    const fail = (reason: string) => ({ ok: false, reason: `client_jwt: ${reason}` }) as const;
    if (/^bearer /i.test(idToken)) return fail('idToken starts with "Bearer ": send the bare JWT');
    const answer = await callWithBearer(client.jwtVerifyUrl ?? `${origin}/app/okto/verify`, idToken);
    if (!answer.ok) return fail(answer.reason);
    if (!isRecord(answer.body) || answer.body.success !== true)
      return fail('the verify endpoint did not answer success: true');
    const userId = answer.body.user_id;
    if (typeof userId !== 'string' || userId === '') return fail('the verify endpoint answered no user_id');
    return { ok: true, identity: { provider: 'client_jwt', subject: userId } };
  }

  return async ({ provider, idToken, client }) => {
    switch (provider) {
      case 'google':
      case 'apple':
        return verifyIdToken(provider, idToken, client.audiences?.[provider]);
      case 'twitter':
        return verifyXToken(idToken);
      case 'client_jwt':
        return verifyClientJwt(idToken, client);
    }
  };
}
