import { describe, expect, test } from 'vitest';
import { TEST_CLIENT_SWA } from '../okto/testing/vectors.ts';
import { checkOktoIdToken, ID_TOKEN_MAX_AGE_SECONDS } from './idToken.ts';
import { CompanionRequestError } from './requestError.ts';

const part = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
const jwt = (
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) => `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
const now = 1_700_000_000;
const check = (idToken: string) => checkOktoIdToken({ idToken, now, clientSWA: TEST_CLIENT_SWA });

function refusal(idToken: string) {
  try {
    check(idToken);
  } catch (error) {
    if (error instanceof CompanionRequestError)
      return { status: error.status, code: error.code, field: error.field, message: error.shortMessage };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkOktoIdToken', () => {
  test('a fresh token may register sessions until an hour after it was issued, or its expiry if sooner', () => {
    expect(check(jwt({ iat: now - 10, exp: now + 864_000 }))).toEqual({
      usableUntil: now - 10 + ID_TOKEN_MAX_AGE_SECONDS,
    });
    expect(check(jwt({ iat: now - 10, exp: now + 60 }))).toEqual({ usableUntil: now + 60 });
    // Without iat, until it expires.
    expect(check(jwt({ exp: now + 600 }))).toEqual({ usableUntil: now + 600 });
    expect(check(jwt({ exp: now + 600, client_swa: TEST_CLIENT_SWA.toLowerCase() }))).toEqual({
      usableUntil: now + 600,
    });
  });

  test.each([
    ['not three parts', 'abc.def', 400, /is not a JWT/],
    ['not base64url', 'a+b.c/d.e=f', 400, /is not a JWT/],
    ['an empty signature', `${part({ alg: 'HS256' })}.${part({ exp: now + 1 })}.`, 400, /is not a JWT/],
    ['a header without alg', jwt({ exp: now + 1 }, { typ: 'JWT' }), 400, /no JWT header with an alg/],
    ['alg none', jwt({ exp: now + 1 }, { alg: 'none' }), 400, /unsigned JWT/],
    ['a payload that is not JSON', `${part({ alg: 'HS256' })}.bm90IGpzb24.c2ln`, 400, /not a JSON object/],
    ['a payload that is an array', `${part({ alg: 'HS256' })}.${part([1])}.c2ln`, 400, /not a JSON object/],
    ['no exp', jwt({ iat: now }), 400, /no numeric exp/],
    ['an exp in text', jwt({ exp: `${now + 60}` }), 400, /no numeric exp/],
    ['an iat in text', jwt({ exp: now + 60, iat: 'today' }), 400, /iat claim that is not a number/],
    ['an exp now', jwt({ exp: now }), 401, /expired at 2023-11-14T22:13:20.000Z/],
    ['an iat over an hour ago', jwt({ exp: now + 60, iat: now - 3601 }), 401, /more than 60 minutes ago/],
    [
      'another client',
      jwt({ exp: now + 60, client_swa: `0x${'ab'.repeat(20)}` }),
      403,
      /another Okto client/,
    ],
    ['a client that is no address', jwt({ exp: now + 60, client_swa: 7 }), 403, /another Okto client/],
  ])('refuses a token with %s, naming authData.idToken', (_, idToken, status, message) => {
    const error = refusal(idToken);
    expect(error.status).toBe(status);
    expect(error.field).toBe('authData.idToken');
    expect(error.message).toMatch(message);
  });
});

describe('createIdTokenChecks', async () => {
  const { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const { createIdTokenChecks } = await import('./idToken.ts');
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }] });
  const issued = new Set(['x-token-we-handed-out']);
  const google = {
    clientId: 'web-client',
    authorizeUrl: 'https://a.example/auth',
    issuer: 'https://accounts.google.com',
  };
  const checks = createIdTokenChecks({
    login: {
      otp: { email: true, whatsapp: false },
      google,
      twitter: { clientId: 'x', authorizeUrl: 'https://x.example', scope: 's' },
      clientJwt: { loginUrl: 'https://app.example/l', label: 'App' },
    },
    clientSWA: TEST_CLIENT_SWA,
    providerKeys: async (issuer) => {
      if (issuer !== google.issuer) throw new Error('asked for another issuer');
      return keys;
    },
    isIssuedXToken: async (token) => issued.has(token),
  });
  const signGoogle = (claims: Record<string, unknown>, key = privateKey) =>
    new SignJWT({
      iss: 'https://accounts.google.com',
      aud: 'web-client',
      azp: 'web-client',
      sub: '1',
      iat: now - 5,
      exp: now + 3595,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k', typ: 'JWT' })
      .sign(key);
  async function refused(provider: 'google' | 'apple' | 'twitter' | 'client_jwt', idToken: string) {
    try {
      await checks({ provider, idToken, now });
    } catch (error) {
      if (error instanceof CompanionRequestError)
        return { status: error.status, code: error.code, message: error.shortMessage };
      throw error;
    }
    throw new Error('expected a refusal');
  }

  test('google: a token of the configured issuer and client, verified with its keys', async () => {
    expect(await checks({ provider: 'google', idToken: await signGoogle({}), now })).toEqual({
      usableUntil: now + 3595,
    });
    // Google also writes its issuer without the scheme.
    expect(
      (await checks({ provider: 'google', idToken: await signGoogle({ iss: 'accounts.google.com' }), now }))
        .usableUntil,
    ).toBe(now + 3595);
  });

  test.each([
    ['another issuer', { iss: 'https://evil.example' }, 401, 'id_token_invalid'],
    ['another audience', { aud: 'someone-else' }, 403, 'id_token_other_client'],
    ['another azp', { azp: 'someone-else' }, 403, 'id_token_other_client'],
    ['an expired token', { exp: now - 1 }, 401, 'id_token_expired'],
    ['an iat in the future', { iat: now + 120 }, 401, 'id_token_invalid'],
    ['an iat over an hour ago', { iat: now - 3601 }, 401, 'id_token_too_old'],
    ['no sub', { sub: '' }, 400, 'invalid_input'],
  ])('google: refuses %s', async (_, claims, status, code) => {
    expect(await refused('google', await signGoogle(claims))).toMatchObject({ status, code });
  });

  test('google: refuses a token not signed by the issuer, and an alg other than RS256', async () => {
    const stranger = (await generateKeyPair('RS256')).privateKey;
    expect(await refused('google', await signGoogle({}, stranger))).toMatchObject({
      status: 401,
      code: 'id_token_invalid',
      message: /not signed by https:\/\/accounts.google.com/,
    });
    const hs = jwt({
      iss: 'https://accounts.google.com',
      aud: 'web-client',
      sub: '1',
      iat: now,
      exp: now + 60,
    });
    expect(await refused('google', hs)).toMatchObject({ status: 401, message: /not an RS256 JWT/ });
  });

  test('a provider this companion does not offer is refused', async () => {
    expect(await refused('apple', await signGoogle({}))).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: /Apple sign-in is not enabled/,
    });
  });

  test('twitter: only an access token this companion handed out', async () => {
    expect(await checks({ provider: 'twitter', idToken: 'x-token-we-handed-out', now })).toEqual({
      usableUntil: now + 3600,
    });
    expect(await refused('twitter', 'some-other-token')).toMatchObject({
      status: 401,
      code: 'id_token_invalid',
    });
  });

  const appJwt = (claims: Record<string, unknown>) =>
    jwt(
      { user_id: 'user-1', aud: 'okto-extension', iat: now - 10, exp: now + 290, nonce: 'n', ...claims },
      { alg: 'ES256' },
    );
  test('client_jwt: its claims (aud, exp, exp − iat ≤ 300, user_id)', async () => {
    expect(await checks({ provider: 'client_jwt', idToken: appJwt({}), now })).toEqual({
      usableUntil: now + 290,
    });
    expect(
      await checks({ provider: 'client_jwt', idToken: appJwt({ aud: ['a', 'okto-extension'] }), now }),
    ).toEqual({ usableUntil: now + 290 });
  });

  test.each([
    ['another aud', { aud: 'okto' }, 403],
    ['a lifetime over 300 s', { exp: now + 291 }, 401],
    ['an expired one', { iat: now - 400, exp: now - 100 }, 401],
    ['no user_id', { user_id: undefined }, 400],
    ['a user_id over 256 characters', { user_id: 'u'.repeat(257) }, 400],
  ])('client_jwt: refuses %s', async (_, claims, status) => {
    expect((await refused('client_jwt', appJwt(claims))).status).toBe(status);
  });

  test('client_jwt: refuses alg none and a Bearer prefix', async () => {
    expect(
      (await refused('client_jwt', appJwt({}).replace(/^[^.]+/, part({ alg: 'none' })))).message,
    ).toMatch(/unsigned/);
    expect((await refused('client_jwt', `Bearer ${appJwt({})}`)).message).toMatch(/not a JWT/);
  });
});
