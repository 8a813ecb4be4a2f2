import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type Hex, recoverMessageAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCompanionClient } from '../../src/background/companionClient.ts';
import { type CompanionEnv, loadCompanionConfig } from '../../src/companion/config.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/companion/rateLimit.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { createEmulatorApp } from '../../src/emulator/app.ts';
import { DEV_CLIENT } from '../../src/emulator/clients.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SIGNER, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { createAuthToken } from '../../src/okto/authToken.ts';
import { createOktoClient } from '../../src/okto/client.ts';
import { environments } from '../../src/okto/environments.ts';
import { nonceToBytes32 } from '../../src/okto/nonce.ts';
import type { EmailSendData, EmailVerifyData, SignedOtpRequest } from '../../src/okto/otp.ts';
import { decodePaymasterData, paymasterHash } from '../../src/okto/paymaster.ts';
import { buildAuthenticateRequest, signSessionAsUser } from '../../src/okto/session.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { privateKeySigner } from '../../src/okto/signer.ts';
import {
  TEST_CLIENT_PRIVATE_KEY,
  TEST_CLIENT_SIGNER,
  TEST_CLIENT_SWA,
} from '../../src/okto/testing/vectors.ts';

// POST /v1/paymaster (wallet spec §6), black box over real HTTP: a real emulator that knows two
// clients, and companions for each. Sessions are made as the extension makes them: OTP send and
// verify through a companion, /v1/session, /authenticate at the emulator, then an auth token. The
// emulator is served with a counter (and a switch for 5xx) in front of verify-session; nothing else
// stands between the servers.

let emulator: { url: string; close(): Promise<void> };
let verifySessionCalls = 0;
let verifySessionFails = false;
/** The companion under test, for the development client; its clock can be moved forward. */
let companion: RunningCompanion;
/** A companion for the other client, used only to log its users in. */
let otherCompanion: RunningCompanion;
let clockOffsetMs = 0;
const companions: RunningCompanion[] = [];

const open = { limit: 1_000_000, windowSeconds: 60 };
const envFor = (key: Hex, swa: string, extra: CompanionEnv = {}): CompanionEnv => ({
  OKTO_CLIENT_PRIVATE_KEY: key,
  OKTO_CLIENT_SWA: swa,
  OKTO_ENVIRONMENT: 'local',
  OKTO_BASE_URL: emulator.url,
  ...extra,
});

async function startFor(env: CompanionEnv, p: { relaxIp?: boolean } = {}) {
  const started = await startCompanion({
    config: loadCompanionConfig(env),
    port: 0,
    // Every request here comes from 127.0.0.1: per-network limits are tested apart.
    limits:
      p.relaxIp === false
        ? undefined
        : { ...DEFAULT_RATE_LIMITS, ip: { address: open, ipv6Slash56: open, ipv6Slash48: open } },
    clock: () => Date.now() + clockOffsetMs,
    log: () => {},
  });
  companions.push(started);
  return started;
}

beforeAll(async () => {
  const app = createEmulatorApp({
    clients: [DEV_CLIENT, { clientSWA: TEST_CLIENT_SWA, signer: TEST_CLIENT_SIGNER }],
    log: () => {},
  });
  const server = createAdaptorServer({
    hostname: '127.0.0.1',
    fetch: (request: Request) => {
      if (new URL(request.url).pathname === '/api/oc/v1/verify-session') {
        verifySessionCalls++;
        if (verifySessionFails)
          return new Response('{"status":"error","error":{"code":500,"message":"down"}}', { status: 500 });
      }
      return app.fetch(request);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emulator = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
  companion = await startFor(envFor(DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA));
  otherCompanion = await startFor(envFor(TEST_CLIENT_PRIVATE_KEY, TEST_CLIENT_SWA));
});

afterAll(async () => {
  await Promise.all(companions.map((c) => c.close()));
  await emulator?.close();
});

async function postJson(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function signed<body>(base: string, path: string, input: unknown): Promise<body> {
  const response = await postJson(base, path, input);
  expect(response.status, path).toBe(200);
  return (await response.json()) as body;
}

/** Logs a fresh user in through `via` (a companion), as the extension does; answers its session key. */
async function login(via: RunningCompanion = companion) {
  const okto = createOktoClient({ baseUrl: emulator.url });
  const email = `pm-${randomUUID().slice(0, 8)}@example.com`;
  const { token } = await okto.sendEmailOtp(
    await signed<SignedOtpRequest<EmailSendData>>(via.url, '/v1/otp/email/send', { email }),
  );
  const outbox = await fetch(`${emulator.url}/__emulator/outbox?to=${encodeURIComponent(email)}`);
  const [{ otp }] = (await outbox.json()) as { otp: string }[];
  const verified = await okto.verifyEmailOtp(
    await signed<SignedOtpRequest<EmailVerifyData>>(via.url, '/v1/otp/email/verify', { email, token, otp }),
  );
  const sessionKey = createSessionKey();
  const nonce = randomUUID();
  const client = await signed<{
    clientSWA: Hex;
    paymaster: Hex;
    paymasterData: Hex;
    sessionPkClientSignature: Hex;
  }>(via.url, '/v1/session', {
    sessionPk: sessionKey.publicKey,
    nonce,
    authData: { idToken: verified.auth_token, provider: 'okto' },
  });
  const { userSWA } = await okto.authenticate(
    buildAuthenticateRequest({
      idToken: verified.auth_token,
      nonce,
      clientSWA: client.clientSWA as `0x${string}`,
      sessionPk: sessionKey.publicKey,
      paymaster: client.paymaster as `0x${string}`,
      paymasterData: client.paymasterData,
      sessionPkClientSignature: client.sessionPkClientSignature,
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: sessionKey.publicKey,
        sign: privateKeySigner(sessionKey.privateKey),
      }),
    }),
  );
  const mint = (expireAt = Math.round(Date.now() / 1000) + 5400) =>
    createAuthToken({ sessionPrivateKey: sessionKey.privateKey, expireAt });
  return { sessionKey, userSWA, mint };
}

const newNonce = () => nonceToBytes32(randomUUID());

type OktoError = {
  status: string;
  error: { code: number; errorCode: string; message: string; details: string };
};

async function refusal(response: Response, status: number, errorCode: string, details: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as OktoError;
  expect(Object.keys(body)).toEqual(['status', 'error']);
  expect(body.status).toBe('error');
  expect(Object.keys(body.error)).toEqual(['code', 'errorCode', 'message', 'details']);
  expect(body.error).toMatchObject({ code: status, errorCode });
  expect(body.error.details).toMatch(details);
  return body;
}

const paymaster = (body: unknown, via: RunningCompanion = companion) =>
  postJson(via.url, '/v1/paymaster', body);

describe('POST /v1/paymaster for a real session', () => {
  test('answers paymaster data signed by the client key for the request nonce, valid for 10 minutes', async () => {
    const user = await login();
    const nonce = newNonce();
    const before = Math.floor(Date.now() / 1000);
    const response = await paymaster({ nonce, authToken: await user.mint() });
    const after = Math.floor(Date.now() / 1000);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(Object.keys(answer)).toEqual(['paymaster', 'paymasterData', 'validUntil', 'validAfter']);
    expect(answer.paymaster).toBe(environments.local.paymaster);
    expect(answer.validAfter).toBe(0);
    expect(answer.validUntil).toBeGreaterThanOrEqual(before + 600);
    expect(answer.validUntil).toBeLessThanOrEqual(after + 600);

    const decoded = decodePaymasterData(answer.paymasterData);
    expect(decoded).toMatchObject({
      clientSWA: DEV_CLIENT_SWA,
      validUntil: answer.validUntil,
      validAfter: 0,
    });
    const hash = paymasterHash({
      nonce,
      clientSWA: DEV_CLIENT_SWA,
      validUntil: answer.validUntil,
      validAfter: 0,
    });
    expect(await recoverMessageAddress({ message: { raw: hash }, signature: decoded.signature })).toBe(
      DEV_CLIENT_SIGNER,
    );
    // Over another nonce the signature recovers to someone else: it is bound to the request's nonce.
    const other = paymasterHash({
      nonce: newNonce(),
      clientSWA: DEV_CLIENT_SWA,
      validUntil: answer.validUntil,
      validAfter: 0,
    });
    expect(await recoverMessageAddress({ message: { raw: other }, signature: decoded.signature })).not.toBe(
      DEV_CLIENT_SIGNER,
    );
  });

  test("the extension's client gets it, and refuses a companion for another environment", async () => {
    const user = await login();
    const local = createCompanionClient({ baseUrl: companion.url, environment: 'local' });
    const answer = await local.getPaymasterData({ nonce: newNonce(), authToken: await user.mint() });
    expect(answer.paymaster).toBe(environments.local.paymaster);
    const production = createCompanionClient({ baseUrl: companion.url, environment: 'production' });
    await expect(
      production.getPaymasterData({ nonce: newNonce(), authToken: await user.mint() }),
    ).rejects.toMatchObject({
      code: 'companion_invalid_response',
      message: expect.stringMatching(/another paymaster/),
    });
    // Paymaster data that is about to expire is refused too (here: a client whose clock is 10 minutes ahead).
    const late = createCompanionClient({
      baseUrl: companion.url,
      environment: 'local',
      now: () => Date.now() + 600_000,
    });
    await expect(
      late.getPaymasterData({ nonce: newNonce(), authToken: await user.mint() }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/expires too soon/),
    });
    // And a refusal reads as the companion's error, from Okto's envelope.
    await expect(local.getPaymasterData({ nonce: newNonce(), authToken: 'nope' })).rejects.toMatchObject({
      code: 'ER-TECH-0007',
      status: 401,
      message: expect.stringMatching(/not an Okto auth token/),
    });
  });
});

describe('tokens that are refused', () => {
  test('a forged token is refused locally, before Okto is asked, even for a session Okto knows and the cache holds', async () => {
    const user = await login();
    expect((await paymaster({ nonce: newNonce(), authToken: await user.mint() })).status).toBe(200);
    const calls = verifySessionCalls;
    // The same session key, a later expiry, and the old signature: nobody signed this token.
    const genuine = JSON.parse(atob(await user.mint()));
    const forged = btoa(
      JSON.stringify({ ...genuine, data: { ...genuine.data, expire_at: genuine.data.expire_at + 1 } }),
    );
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: forged }),
      401,
      'ER-TECH-0007',
      /not signed by the session key/,
    );
    // Signed by another key than the one it names.
    const stranger = createSessionKey();
    const strangers = JSON.parse(
      atob(
        await createAuthToken({ sessionPrivateKey: stranger.privateKey, expireAt: genuine.data.expire_at }),
      ),
    );
    const swapped = btoa(
      JSON.stringify({
        ...strangers,
        data: { ...strangers.data, session_pub_key: genuine.data.session_pub_key },
      }),
    );
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: swapped }),
      401,
      'ER-TECH-0007',
      /not signed by the session key/,
    );
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: 'bm90IGEgdG9rZW4=' }),
      401,
      'ER-TECH-0007',
      /not an Okto auth token/,
    );
    expect(verifySessionCalls).toBe(calls);
  });

  test('an expired token is refused without asking Okto', async () => {
    const user = await login();
    const calls = verifySessionCalls;
    const expired = await user.mint(Math.floor(Date.now() / 1000) - 1);
    await refusal(await paymaster({ nonce: newNonce(), authToken: expired }), 401, 'ER-TECH-0007', /expired/);
    expect(verifySessionCalls).toBe(calls);
  });

  test("a token of another client's session is refused with a 403", async () => {
    const user = await login(otherCompanion);
    // The other client's companion serves it: the session itself is fine.
    expect(
      (await paymaster({ nonce: newNonce(), authToken: await user.mint() }, otherCompanion)).status,
    ).toBe(200);
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: await user.mint() }),
      403,
      'client_mismatch',
      /another Okto client/,
    );
  });

  test('a well-signed token of a session Okto does not know is a 401 every time: refusals are not cached', async () => {
    const unknown = createSessionKey();
    const authToken = await createAuthToken({
      sessionPrivateKey: unknown.privateKey,
      expireAt: Math.round(Date.now() / 1000) + 600,
    });
    const calls = verifySessionCalls;
    await refusal(
      await paymaster({ nonce: newNonce(), authToken }),
      401,
      'ER-TECH-0007',
      /Okto does not accept this session \(session not registered/,
    );
    await refusal(await paymaster({ nonce: newNonce(), authToken }), 401, 'ER-TECH-0007', /Log in again/);
    expect(verifySessionCalls).toBe(calls + 2);
  });
});

describe('verify-session', () => {
  test('a positive answer is reused for 60 s per session key, then asked again', async () => {
    const user = await login();
    const calls = verifySessionCalls;
    for (let i = 0; i < 3; i++)
      expect((await paymaster({ nonce: newNonce(), authToken: await user.mint() })).status).toBe(200);
    expect(verifySessionCalls).toBe(calls + 1);
    clockOffsetMs += 61_000;
    try {
      expect((await paymaster({ nonce: newNonce(), authToken: await user.mint() })).status).toBe(200);
      expect(verifySessionCalls).toBe(calls + 2);
    } finally {
      clockOffsetMs -= 61_000;
    }
  });

  test('Okto failing (5xx) is a 502, and so is Okto unreachable', async () => {
    const user = await login();
    clockOffsetMs += 120_000; // past any cached answer
    verifySessionFails = true;
    try {
      await refusal(
        await paymaster({ nonce: newNonce(), authToken: await user.mint() }),
        502,
        'okto_unavailable',
        /answered HTTP 500/,
      );
    } finally {
      verifySessionFails = false;
      clockOffsetMs -= 120_000;
    }
    const nowhere = await startFor(
      envFor(DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA, { OKTO_BASE_URL: 'http://127.0.0.1:9' }),
    );
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: await user.mint() }, nowhere),
      502,
      'okto_unavailable',
      /could not be reached/,
    );
  });
});

describe('limits', () => {
  test('one user gets 30 paymaster data per minute, then 429 ER-TECH-0100 with Retry-After', async () => {
    const user = await login();
    for (let i = 0; i < 30; i++)
      expect((await paymaster({ nonce: newNonce(), authToken: await user.mint() })).status).toBe(200);
    const response = await paymaster({ nonce: newNonce(), authToken: await user.mint() });
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await refusal(response, 429, 'ER-TECH-0100', /for paymaster data for this wallet/);
    expect(body.error.message).toBe('Rate Limit Exceeded');
    // Another user is counted apart.
    const other = await login();
    expect((await paymaster({ nonce: newNonce(), authToken: await other.mint() })).status).toBe(200);
  });

  test('the overall and per-network budgets answer 429 in the same envelope', async () => {
    const limited = await startFor(
      envFor(DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA, {
        COMPANION_LIMIT_PAYMASTER: '2/1m',
        COMPANION_LIMIT_IP: '4/1m',
      }),
      { relaxIp: false },
    );
    const user = await login();
    for (let i = 0; i < 2; i++)
      expect((await paymaster({ nonce: newNonce(), authToken: await user.mint() }, limited)).status).toBe(
        200,
      );
    await refusal(
      await paymaster({ nonce: newNonce(), authToken: await user.mint() }, limited),
      429,
      'ER-TECH-0100',
      /for paymaster data to the signing service/,
    );
    await paymaster({ nonce: newNonce(), authToken: await user.mint() }, limited);
    const response = await paymaster({ nonce: newNonce(), authToken: await user.mint() }, limited);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    await refusal(response, 429, 'ER-TECH-0100', /from your network/);
  });
});

describe('malformed requests are refused with a 4xx naming the problem', () => {
  const nonce = nonceToBytes32('3fa85f64-5717-4562-b3fc-2c963f66afa6');
  const authToken = 'eyJ0eXBlIjoiZWNkc2FfdW5jb21wcmVzc2VkIn0=';
  test.each([
    [{ authToken }, /nonce is missing/],
    [{ nonce: 42, authToken }, /nonce must be a string/],
    [{ nonce: '3fa85f64-5717-4562-b3fc-2c963f66afa6', authToken }, /nonce must be 0x followed by 64 hex/],
    [{ nonce: nonce.slice(0, -1), authToken }, /nonce must be 0x followed by 64 hex/],
    [{ nonce: `0x${'ab'.repeat(32)}`, authToken }, /nonce must start with 16 zero bytes/],
    [{ nonce: `${nonce.slice(0, -1)}g`, authToken }, /nonce must be 0x followed by 64 hex/],
    [{ nonce }, /authToken is missing/],
    [{ nonce, authToken: 7 }, /authToken must be a string/],
    [{ nonce, authToken: '' }, /authToken is empty/],
    [{ nonce, authToken, hash: `0x${'00'.repeat(32)}` }, /hash is not a field of this request/],
    [{ nonce, authToken, validUntil: 9_999_999_999 }, /validUntil is not a field/],
    [{ nonce, authToken, clientSWA: DEV_CLIENT_SWA }, /clientSWA is not a field/],
    [{ nonce, authToken, sender: DEV_CLIENT_SWA }, /sender is not a field/],
  ])('%j', async (body, details) => {
    await refusal(await paymaster(body), 400, 'ER-TECH-0005', details);
  });

  test.each([
    ['not JSON', '{"nonce":', 400, 'ER-TECH-0005', /not valid JSON/],
    ['an array', '[]', 400, 'ER-TECH-0005', /JSON object/],
  ])('a body that is %s', async (_, body, status, errorCode, details) => {
    const response = await fetch(`${companion.url}/v1/paymaster`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    await refusal(response, status, errorCode, details);
  });

  test('a body that is not JSON by its type is a 415, one over 4 KB a 413, both in the envelope', async () => {
    const text = await fetch(`${companion.url}/v1/paymaster`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ nonce, authToken }),
    });
    await refusal(text, 415, 'unsupported_media_type', /Content-Type: application\/json/);
    const large = await paymaster({ nonce, authToken: 'a'.repeat(5000) });
    await refusal(large, 413, 'payload_too_large', /larger than 4096 bytes/);
  });
});
