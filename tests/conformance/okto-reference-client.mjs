// An independent reference client for the Okto v2 authentication protocol.
//
// Written ONLY from ../shared/okto-protocol.md. It shares no code with this project (nothing under
// src/ is imported) and deliberately avoids viem/ox: every encoding is done by hand on top of the
// low-level primitives @noble/curves (secp256k1) and @noble/hashes (keccak_256). Its purpose is the
// acceptance criterion "a client written only from the spec can complete both flows against the
// emulator"; tests/conformance/okto-reference-client.test.mjs checks it against the spec's vectors
// (section 8) first, so that a disagreement with the emulator points at the emulator.

import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';

/** @typedef {`0x${string}`} Hex */

// ---------------------------------------------------------------------------------------------
// Constants (spec section 1, and the development client of this project's emulator)
// ---------------------------------------------------------------------------------------------

/** Spec §1: sandbox paymaster; the local emulator uses the same. */
export const SANDBOX_PAYMASTER = /** @type {Hex} */ ('0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3');
/** Spec §1: sandbox chain id; the local emulator uses the same. */
export const SANDBOX_CHAIN_ID = 1802466136;

// Copied (not imported) from src/emulator/devClient.ts: a public, development-only client.
/** The development client's private key (public, emulator only). */
export const DEV_CLIENT_PRIVATE_KEY = /** @type {Hex} */ (
  '0x12bafad56e0b0c8310f5024380a118de14f7832c0b6fd2cbcf7552efb4261d27'
);
/** The address of DEV_CLIENT_PRIVATE_KEY. */
export const DEV_CLIENT_SIGNER = /** @type {Hex} */ ('0xd7a0bcd96a3E40f6c5CB049A068419be13A7aE12');
/** The development client's smart-wallet address. */
export const DEV_CLIENT_SWA = /** @type {Hex} */ ('0xC8F4eeFe09cFe9d0aBf94c16F11B31d9a2a70841');

/** Spec §4: gas fields, sent as the spec shows them. */
export const DEFAULT_GAS = /** @type {Hex} */ ('0xBA43B7400');

// ---------------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------------

/**
 * Hex string (with or without 0x) to bytes. Strict: even length, hex digits only.
 * @param {string} hex
 * @returns {Uint8Array}
 */
export function fromHex(hex) {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`bad hex: ${hex}`);
  return hexToBytes(h.toLowerCase());
}

/**
 * Bytes to lower-case 0x hex.
 * @param {Uint8Array} bytes
 * @returns {Hex}
 */
export function toHex(bytes) {
  return /** @type {Hex} */ (`0x${bytesToHex(bytes)}`);
}

/**
 * keccak256.
 * @param {Uint8Array} bytes
 * @returns {Uint8Array} 32 bytes
 */
export function keccak256(bytes) {
  return keccak_256(bytes);
}

/**
 * Big-endian unsigned integer of `size` bytes.
 * @param {number | bigint} value
 * @param {number} size
 * @returns {Uint8Array}
 */
export function uintBytes(value, size) {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(size * 8)) throw new Error(`uint${size * 8} out of range: ${value}`);
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Left-pad to 32 bytes (ABI word).
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function padLeft32(bytes) {
  if (bytes.length > 32) throw new Error('word too long');
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

/**
 * Right-pad to a multiple of 32 bytes (ABI dynamic tail).
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function padRight32(bytes) {
  const len = Math.ceil(bytes.length / 32) * 32;
  const out = new Uint8Array(len);
  out.set(bytes, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

/**
 * 20 address bytes from a 0x address string (any case).
 * @param {string} address
 * @returns {Uint8Array}
 */
export function addressBytes(address) {
  const b = fromHex(address);
  if (b.length !== 20) throw new Error(`not an address: ${address}`);
  return b;
}

/**
 * EIP-55 checksum: keccak256 of the lower-case hex (ASCII, no 0x); a letter is upper-cased when the
 * matching nibble of the hash is >= 8.
 * @param {string} address
 * @returns {Hex}
 */
export function toChecksumAddress(address) {
  const lower = bytesToHex(addressBytes(address));
  const hash = bytesToHex(keccak256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    out += Number.parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return /** @type {Hex} */ (out);
}

/**
 * Uncompressed public key (65 bytes, 0x04‖X‖Y) of a private key.
 * @param {Hex} privateKey
 * @returns {Uint8Array}
 */
export function publicKeyOf(privateKey) {
  return secp256k1.getPublicKey(fromHex(privateKey), false);
}

/**
 * Ethereum address of an uncompressed public key: last 20 bytes of keccak256(X‖Y), EIP-55.
 * @param {Uint8Array | string} publicKey 65 bytes starting 0x04 (bytes or hex)
 * @returns {Hex}
 */
export function addressOfPublicKey(publicKey) {
  const pk = typeof publicKey === 'string' ? fromHex(publicKey) : publicKey;
  if (pk.length !== 65 || pk[0] !== 0x04) throw new Error('expected an uncompressed 65-byte public key');
  return toChecksumAddress(toHex(keccak256(pk.subarray(1)).subarray(12)));
}

/**
 * Ethereum address of a private key.
 * @param {Hex} privateKey
 * @returns {Hex}
 */
export function addressOf(privateKey) {
  return addressOfPublicKey(publicKeyOf(privateKey));
}

/**
 * A fresh session key: 32 random bytes that form a valid secp256k1 scalar.
 * @returns {{ privateKey: Hex, sessionPk: Hex, sessionAddress: Hex }}
 */
export function newSessionKey() {
  for (;;) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
    if (!secp256k1.utils.isValidPrivateKey(bytes)) continue;
    const privateKey = toHex(bytes);
    return { privateKey, sessionPk: sessionPkOf(privateKey), sessionAddress: addressOf(privateKey) };
  }
}

/**
 * Spec §4: sessionPk = "0x04" + X + Y, lower-case, 132 chars.
 * @param {Hex} privateKey
 * @returns {Hex}
 */
export function sessionPkOf(privateKey) {
  return toHex(publicKeyOf(privateKey));
}

// ---------------------------------------------------------------------------------------------
// personal_sign (spec §2)
// ---------------------------------------------------------------------------------------------

/**
 * EIP-191 hash: keccak256("\x19Ethereum Signed Message:\n" + byteLength + bytes).
 * @param {Uint8Array} messageBytes
 * @returns {Uint8Array}
 */
export function eip191Hash(messageBytes) {
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${messageBytes.length}`);
  return keccak256(concatBytes(prefix, messageBytes));
}

/**
 * personal_sign: a UTF-8 string, or `{ raw }` bytes (e.g. a 32-byte hash, signed as 32 bytes with
 * the "\n32" prefix, NOT raw ECDSA over the hash). Returns r‖s‖v (v = 27/28), lower-case 0x hex.
 * @param {Hex} privateKey
 * @param {string | { raw: Uint8Array | Hex }} message
 * @returns {Hex}
 */
export function personalSign(privateKey, message) {
  const bytes =
    typeof message === 'string'
      ? utf8ToBytes(message)
      : typeof message.raw === 'string'
        ? fromHex(message.raw)
        : message.raw;
  const sig = secp256k1.sign(eip191Hash(bytes), fromHex(privateKey)); // RFC 6979, low-s
  const out = new Uint8Array(65);
  out.set(uintBytes(sig.r, 32), 0);
  out.set(uintBytes(sig.s, 32), 32);
  out[64] = 27 + sig.recovery;
  return toHex(out);
}

/**
 * Recover the (checksummed) signer of a personal_sign signature.
 * @param {string | { raw: Uint8Array | Hex }} message
 * @param {Hex} signature 65 bytes r‖s‖v
 * @returns {Hex}
 */
export function recoverPersonalSigner(message, signature) {
  const bytes =
    typeof message === 'string'
      ? utf8ToBytes(message)
      : typeof message.raw === 'string'
        ? fromHex(message.raw)
        : message.raw;
  const sig = fromHex(signature);
  if (sig.length !== 65) throw new Error('signature must be 65 bytes');
  const v = sig[64];
  const recovery = v >= 27 ? v - 27 : v;
  const s = secp256k1.Signature.fromCompact(sig.subarray(0, 64)).addRecoveryBit(recovery);
  const point = s.recoverPublicKey(eip191Hash(bytes));
  return addressOfPublicKey(point.toRawBytes(false));
}

// ---------------------------------------------------------------------------------------------
// Authenticate encodings (spec §4)
// ---------------------------------------------------------------------------------------------

/**
 * Nonce → bytes32: "0x" + "00"×16 + uuid without hyphens, lower-case.
 * @param {string} uuid
 * @returns {Hex}
 */
export function nonceToBytes32(uuid) {
  const h = uuid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(h)) throw new Error(`not a uuid: ${uuid}`);
  return /** @type {Hex} */ (`0x${'00'.repeat(16)}${h}`);
}

/**
 * abi.encode(address): 12 zero bytes + the 20 address bytes.
 * @param {string} address
 * @returns {Uint8Array}
 */
export function abiEncodeAddress(address) {
  return padLeft32(addressBytes(address));
}

/**
 * Session proof m = keccak256(abi.encode(address sessionAddress)).
 * @param {string} sessionAddress
 * @returns {Uint8Array}
 */
export function sessionProofMessage(sessionAddress) {
  return keccak256(abiEncodeAddress(sessionAddress));
}

/**
 * encodePacked(bytes32 nonce, address clientSWA, uint48 validUntil, uint48 validAfter): 64 bytes.
 * @param {Hex} nonceBytes32
 * @param {string} clientSWA
 * @param {number} validUntil
 * @param {number} validAfter
 * @returns {Uint8Array}
 */
export function paymasterPacked(nonceBytes32, clientSWA, validUntil, validAfter) {
  const n = fromHex(nonceBytes32);
  if (n.length !== 32) throw new Error('nonce must be bytes32');
  return concatBytes(n, addressBytes(clientSWA), uintBytes(validUntil, 6), uintBytes(validAfter, 6));
}

/**
 * keccak256 of paymasterPacked.
 * @param {Hex} nonceBytes32
 * @param {string} clientSWA
 * @param {number} validUntil
 * @param {number} validAfter
 * @returns {Uint8Array}
 */
export function paymasterHash(nonceBytes32, clientSWA, validUntil, validAfter) {
  return keccak256(paymasterPacked(nonceBytes32, clientSWA, validUntil, validAfter));
}

/**
 * abi.encode(address clientSWA, uint48 validUntil, uint48 validAfter, bytes sig), by hand:
 * three static words, the offset of the dynamic `bytes` (4 × 32 = 0x80), its length, its
 * content right-padded to a multiple of 32.
 * @param {string} clientSWA
 * @param {number} validUntil
 * @param {number} validAfter
 * @param {Hex} signature
 * @returns {Hex}
 */
export function encodePaymasterData(clientSWA, validUntil, validAfter, signature) {
  const sig = fromHex(signature);
  return toHex(
    concatBytes(
      abiEncodeAddress(clientSWA),
      padLeft32(uintBytes(validUntil, 6)),
      padLeft32(uintBytes(validAfter, 6)),
      uintBytes(4 * 32, 32),
      uintBytes(sig.length, 32),
      padRight32(sig),
    ),
  );
}

/**
 * Everything /authenticate needs that is computed from keys, in one place.
 * @param {{ clientKey: Hex, clientSWA: string, sessionKey: Hex, nonce: string, validUntil: number,
 *   validAfter?: number }} p
 */
export function authenticateMaterial(p) {
  const validAfter = p.validAfter ?? 0;
  const nonceBytes32 = nonceToBytes32(p.nonce);
  const sessionPk = sessionPkOf(p.sessionKey);
  const sessionAddress = addressOf(p.sessionKey);
  const packed = paymasterPacked(nonceBytes32, p.clientSWA, p.validUntil, validAfter);
  const pmHash = keccak256(packed);
  const paymasterSignature = personalSign(p.clientKey, { raw: pmHash });
  const paymasterData = encodePaymasterData(p.clientSWA, p.validUntil, validAfter, paymasterSignature);
  const m = sessionProofMessage(sessionAddress);
  return {
    nonceBytes32,
    sessionPk,
    sessionAddress,
    packed: toHex(packed),
    paymasterHash: toHex(pmHash),
    paymasterSignature,
    paymasterData,
    sessionProof: toHex(m),
    sessionPkClientSignature: personalSign(p.clientKey, { raw: m }),
    sessionDataUserSignature: personalSign(p.sessionKey, { raw: m }),
  };
}

/**
 * The /authenticate request body (spec §4), keys in the spec's order.
 * @param {{ idToken: string, clientKey: Hex, clientSWA: string, sessionKey: Hex, nonce: string,
 *   validUntil: number, paymaster?: string, provider?: string }} p
 */
export function buildAuthenticateBody(p) {
  const m = authenticateMaterial(p);
  return {
    authData: { idToken: p.idToken, provider: p.provider ?? 'okto' },
    sessionData: {
      nonce: p.nonce,
      clientSWA: p.clientSWA,
      sessionPk: m.sessionPk,
      maxPriorityFeePerGas: DEFAULT_GAS,
      maxFeePerGas: DEFAULT_GAS,
      paymaster: p.paymaster ?? SANDBOX_PAYMASTER,
      paymasterData: m.paymasterData,
    },
    sessionPkClientSignature: m.sessionPkClientSignature,
    sessionDataUserSignature: m.sessionDataUserSignature,
  };
}

// ---------------------------------------------------------------------------------------------
// The Okto auth token (spec §5)
// ---------------------------------------------------------------------------------------------

/**
 * @param {Hex} sessionKey
 * @param {number} expireAt unix seconds
 * @returns {{ token: string, data: { expire_at: number, session_pub_key: Hex }, dataSignature: Hex }}
 */
export function buildAuthToken(sessionKey, expireAt) {
  const data = { expire_at: expireAt, session_pub_key: sessionPkOf(sessionKey) };
  const dataSignature = personalSign(sessionKey, JSON.stringify(data));
  const json = JSON.stringify({ type: 'ecdsa_uncompressed', data, data_signature: dataSignature });
  return { token: btoa(json), data, dataSignature };
}

// ---------------------------------------------------------------------------------------------
// OTP bodies (spec §3): `data` keys in exactly the spec's order
// ---------------------------------------------------------------------------------------------

/**
 * @param {Hex} clientKey
 * @param {Record<string, unknown>} data
 * @returns {{ data: Record<string, unknown>, client_signature: Hex, type: 'ethsign' }}
 */
export function signedBody(clientKey, data) {
  return { data, client_signature: personalSign(clientKey, JSON.stringify(data)), type: 'ethsign' };
}

/**
 * email send (no token) / resend (with token).
 * @param {{ email: string, token?: string, clientSWA: string, timestamp: number }} p
 */
export function emailSendData(p) {
  return p.token === undefined
    ? { email: p.email, client_swa: p.clientSWA, timestamp: p.timestamp }
    : { email: p.email, token: p.token, client_swa: p.clientSWA, timestamp: p.timestamp };
}

/**
 * email verify.
 * @param {{ email: string, token: string, otp: string, clientSWA: string, timestamp: number }} p
 */
export function emailVerifyData(p) {
  return { email: p.email, token: p.token, otp: p.otp, client_swa: p.clientSWA, timestamp: p.timestamp };
}

/**
 * WhatsApp send (no token) / resend (with token).
 * @param {{ whatsappNumber: string, countryShortName: string, token?: string, clientSWA: string,
 *   timestamp: number }} p
 */
export function whatsappSendData(p) {
  return p.token === undefined
    ? {
        whatsapp_number: p.whatsappNumber,
        country_short_name: p.countryShortName,
        client_swa: p.clientSWA,
        timestamp: p.timestamp,
      }
    : {
        whatsapp_number: p.whatsappNumber,
        country_short_name: p.countryShortName,
        token: p.token,
        client_swa: p.clientSWA,
        timestamp: p.timestamp,
      };
}

/**
 * WhatsApp verify.
 * @param {{ whatsappNumber: string, countryShortName: string, token: string, otp: string,
 *   clientSWA: string, timestamp: number }} p
 */
export function whatsappVerifyData(p) {
  return {
    whatsapp_number: p.whatsappNumber,
    country_short_name: p.countryShortName,
    token: p.token,
    otp: p.otp,
    client_swa: p.clientSWA,
    timestamp: p.timestamp,
  };
}

/** Spec §3: clients send Date.now() - 1000 to absorb skew. */
export function otpTimestamp() {
  return Date.now() - 1000;
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {{ httpStatus: number, ok: boolean, body: any, headers: Headers }} OktoResponse
 * `ok` is true only for HTTP 2xx AND `"status":"success"` (spec §3: 200 with "status":"error" is a
 * failure).
 */

/**
 * @param {Response} res
 * @returns {Promise<OktoResponse>}
 */
async function wrap(res) {
  const text = await res.text();
  /** @type {any} */
  let body;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  const ok = res.ok && body !== null && typeof body === 'object' && body.status === 'success';
  return { httpStatus: res.status, ok, body, headers: res.headers };
}

export class OktoReferenceClient {
  /**
   * @param {{ baseUrl: string, clientKey: Hex, clientSWA: string }} opts
   */
  constructor(opts) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.clientKey = opts.clientKey;
    this.clientSWA = opts.clientSWA;
  }

  /**
   * POST JSON with only Content-Type (spec §3, §4).
   * @param {string} path
   * @param {unknown} body
   * @returns {Promise<OktoResponse>}
   */
  async postJson(path, body) {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return wrap(res);
  }

  /**
   * @param {string} path
   * @param {string} authToken
   * @param {'GET' | 'POST'} [method]
   * @returns {Promise<OktoResponse>}
   */
  async bearer(path, authToken, method = 'GET') {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${authToken}` },
    });
    return wrap(res);
  }

  /**
   * Email send, or resend when `token` is given.
   * @param {string} email
   * @param {{ token?: string, timestamp?: number }} [o]
   */
  emailSend(email, o = {}) {
    const data = emailSendData({
      email,
      token: o.token,
      clientSWA: this.clientSWA,
      timestamp: o.timestamp ?? otpTimestamp(),
    });
    return this.postJson('/api/oc/v1/authenticate/email', signedBody(this.clientKey, data));
  }

  /**
   * @param {string} email
   * @param {string} token
   * @param {string} otp
   * @param {{ timestamp?: number }} [o]
   */
  emailVerify(email, token, otp, o = {}) {
    const data = emailVerifyData({
      email,
      token,
      otp,
      clientSWA: this.clientSWA,
      timestamp: o.timestamp ?? otpTimestamp(),
    });
    return this.postJson('/api/oc/v1/authenticate/email/verify', signedBody(this.clientKey, data));
  }

  /**
   * WhatsApp send, or resend when `token` is given.
   * @param {string} whatsappNumber national number, no country code
   * @param {string} countryShortName ISO 3166 alpha-2
   * @param {{ token?: string, timestamp?: number }} [o]
   */
  whatsappSend(whatsappNumber, countryShortName, o = {}) {
    const data = whatsappSendData({
      whatsappNumber,
      countryShortName,
      token: o.token,
      clientSWA: this.clientSWA,
      timestamp: o.timestamp ?? otpTimestamp(),
    });
    return this.postJson('/api/oc/v1/authenticate/whatsapp', signedBody(this.clientKey, data));
  }

  /**
   * @param {string} whatsappNumber
   * @param {string} countryShortName
   * @param {string} token
   * @param {string} otp
   * @param {{ timestamp?: number }} [o]
   */
  whatsappVerify(whatsappNumber, countryShortName, token, otp, o = {}) {
    const data = whatsappVerifyData({
      whatsappNumber,
      countryShortName,
      token,
      otp,
      clientSWA: this.clientSWA,
      timestamp: o.timestamp ?? otpTimestamp(),
    });
    return this.postJson('/api/oc/v1/authenticate/whatsapp/verify', signedBody(this.clientKey, data));
  }

  /**
   * POST /api/oc/v1/authenticate with a session key, nonce and validUntil.
   * @param {{ idToken: string, sessionKey: Hex, nonce: string, validUntil: number, paymaster?: string }} p
   */
  authenticate(p) {
    const body = buildAuthenticateBody({ ...p, clientKey: this.clientKey, clientSWA: this.clientSWA });
    return this.postJson('/api/oc/v1/authenticate', body);
  }

  /**
   * @param {string} authToken
   * @param {'GET' | 'POST'} [method]
   */
  verifySession(authToken, method = 'GET') {
    return this.bearer('/api/oc/v1/verify-session', authToken, method);
  }

  /** @param {string} authToken */
  wallets(authToken) {
    return this.bearer('/api/oc/v1/wallets', authToken);
  }

  /**
   * After OTP verify: a fresh session key and uuid v4 nonce, authenticate, mint a Bearer token.
   * @param {string} idToken the auth_token from OTP verify
   * @param {{ sessionTtlSeconds?: number, tokenTtlSeconds?: number }} [o]
   */
  async login(idToken, o = {}) {
    const session = newSessionKey();
    const nonce = globalThis.crypto.randomUUID();
    const validUntil = Math.floor(Date.now() / 1000) + (o.sessionTtlSeconds ?? 6 * 3600);
    const res = await this.authenticate({ idToken, sessionKey: session.privateKey, nonce, validUntil });
    if (!res.ok) return { res, session, nonce, validUntil, authToken: undefined };
    const { token } = buildAuthToken(
      session.privateKey,
      Math.round(Date.now() / 1000) + (o.tokenTtlSeconds ?? 5400),
    );
    return { res, session, nonce, validUntil, authToken: token };
  }
}
