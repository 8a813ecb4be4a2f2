import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  buildAuthenticateRequest,
  createSessionKey,
  environments,
  privateKeySigner,
  signSessionAsClient,
  signSessionAsUser,
} from '../../okto/index.ts';
import { createEmulatorApp } from '../app.ts';
import { createEmulatorClock, type EmulatorClock } from '../clock.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../devClient.ts';
import { createProviderTokenVerifier } from './providerTokens.ts';

// `/authenticate` with google and apple id_tokens, in process (no socket): the emulator checks them as
// Okto does (okto-social-login.md §5.4) and answers Okto's one documented 400 for every refusal, the
// reason going only to its log.

const ORIGIN = 'http://127.0.0.1:8790';
const DOCUMENTED_400 = {
  status: 'error',
  error: { code: -32603, message: 'Internal Server Error', data: 'error with downstream service' },
};
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org';

let clock: EmulatorClock;
let app: ReturnType<typeof createEmulatorApp>;
let log: string[];

beforeEach(() => {
  clock = createEmulatorClock();
  log = [];
  app = createEmulatorApp({ clock, origin: ORIGIN, log: (line) => log.push(line) });
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

async function control(body: unknown) {
  const response = await app.request('/__emulator/idp', json(body));
  expect(response.status).toBe(200);
  return response.json();
}

/** An id_token from the stand-in's approve answer, as the extension would receive it. */
async function idTokenFrom(provider: 'google' | 'apple', account = 'alice@example.com'): Promise<string> {
  await control({ provider, next: 'approve', account });
  const query =
    provider === 'google'
      ? new URLSearchParams({
          client_id: 'emulator-google-client.apps.googleusercontent.com',
          redirect_uri: `${REDIRECT}/google`,
          response_type: 'id_token',
          scope: 'openid email profile',
          nonce: 'n'.repeat(43),
          state: 's'.repeat(43),
        })
      : new URLSearchParams({
          client_id: 'dev.okto.emulator',
          redirect_uri: `${REDIRECT}/apple`,
          response_type: 'code id_token',
          response_mode: 'fragment',
          nonce: 'n'.repeat(43),
          state: 's'.repeat(43),
        });
  const path = provider === 'google' ? '/idp/google/authorize' : '/idp/apple/auth/authorize';
  const response = await app.request(`${path}?${query}`);
  expect(response.status).toBe(302);
  const fragment = new URLSearchParams(new URL(response.headers.get('location') ?? '').hash.slice(1));
  return fragment.get('id_token') ?? '';
}

async function authenticate(provider: string, idToken: string) {
  const sessionKey = createSessionKey();
  const nonce = crypto.randomUUID();
  const signatures = await signSessionAsClient({
    sessionPk: sessionKey.publicKey,
    nonce,
    clientSWA: DEV_CLIENT_SWA,
    now: clock.nowSeconds(),
    sign: privateKeySigner(DEV_CLIENT_PRIVATE_KEY),
  });
  const request = buildAuthenticateRequest({
    ...signatures,
    idToken,
    nonce,
    clientSWA: DEV_CLIENT_SWA,
    sessionPk: sessionKey.publicKey,
    paymaster: environments.local.paymaster,
    sessionDataUserSignature: await signSessionAsUser({
      sessionPk: sessionKey.publicKey,
      sign: privateKeySigner(sessionKey.privateKey),
    }),
  });
  const response = await app.request(
    '/api/oc/v1/authenticate',
    json({ ...request, authData: { idToken, provider } }),
  );
  return { status: response.status, body: await response.json() };
}

async function expectRefused(provider: string, idToken: string, reason: RegExp) {
  const { status, body } = await authenticate(provider, idToken);
  expect(status).toBe(400);
  expect(body).toEqual(DOCUMENTED_400);
  expect(log.at(-1)).toMatch(reason);
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString());

describe.each(['google', 'apple'] as const)('a %s id_token at /authenticate', (provider) => {
  test('a token of the stand-in registers a session', async () => {
    const { status, body } = await authenticate(provider, await idTokenFrom(provider));
    expect(status).toBe(200);
    expect(body.status).toBe('success');
  });

  test('the same token may register again while it is unexpired', async () => {
    const idToken = await idTokenFrom(provider);
    expect((await authenticate(provider, idToken)).status).toBe(200);
    expect((await authenticate(provider, idToken)).status).toBe(200);
  });

  test('alg none is refused with the documented 400', async () => {
    const claims = claimsOf(await idTokenFrom(provider));
    await expectRefused(
      provider,
      `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`,
      /alg must be RS256, got "none"/,
    );
  });

  test('HS256 keyed with the public key (algorithm confusion) is refused', async () => {
    const genuine = await idTokenFrom(provider);
    const jwks = await (
      await app.request(provider === 'google' ? '/idp/google/jwks' : '/idp/apple/auth/keys')
    ).json();
    const forged = await new SignJWT(claimsOf(genuine))
      .setProtectedHeader({ alg: 'HS256', kid: headerOf(genuine).kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    await expectRefused(provider, forged, /alg must be RS256, got "HS256"/);
  });

  test('an expired token is refused on the emulator clock', async () => {
    const idToken = await idTokenFrom(provider);
    clock.advance(provider === 'google' ? 3600 : 86_400);
    await expectRefused(provider, idToken, /expired/);
  });

  test('a token of another issuer is refused, whatever its signature', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const genuine = await idTokenFrom(provider);
    const forged = await new SignJWT({ ...claimsOf(genuine), iss: 'https://accounts.google.com' })
      .setProtectedHeader(headerOf(genuine))
      .sign(privateKey);
    await expectRefused(provider, forged, /iss "https:\/\/accounts.google.com" is not a trusted issuer/);
  });

  test('changed claims under the stand-in signature are refused', async () => {
    const [header, , signature] = (await idTokenFrom(provider)).split('.');
    const claims = claimsOf(await idTokenFrom(provider, 'bob@example.com'));
    await expectRefused(
      provider,
      `${header}.${part({ ...claims, email: 'alice@example.com' })}.${signature}`,
      /signature does not verify/,
    );
  });

  test('a token signed by another key under a made-up kid is refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claimsOf(await idTokenFrom(provider)))
      .setProtectedHeader({ alg: 'RS256', kid: 'not-a-kid-of-this-issuer' })
      .sign(privateKey);
    await expectRefused(provider, forged, /kid not-a-kid-of-this-issuer is not in/);
  });

  test('key rotation: a new kid is fetched at once; the old one works until the keys are fetched again', async () => {
    const before = await idTokenFrom(provider);
    expect((await authenticate(provider, before)).status).toBe(200);

    const { kid } = await control({ rotateKeys: provider });
    expect(kid).toMatch(provider === 'google' ? /^[0-9a-f]{40}$/ : /^[A-Za-z0-9]{10}$/);
    const after = await idTokenFrom(provider);
    expect(headerOf(after).kid).toBe(kid);
    expect(headerOf(after).kid).not.toBe(headerOf(before).kid);
    // The unknown kid made the emulator fetch the keys again: now only the new key is known.
    expect((await authenticate(provider, after)).status).toBe(200);
    await expectRefused(provider, before, /kid .+ is not in/);

    // Keys are cached for 10 minutes: a rotation is seen by tokens of the old key only after that.
    const cached = await idTokenFrom(provider);
    await control({ rotateKeys: provider });
    expect((await authenticate(provider, cached)).status).toBe(200);
    clock.advance(600);
    await expectRefused(provider, cached, /kid .+ is not in/);
  });
});

test('header and claims are shaped as Google and Apple shape theirs', async () => {
  const google = await idTokenFrom('google');
  expect(Object.keys(headerOf(google))).toEqual(['alg', 'kid', 'typ']);
  expect(headerOf(google).kid).toMatch(/^[0-9a-f]{40}$/);
  const g = claimsOf(google);
  expect(Object.keys(g)).toEqual([
    'iss',
    'azp',
    'aud',
    'sub',
    'email',
    'email_verified',
    'name',
    'nonce',
    'iat',
    'exp',
  ]);
  expect(g).toMatchObject({
    iss: `${ORIGIN}/idp/google`,
    azp: 'emulator-google-client.apps.googleusercontent.com',
    aud: 'emulator-google-client.apps.googleusercontent.com',
    email: 'alice@example.com',
    email_verified: true,
    nonce: 'n'.repeat(43),
  });
  expect(g.sub).toMatch(/^\d{21}$/);
  expect(g.exp - g.iat).toBe(3600);

  const apple = await idTokenFrom('apple');
  expect(Object.keys(headerOf(apple))).toEqual(['kid', 'alg']);
  expect(headerOf(apple).kid).toMatch(/^[A-Za-z0-9]{10}$/);
  const a = claimsOf(apple);
  expect(a).toMatchObject({ iss: `${ORIGIN}/idp/apple`, aud: 'dev.okto.emulator', nonce_supported: true });
  expect(a.sub).toMatch(/^001886\.[0-9a-f]{32}\.\d{4}$/);
  expect(a.exp - a.iat).toBe(86_400);
});

test('the same account gets the same subject after a restart, and a different one per provider', async () => {
  const first = claimsOf(await idTokenFrom('google')).sub;
  app = createEmulatorApp({ clock, origin: ORIGIN, log: () => {} });
  expect(claimsOf(await idTokenFrom('google')).sub).toBe(first);
  expect(claimsOf(await idTokenFrom('google', 'bob@example.com')).sub).not.toBe(first);
});

test.each([
  ['x', 'X is "twitter"'],
  ['Google', 'case matters'],
  ['facebook', 'not a provider Okto has'],
])('provider %s (%s) is refused with the documented 400', async (provider) => {
  await expectRefused(
    provider,
    await idTokenFrom('google'),
    /is none of okto, google, apple, twitter, client_jwt/,
  );
});

describe('the claims checks, with a key of the test served as the stand-in JWKS', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  const testClock = createEmulatorClock({ now: () => 1_700_000_000_000 });
  const verify = createProviderTokenVerifier({
    origin: ORIGIN,
    clock: testClock,
    fetch: async (input) =>
      String(input) === `${ORIGIN}/idp/google/jwks`
        ? Response.json(jwks)
        : new Response(null, { status: 404 }),
  });
  const now = 1_700_000_000;
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({
      iss: `${ORIGIN}/idp/google`,
      sub: '1'.repeat(21),
      aud: 'c',
      iat: now,
      exp: now + 3600,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .sign(privateKey);
  const check = async (claims: Record<string, unknown>, audiences?: string[]) =>
    verify({
      provider: 'google',
      idToken: await sign(claims),
      client: audiences ? { audiences: { google: audiences } } : {},
    });

  test('a good token names its subject, and its address when verified ("true" as text too)', async () => {
    expect(await check({ email: 'Alice@Example.com', email_verified: 'true' })).toEqual({
      ok: true,
      identity: { provider: 'google', subject: '1'.repeat(21), verifiedEmail: 'alice@example.com' },
    });
    expect(await check({ email: 'alice@example.com', email_verified: false })).toEqual({
      ok: true,
      identity: { provider: 'google', subject: '1'.repeat(21) },
    });
  });

  test.each([
    ['an empty sub', { sub: '' }, /sub is missing or empty/],
    ['no sub', { sub: undefined }, /sub is missing or empty/],
    ['an iat over 60 s ahead', { iat: now + 61 }, /iat .* in the future/],
    ['an exp now', { exp: now }, /expired/],
  ])('refuses %s', async (_, claims, reason) => {
    const result = await check(claims);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  test('checks aud only for a client with an audience list', async () => {
    expect((await check({ aud: 'someone-else' })).ok).toBe(true);
    expect((await check({ aud: 'someone-else' }, ['mine'])).ok).toBe(false);
    expect((await check({ aud: ['x', 'mine'] }, ['mine'])).ok).toBe(true);
  });

  test('a JWKS that cannot be fetched is a refusal, not a crash', async () => {
    const offline = createProviderTokenVerifier({
      origin: ORIGIN,
      clock: testClock,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const result = await offline({ provider: 'google', idToken: await sign({}), client: {} });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/keys could not be fetched/) });
  });
});
