import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCompanionConfig } from '../../src/companion/config.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { fakeIdToken, openLimits } from './companionFixtures.ts';

// The companion's HTTP surface as a browser or an attacker sees it: origins, every malformed input,
// content types, sizes and unknown routes. A real server on loopback; no emulator is needed, since
// nothing here reaches Okto.

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
let companion: RunningCompanion;

beforeAll(async () => {
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: 'http://127.0.0.1:9',
    COMPANION_ALLOWED_ORIGINS: EXTENSION,
  });
  companion = await startCompanion({ config, port: 0, limits: openLimits(), log: () => {} });
});

afterAll(async () => {
  await companion?.close();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${companion.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
}

const sessionPk = createSessionKey().publicKey;
const nonce = '4bbc7b27-2ba5-4a6f-8cd6-be88e61cbf09';
const token = 'c67931f6-a8b1-511c-91d5-9fc88231d541';
const email = 'alice@example.com';
/** A fresh login each time: one id token registers at most two sessions. */
const authData = () => ({ idToken: fakeIdToken(), provider: 'okto' });
const session = () => JSON.stringify({ sessionPk, nonce, authData: authData() });
const wa = { whatsappNumber: '9876543210', countryShortName: 'IN' };

describe('origins and CORS', () => {
  test('an allowed origin gets its signature and CORS headers naming it', async () => {
    const response = await post('/v1/session', session(), { Origin: EXTENSION });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(response.headers.get('vary')).toContain('Origin');
    expect(await response.json()).toHaveProperty('sessionPkClientSignature');
  });

  test('an allowed origin can read the errors too', async () => {
    const response = await post('/v1/session', '{}', { Origin: EXTENSION });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
  });

  test.each(['https://evil.example', 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba', 'null'])(
    'origin %s gets a 403, no CORS headers and no signature',
    async (origin) => {
      const response = await post('/v1/session', session(), { Origin: origin });
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const text = await response.text();
      expect(JSON.parse(text).error.code).toBe('origin_not_allowed');
      expect(text).not.toContain('Signature');
      expect(text).not.toMatch(/0x[0-9a-f]{130}/);
    },
  );

  test('a disallowed origin cannot read the configuration either', async () => {
    const response = await fetch(`${companion.url}/v1/config`, {
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
  });

  test('requests without an Origin (server to server) work, without CORS headers', async () => {
    const response = await post('/v1/session', session());
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a preflight from an allowed origin is answered 204 with the methods and headers', async () => {
    const response = await fetch(`${companion.url}/v1/otp/email/send`, {
      method: 'OPTIONS',
      headers: {
        Origin: EXTENSION,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type');
  });

  test('a preflight from another origin is refused without CORS headers', async () => {
    const response = await fetch(`${companion.url}/v1/otp/email/send`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('every bad input is a 400 naming the field and the reason', () => {
  const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
  test.each([
    ['/v1/otp/email/send', {}, 'email', /missing/],
    ['/v1/otp/email/send', { email: 42 }, 'email', /must be a string/],
    ['/v1/otp/email/send', { email: 'alice@' }, 'email', /not a valid email address/],
    ['/v1/otp/email/send', { email: 'alice example.com' }, 'email', /not a valid email address/],
    ['/v1/otp/email/send', { email: long }, 'email', /at most 254 characters/],
    ['/v1/otp/email/send', { email: `${'a'.repeat(65)}@example.com` }, 'email', /at most 64 characters/],
    ['/v1/otp/email/send', { email, token: 'not-a-token' }, 'token', /not an Okto token/],
    ['/v1/otp/email/send', { email, token: null }, 'token', /must be a string/],
    [
      '/v1/otp/email/send',
      { email, client_swa: DEV_CLIENT_SWA },
      'client_swa',
      /not a field of this request/,
    ],
    ['/v1/otp/email/send', { email, timestamp: 1 }, 'timestamp', /not a field of this request/],
    ['/v1/otp/email/verify', { email, otp: '123456' }, 'token', /missing/],
    ['/v1/otp/email/verify', { email, token }, 'otp', /missing/],
    ['/v1/otp/email/verify', { email, token, otp: '12345' }, 'otp', /exactly 6 digits/],
    ['/v1/otp/email/verify', { email, token, otp: '1234567' }, 'otp', /exactly 6 digits/],
    ['/v1/otp/email/verify', { email, token, otp: '12a456' }, 'otp', /exactly 6 digits/],
    ['/v1/otp/email/verify', { email, token, otp: 123456 }, 'otp', /must be a string/],
    ['/v1/otp/whatsapp/send', { countryShortName: 'IN' }, 'whatsappNumber', /missing/],
    ['/v1/otp/whatsapp/send', { whatsappNumber: '9876543210' }, 'countryShortName', /missing/],
    ['/v1/otp/whatsapp/send', { ...wa, whatsappNumber: '+919876543210' }, 'whatsappNumber', /digits only/],
    ['/v1/otp/whatsapp/send', { ...wa, whatsappNumber: '12345' }, 'whatsappNumber', /not a valid number/],
    ['/v1/otp/whatsapp/send', { ...wa, whatsappNumber: '09876543210' }, 'whatsappNumber', /trunk prefix/],
    ['/v1/otp/whatsapp/send', { ...wa, countryShortName: 'US' }, 'whatsappNumber', /not a valid number/],
    ['/v1/otp/whatsapp/send', { ...wa, countryShortName: 'in' }, 'countryShortName', /upper-case/],
    ['/v1/otp/whatsapp/send', { ...wa, countryShortName: 'ZZ' }, 'countryShortName', /numbering plan/],
    ['/v1/otp/whatsapp/send', { ...wa, token: 'x' }, 'token', /not an Okto token/],
    ['/v1/otp/whatsapp/send', { ...wa, country_short_name: 'IN' }, 'country_short_name', /not a field/],
    ['/v1/otp/whatsapp/verify', { ...wa, token }, 'otp', /missing/],
    ['/v1/otp/whatsapp/verify', { ...wa, token, otp: '１２３４５６' }, 'otp', /exactly 6 digits/],
    ['/v1/otp/whatsapp/verify', { ...wa, otp: '123456' }, 'token', /missing/],
    ['/v1/session', { nonce, authData: authData() }, 'sessionPk', /missing/],
    [
      '/v1/session',
      { sessionPk: `0x02${sessionPk.slice(4, 68)}`, nonce, authData: authData() },
      'sessionPk',
      /uncompressed secp256k1/,
    ],
    [
      '/v1/session',
      { sessionPk: `0x04${'11'.repeat(64)}`, nonce, authData: authData() },
      'sessionPk',
      /on the curve/,
    ],
    [
      '/v1/session',
      { sessionPk: sessionPk.slice(0, -2), nonce, authData: authData() },
      'sessionPk',
      /uncompressed secp256k1/,
    ],
    ['/v1/session', { sessionPk, authData: authData() }, 'nonce', /missing/],
    [
      '/v1/session',
      { sessionPk, nonce: '3fa85f64-5717-1562-b3fc-2c963f66afa6', authData: authData() },
      'nonce',
      /not a UUID v4/,
    ],
    ['/v1/session', { sessionPk, nonce: 'nonce', authData: authData() }, 'nonce', /not a UUID v4/],
    [
      '/v1/session',
      { sessionPk, nonce, authData: authData(), validUntil: 9999999999 },
      'validUntil',
      /not a field/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: authData(), clientSWA: DEV_CLIENT_SWA },
      'clientSWA',
      /not a field/,
    ],
    // The login the session completes (F4).
    ['/v1/session', { sessionPk, nonce }, 'authData', /missing/],
    ['/v1/session', { sessionPk, nonce, authData: 'token' }, 'authData', /must be an object/],
    ['/v1/session', { sessionPk, nonce, authData: { provider: 'okto' } }, 'authData.idToken', /missing/],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: fakeIdToken() } },
      'authData.provider',
      /missing/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: fakeIdToken(), provider: 'x' } },
      'authData.provider',
      /must be one of "okto", "google", "apple", "twitter", "client_jwt": .* X is "twitter"/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: fakeIdToken(), provider: 'okto', userId: 'x' } },
      'authData.userId',
      /not a field/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: '', provider: 'okto' } },
      'authData.idToken',
      /is empty/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: 'not-a-jwt', provider: 'okto' } },
      'authData.idToken',
      /is not a JWT/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: 'a.b.c', provider: 'okto' } },
      'authData.idToken',
      /no JWT header/,
    ],
    [
      '/v1/session',
      { sessionPk, nonce, authData: { idToken: fakeIdToken({ exp: 'soon' }), provider: 'okto' } },
      'authData.idToken',
      /no numeric exp/,
    ],
  ])('%s %j → %s', async (path, body, field, reason) => {
    const response = await post(path, JSON.stringify(body));
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(reason);
    expect(error.message.startsWith(field)).toBe(true);
  });

  test.each([
    ['not JSON', '{"email":', /not valid JSON/],
    ['empty', '', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['a string', '"alice@example.com"', /JSON object/],
    ['null', 'null', /JSON object/],
  ])('a body that is %s', async (_, body, reason) => {
    const response = await post('/v1/otp/email/send', body);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'invalid_input', field: 'body' });
    expect(error.message).toMatch(reason);
  });

  test('a refusal does not echo the value it refused', async () => {
    const response = await post('/v1/otp/email/send', JSON.stringify({ email: 'bob@@example.com' }));
    expect(await response.text()).not.toContain('bob');
  });
});

describe('a session is co-signed only for a completed login, at most twice per login', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const withToken = (idToken: string) =>
    post('/v1/session', JSON.stringify({ sessionPk, nonce, authData: { idToken, provider: 'okto' } }));

  test.each([
    ['has expired', fakeIdToken({ exp: now() - 1 }), 401, 'id_token_expired', /expired at .*log in again/],
    [
      'was issued more than an hour ago',
      fakeIdToken({ iat: now() - 3601 }),
      401,
      'id_token_too_old',
      /more than 60 minutes ago/,
    ],
    [
      'names another client',
      fakeIdToken({ client_swa: '0x00000000000000000000000000000000000000aa' }),
      403,
      'id_token_other_client',
      /another Okto client/,
    ],
  ])('an id token that %s is refused', async (_, idToken, status, code, message) => {
    const response = await withToken(idToken);
    expect(response.status).toBe(status);
    const { error } = await response.json();
    expect(error).toMatchObject({ code, field: 'authData.idToken' });
    expect(error.message).toMatch(message);
  });

  test('one id token gets two sessions, the third is a 409; another login is counted apart', async () => {
    const idToken = fakeIdToken({ client_swa: DEV_CLIENT_SWA.toLowerCase() });
    expect((await withToken(idToken)).status).toBe(200);
    expect((await withToken(idToken)).status).toBe(200);
    const third = await withToken(idToken);
    expect(third.status).toBe(409);
    const { error } = await third.json();
    expect(error).toMatchObject({ code: 'id_token_used', field: 'authData.idToken' });
    expect(error.message).toMatch(/Log in again/);
    expect((await withToken(fakeIdToken())).status).toBe(200);
  });
});

describe('JSON only, at most 4 KB', () => {
  test.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['none', ''],
  ])('a body sent as %s is a 415', async (_, contentType) => {
    const response = await fetch(`${companion.url}/v1/otp/email/send`, {
      method: 'POST',
      headers: contentType ? { 'Content-Type': contentType } : {},
      body: new TextEncoder().encode(JSON.stringify({ email })),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });

  test('application/json with a charset is JSON', async () => {
    const response = await post('/v1/otp/email/send', JSON.stringify({ email }), {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(response.status).toBe(200);
  });

  test('a body just under 4 KB is read; one byte over is a 413', async () => {
    const body = (size: number) => {
      const json = JSON.stringify({ email });
      return `${json.slice(0, -1)}${' '.repeat(size - json.length)}}`;
    };
    expect((await post('/v1/otp/email/send', body(4096))).status).toBe(200);
    const response = await post('/v1/otp/email/send', body(4097));
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('payload_too_large');
  });

  test('a chunked body without Content-Length is cut off at 4 KB too', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${companion.url}/v1/otp/email/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

describe('routes', () => {
  test('GET /healthz and GET /v1/config answer without signing anything', async () => {
    expect(await (await fetch(`${companion.url}/healthz`)).json()).toEqual({
      status: 'ok',
      rateLimiter: 'memory',
    });
    expect(await (await fetch(`${companion.url}/v1/config`)).json()).toEqual({
      clientSWA: DEV_CLIENT_SWA,
      environment: 'local',
      oktoBaseUrl: 'http://127.0.0.1:9',
      // local: every method, against the emulator's stand-ins (tests/integration/companion-login.test.ts).
      login: expect.objectContaining({ otp: { email: true, whatsapp: true } }),
    });
  });

  test.each([
    ['POST', '/v1/sign'],
    ['POST', '/v1/sign-message'],
    ['POST', '/v1/otp/email'],
    ['POST', '/v1/config'],
    ['GET', '/v1/session'],
    ['GET', '/v1/otp/email/send'],
    ['PUT', '/v1/session'],
    ['POST', '/'],
  ])('%s %s is a JSON 404', async (method, path) => {
    const response = await fetch(`${companion.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify({ message: 'hello' }),
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });
});
