import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCompanionConfig } from '../../src/companion/config.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { openLimits } from './companionFixtures.ts';
import {
  appJwt,
  appleFormPost,
  EXTENSION_ID,
  getManual,
  googleIdToken,
  OTHER_EXTENSION_ID,
  random43,
  redirectOf,
  xCode,
} from './identityFixtures.ts';

// The companion's side of the four login methods (okto-social-login.md §2, §3), over real HTTP against the
// emulator's stand-ins: /v1/config, the Apple relay, the X code exchange and /v1/session per provider.

const EXTENSION = `chrome-extension://${EXTENSION_ID}`;
const OTHER = `chrome-extension://${OTHER_EXTENSION_ID}`;
const UNLISTED_ID = 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb';

let emulator: RunningEmulator;
let companion: RunningCompanion;
let confidential: RunningCompanion;
let unreachable: RunningCompanion;
const lines: string[] = [];

async function companionWith(env: Record<string, string>, log: (line: string) => void = () => {}) {
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: emulator.url,
    COMPANION_ALLOWED_ORIGINS: `${EXTENSION},${OTHER}`,
    ...env,
  });
  return startCompanion({ config, port: 0, limits: openLimits(), log });
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, chains: false, log: () => {} });
  companion = await companionWith({}, (line) => lines.push(line));
  confidential = await companionWith({
    COMPANION_TWITTER_CLIENT_ID: 'emulator-x-confidential',
    COMPANION_TWITTER_CLIENT_SECRET: 'emulator-x-secret',
  });
  unreachable = await companionWith({ COMPANION_TWITTER_TOKEN_URL: 'http://127.0.0.1:9/2/oauth2/token' });
});

afterAll(async () => {
  await Promise.all([companion?.close(), confidential?.close(), unreachable?.close(), emulator?.close()]);
});

const postJson = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: EXTENSION, ...headers },
    body: JSON.stringify(body),
  });

const relay = (body: string | URLSearchParams, headers: Record<string, string> = {}) =>
  getManual(`${companion.url}/v1/oauth/apple/callback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });

const session = (provider: string, idToken: string, base = companion.url) =>
  postJson(base, '/v1/session', {
    sessionPk: createSessionKey().publicKey,
    nonce: crypto.randomUUID(),
    authData: { idToken, provider },
  });

describe('GET /v1/config', () => {
  test('local: all six methods, against the emulator stand-ins, the relay under the companion itself', async () => {
    const config = await (await fetch(`${companion.url}/v1/config`)).json();
    expect(config.login).toEqual({
      otp: { email: true, whatsapp: true },
      google: {
        clientId: 'emulator-google-client.apps.googleusercontent.com',
        authorizeUrl: `${emulator.url}/idp/google/authorize`,
        issuer: `${emulator.url}/idp/google`,
      },
      apple: {
        clientId: 'dev.okto.emulator',
        authorizeUrl: `${emulator.url}/idp/apple/auth/authorize`,
        issuer: `${emulator.url}/idp/apple`,
        relayUrl: `${companion.url}/v1/oauth/apple/callback`,
      },
      twitter: {
        clientId: 'emulator-x-client',
        authorizeUrl: `${emulator.url}/idp/x/i/oauth2/authorize`,
        scope: 'users.read tweet.read',
      },
      clientJwt: { loginUrl: `${emulator.url}/app/okto/extension-login`, label: 'Example app' },
    });
  });

  test('no secret is ever in it', async () => {
    const text = await (await fetch(`${confidential.url}/v1/config`)).text();
    expect(JSON.parse(text).login.twitter.clientId).toBe('emulator-x-confidential');
    expect(text).not.toContain('emulator-x-secret');
    expect(text).not.toContain('oauth2/token');
  });

  test('COMPANION_LOGIN_METHODS hides what it leaves out, and its routes are gone', async () => {
    const only = await companionWith({ COMPANION_LOGIN_METHODS: 'email,google' });
    try {
      const { login } = await (await fetch(`${only.url}/v1/config`)).json();
      expect(Object.keys(login)).toEqual(['otp', 'google']);
      expect(login.otp).toEqual({ email: true, whatsapp: false });
      expect((await postJson(only.url, '/v1/oauth/twitter/token', {})).status).toBe(404);
      expect((await relay('state=x')).status).not.toBe(404); // the main companion still relays
      const gone = await fetch(`${only.url}/v1/oauth/apple/callback`, { method: 'POST', body: 'state=x' });
      expect(gone.status).toBe(404);
      const wa = await postJson(only.url, '/v1/otp/whatsapp/send', {
        whatsappNumber: '9876543210',
        countryShortName: 'IN',
      });
      expect(wa.status).toBe(404);
      const apple = await session('apple', 'a.b.c', only.url);
      expect(apple.status).toBe(400);
      expect((await apple.json()).error.message).toMatch(/Apple sign-in is not enabled/);
    } finally {
      await only.close();
    }
  });
});

describe('POST /v1/oauth/apple/callback (the relay)', () => {
  const state = (id = EXTENSION_ID) => `${id}.${random43()}`;
  const REFUSAL = 'This sign-in was not started by an allowed extension. Start again from the extension.';

  test('an allowed extension id: 302 to its chromiumapp.org/apple with id_token and state in the fragment', async () => {
    const s = state();
    const idToken = 'eyJraWQiOiJhIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiIxIn0.c2ln';
    const response = await relay(
      new URLSearchParams({ state: s, code: 'c.0.secret-code', id_token: idToken, user: '{"name":{}}' }),
      { Origin: 'https://appleid.apple.com' },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `https://${EXTENSION_ID}.chromiumapp.org/apple#id_token=${idToken}&state=${encodeURIComponent(s)}`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('Apple’s error is passed through, percent-encoded; neither token nor error is invalid_response', async () => {
    const s = state();
    const cancelled = await relay(new URLSearchParams({ state: s, error: 'user_cancelled_authorize' }));
    expect(cancelled.headers.get('location')).toBe(
      `https://${EXTENSION_ID}.chromiumapp.org/apple#error=user_cancelled_authorize&state=${s}`,
    );
    const odd = await relay(new URLSearchParams({ state: state(), error: 'a b&c' }));
    expect(odd.headers.get('location')).toMatch(/#error=a%20b%26c&state=/);
    const s2 = state();
    const neither = await relay(new URLSearchParams({ state: s2, code: 'only-a-code' }));
    expect(neither.status).toBe(302);
    expect(neither.headers.get('location')).toBe(
      `https://${EXTENSION_ID}.chromiumapp.org/apple#error=invalid_response&state=${s2}`,
    );
  });

  test.each([
    ['an extension id not allowed', () => state(UNLISTED_ID)],
    ['no prefix', () => random43()],
    ['a short state', () => `${EXTENSION_ID}.${random43().slice(1)}`],
    ['an id with letters past p', () => `${'z'.repeat(32)}.${random43()}`],
    ['no state', () => ''],
  ])('%s: 400, the refusal page, no redirect', async (_, make) => {
    const response = await relay(new URLSearchParams({ state: make(), id_token: 'a.b.c' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain(`<p>${REFUSAL}</p>`);
  });

  test('a state is relayed once: a replay is refused', async () => {
    const body = new URLSearchParams({ state: state(), id_token: 'a.b.c' });
    expect((await relay(body)).status).toBe(302);
    const replay = await relay(body);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(await replay.text()).toMatch(/already finished or used/);
  });

  test('a body over 8 KB is refused (413 page), no redirect', async () => {
    const response = await relay(
      new URLSearchParams({ state: state(), id_token: 'a.b.c', user: 'x'.repeat(8200) }),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('only a form: JSON is refused with a page', async () => {
    const response = await relay(JSON.stringify({ state: state() }), { 'Content-Type': 'application/json' });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('logs route and status only: no state, token, code or address pseudonym', async () => {
    const s = state();
    await relay(new URLSearchParams({ state: s, id_token: 'secret.id.token', code: 'secret-code' }));
    const line = JSON.parse(lines.filter((l) => l.includes('/v1/oauth/apple/callback')).at(-1) ?? '{}');
    expect(Object.keys(line).sort()).toEqual(['method', 'ms', 'route', 'status', 'ts']);
    expect(lines.join('\n')).not.toMatch(/secret|chromiumapp/);
  });

  test('end to end: the Apple stand-in’s form_post, through the relay, to a session', async () => {
    const s = state();
    const { fields, action } = await appleFormPost(emulator.url, {
      redirectUri: `${companion.url}/v1/oauth/apple/callback`,
      state: s,
    });
    expect(action).toBe(`${companion.url}/v1/oauth/apple/callback`);
    const response = await relay(fields, { Origin: emulator.url });
    expect(response.status).toBe(302);
    const answer = new URLSearchParams(new URL(response.headers.get('location') ?? '').hash.slice(1));
    expect([...answer.keys()]).toEqual(['id_token', 'state']);
    expect(answer.get('state')).toBe(s);
    expect((await session('apple', answer.get('id_token') ?? '')).status).toBe(200);
  });
});

describe('POST /v1/oauth/twitter/token (the X code exchange)', () => {
  const exchange = (
    body: Record<string, unknown>,
    base = companion.url,
    headers: Record<string, string> = {},
  ) => postJson(base, '/v1/oauth/twitter/token', body, headers);

  test('trades a code for an access token, which then registers a session', async () => {
    const codeVerifier = random43();
    const code = await xCode(emulator.url, { verifier: codeVerifier });
    const response = await exchange({ code, codeVerifier, redirectUri: redirectOf('twitter') });
    expect(response.status).toBe(200);
    const { accessToken, expiresIn } = await response.json();
    expect(expiresIn).toBe(7200);
    expect(atob(accessToken)).toMatch(/^[A-Za-z0-9]+:\d{13}:1:1:at:1$/);
    expect((await session('twitter', accessToken)).status).toBe(200);
    expect(lines.join('\n')).not.toContain(code);
    expect(lines.join('\n')).not.toContain(codeVerifier);
    expect(lines.join('\n')).not.toContain(accessToken);
  });

  test('a reused code is provider_rejected', async () => {
    const codeVerifier = random43();
    const body = {
      code: await xCode(emulator.url, { verifier: codeVerifier }),
      codeVerifier,
      redirectUri: redirectOf('twitter'),
    };
    expect((await exchange(body)).status).toBe(200);
    const again = await exchange(body);
    expect(again.status).toBe(400);
    expect((await again.json()).error.code).toBe('provider_rejected');
  });

  test('a wrong verifier is provider_rejected', async () => {
    const code = await xCode(emulator.url, { verifier: random43() });
    const response = await exchange({ code, codeVerifier: random43(), redirectUri: redirectOf('twitter') });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('provider_rejected');
  });

  test.each([
    ['an extension not allowed', redirectOf('twitter', UNLISTED_ID)],
    ['another provider’s path', redirectOf('google')],
    ['a web page', 'https://evil.example/twitter'],
  ])('a redirect of %s is redirect_not_allowed, and X is not called', async (_, redirectUri) => {
    const response = await exchange({ code: 'c', codeVerifier: random43(), redirectUri });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({
      code: 'redirect_not_allowed',
      field: 'redirectUri',
    });
  });

  test('the redirect must be the calling extension’s own', async () => {
    const codeVerifier = random43();
    const code = await xCode(emulator.url, { verifier: codeVerifier });
    const foreign = await exchange(
      { code, codeVerifier, redirectUri: redirectOf('twitter') },
      companion.url,
      { Origin: OTHER },
    );
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error.code).toBe('redirect_not_allowed');
    // Without an Origin (no browser) the allow-list alone decides: the code was not spent above.
    const direct = await fetch(`${companion.url}/v1/oauth/twitter/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, codeVerifier, redirectUri: redirectOf('twitter') }),
    });
    expect(direct.status).toBe(200);
  });

  test.each([
    ['a verifier too short', { codeVerifier: 'a'.repeat(42) }, 'codeVerifier'],
    ['a verifier with +', { codeVerifier: `${'a'.repeat(42)}+` }, 'codeVerifier'],
    ['an empty code', { code: '' }, 'code'],
    ['a code over 512', { code: 'c'.repeat(513) }, 'code'],
    ['an extra field', { clientSecret: 'x' }, 'clientSecret'],
  ])('%s is invalid_input', async (_, override, field) => {
    const response = await exchange({
      code: 'c',
      codeVerifier: random43(),
      redirectUri: redirectOf('twitter'),
      ...override,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_input', field });
  });

  test('X unreachable is provider_unavailable (502)', async () => {
    const response = await exchange(
      { code: 'c', codeVerifier: random43(), redirectUri: redirectOf('twitter') },
      unreachable.url,
    );
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe('provider_unavailable');
  });

  test('a confidential client authenticates with Basic; the public client’s code does not work there', async () => {
    const codeVerifier = random43();
    const code = await xCode(emulator.url, { verifier: codeVerifier, clientId: 'emulator-x-confidential' });
    const response = await exchange(
      { code, codeVerifier, redirectUri: redirectOf('twitter') },
      confidential.url,
    );
    expect(response.status).toBe(200);
    const publicCode = await xCode(emulator.url, { verifier: codeVerifier });
    const wrong = await exchange(
      { code: publicCode, codeVerifier, redirectUri: redirectOf('twitter') },
      confidential.url,
    );
    expect((await wrong.json()).error.code).toBe('provider_rejected');
  });
});

describe('POST /v1/session per provider', () => {
  test('google: a stand-in id_token registers at most two sessions', async () => {
    const idToken = await googleIdToken(emulator.url);
    expect((await session('google', idToken)).status).toBe(200);
    expect((await session('google', idToken)).status).toBe(200);
    const third = await session('google', idToken);
    expect(third.status).toBe(409);
    expect((await third.json()).error.code).toBe('id_token_used');
  });

  test('google: a token signed by another key is refused after checking the issuer’s JWKS', async () => {
    const [header, claims] = (await googleIdToken(emulator.url)).split('.');
    const forged = `${header}.${claims}.${Buffer.from('not the signature').toString('base64url')}`;
    const response = await session('google', forged);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('id_token_invalid');
  });

  test('twitter: a token this companion did not hand out is refused', async () => {
    const response = await session('twitter', btoa(`${random43()}:${Date.now()}:1:1:at:1`));
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('id_token_invalid');
  });

  test('client_jwt: the example app’s JWT registers; a Bearer prefix does not', async () => {
    const jwt = await appJwt(emulator.url);
    expect((await session('client_jwt', jwt)).status).toBe(200);
    expect((await session('client_jwt', `Bearer ${jwt}`)).status).toBe(400);
  });
});
