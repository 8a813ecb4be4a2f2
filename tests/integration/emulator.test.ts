import { type Address, getAddress, type Hex } from 'viem';
import { privateKeyToAccount, publicKeyToAddress } from 'viem/accounts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SIGNER, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import {
  buildAuthenticateRequest,
  buildEmailResendData,
  buildEmailSendData,
  buildEmailVerifyData,
  buildWhatsAppResendData,
  buildWhatsAppSendData,
  buildWhatsAppVerifyData,
  createAuthToken,
  createOktoClient,
  createSessionKey,
  environments,
  nonceToBytes32,
  OktoApiError,
  type OktoClient,
  privateKeySigner,
  type SessionKey,
  type Signer,
  signOtpRequest,
  signSessionAsClient,
  signSessionAsUser,
} from '../../src/okto/index.ts';
import {
  TEST_CLIENT_PRIVATE_KEY,
  TEST_CLIENT_SIGNER,
  TEST_CLIENT_SWA,
} from '../../src/okto/testing/vectors.ts';

// The emulator over real HTTP on loopback, driven only by the protocol core of src/okto, as the
// extension and the companion drive it. Every row of the policy table of shared/okto-protocol.md §7 is
// here with its exact status and `details`. Time moves with POST /__emulator/clock, never with sleeps.

type TestClient = { clientSWA: Address; sign: Signer };
const DEV: TestClient = { clientSWA: DEV_CLIENT_SWA, sign: privateKeySigner(DEV_CLIENT_PRIVATE_KEY) };
/** The spec's test-vector client, registered as a second client. */
const SECOND: TestClient = { clientSWA: TEST_CLIENT_SWA, sign: privateKeySigner(TEST_CLIENT_PRIVATE_KEY) };
const STRANGER_KEY: Hex = `0x${'33'.repeat(32)}`;

type EmailContact = { channel: 'email'; email: string; to: string };
type WhatsAppContact = { channel: 'whatsapp'; whatsappNumber: string; countryShortName: string; to: string };
type Contact = EmailContact | WhatsAppContact;
const alice: EmailContact = { channel: 'email', email: 'alice@example.com', to: 'alice@example.com' };
const bob: EmailContact = { channel: 'email', email: 'bob@example.com', to: 'bob@example.com' };
const priya: WhatsAppContact = {
  channel: 'whatsapp',
  whatsappNumber: '9876543210',
  countryShortName: 'IN',
  to: '+919876543210',
};

type OutboxMessage = { channel: string; to: string; otp: string; token: string; sentAt: string };

let emulator: RunningEmulator;
let okto: OktoClient;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  emulator = await startEmulator({
    port: 0,
    chains: false,
    clients: [
      { clientSWA: DEV_CLIENT_SWA, signer: DEV_CLIENT_SIGNER },
      { clientSWA: TEST_CLIENT_SWA, signer: TEST_CLIENT_SIGNER },
    ],
    log: (line) => logLines.push(line),
  });
  okto = createOktoClient({ baseUrl: emulator.url });
});
afterEach(async () => {
  await emulator.close();
});

// --- the emulator's developer endpoints -------------------------------------------------------------

async function emulatorNow(): Promise<number> {
  const response = await fetch(`${emulator.url}/__emulator/clock`);
  return ((await response.json()) as { now: number }).now;
}

async function advanceClock(seconds: number): Promise<number> {
  const response = await fetch(`${emulator.url}/__emulator/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { now: number }).now;
}

async function outbox(to?: string): Promise<OutboxMessage[]> {
  const query = to === undefined ? '' : `?${new URLSearchParams({ to })}`;
  const response = await fetch(`${emulator.url}/__emulator/outbox${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OutboxMessage[];
}

async function latestCode(contact: Contact): Promise<OutboxMessage> {
  const [latest] = await outbox(contact.to);
  expect(latest).toBeDefined();
  return latest;
}

// --- OTP calls, signed by src/okto ------------------------------------------------------------------

type OtpOptions = { client?: TestClient; signer?: Signer; timestamp?: number };

/** An OTP timestamp on the emulator clock, as a client whose clock agrees with the server sends it. */
async function timestamp(): Promise<number> {
  return (await emulatorNow()) * 1000 - 1000;
}

async function sendCode(contact: Contact, options: OtpOptions & { token?: string } = {}) {
  const { client = DEV, token } = options;
  const sign = options.signer ?? client.sign;
  const common = { clientSWA: client.clientSWA, timestamp: options.timestamp ?? (await timestamp()) };
  if (contact.channel === 'email') {
    const data =
      token === undefined
        ? buildEmailSendData({ email: contact.email, ...common })
        : buildEmailResendData({ email: contact.email, token, ...common });
    return okto.sendEmailOtp(await signOtpRequest(data, sign));
  }
  const wa = {
    whatsappNumber: contact.whatsappNumber,
    countryShortName: contact.countryShortName,
    ...common,
  };
  const data = token === undefined ? buildWhatsAppSendData(wa) : buildWhatsAppResendData({ ...wa, token });
  return okto.sendWhatsAppOtp(await signOtpRequest(data, sign));
}

async function verifyCode(contact: Contact, token: string, otp: string, options: OtpOptions = {}) {
  const { client = DEV } = options;
  const sign = options.signer ?? client.sign;
  const common = {
    clientSWA: client.clientSWA,
    timestamp: options.timestamp ?? (await timestamp()),
    token,
    otp,
  };
  if (contact.channel === 'email')
    return okto.verifyEmailOtp(
      await signOtpRequest(buildEmailVerifyData({ email: contact.email, ...common }), sign),
    );
  const data = buildWhatsAppVerifyData({
    whatsappNumber: contact.whatsappNumber,
    countryShortName: contact.countryShortName,
    ...common,
  });
  return okto.verifyWhatsAppOtp(await signOtpRequest(data, sign));
}

/** Send → read the outbox → verify: the `auth_token` a logged-in user holds. */
async function logIn(contact: Contact, client: TestClient = DEV): Promise<string> {
  const { token } = await sendCode(contact, { client });
  const { otp } = await latestCode(contact);
  return (await verifyCode(contact, token, otp, { client })).auth_token;
}

// --- /authenticate ----------------------------------------------------------------------------------

type SessionOptions = {
  client?: TestClient;
  /** Signs the paymaster data and the session proof; default the client's key. */
  clientSigner?: Signer;
  sessionKey?: SessionKey;
  nonce?: string;
  /** "Now" for the paymaster window, unix seconds; default the emulator clock. */
  now?: number;
  paymaster?: Address;
};

/** An `/authenticate` body built exactly as the companion and the service worker build it. */
async function buildSession(idToken: string, options: SessionOptions = {}) {
  const { client = DEV, sessionKey = createSessionKey(), nonce = crypto.randomUUID() } = options;
  const clientSignatures = await signSessionAsClient({
    sessionPk: sessionKey.publicKey,
    nonce,
    clientSWA: client.clientSWA,
    now: options.now ?? (await emulatorNow()),
    sign: options.clientSigner ?? client.sign,
  });
  const sessionDataUserSignature = await signSessionAsUser({
    sessionPk: sessionKey.publicKey,
    sign: privateKeySigner(sessionKey.privateKey),
  });
  const request = buildAuthenticateRequest({
    ...clientSignatures,
    idToken,
    nonce,
    clientSWA: client.clientSWA,
    sessionPk: sessionKey.publicKey,
    paymaster: options.paymaster ?? environments.local.paymaster,
    sessionDataUserSignature,
  });
  return { request, sessionKey, nonce };
}

async function mintToken(sessionKey: SessionKey, lifetimeSeconds = 5400): Promise<string> {
  return createAuthToken({
    sessionPrivateKey: sessionKey.privateKey,
    expireAt: (await emulatorNow()) + lifetimeSeconds,
  });
}

// --- assertions -------------------------------------------------------------------------------------

type ExpectedError = { status: number; details: string | RegExp; errorCode?: string };

/** The call fails with this HTTP status and Okto `details` (and `errorCode` when given). */
async function expectOktoError(call: Promise<unknown>, expected: ExpectedError): Promise<OktoApiError> {
  const error = await call.then(
    (value) => {
      throw new Error(
        `expected HTTP ${expected.status} "${expected.details}", got success ${JSON.stringify(value)}`,
      );
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OktoApiError);
  const apiError = error as OktoApiError;
  expect(apiError.status).toBe(expected.status);
  if (typeof expected.details === 'string') expect(apiError.details).toBe(expected.details);
  else expect(apiError.details).toMatch(expected.details);
  if (expected.errorCode !== undefined) expect(apiError.errorCode).toBe(expected.errorCode);
  return apiError;
}

const rejected = (details: string): ExpectedError => ({ status: 422, details, errorCode: '422' });
const authenticateFailed = (details: RegExp): ExpectedError => ({
  status: 400,
  details,
  errorCode: '-32603',
});
const unauthorized = (details: RegExp): ExpectedError => ({
  status: 401,
  details,
  errorCode: 'ER-TECH-0007',
});

/** POSTs a JSON body and answers the raw status, headers and JSON: for checking envelopes byte for byte. */
async function postRaw(path: string, body: unknown) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as unknown };
}

// ======================================================================================================

describe('the email login', () => {
  it('sends a code, verifies it, registers a session, and verify-session answers the same user and client', async () => {
    const sent = await sendCode(alice);
    expect(sent).toEqual({
      status: 'success',
      message: 'email otp sent',
      code: 200,
      token: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    const [message] = await outbox('alice@example.com');
    expect(message).toEqual({
      channel: 'email',
      to: 'alice@example.com',
      otp: expect.stringMatching(/^\d{6}$/),
      token: sent.token,
      sentAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(message.sentAt) / 1000 - (await emulatorNow()))).toBeLessThan(5);
    expect(logLines).toContain(`[okto-emulator] Email code for alice@example.com: ${message.otp}`);

    const verified = await verifyCode(alice, sent.token, message.otp);
    expect(verified).toEqual({
      auth_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      message: 'success',
      refresh_auth_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      device_token: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const claims = JSON.parse(Buffer.from(verified.auth_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ login_medium: 'EMAIL_OTP', client_swa: DEV_CLIENT_SWA });
    expect(claims.exp - claims.iat).toBe(864_000);

    const { request, sessionKey, nonce } = await buildSession(verified.auth_token);
    const before = await emulatorNow();
    const session = await okto.authenticate(request);
    expect(session.userSWA).toBe(getAddress(session.userSWA));
    expect(session.nonce).toBe(nonceToBytes32(nonce));
    expect(session.clientSWA).toBe(DEV_CLIENT_SWA);
    expect(session.sessionExpiry - before).toBeGreaterThanOrEqual(864_000);
    expect(session.sessionExpiry - before).toBeLessThanOrEqual(864_002);

    const authToken = await mintToken(sessionKey);
    const info = await okto.verifySession(authToken);
    expect(info).toEqual({
      user_id: claims.user_id,
      client_id: expect.any(String),
      user_swa: session.userSWA,
      client_swa: session.clientSWA,
      vendor_id: info.client_id,
      vendor_swa: session.clientSWA,
      is_session_added: true,
      sign_auth_relayer_user_ops: '',
    });

    const byPost = await fetch(`${emulator.url}/api/oc/v1/verify-session`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${authToken}` },
    });
    expect(byPost.status).toBe(200);
    expect(((await byPost.json()) as { data: unknown }).data).toEqual(info);

    // Every EVM wallet is the user's Okto key (wallet protocol §4.4), the key /user-keys describes.
    const keys = await fetch(`${emulator.url}/api/oc/v1/user-keys`, {
      headers: { Authorization: `Bearer ${authToken}` },
    });
    expect(keys.status).toBe(200);
    const { data: userKeys } = (await keys.json()) as { data: Record<string, string> };
    expect(userKeys).toEqual({
      userId: claims.user_id,
      userSWA: session.userSWA,
      ecdsaPublicKey: expect.stringMatching(/^0x04[0-9a-f]{128}$/),
      eddsaPublicKey: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      ecdsaKeyId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      eddsaKeyId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    const oktoKeyAddress = publicKeyToAddress(userKeys.ecdsaPublicKey as Hex);

    const wallets = await okto.getWallets(authToken);
    expect(wallets).toEqual([
      {
        caip_id: 'eip155:84532',
        network_name: 'BASE_TESTNET',
        address: oktoKeyAddress,
        network_id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        network_symbol: 'ETH',
      },
      {
        caip_id: 'eip155:80002',
        network_name: 'POLYGON_TESTNET_AMOY',
        address: oktoKeyAddress,
        network_id: expect.any(String),
        network_symbol: 'POL',
      },
    ]);
    expect(oktoKeyAddress).not.toBe(session.userSWA);
  });

  it('gives the same user and wallet on every login, whatever the case of the address', async () => {
    const first = await okto.authenticate((await buildSession(await logIn(alice))).request);
    const shouting: EmailContact = { channel: 'email', email: 'ALICE@Example.COM', to: 'alice@example.com' };
    const second = await okto.authenticate((await buildSession(await logIn(shouting))).request);
    expect(second.userSWA).toBe(first.userSWA);
    const other = await okto.authenticate((await buildSession(await logIn(bob))).request);
    expect(other.userSWA).not.toBe(first.userSWA);
  });
});

describe('the WhatsApp login', () => {
  it('delivers to the E.164 number and completes the same flow', async () => {
    const sent = await sendCode(priya);
    expect(sent.message).toBe('whatsapp otp sent');
    const [message] = await outbox('+919876543210');
    expect(message).toMatchObject({ channel: 'whatsapp', to: '+919876543210', token: sent.token });
    expect(logLines).toContain(`[okto-emulator] WhatsApp code for +919876543210: ${message.otp}`);

    const verified = await verifyCode(priya, sent.token, message.otp);
    const claims = JSON.parse(Buffer.from(verified.auth_token.split('.')[1], 'base64url').toString());
    expect(claims.login_medium).toBe('WHATSAPP_OTP');

    const { request, sessionKey } = await buildSession(verified.auth_token);
    const session = await okto.authenticate(request);
    const authToken = await mintToken(sessionKey);
    const info = await okto.verifySession(authToken);
    expect(info.user_swa).toBe(session.userSWA);
    expect(info.client_swa).toBe(session.clientSWA);
    expect(await okto.getWallets(authToken)).toContainEqual(
      expect.objectContaining({
        caip_id: 'eip155:84532',
        address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
      }),
    );
  });

  it('accepts national numbers of other countries, trunk prefix included', async () => {
    const uk: WhatsAppContact = {
      ...priya,
      whatsappNumber: '07911123456',
      countryShortName: 'GB',
      to: '+447911123456',
    };
    const us: WhatsAppContact = {
      ...priya,
      whatsappNumber: '2015550123',
      countryShortName: 'US',
      to: '+12015550123',
    };
    for (const contact of [uk, us]) {
      const { token } = await sendCode(contact);
      expect((await latestCode(contact)).token).toBe(token);
    }
  });
});

describe('resend', () => {
  it('keeps the token, sends a new code, and refuses the old one', async () => {
    for (const contact of [alice, priya]) {
      const { token } = await sendCode(contact);
      const first = await latestCode(contact);
      await advanceClock(30);
      const resent = await sendCode(contact, { token });
      expect(resent.token).toBe(token);
      const [second, previous] = await outbox(contact.to);
      expect(previous).toEqual(first);
      expect(second.token).toBe(token);
      expect(second.otp).not.toBe(first.otp);

      await expectOktoError(verifyCode(contact, token, first.otp), rejected('invalid otp'));
      await verifyCode(contact, token, second.otp);
    }
  });

  it('is rate-limited within 30 s of the last send for that token (429 ER-TECH-0100, retry-after)', async () => {
    const { token } = await sendCode(alice);
    await advanceClock(10);
    const error = await expectOktoError(sendCode(alice, { token }), {
      status: 429,
      details: /30 seconds/,
      errorCode: 'ER-TECH-0100',
    });
    expect(error.retryAfter).toBe(20);

    await advanceClock(20);
    expect((await sendCode(alice, { token })).token).toBe(token);
    // the window restarts at every send
    await expectOktoError(sendCode(alice, { token }), { status: 429, details: /30 seconds/ });
  });
});

describe('the policy table of §7', () => {
  it('refuses a timestamp more than 5 minutes from the server clock: Signature Expired', async () => {
    const now = (await emulatorNow()) * 1000;
    // 310 s, not 301: `now` is whole seconds and the request takes a moment
    await expectOktoError(sendCode(alice, { timestamp: now - 310_000 }), rejected('Signature Expired'));
    await expectOktoError(sendCode(alice, { timestamp: now + 310_000 }), rejected('Signature Expired'));
    // seconds instead of milliseconds are 55 years in the past
    await expectOktoError(
      sendCode(alice, { timestamp: Math.floor(now / 1000) }),
      rejected('Signature Expired'),
    );
    await sendCode(alice, { timestamp: now - 295_000 });

    const { token } = await sendCode(bob);
    const { otp } = await latestCode(bob);
    await expectOktoError(
      verifyCode(bob, token, otp, { timestamp: now - 400_000 }),
      rejected('Signature Expired'),
    );
    // after the clock moves, a client on real time is the one out of step
    await advanceClock(600);
    await expectOktoError(sendCode(alice, { timestamp: now }), rejected('Signature Expired'));
  });

  it('refuses a body signed by another key than the registered signer: client signature invalid', async () => {
    const stranger = privateKeySigner(STRANGER_KEY);
    await expectOktoError(sendCode(alice, { signer: stranger }), rejected('client signature invalid'));
    await expectOktoError(sendCode(priya, { signer: stranger }), rejected('client signature invalid'));
    // the second client's key cannot speak for the dev client, nor the other way round
    await expectOktoError(sendCode(alice, { signer: SECOND.sign }), rejected('client signature invalid'));
    await expectOktoError(
      sendCode(alice, { client: SECOND, signer: DEV.sign }),
      rejected('client signature invalid'),
    );

    const { token } = await sendCode(alice);
    const { otp } = await latestCode(alice);
    await expectOktoError(
      verifyCode(alice, token, otp, { signer: stranger }),
      rejected('client signature invalid'),
    );
    // the refused verify did not spend the code
    await verifyCode(alice, token, otp);
  });

  it('refuses an unknown client_swa: client signature invalid', async () => {
    const unknown: TestClient = { clientSWA: '0x000000000000000000000000000000000000dEaD', sign: DEV.sign };
    await expectOktoError(sendCode(alice, { client: unknown }), rejected('client signature invalid'));
    await expectOktoError(sendCode(priya, { client: unknown }), rejected('client signature invalid'));
  });

  it('checks the signature over the canonical key order: another order or an edit after signing is refused', async () => {
    const ts = await timestamp();
    const canonical = buildEmailSendData({
      email: 'alice@example.com',
      clientSWA: DEV_CLIENT_SWA,
      timestamp: ts,
    });
    const reordered = {
      client_swa: canonical.client_swa,
      email: canonical.email,
      timestamp: canonical.timestamp,
    };
    // signed and sent in the wrong order
    const wrongOrder = {
      data: reordered,
      client_signature: await DEV.sign(JSON.stringify(reordered)),
      type: 'ethsign',
    };
    const answer = await postRaw('/api/oc/v1/authenticate/email', wrongOrder);
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ error: { details: 'client signature invalid' } });

    // signed canonically, then the address changed
    const signed = await signOtpRequest(canonical, DEV.sign);
    const tampered = { ...signed, data: { ...signed.data, email: 'mallory@example.com' } };
    await expectOktoError(okto.sendEmailOtp(tampered), rejected('client signature invalid'));
    expect(await outbox('mallory@example.com')).toEqual([]);

    // sent in another order but signed canonically: the bytes the protocol defines are what count
    const sentReordered = { ...signed, data: reordered as typeof canonical };
    expect((await okto.sendEmailOtp(sentReordered)).message).toBe('email otp sent');
  });

  it('refuses a wrong code: invalid otp', async () => {
    const { token } = await sendCode(priya);
    const { otp } = await latestCode(priya);
    const wrong = otp === '000000' ? '111111' : '000000';
    await expectOktoError(verifyCode(priya, token, wrong), rejected('invalid otp'));
    await expectOktoError(verifyCode(priya, token, `${otp}0`), rejected('invalid otp'));
    await verifyCode(priya, token, otp);
  });

  it('kills a token after 5 wrong codes: otp attempts exceeded, even for the right code or a resend', async () => {
    const { token } = await sendCode(alice);
    const { otp } = await latestCode(alice);
    const wrong = otp === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt++)
      await expectOktoError(verifyCode(alice, token, wrong), rejected('invalid otp'));
    await expectOktoError(verifyCode(alice, token, wrong), rejected('otp attempts exceeded'));
    await expectOktoError(verifyCode(alice, token, otp), rejected('otp attempts exceeded'));
    await advanceClock(30);
    await expectOktoError(sendCode(alice, { token }), rejected('otp attempts exceeded'));
    // a new send starts over
    const fresh = await sendCode(alice);
    await verifyCode(alice, fresh.token, (await latestCode(alice)).otp);
  });

  it('refuses a code older than 300 s: otp expired; a resend brings a fresh one', async () => {
    const { token } = await sendCode(alice);
    const { otp } = await latestCode(alice);
    await advanceClock(300);
    await advanceClock(1);
    await expectOktoError(verifyCode(alice, token, otp), rejected('otp expired'));

    await sendCode(alice, { token });
    const fresh = await latestCode(alice);
    await advanceClock(299);
    await verifyCode(alice, token, fresh.otp);
  });

  it('refuses an unknown token, a token of another contact or client, and a spent token: invalid token', async () => {
    await expectOktoError(verifyCode(alice, crypto.randomUUID(), '123456'), rejected('invalid token'));

    const { token } = await sendCode(alice);
    const { otp } = await latestCode(alice);
    await expectOktoError(verifyCode(bob, token, otp), rejected('invalid token'));
    await expectOktoError(verifyCode(alice, token, otp, { client: SECOND }), rejected('invalid token'));
    await advanceClock(30);
    await expectOktoError(sendCode(bob, { token }), rejected('invalid token'));

    await verifyCode(alice, token, otp);
    await expectOktoError(verifyCode(alice, token, otp), rejected('invalid token'));
    await expectOktoError(sendCode(alice, { token }), rejected('invalid token'));

    const wa = await sendCode(priya);
    const other: WhatsAppContact = { ...priya, whatsappNumber: '9876543211', to: '+919876543211' };
    await expectOktoError(
      verifyCode(other, wa.token, (await latestCode(priya)).otp),
      rejected('invalid token'),
    );
  });

  it('answers 429 ER-TECH-0100 with retry-after past 120 auth calls a minute for one client SWA', async () => {
    // One signed body replayed: each send is a new call (and a new token), all within the minute.
    const body = await signOtpRequest(
      buildEmailSendData({
        email: 'load@example.com',
        clientSWA: DEV_CLIENT_SWA,
        timestamp: await timestamp(),
      }),
      DEV.sign,
    );
    const answers = await Promise.all(
      Array.from({ length: 120 }, () => postRaw('/api/oc/v1/authenticate/email', body)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(120).fill(200));

    const limited = await postRaw('/api/oc/v1/authenticate/email', body);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      status: 'error',
      error: {
        code: 429,
        errorCode: 'ER-TECH-0100',
        message: 'Rate Limit Exceeded',
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        details: expect.stringContaining('120'),
      },
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // /authenticate counts too, and another client is not affected
    await expectOktoError(okto.authenticate((await buildSession('not-a-jwt')).request), {
      status: 429,
      details: /120/,
      errorCode: 'ER-TECH-0100',
    });
    await sendCode(alice, { client: SECOND });

    await advanceClock(60);
    await sendCode(alice);
  });

  describe('/authenticate answers the JSON-RPC envelope naming the failed check', () => {
    it('with the exact envelope', async () => {
      const { request } = await buildSession('not-a-jwt');
      const answer = await postRaw('/api/oc/v1/authenticate', request);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        status: 'error',
        error: {
          code: -32603,
          message: 'Internal Server Error',
          data: expect.stringMatching(/^authData\.idToken: /),
        },
      });
    });

    it('for a bad JWT: garbage, another signer, a refresh token, an expired token', async () => {
      await expectOktoError(
        okto.authenticate((await buildSession('not-a-jwt')).request),
        authenticateFailed(/idToken/),
      );

      const verified = await (async () => {
        const { token } = await sendCode(alice);
        return verifyCode(alice, token, (await latestCode(alice)).otp);
      })();
      const [header, payload] = verified.auth_token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      await expectOktoError(
        okto.authenticate((await buildSession(forged)).request),
        authenticateFailed(/idToken/),
      );
      await expectOktoError(
        okto.authenticate((await buildSession(verified.refresh_auth_token)).request),
        authenticateFailed(/idToken.*refresh/),
      );

      // a JWT from another emulator run (another secret) is unknown here
      const elsewhere = await startEmulator({ port: 0, chains: false, log: () => {} });
      try {
        const other = createOktoClient({ baseUrl: elsewhere.url });
        const sent = await other.sendEmailOtp(
          await signOtpRequest(
            buildEmailSendData({
              email: 'alice@example.com',
              clientSWA: DEV_CLIENT_SWA,
              timestamp: Date.now() - 1000,
            }),
            DEV.sign,
          ),
        );
        const [message] = (await (
          await fetch(`${elsewhere.url}/__emulator/outbox`)
        ).json()) as OutboxMessage[];
        const foreign = await other.verifyEmailOtp(
          await signOtpRequest(
            buildEmailVerifyData({
              email: 'alice@example.com',
              token: sent.token,
              otp: message.otp,
              clientSWA: DEV_CLIENT_SWA,
              timestamp: Date.now() - 1000,
            }),
            DEV.sign,
          ),
        );
        await expectOktoError(
          okto.authenticate((await buildSession(foreign.auth_token)).request),
          authenticateFailed(/idToken/),
        );
      } finally {
        await elsewhere.close();
      }

      await advanceClock(864_001);
      await expectOktoError(
        okto.authenticate((await buildSession(verified.auth_token)).request),
        authenticateFailed(/idToken: expired/),
      );
    });

    it('for bad paymasterData: not ABI, signed by another key, expired validUntil', async () => {
      const idToken = await logIn(alice);
      const garbage = await buildSession(idToken);
      garbage.request.sessionData.paymasterData = '0xdeadbeef';
      await expectOktoError(
        okto.authenticate(garbage.request),
        authenticateFailed(/paymasterData: not abi\.encode/),
      );

      // paymaster data signed by a stranger, session proof by the client: only the paymaster check fails
      const honest = await buildSession(idToken);
      const stranger = await buildSession(idToken, {
        sessionKey: honest.sessionKey,
        nonce: honest.nonce,
        clientSigner: privateKeySigner(STRANGER_KEY),
      });
      honest.request.sessionData.paymasterData = stranger.request.sessionData.paymasterData;
      await expectOktoError(
        okto.authenticate(honest.request),
        authenticateFailed(/paymasterData: signature is not by the client's registered signer/),
      );

      // validUntil = now - 7 h + 6 h: an hour ago
      const stale = await buildSession(idToken, { now: (await emulatorNow()) - 7 * 3600 });
      await expectOktoError(okto.authenticate(stale.request), authenticateFailed(/paymasterData: expired/));

      // a paymaster window that lapses while the clock moves
      const later = await buildSession(idToken);
      await advanceClock(6 * 3600);
      await expectOktoError(okto.authenticate(later.request), authenticateFailed(/paymasterData: expired/));
    });

    it('for a bad sessionPkClientSignature or sessionDataUserSignature', async () => {
      const idToken = await logIn(alice);
      const a = await buildSession(idToken);
      const b = await buildSession(idToken);
      const swappedClient = { ...a.request, sessionPkClientSignature: b.request.sessionPkClientSignature };
      await expectOktoError(
        okto.authenticate(swappedClient),
        authenticateFailed(/^sessionPkClientSignature: not signed by the client's registered signer$/),
      );
      const swappedUser = { ...a.request, sessionDataUserSignature: b.request.sessionDataUserSignature };
      await expectOktoError(
        okto.authenticate(swappedUser),
        authenticateFailed(/^sessionDataUserSignature: not signed by the session key$/),
      );
      // the session proof signed by a stranger as "client"
      const strangerProof = await buildSession(idToken, { clientSigner: privateKeySigner(STRANGER_KEY) });
      strangerProof.request.sessionData.paymasterData = (
        await buildSession(idToken, { sessionKey: strangerProof.sessionKey, nonce: strangerProof.nonce })
      ).request.sessionData.paymasterData;
      await expectOktoError(
        okto.authenticate(strangerProof.request),
        authenticateFailed(/sessionPkClientSignature/),
      );
      // the untouched body still goes through
      await okto.authenticate(a.request);
    });

    it('for a reused nonce', async () => {
      const idToken = await logIn(alice);
      const first = await buildSession(idToken);
      await okto.authenticate(first.request);
      const replay = await buildSession(idToken, { nonce: first.nonce });
      await expectOktoError(
        okto.authenticate(replay.request),
        authenticateFailed(/^sessionData\.nonce: already used$/),
      );
      const notUuid = await buildSession(idToken);
      notUuid.request.sessionData.nonce = 'not-a-uuid';
      await expectOktoError(
        okto.authenticate(notUuid.request),
        authenticateFailed(/nonce: must be a UUID v4/),
      );
    });

    it('for an unknown client, a clientSWA other than the idToken was issued for, a foreign paymaster', async () => {
      const idToken = await logIn(alice);
      const unknown: TestClient = { clientSWA: '0x000000000000000000000000000000000000dEaD', sign: DEV.sign };
      await expectOktoError(
        okto.authenticate((await buildSession(idToken, { client: unknown })).request),
        authenticateFailed(/^sessionData\.clientSWA: unknown client$/),
      );
      await expectOktoError(
        okto.authenticate((await buildSession(idToken, { client: SECOND })).request),
        authenticateFailed(/clientSWA: not the client the idToken was issued for/),
      );
      await expectOktoError(
        okto.authenticate(
          (await buildSession(idToken, { paymaster: environments.production.paymaster })).request,
        ),
        authenticateFailed(/^sessionData\.paymaster: /),
      );
    });
  });

  describe('Bearer endpoints answer 401 ER-TECH-0007', () => {
    async function registeredSession() {
      const { request, sessionKey } = await buildSession(await logIn(alice));
      await okto.authenticate(request);
      return sessionKey;
    }

    it('with the exact envelope, for a missing or malformed token', async () => {
      for (const path of ['/api/oc/v1/verify-session', '/api/oc/v1/wallets', '/api/oc/v1/user-keys']) {
        for (const headers of [
          {},
          { Authorization: 'Bearer not-base64!' },
          { Authorization: 'Basic abc' },
        ] as Record<string, string>[]) {
          const response = await fetch(`${emulator.url}${path}`, { headers });
          expect(response.status).toBe(401);
          expect(await response.json()).toEqual({
            status: 'error',
            error: {
              code: 401,
              errorCode: 'ER-TECH-0007',
              message: 'Unauthorized',
              details: expect.any(String),
            },
          });
        }
      }
    });

    it('for an expired token and a token not signed by its session key', async () => {
      const sessionKey = await registeredSession();
      await expectOktoError(okto.verifySession(await mintToken(sessionKey, -1)), unauthorized(/expired/));

      const genuine = JSON.parse(atob(await mintToken(sessionKey)));
      const stranger = privateKeyToAccount(STRANGER_KEY);
      genuine.data_signature = await stranger.signMessage({ message: JSON.stringify(genuine.data) });
      await expectOktoError(okto.verifySession(btoa(JSON.stringify(genuine))), unauthorized(/forged/));
    });

    it('for a session never registered, and once the session expires', async () => {
      await expectOktoError(
        okto.verifySession(await mintToken(createSessionKey())),
        unauthorized(/not registered/),
      );

      const sessionKey = await registeredSession();
      await okto.verifySession(await mintToken(sessionKey));
      await advanceClock(864_000);
      await expectOktoError(okto.verifySession(await mintToken(sessionKey)), unauthorized(/session expired/));
      await expectOktoError(okto.getWallets(await mintToken(sessionKey)), unauthorized(/session expired/));
    });
  });

  it('answers 422 in the exact Okto envelope', async () => {
    const body = await signOtpRequest(
      buildEmailVerifyData({
        email: 'alice@example.com',
        token: crypto.randomUUID(),
        otp: '123456',
        clientSWA: DEV_CLIENT_SWA,
        timestamp: await timestamp(),
      }),
      DEV.sign,
    );
    const answer = await postRaw('/api/oc/v1/authenticate/email/verify', body);
    expect(answer.status).toBe(422);
    expect(answer.json).toEqual({
      status: 'error',
      error: {
        code: 422,
        errorCode: '422',
        message: 'Something went wrong. Please try again',
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        details: 'invalid token',
      },
    });
  });
});

describe('clients', () => {
  it('logs in through a second registered client, to another wallet than the dev client gives', async () => {
    const idToken = await logIn(alice, SECOND);
    const { request, sessionKey } = await buildSession(idToken, { client: SECOND });
    const session = await okto.authenticate(request);
    expect(session.clientSWA).toBe(TEST_CLIENT_SWA);
    const info = await okto.verifySession(await mintToken(sessionKey));
    expect(info.client_swa).toBe(TEST_CLIENT_SWA);
    expect(info.user_swa).toBe(session.userSWA);

    const viaDev = await okto.authenticate((await buildSession(await logIn(alice))).request);
    expect(viaDev.userSWA).not.toBe(session.userSWA);
  });

  it('answers clientSWA spelled exactly as registered, whatever case the client sends', async () => {
    const lower: TestClient = { clientSWA: DEV_CLIENT_SWA.toLowerCase() as Address, sign: DEV.sign };
    const idToken = await logIn(alice, lower);
    const session = await okto.authenticate((await buildSession(idToken, { client: lower })).request);
    expect(session.clientSWA).toBe(DEV_CLIENT_SWA);
  });

  it('registers only the clients it is given', async () => {
    const onlySecond = await startEmulator({
      port: 0,
      chains: false,
      clients: [{ clientSWA: TEST_CLIENT_SWA, signer: TEST_CLIENT_SIGNER }],
      log: () => {},
    });
    try {
      const client = createOktoClient({ baseUrl: onlySecond.url });
      const data = (clientSWA: Address) =>
        buildEmailSendData({ email: 'alice@example.com', clientSWA, timestamp: Date.now() - 1000 });
      await expectOktoError(
        client.sendEmailOtp(await signOtpRequest(data(DEV_CLIENT_SWA), DEV.sign)),
        rejected('client signature invalid'),
      );
      expect((await client.sendEmailOtp(await signOtpRequest(data(TEST_CLIENT_SWA), SECOND.sign))).code).toBe(
        200,
      );
    } finally {
      await onlySecond.close();
    }
  });
});
