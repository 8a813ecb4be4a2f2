import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCompanionConfig } from '../../src/companion/config.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { createAuthToken } from '../../src/okto/authToken.ts';
import { createOktoClient, type OktoClient } from '../../src/okto/client.ts';
import { environments } from '../../src/okto/environments.ts';
import { OktoApiError } from '../../src/okto/errors.ts';
import type {
  EmailResendData,
  EmailSendData,
  EmailVerifyData,
  SignedOtpRequest,
  WhatsAppResendData,
  WhatsAppSendData,
  WhatsAppVerifyData,
} from '../../src/okto/otp.ts';
import { buildAuthenticateRequest, signSessionAsUser } from '../../src/okto/session.ts';
import { createSessionKey } from '../../src/okto/sessionKey.ts';
import { privateKeySigner } from '../../src/okto/signer.ts';

// Both login flows end to end: the companion builds and signs every client-key part, a real emulator
// checks them exactly as Okto would. Both are real HTTP servers on loopback.

let emulator: RunningEmulator;
let companion: RunningCompanion;
let okto: OktoClient;
const logLines: string[] = [];
/** Everything secret or personal that went through the companion during this file. */
const secrets = new Set<string>([DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_PRIVATE_KEY.slice(2)]);
let clockOffsetMs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, log: () => {} });
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: emulator.url,
  });
  companion = await startCompanion({
    config,
    port: 0,
    clock: () => Date.now() + clockOffsetMs,
    log: (line) => logLines.push(line),
  });
  okto = createOktoClient({ baseUrl: emulator.url });
});

afterAll(async () => {
  await Promise.all([companion?.close(), emulator?.close()]);
});

async function sign<body>(path: string, input: Record<string, unknown>): Promise<body> {
  const response = await fetch(`${companion.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json as body;
}

const signEmailSend = (input: { email: string; token?: string }) =>
  sign<SignedOtpRequest<EmailSendData | EmailResendData>>('/v1/otp/email/send', input);
const signEmailVerify = (input: { email: string; token: string; otp: string }) =>
  sign<SignedOtpRequest<EmailVerifyData>>('/v1/otp/email/verify', input);
type WhatsAppContact = { whatsappNumber: string; countryShortName: string };
const signWhatsAppSend = (input: WhatsAppContact & { token?: string }) =>
  sign<SignedOtpRequest<WhatsAppSendData | WhatsAppResendData>>('/v1/otp/whatsapp/send', input);
const signWhatsAppVerify = (input: WhatsAppContact & { token: string; otp: string }) =>
  sign<SignedOtpRequest<WhatsAppVerifyData>>('/v1/otp/whatsapp/verify', input);

async function latestMessage(to: string): Promise<{ otp: string; token: string; sentAt: string }> {
  const response = await fetch(`${emulator.url}/__emulator/outbox?to=${encodeURIComponent(to)}`);
  const [newest] = (await response.json()) as { otp: string; token: string; sentAt: string }[];
  if (!newest) throw new Error(`the emulator sent nothing to ${to}`);
  secrets.add(newest.otp);
  return newest;
}

/** Moves the emulator's clock and the companion's together, as time passing would. */
async function advanceClocks(seconds: number) {
  const response = await fetch(`${emulator.url}/__emulator/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  expect(response.status).toBe(200);
  clockOffsetMs += seconds * 1000;
}

/** Registers a fresh session key with the auth token, the companion signing the client's parts. */
async function registerSession(authToken: string) {
  const sessionKey = createSessionKey();
  const nonce = randomUUID();
  const client = await sign<{
    clientSWA: `0x${string}`;
    paymaster: `0x${string}`;
    paymasterData: `0x${string}`;
    sessionPkClientSignature: `0x${string}`;
  }>('/v1/session', {
    sessionPk: sessionKey.publicKey,
    nonce,
    authData: { idToken: authToken, provider: 'okto' },
  });
  expect(client.clientSWA).toBe(DEV_CLIENT_SWA);
  expect(client.paymaster).toBe(environments.local.paymaster);
  const sessionDataUserSignature = await signSessionAsUser({
    sessionPk: sessionKey.publicKey,
    sign: privateKeySigner(sessionKey.privateKey),
  });
  const request = buildAuthenticateRequest({
    idToken: authToken,
    nonce,
    clientSWA: client.clientSWA,
    sessionPk: sessionKey.publicKey,
    paymaster: client.paymaster,
    paymasterData: client.paymasterData,
    sessionPkClientSignature: client.sessionPkClientSignature,
    sessionDataUserSignature,
  });
  const authenticated = await okto.authenticate(request);
  const bearer = await createAuthToken({
    sessionPrivateKey: sessionKey.privateKey,
    expireAt: Math.round(Date.now() / 1000) + 5400,
  });
  const session = await okto.verifySession(bearer);
  expect(session.user_swa).toBe(authenticated.userSWA);
  expect(session.client_swa).toBe(DEV_CLIENT_SWA);
  return { authenticated, request };
}

describe('login end to end with companion-built bodies', () => {
  test('by email: send, verify, register the session, and the Bearer token passes verify-session', async () => {
    const email = `alice-${randomUUID().slice(0, 8)}@example.com`;
    secrets.add(email);
    const send = await signEmailSend({ email });
    expect(send.data).toEqual({ email, client_swa: DEV_CLIENT_SWA, timestamp: expect.any(Number) });
    const { token } = await okto.sendEmailOtp(send);
    secrets.add(token);
    const { otp } = await latestMessage(email);
    const verify = await signEmailVerify({ email, token, otp });
    const verified = await okto.verifyEmailOtp(verify);
    secrets.add(verified.auth_token);
    const { authenticated } = await registerSession(verified.auth_token);
    expect(authenticated.userSWA).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  test.each([
    ['9876543210', 'IN', '+919876543210'],
    ['11987654321', 'BR', '+5511987654321'],
    ['7400123456', 'GB', '+447400123456'],
  ])(
    'by WhatsApp %s in %s: send, verify, register the session',
    async (whatsappNumber, countryShortName, e164) => {
      secrets.add(e164);
      secrets.add(whatsappNumber);
      const contact = { whatsappNumber, countryShortName };
      const send = await signWhatsAppSend(contact);
      expect(Object.keys(send.data)).toEqual([
        'whatsapp_number',
        'country_short_name',
        'client_swa',
        'timestamp',
      ]);
      const { token } = await okto.sendWhatsAppOtp(send);
      secrets.add(token);
      const { otp } = await latestMessage(e164);
      const verify = await signWhatsAppVerify({ ...contact, token, otp });
      const verified = await okto.verifyWhatsAppOtp(verify);
      secrets.add(verified.auth_token);
      await registerSession(verified.auth_token);
    },
  );

  test('a resend (send with the token) answers the same token, and the new code logs in', async () => {
    const email = `resend-${randomUUID().slice(0, 8)}@example.com`;
    secrets.add(email);
    const { token } = await okto.sendEmailOtp(await signEmailSend({ email }));
    secrets.add(token);
    const first = await latestMessage(email);
    await advanceClocks(31);
    const resend = await signEmailSend({ email, token });
    expect(Object.keys(resend.data)).toEqual(['email', 'token', 'client_swa', 'timestamp']);
    expect((await okto.sendEmailOtp(resend)).token).toBe(token);
    const second = await latestMessage(email);
    expect(second.sentAt).not.toBe(first.sentAt);
    const verified = await okto.verifyEmailOtp(await signEmailVerify({ email, token, otp: second.otp }));
    secrets.add(verified.auth_token);
    expect(verified.auth_token).toBeTruthy();
  });
});

describe('a session is co-signed only for a completed login (F4)', () => {
  test('one real login registers two sessions; a third is refused before Okto sees it', async () => {
    const email = `twice-${randomUUID().slice(0, 8)}@example.com`;
    secrets.add(email);
    const { token } = await okto.sendEmailOtp(await signEmailSend({ email }));
    const { otp } = await latestMessage(email);
    const verified = await okto.verifyEmailOtp(await signEmailVerify({ email, token, otp }));
    secrets.add(verified.auth_token);
    const first = await registerSession(verified.auth_token);
    const second = await registerSession(verified.auth_token);
    expect(second.authenticated.userSWA).toBe(first.authenticated.userSWA);
    const response = await fetch(`${companion.url}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        sessionPk: createSessionKey().publicKey,
        nonce: randomUUID(),
        authData: { idToken: verified.auth_token, provider: 'okto' },
      }),
    });
    expect(response.status).toBe(409);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'id_token_used', field: 'authData.idToken' });
  });

  test('without the id token of a login, nothing is co-signed', async () => {
    const response = await fetch(`${companion.url}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sessionPk: createSessionKey().publicKey, nonce: randomUUID() }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_input', field: 'authData' } });
  });
});

describe('the emulator rejects a companion-built body altered after signing', () => {
  async function rejection(call: () => Promise<unknown>): Promise<OktoApiError> {
    try {
      await call();
    } catch (error) {
      if (error instanceof OktoApiError) return error;
      throw error;
    }
    throw new Error('expected the emulator to reject the body');
  }

  test('another address, timestamp, client or signature breaks the client signature', async () => {
    const email = `victim-${randomUUID().slice(0, 8)}@example.com`;
    secrets.add(email);
    const body = await signEmailSend({ email });
    for (const data of [
      { ...body.data, email: `attacker-${email}` },
      { ...body.data, timestamp: Number(body.data.timestamp) + 1 },
      { ...body.data, client_swa: '0x00000000000000000000000000000000000000AA' as const },
    ]) {
      const error = await rejection(() => okto.sendEmailOtp({ ...body, data }));
      expect(error.status).toBe(422);
      expect(error.details).toBe('client signature invalid');
    }
    // Nor does a genuine signature carry over to other data.
    const other = await signEmailSend({ email: `other-${email}` });
    const error = await rejection(() =>
      okto.sendEmailOtp({ ...body, client_signature: other.client_signature }),
    );
    expect(error.details).toBe('client signature invalid');
    // The untouched body still works: the failures above are the alterations'.
    expect((await okto.sendEmailOtp(body)).token).toBeTruthy();
  });

  test('a session registration with altered paymaster data or another session key is refused', async () => {
    const email = `session-${randomUUID().slice(0, 8)}@example.com`;
    secrets.add(email);
    const { token } = await okto.sendEmailOtp(await signEmailSend({ email }));
    const { otp } = await latestMessage(email);
    const verified = await okto.verifyEmailOtp(await signEmailVerify({ email, token, otp }));
    secrets.add(verified.auth_token);
    const { request } = await registerSession(verified.auth_token);

    // A fresh nonce and key, signed properly, then altered: validUntil pushed later by one second.
    const sessionKey = createSessionKey();
    const nonce = randomUUID();
    const client = await sign<{ paymasterData: `0x${string}`; sessionPkClientSignature: `0x${string}` }>(
      '/v1/session',
      {
        sessionPk: sessionKey.publicKey,
        nonce,
        authData: { idToken: verified.auth_token, provider: 'okto' },
      },
    );
    const sessionDataUserSignature = await signSessionAsUser({
      sessionPk: sessionKey.publicKey,
      sign: privateKeySigner(sessionKey.privateKey),
    });
    const base = {
      ...request,
      sessionData: { ...request.sessionData, nonce, sessionPk: sessionKey.publicKey },
      sessionPkClientSignature: client.sessionPkClientSignature,
      sessionDataUserSignature,
    };
    const validUntilEnd = 2 + 64 * 2;
    const bumped = (BigInt(`0x${client.paymasterData.slice(validUntilEnd - 64, validUntilEnd)}`) + 1n)
      .toString(16)
      .padStart(64, '0');
    const alteredPaymasterData = `${client.paymasterData.slice(0, validUntilEnd - 64)}${bumped}${client.paymasterData.slice(validUntilEnd)}`;
    const tampered = {
      ...base,
      sessionData: { ...base.sessionData, paymasterData: alteredPaymasterData as `0x${string}` },
    };
    expect((await rejection(() => okto.authenticate(tampered))).status).toBe(400);

    // The client's session proof belongs to the session key it was made for, not to another one.
    const other = createSessionKey();
    const swapped = {
      ...base,
      sessionData: { ...base.sessionData, sessionPk: other.publicKey, paymasterData: client.paymasterData },
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: other.publicKey,
        sign: privateKeySigner(other.privateKey),
      }),
    };
    expect((await rejection(() => okto.authenticate(swapped))).status).toBe(400);
  });
});

// Last in this file: it reads the log of every request above.
test('the log has one line per request and names no key, code, token, address or number', () => {
  expect(logLines.length).toBeGreaterThan(15);
  for (const line of logLines) {
    const entry = JSON.parse(line);
    expect(
      Object.keys(entry).every((key) =>
        ['ts', 'route', 'method', 'status', 'ms', 'contact', 'ip', 'user', 'error'].includes(key),
      ),
    ).toBe(true);
  }
  const log = logLines.join('\n').toLowerCase();
  expect(secrets.size).toBeGreaterThan(15);
  for (const secret of secrets) expect(log).not.toContain(secret.toLowerCase());
  // Local parts and national numbers too, not only whole values.
  expect(log).not.toContain('alice');
  expect(log).not.toContain('9876543210');
});
