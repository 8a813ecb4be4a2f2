// Conformance: an independent client, written only from ../shared/okto-protocol.md, (1) reproduces
// every test vector of the spec's section 8, then (2) completes the email and WhatsApp flows against
// the local emulator started as a separate process. Run: node --test tests/conformance/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import {
  abiEncodeAddress,
  addressOf,
  authenticateMaterial,
  buildAuthToken,
  DEV_CLIENT_PRIVATE_KEY,
  DEV_CLIENT_SIGNER,
  DEV_CLIENT_SWA,
  emailSendData,
  emailVerifyData,
  encodePaymasterData,
  fromHex,
  newSessionKey,
  nonceToBytes32,
  OktoReferenceClient,
  paymasterHash,
  paymasterPacked,
  personalSign,
  recoverPersonalSigner,
  sessionPkOf,
  sessionProofMessage,
  signedBody,
  toChecksumAddress,
  toHex,
  whatsappSendData,
  whatsappVerifyData,
} from './okto-reference-client.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// (1) Section 8 test vectors
// ---------------------------------------------------------------------------------------------

const V = {
  clientKey: /** @type {`0x${string}`} */ (`0x${'11'.repeat(32)}`),
  clientSigner: '0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A',
  clientSWA: '0x1234567890AbcdEF1234567890aBcdef12345678',
  sessionKey: /** @type {`0x${string}`} */ (`0x${'22'.repeat(32)}`),
  sessionPk:
    '0x04466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276728176c3c6431f8eeda4538dc37c865e2784f3a9e77d044f33e407797e1278a',
  sessionAddress: '0x1563915e194D8CfBA1943570603F7606A3115508',
};

const OTP_VECTORS = [
  {
    name: 'WA send',
    data: () =>
      whatsappSendData({
        whatsappNumber: '9876543210',
        countryShortName: 'IN',
        clientSWA: V.clientSWA,
        timestamp: 1700000000000,
      }),
    message:
      '{"whatsapp_number":"9876543210","country_short_name":"IN","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
    sig: '0x7366d541eedfc39821aaa86e202421a1c2c214645b61e98129a2ebce8f59dd1557438e198ee84fed948b6e120d8793047ffe6f614da3ee6cee675bab258bcfb31c',
  },
  {
    name: 'WA resend',
    data: () =>
      whatsappSendData({
        whatsappNumber: '9876543210',
        countryShortName: 'IN',
        token: 'c67931f6-a8b1-511c-91d5-9fc88231d541',
        clientSWA: V.clientSWA,
        timestamp: 1700000030000,
      }),
    message:
      '{"whatsapp_number":"9876543210","country_short_name":"IN","token":"c67931f6-a8b1-511c-91d5-9fc88231d541","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000030000}',
    sig: '0x77281e2b9306770375c7f91f80e76e5d617d2bbe57519354b18ec6eb1a65418778beea19a88b2195e3492625aefc95fc5fcb8ebc9fa8b20f0620cafae7dfeaa51b',
  },
  {
    name: 'WA verify',
    data: () =>
      whatsappVerifyData({
        whatsappNumber: '9876543210',
        countryShortName: 'IN',
        token: 'c67931f6-a8b1-511c-91d5-9fc88231d541',
        otp: '123456',
        clientSWA: V.clientSWA,
        timestamp: 1700000060000,
      }),
    message:
      '{"whatsapp_number":"9876543210","country_short_name":"IN","token":"c67931f6-a8b1-511c-91d5-9fc88231d541","otp":"123456","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}',
    sig: '0x8d3edeb84499074bdda4fc71ba6dcf7603b0a1ce4ae648757dad95d03c348deb686e0872f127646dd2d7838718b38ac3e6ae3d0d7eeb65c2071df2e0124a48db1c',
  },
  {
    name: 'email send',
    data: () =>
      emailSendData({ email: 'alice@example.com', clientSWA: V.clientSWA, timestamp: 1700000000000 }),
    message:
      '{"email":"alice@example.com","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
    sig: '0x03fcb36891e22e364dfc0128bf8b8c8f80f5968223f96afdb343fcbfa046fb583bb3ab52404899411a4a53ec37ee0b7a43ed4ad1ef65f350b02b71e8467f0d291c',
  },
  {
    name: 'email verify',
    data: () =>
      emailVerifyData({
        email: 'alice@example.com',
        token: 'a25cd3c7-fefe-58cd-96ab-a4897e13c829',
        otp: '654321',
        clientSWA: V.clientSWA,
        timestamp: 1700000060000,
      }),
    message:
      '{"email":"alice@example.com","token":"a25cd3c7-fefe-58cd-96ab-a4897e13c829","otp":"654321","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}',
    sig: '0xc0c5e25e347400e5062208fb2a2506c7511e64599592b3b7ccd3b0a0f690124e6e03b7146b887143923134bb9ca869ac232d68ee173fda772a0bfbbe1c6252721c',
  },
];

const AUTH = {
  nonce: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  validUntil: 1700021600,
  validAfter: 0,
  nonceBytes32: '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6',
  packed:
    '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa61234567890abcdef1234567890abcdef12345678000065544560000000000000',
  paymasterHash: '0xa9c03f3c02e4c57e614f6a2df54cf0cb731920fe9609cfba6d5c9a74597ef004',
  paymasterSig:
    '0xed6bab01573b36da9c1bc8264e3989a94f216f752223d097a524ecfe8a3299ee61652d7d6c1299d1faf771bf6a211ec89f8a4cb689631a505ddcd3676be1924c1c',
  paymasterData:
    '0x0000000000000000000000001234567890abcdef1234567890abcdef123456780000000000000000000000000000000000000000000000000000000065544560000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000000000000000000000000000000041ed6bab01573b36da9c1bc8264e3989a94f216f752223d097a524ecfe8a3299ee61652d7d6c1299d1faf771bf6a211ec89f8a4cb689631a505ddcd3676be1924c1c00000000000000000000000000000000000000000000000000000000000000',
  sessionProof: '0x227c5a8f6845f0e370c353eecd125a64ade42d8b64bcd2beebd6923cfcf894e7',
  sessionPkClientSignature:
    '0xf8775eed54f2b5c8477cd48adfb16f782cf387b1c60b58ca473ebe4cc250d96f5f4cf945b0d4d5e3e0f24224fb24321618f1bc5f879172434a33b59525d0980c1b',
  sessionDataUserSignature:
    '0xbd2043d3b87e0c4ad17e4e251dad755dacde57944d3be51739aa8a6e889540d44419d21d607d792340c53818f9386dfaf0a5dbe4ed41f3d1d72d2d34215cb3191c',
};

const TOKEN = {
  expireAt: 1700005400,
  dataSignature:
    '0xa5a08b8e2e0d33f27217e0461d0375c1e6f931404df390fa8fdfa0afb06d9ede202e6e50a81f260861d9c42512bf141d773bb14c8c95c8bd3e90cdb60f42d33c1c',
  token:
    'eyJ0eXBlIjoiZWNkc2FfdW5jb21wcmVzc2VkIiwiZGF0YSI6eyJleHBpcmVfYXQiOjE3MDAwMDU0MDAsInNlc3Npb25fcHViX2tleSI6IjB4MDQ0NjZkN2ZjYWU1NjNlNWNiMDlhMGQxODcwYmI1ODAzNDQ4MDQ2MTc4NzlhMTQ5NDljZjIyMjg1ZjFiYWUzZjI3NjcyODE3NmMzYzY0MzFmOGVlZGE0NTM4ZGMzN2M4NjVlMjc4NGYzYTllNzdkMDQ0ZjMzZTQwNzc5N2UxMjc4YSJ9LCJkYXRhX3NpZ25hdHVyZSI6IjB4YTVhMDhiOGUyZTBkMzNmMjcyMTdlMDQ2MWQwMzc1YzFlNmY5MzE0MDRkZjM5MGZhOGZkZmEwYWZiMDZkOWVkZTIwMmU2ZTUwYTgxZjI2MDg2MWQ5YzQyNTEyYmYxNDFkNzczYmIxNGM4Yzk1YzhiZDNlOTBjZGI2MGY0MmQzM2MxYyJ9',
};

const NONCE_CONVERSIONS = [
  [
    '4bbc7b27-2ba5-4a6f-8cd6-be88e61cbf09',
    '0x000000000000000000000000000000004bbc7b272ba54a6f8cd6be88e61cbf09',
  ],
  [
    '00000000-0000-4000-8000-000000000000',
    '0x0000000000000000000000000000000000000000000040008000000000000000',
  ],
  [AUTH.nonce, AUTH.nonceBytes32],
];

describe('reference client reproduces the spec §8 vectors', () => {
  it('keys: client signer, session public key, session address', () => {
    assert.equal(addressOf(V.clientKey), V.clientSigner);
    assert.equal(sessionPkOf(V.sessionKey), V.sessionPk);
    assert.equal(sessionPkOf(V.sessionKey).length, 132);
    assert.equal(addressOf(V.sessionKey), V.sessionAddress);
    assert.equal(toChecksumAddress(V.clientSWA.toLowerCase()), V.clientSWA);
    // the development client copied from src/emulator/devClient.ts is self-consistent
    assert.equal(addressOf(DEV_CLIENT_PRIVATE_KEY), DEV_CLIENT_SIGNER);
    assert.equal(toChecksumAddress(DEV_CLIENT_SWA), DEV_CLIENT_SWA);
  });

  for (const v of OTP_VECTORS) {
    it(`OTP client_signature: ${v.name}`, () => {
      const data = v.data();
      assert.equal(JSON.stringify(data), v.message, 'signed bytes (key order) differ');
      const body = signedBody(V.clientKey, data);
      assert.equal(body.client_signature, v.sig);
      assert.equal(personalSign(V.clientKey, v.message), v.sig);
      assert.equal(recoverPersonalSigner(v.message, v.sig), V.clientSigner);
      assert.deepEqual(Object.keys(body), ['data', 'client_signature', 'type']);
      assert.equal(body.type, 'ethsign');
    });
  }

  it('nonce conversions', () => {
    for (const [uuid, b32] of NONCE_CONVERSIONS) assert.equal(nonceToBytes32(uuid), b32);
    assert.equal(nonceToBytes32(AUTH.nonce.toUpperCase()), AUTH.nonceBytes32);
  });

  it('paymaster: packed bytes, hash, signature, paymasterData', () => {
    const packed = paymasterPacked(AUTH.nonceBytes32, V.clientSWA, AUTH.validUntil, AUTH.validAfter);
    assert.equal(packed.length, 64);
    assert.equal(toHex(packed), AUTH.packed);
    const h = paymasterHash(AUTH.nonceBytes32, V.clientSWA, AUTH.validUntil, AUTH.validAfter);
    assert.equal(toHex(h), AUTH.paymasterHash);
    const sig = personalSign(V.clientKey, { raw: h });
    assert.equal(sig, AUTH.paymasterSig);
    assert.equal(personalSign(V.clientKey, { raw: AUTH.paymasterHash }), AUTH.paymasterSig);
    assert.equal(recoverPersonalSigner({ raw: h }, sig), V.clientSigner);
    assert.equal(
      encodePaymasterData(V.clientSWA, AUTH.validUntil, AUTH.validAfter, AUTH.paymasterSig),
      AUTH.paymasterData,
    );
    assert.equal(fromHex(AUTH.paymasterData).length, 8 * 32); // 4 head words, length, 65 bytes padded to 96
  });

  it('session proof m and both session signatures', () => {
    assert.equal(
      toHex(abiEncodeAddress(V.sessionAddress)),
      `0x${'00'.repeat(12)}${V.sessionAddress.slice(2).toLowerCase()}`,
    );
    const m = sessionProofMessage(V.sessionAddress);
    assert.equal(toHex(m), AUTH.sessionProof);
    assert.equal(personalSign(V.clientKey, { raw: m }), AUTH.sessionPkClientSignature);
    assert.equal(personalSign(V.sessionKey, { raw: m }), AUTH.sessionDataUserSignature);
  });

  it('authenticateMaterial puts it all together', () => {
    const mat = authenticateMaterial({
      clientKey: V.clientKey,
      clientSWA: V.clientSWA,
      sessionKey: V.sessionKey,
      nonce: AUTH.nonce,
      validUntil: AUTH.validUntil,
      validAfter: AUTH.validAfter,
    });
    assert.deepEqual(mat, {
      nonceBytes32: AUTH.nonceBytes32,
      sessionPk: V.sessionPk,
      sessionAddress: V.sessionAddress,
      packed: AUTH.packed,
      paymasterHash: AUTH.paymasterHash,
      paymasterSignature: AUTH.paymasterSig,
      paymasterData: AUTH.paymasterData,
      sessionProof: AUTH.sessionProof,
      sessionPkClientSignature: AUTH.sessionPkClientSignature,
      sessionDataUserSignature: AUTH.sessionDataUserSignature,
    });
  });

  it('auth token: data_signature and base64 token', () => {
    const t = buildAuthToken(V.sessionKey, TOKEN.expireAt);
    assert.equal(JSON.stringify(t.data), `{"expire_at":1700005400,"session_pub_key":"${V.sessionPk}"}`);
    assert.equal(t.dataSignature, TOKEN.dataSignature);
    assert.equal(t.token, TOKEN.token);
    const decoded = JSON.parse(Buffer.from(TOKEN.token, 'base64').toString('utf8'));
    assert.deepEqual(Object.keys(decoded), ['type', 'data', 'data_signature']);
    assert.equal(decoded.type, 'ecdsa_uncompressed');
  });

  it('personal_sign output format: 132-char lower-case hex, v in {27,28}', () => {
    for (let i = 0; i < 8; i++) {
      const s = newSessionKey();
      assert.equal(addressOf(s.privateKey), s.sessionAddress);
      const sig = personalSign(s.privateKey, `message ${i}`);
      assert.match(sig, /^0x[0-9a-f]{130}$/);
      assert.ok([27, 28].includes(fromHex(sig)[64]));
      assert.equal(recoverPersonalSigner(`message ${i}`, sig), s.sessionAddress);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// (2) Both flows against the emulator, as a separate process
// ---------------------------------------------------------------------------------------------

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * @param {import('./okto-reference-client.mjs').OktoResponse} res
 * @param {string} what
 */
function describeRes(res, what) {
  return `${what}: HTTP ${res.httpStatus} ${JSON.stringify(res.body)}`;
}

/**
 * Spec §3 error envelope, HTTP 422.
 * @param {import('./okto-reference-client.mjs').OktoResponse} res
 * @param {string} details
 */
function assert422(res, details) {
  assert.equal(res.httpStatus, 422, describeRes(res, `expected 422 ${details}`));
  assert.equal(res.ok, false);
  assert.equal(res.body.status, 'error');
  assert.equal(res.body.error.code, 422);
  assert.equal(res.body.error.errorCode, '422');
  assert.equal(res.body.error.details, details, describeRes(res, 'details'));
}

describe('reference client against the emulator', () => {
  /** @type {import('node:child_process').ChildProcess} */
  let child;
  /** @type {string} */
  let baseUrl;
  /** @type {OktoReferenceClient} */
  let client;
  let stderr = '';
  /** @type {Promise<[number | null, NodeJS.Signals | null]>} */
  let exited;

  before(async () => {
    child = spawn(resolve(REPO, 'node_modules/.bin/tsx'), ['src/cli/emulator.ts', '--port', '0'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = /** @type {any} */ (once(child, 'exit').catch(() => [null, null]));
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
    baseUrl = await new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`emulator printed no URL in 60 s; stderr: ${stderr}`)),
        60_000,
      );
      lines.on('line', (line) => {
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(line);
        if (m) {
          clearTimeout(timer);
          res(m[0]);
        }
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        rej(error);
      });
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        rej(new Error(`emulator exited early (${code ?? sig}); stderr: ${stderr}`));
      });
    });
    // keep draining stdout so the child never blocks on a full pipe
    lines.on('line', () => {});
    client = new OktoReferenceClient({
      baseUrl,
      clientKey: DEV_CLIENT_PRIVATE_KEY,
      clientSWA: DEV_CLIENT_SWA,
    });
  });

  after(async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timeout = sleep(10_000).then(() => 'timeout');
    const r = await Promise.race([exited, timeout]);
    if (r === 'timeout') child.kill('SIGKILL');
    assert.notEqual(r, 'timeout', 'emulator did not exit within 10 s of SIGINT');
    assert.ok(child.exitCode !== null || child.signalCode !== null, 'emulator process has exited');
  });

  /** Seconds the emulator's clock was moved ahead of real time. */
  let elapsed = 0;

  /**
   * Waits `seconds` on the emulator's clock (its developer endpoint), instead of in real time.
   * @param {number} seconds
   */
  async function elapse(seconds) {
    elapsed += seconds;
    const res = await fetch(`${baseUrl}/__emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: seconds }),
    });
    assert.equal(res.status, 200, 'clock advanced');
  }

  /**
   * Newest outbox entry for a contact.
   * @param {string} to email or +E164
   */
  async function outbox(to) {
    const res = await fetch(`${baseUrl}/__emulator/outbox?${new URLSearchParams({ to })}`);
    assert.equal(res.status, 200, `outbox for ${to}`);
    const list = await res.json();
    assert.ok(Array.isArray(list), 'outbox is an array');
    return /** @type {{ channel: string, to: string, otp: string, token: string, sentAt: unknown }[]} */ (
      list
    );
  }

  /**
   * Authenticate with a fresh session, mint a token, verify-session, wallets.
   * @param {string} idToken
   */
  async function finishLogin(idToken) {
    const before = Math.floor(Date.now() / 1000);
    const { res, session, nonce, authToken } = await client.login(idToken);
    assert.equal(res.httpStatus, 200, describeRes(res, 'authenticate'));
    assert.ok(res.ok, describeRes(res, 'authenticate'));
    const d = res.body.data;
    assert.equal(d.nonce, nonceToBytes32(nonce), 'authenticate answers the bytes32 nonce');
    assert.equal(d.clientSWA.toLowerCase(), DEV_CLIENT_SWA.toLowerCase());
    assert.match(d.userSWA, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(d.userSWA, toChecksumAddress(d.userSWA), 'userSWA is checksummed (§7)');
    assert.equal(typeof d.sessionExpiry, 'number');
    assert.ok(
      Math.abs(d.sessionExpiry - (before + elapsed + 864000)) <= 5,
      `sessionExpiry ${d.sessionExpiry}`,
    );
    assert.ok(authToken);

    const vs = await client.verifySession(authToken);
    assert.equal(vs.httpStatus, 200, describeRes(vs, 'verify-session'));
    assert.ok(vs.ok, describeRes(vs, 'verify-session'));
    // case-sensitive string equality, as Okto's SDK compares them
    assert.equal(vs.body.data.user_swa, d.userSWA);
    assert.equal(vs.body.data.client_swa, d.clientSWA);
    assert.equal(vs.body.data.is_session_added, true);

    const vsPost = await client.verifySession(authToken, 'POST');
    assert.equal(vsPost.httpStatus, 200, describeRes(vsPost, 'verify-session POST'));
    assert.equal(vsPost.body.data.user_swa, d.userSWA);
    assert.equal(vsPost.body.data.client_swa, d.clientSWA);

    const w = await client.wallets(authToken);
    assert.equal(w.httpStatus, 200, describeRes(w, 'wallets'));
    // §6 says only "→ array of {…}": accept the usual {"status":"success","data":[…]} envelope or a bare array
    const walletList = Array.isArray(w.body)
      ? w.body
      : w.body?.status === 'success'
        ? w.body.data
        : undefined;
    assert.ok(Array.isArray(walletList), describeRes(w, 'wallets answers an array'));
    for (const wallet of walletList) {
      for (const k of ['caip_id', 'network_name', 'address', 'network_id', 'network_symbol']) {
        assert.ok(k in wallet, `wallet has ${k}: ${JSON.stringify(wallet)}`);
      }
    }
    return { userSWA: d.userSWA, session, authToken };
  }

  it('email flow, with a resend (same token, new code, old code refused)', async () => {
    const email = `ref-${Date.now()}@example.com`;
    const send = await client.emailSend(email);
    assert.equal(send.httpStatus, 200, describeRes(send, 'email send'));
    assert.ok(send.ok, describeRes(send, 'email send'));
    assert.equal(send.body.data.status, 'success');
    assert.equal(send.body.data.message, 'email otp sent');
    assert.equal(send.body.data.code, 200);
    assert.match(send.body.data.token, UUID_RE);
    assert.match(send.body.data.trace_id, /^[0-9a-f]{32}$/);
    const token = send.body.data.token;

    const [first] = await outbox(email);
    assert.equal(first.channel, 'email');
    assert.equal(first.to, email);
    assert.equal(first.token, token);
    assert.match(first.otp, /^\d{6}$/);

    // §7: a resend within 30 s of the last send is rate-limited
    const early = await client.emailSend(email, { token });
    assert.equal(early.httpStatus, 429, describeRes(early, 'early resend'));
    assert.equal(early.body.error.errorCode, 'ER-TECH-0100');
    const retryAfter = Number(early.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 31, `retry-after ${early.headers.get('retry-after')}`);
    await elapse(retryAfter + 1);

    const resend = await client.emailSend(email, { token });
    assert.equal(resend.httpStatus, 200, describeRes(resend, 'email resend'));
    assert.ok(resend.ok);
    assert.equal(resend.body.data.token, token, 'resend answers the same token');
    const list = await outbox(email);
    assert.ok(list.length >= 2, 'resend added an outbox entry');
    const second = list[0];
    assert.equal(second.token, token);
    assert.notEqual(second.otp, first.otp, 'resend sends a new code');

    assert422(await client.emailVerify(email, token, first.otp), 'invalid otp');

    const verify = await client.emailVerify(email, token, second.otp);
    assert.equal(verify.httpStatus, 200, describeRes(verify, 'email verify'));
    assert.ok(verify.ok, describeRes(verify, 'email verify'));
    assert.equal(verify.body.data.message, 'success');
    assert.match(verify.body.data.auth_token, JWT_RE);
    assert.match(verify.body.data.refresh_auth_token, JWT_RE);
    assert.match(verify.body.data.device_token, /^[0-9a-f]{64}$/);

    const first_ = await finishLogin(verify.body.data.auth_token);

    // §7: userSWA is deterministic per (contact, client): a second login gives the same wallet
    const send2 = await client.emailSend(email);
    assert.ok(send2.ok, describeRes(send2, 'email send again'));
    const [again] = await outbox(email);
    const verify2 = await client.emailVerify(email, send2.body.data.token, again.otp);
    assert.ok(verify2.ok, describeRes(verify2, 'email verify again'));
    const second_ = await finishLogin(verify2.body.data.auth_token);
    assert.equal(second_.userSWA, first_.userSWA);
  });

  for (const [country, national, e164] of [
    ['IN', '9876543210', '+919876543210'],
    ['US', '2015550123', '+12015550123'],
  ]) {
    it(`WhatsApp flow (${country} ${national})`, async () => {
      const send = await client.whatsappSend(national, country);
      assert.equal(send.httpStatus, 200, describeRes(send, 'whatsapp send'));
      assert.ok(send.ok, describeRes(send, 'whatsapp send'));
      assert.equal(send.body.data.message, 'whatsapp otp sent');
      assert.match(send.body.data.token, UUID_RE);
      const token = send.body.data.token;

      const [msg] = await outbox(e164);
      assert.equal(msg.channel, 'whatsapp');
      assert.equal(msg.to, e164);
      assert.equal(msg.token, token);
      assert.match(msg.otp, /^\d{6}$/);

      const wrong = msg.otp === '000000' ? '111111' : '000000';
      assert422(await client.whatsappVerify(national, country, token, wrong), 'invalid otp');

      const verify = await client.whatsappVerify(national, country, token, msg.otp);
      assert.equal(verify.httpStatus, 200, describeRes(verify, 'whatsapp verify'));
      assert.ok(verify.ok, describeRes(verify, 'whatsapp verify'));
      assert.match(verify.body.data.auth_token, JWT_RE);

      await finishLogin(verify.body.data.auth_token);
    });
  }

  it('WhatsApp resend answers the same token with a new code', async () => {
    // a separate IN number so the flow above is untouched; waits out the 30 s resend window
    const national = '9876500001';
    const send = await client.whatsappSend(national, 'IN');
    assert.ok(send.ok, describeRes(send, 'whatsapp send'));
    const token = send.body.data.token;
    const [first] = await outbox(`+91${national}`);
    await elapse(31);
    const resend = await client.whatsappSend(national, 'IN', { token });
    assert.equal(resend.httpStatus, 200, describeRes(resend, 'whatsapp resend'));
    assert.equal(resend.body.data.token, token);
    const [second] = await outbox(`+91${national}`);
    assert.notEqual(second.otp, first.otp);
    assert422(await client.whatsappVerify(national, 'IN', token, first.otp), 'invalid otp');
    const verify = await client.whatsappVerify(national, 'IN', token, second.otp);
    assert.ok(verify.ok, describeRes(verify, 'whatsapp verify after resend'));
  });

  it('spec §7 refusals: wrong signer, stale timestamp, bad Bearer, reused nonce', async () => {
    const stranger = new OktoReferenceClient({
      baseUrl,
      clientKey: /** @type {`0x${string}`} */ (`0x${'33'.repeat(32)}`),
      clientSWA: DEV_CLIENT_SWA,
    });
    assert422(await stranger.emailSend('stranger@example.com'), 'client signature invalid');
    assert422(
      await client.emailSend('stale@example.com', { timestamp: Date.now() - 6 * 60 * 1000 }),
      'Signature Expired',
    );

    const bogus = buildAuthToken(newSessionKey().privateKey, Math.round(Date.now() / 1000) + 5400).token;
    const vs = await client.verifySession(bogus);
    assert.equal(vs.httpStatus, 401, describeRes(vs, 'unknown session'));
    assert.equal(vs.body.error.errorCode, 'ER-TECH-0007');

    // reused nonce on /authenticate → 400 JSON-RPC envelope
    const email = `nonce-${Date.now()}@example.com`;
    const send = await client.emailSend(email);
    assert.ok(send.ok, describeRes(send, 'send'));
    const [msg] = await outbox(email);
    const verify = await client.emailVerify(email, send.body.data.token, msg.otp);
    assert.ok(verify.ok, describeRes(verify, 'verify'));
    const idToken = verify.body.data.auth_token;
    const nonce = globalThis.crypto.randomUUID();
    const validUntil = Math.floor(Date.now() / 1000) + 6 * 3600;
    const a1 = await client.authenticate({
      idToken,
      sessionKey: newSessionKey().privateKey,
      nonce,
      validUntil,
    });
    assert.ok(a1.ok, describeRes(a1, 'authenticate'));
    const a2 = await client.authenticate({
      idToken,
      sessionKey: newSessionKey().privateKey,
      nonce,
      validUntil,
    });
    assert.equal(a2.httpStatus, 400, describeRes(a2, 'reused nonce'));
    assert.equal(a2.body.status, 'error');
    assert.equal(a2.body.error.code, -32603);
  });
});
