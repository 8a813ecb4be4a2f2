import { describe, expect, test } from 'vitest';
import { privateKeySigner } from '../okto/signer.ts';
import { TEST_CLIENT_PRIVATE_KEY, TEST_CLIENT_SWA, TEST_SESSION_PK } from '../okto/testing/vectors.ts';
import { createCompanionApp } from './app.ts';
import { loadCompanionConfig } from './config.ts';
import { createMemoryRateLimiter } from './rateLimit.ts';

// The signed bodies must match shared/okto-protocol.md §8 byte for byte: the companion's clock is
// set so that `timestamp = now - 1000` and `validUntil = now + 6 h` hit the vectors' values.

const config = loadCompanionConfig({
  OKTO_CLIENT_PRIVATE_KEY: TEST_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: TEST_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'sandbox',
});

function appAt(nowMs: number, signer = privateKeySigner(TEST_CLIENT_PRIVATE_KEY)) {
  const lines: string[] = [];
  const app = createCompanionApp({
    config,
    signer,
    rateLimiter: createMemoryRateLimiter(),
    clock: () => nowMs,
    log: (line) => lines.push(line),
  });
  const post = async (path: string, body: unknown) => {
    const response = await app.request(
      path,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      { clientIp: '127.0.0.1' },
    );
    return { status: response.status, text: await response.text() };
  };
  return { app, post, lines };
}

const WA = { whatsappNumber: '9876543210', countryShortName: 'IN' };
const WA_TOKEN = 'c67931f6-a8b1-511c-91d5-9fc88231d541';
const EMAIL_TOKEN = 'a25cd3c7-fefe-58cd-96ab-a4897e13c829';

describe('signed OTP bodies match the protocol vectors byte for byte', () => {
  test.each([
    [
      'WhatsApp send',
      1700000001000,
      '/v1/otp/whatsapp/send',
      WA,
      '{"whatsapp_number":"9876543210","country_short_name":"IN","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
      '0x7366d541eedfc39821aaa86e202421a1c2c214645b61e98129a2ebce8f59dd1557438e198ee84fed948b6e120d8793047ffe6f614da3ee6cee675bab258bcfb31c',
    ],
    [
      'WhatsApp resend',
      1700000031000,
      '/v1/otp/whatsapp/send',
      { ...WA, token: WA_TOKEN },
      `{"whatsapp_number":"9876543210","country_short_name":"IN","token":"${WA_TOKEN}","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000030000}`,
      '0x77281e2b9306770375c7f91f80e76e5d617d2bbe57519354b18ec6eb1a65418778beea19a88b2195e3492625aefc95fc5fcb8ebc9fa8b20f0620cafae7dfeaa51b',
    ],
    [
      'WhatsApp verify',
      1700000061000,
      '/v1/otp/whatsapp/verify',
      { ...WA, token: WA_TOKEN, otp: '123456' },
      `{"whatsapp_number":"9876543210","country_short_name":"IN","token":"${WA_TOKEN}","otp":"123456","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}`,
      '0x8d3edeb84499074bdda4fc71ba6dcf7603b0a1ce4ae648757dad95d03c348deb686e0872f127646dd2d7838718b38ac3e6ae3d0d7eeb65c2071df2e0124a48db1c',
    ],
    [
      'email send',
      1700000001000,
      '/v1/otp/email/send',
      { email: 'alice@example.com' },
      '{"email":"alice@example.com","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
      '0x03fcb36891e22e364dfc0128bf8b8c8f80f5968223f96afdb343fcbfa046fb583bb3ab52404899411a4a53ec37ee0b7a43ed4ad1ef65f350b02b71e8467f0d291c',
    ],
    [
      'email verify',
      1700000061000,
      '/v1/otp/email/verify',
      { email: 'alice@example.com', token: EMAIL_TOKEN, otp: '654321' },
      `{"email":"alice@example.com","token":"${EMAIL_TOKEN}","otp":"654321","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}`,
      '0xc0c5e25e347400e5062208fb2a2506c7511e64599592b3b7ccd3b0a0f690124e6e03b7146b887143923134bb9ca869ac232d68ee173fda772a0bfbbe1c6252721c',
    ],
  ])('%s', async (_, now, path, body, data, signature) => {
    const { status, text } = await appAt(now).post(path, body);
    expect(status).toBe(200);
    expect(text).toBe(`{"data":${data},"client_signature":"${signature}","type":"ethsign"}`);
  });

  test('email resend carries the token before client_swa', async () => {
    const { text } = await appAt(1700000031000).post('/v1/otp/email/send', {
      email: 'alice@example.com',
      token: EMAIL_TOKEN,
    });
    expect(JSON.parse(text).data).toEqual({
      email: 'alice@example.com',
      token: EMAIL_TOKEN,
      client_swa: TEST_CLIENT_SWA,
      timestamp: 1700000030000,
    });
    expect(Object.keys(JSON.parse(text).data)).toEqual(['email', 'token', 'client_swa', 'timestamp']);
  });
});

/** A JWT shaped like Okto's id token; the companion reads its claims only (Okto checks its signature). */
function idTokenFor(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

test('the session signatures match the protocol vectors, valid for 6 hours from the companion clock', async () => {
  const { status, text } = await appAt(1700000000000).post('/v1/session', {
    sessionPk: TEST_SESSION_PK,
    nonce: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    authData: { idToken: idTokenFor({ iat: 1699999990, exp: 1700864000 }), provider: 'okto' },
  });
  expect(status).toBe(200);
  expect(JSON.parse(text)).toEqual({
    clientSWA: TEST_CLIENT_SWA,
    paymaster: '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3',
    paymasterData:
      '0x0000000000000000000000001234567890abcdef1234567890abcdef123456780000000000000000000000000000000000000000000000000000000065544560000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000000000000000000000000000000041ed6bab01573b36da9c1bc8264e3989a94f216f752223d097a524ecfe8a3299ee61652d7d6c1299d1faf771bf6a211ec89f8a4cb689631a505ddcd3676be1924c1c00000000000000000000000000000000000000000000000000000000000000',
    sessionPkClientSignature:
      '0xf8775eed54f2b5c8477cd48adfb16f782cf387b1c60b58ca473ebe4cc250d96f5f4cf945b0d4d5e3e0f24224fb24321618f1bc5f879172434a33b59525d0980c1b',
  });
});

test('GET /v1/config answers what the extension needs to pair with this companion', async () => {
  const response = await appAt(0).app.request('/v1/config');
  expect(await response.json()).toEqual({
    clientSWA: TEST_CLIENT_SWA,
    environment: 'sandbox',
    oktoBaseUrl: 'https://sandbox-api.okto.tech',
    // No provider variable is set: the OTP methods only.
    login: { otp: { email: true, whatsapp: true } },
  });
});

test('a failure inside the handler answers a JSON 500 without a stack or the cause', async () => {
  const { post, lines } = appAt(0, async () => {
    throw new Error('secret detail from deep inside');
  });
  const { status, text } = await post('/v1/otp/email/send', { email: 'alice@example.com' });
  expect(status).toBe(500);
  expect(JSON.parse(text)).toEqual({
    error: { code: 'internal', message: expect.stringContaining('Try again later') },
  });
  expect(text).not.toContain('secret detail');
  expect(text).not.toMatch(/\n\s+at /);
  expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ status: 500, error: 'internal' });
});

test('a request whose peer address the runtime does not give is refused, not pooled with others', async () => {
  const { app, lines } = appAt(0);
  for (const env of [{}, { clientIp: '' }, { clientIp: 'not-an-address' }]) {
    const response = await app.request(
      '/v1/otp/email/send',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com' }),
      },
      env,
    );
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('client_address_unknown');
    expect(error.message).toMatch(/cannot tell which network/);
  }
  expect(lines.every((line) => JSON.parse(line).status === 400)).toBe(true);
});
