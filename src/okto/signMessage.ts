import canonicalize from 'canonicalize';
import { type Address, bytesToHex, type Hex, sha256, stringToBytes } from 'viem';
import { SignMessageResponseError } from './errors.ts';
import { isUuid } from './nonce.ts';
import { isUncompressedPublicKey } from './sessionKey.ts';
import type { Signer } from './signer.ts';

// Wallet spec §4: `POST /api/oc/v1/signMessage`. The session key signs a canonical (RFC 8785) envelope
// of the message that Okto's server rebuilds byte for byte, so the JSON canonicalisation is a
// library's, not ours.

export type SignMessageMethod = 'EIP191' | 'EIP712';

/** The `/signMessage` body, keys in wire order (§4.1). */
export type SignMessageRequest = {
  data: {
    userData: { userSWA: Address; jobId: string; sessionPk: Hex };
    transactions: [
      {
        transactionId: string;
        method: SignMessageMethod;
        signingMessage: string;
        userSessionSignature: Hex;
      },
    ];
  };
};

export type SignMessagePayloadParameters = {
  method: SignMessageMethod;
  /** `signingMessage`: the text for EIP191, the typed data's JSON text for EIP712. */
  message: string;
  /** From `/user-keys`. */
  ecdsaKeyId: string;
  /** The environment's `t` (`environments[env].signMessageThreshold`). */
  threshold: number;
  transactionId: string;
};

export type SignMessagePayload = {
  /** `M`: `canonicalize({ [transactionId]: { requestType, signingMessage } })`. */
  message: string;
  setup: { t: number; key_id: string; message: string; signAlg: 'secp256k1' };
  /** `hex(sha256(sha256(canonicalize(setup))))`, 64 lower-case hex, no `0x`. */
  challenge: string;
  /** `P` = `canonicalize({ setup, challenge })`: the text the session key signs. */
  payload: string;
};

/**
 * The envelope the session key signs (§4.2 steps 1–4). The server rebuilds it with its own `t` and
 * key id, so the emulator uses this to check a request.
 */
export function signMessagePayload({
  method,
  message,
  ecdsaKeyId,
  threshold,
  transactionId,
}: SignMessagePayloadParameters): SignMessagePayload {
  const M = jcs({ [transactionId]: { requestType: method, signingMessage: message } });
  const setup = { t: threshold, key_id: ecdsaKeyId, message: M, signAlg: 'secp256k1' as const };
  const challenge = bytesToHex(sha256(sha256(stringToBytes(jcs(setup)), 'bytes'), 'bytes')).slice(2);
  return { message: M, setup, challenge, payload: jcs({ setup, challenge }) };
}

export type BuildSignMessageRequestParameters = SignMessagePayloadParameters & {
  userSWA: Address;
  /** The session's uncompressed public key, `0x04…`. */
  sessionPk: Hex;
  /** A fresh UUID v4, independent of `transactionId`. */
  jobId: string;
  /** The session key's signer. */
  signer: Signer;
};

/**
 * The exact `/signMessage` body (§4.1): one transaction whose `userSessionSignature` is the session
 * key's `personal_sign` over the UTF-8 of the canonical envelope `P` (§4.2).
 * @example
 * await buildSignMessageRequest({ method: 'EIP191', message: 'hello okto', userSWA, sessionPk, ecdsaKeyId,
 *   threshold: environments.sandbox.signMessageThreshold, jobId: crypto.randomUUID(),
 *   transactionId: crypto.randomUUID(), signer: privateKeySigner(sessionKey) })
 */
export async function buildSignMessageRequest(
  p: BuildSignMessageRequestParameters,
): Promise<SignMessageRequest> {
  if (p.method !== 'EIP191' && p.method !== 'EIP712')
    throw new TypeError(`method must be EIP191 or EIP712, got ${JSON.stringify(p.method)}`);
  if (typeof p.message !== 'string') throw new TypeError('message must be a string');
  if (!isUuid(p.jobId)) throw new TypeError(`jobId must be a UUID, got ${JSON.stringify(p.jobId)}`);
  if (!isUuid(p.transactionId))
    throw new TypeError(`transactionId must be a UUID, got ${JSON.stringify(p.transactionId)}`);
  if (!isUncompressedPublicKey(p.sessionPk))
    throw new TypeError('sessionPk must be an uncompressed public key');
  if (!Number.isSafeInteger(p.threshold) || p.threshold < 1)
    throw new TypeError('threshold must be a positive integer');
  const { payload } = signMessagePayload(p);
  const userSessionSignature = (await p.signer(payload)).toLowerCase() as Hex;
  return {
    data: {
      userData: { userSWA: p.userSWA, jobId: p.jobId, sessionPk: p.sessionPk },
      transactions: [
        {
          transactionId: p.transactionId,
          method: p.method,
          signingMessage: p.message,
          userSessionSignature,
        },
      ],
    },
  };
}

/**
 * The signature in a `/signMessage` answer's `data` (§4.3): `data[0].signature` (Okto's SDK, the
 * emulator) or `data.signature` (Okto's docs), `0x` added when missing, required to be 65 bytes; when
 * the item names a transaction id (`transaction_id` or `transactionId`) it must be the one sent.
 * Throws {@link SignMessageResponseError}.
 */
export function parseSignMessageResponse(data: unknown, { transactionId }: { transactionId: string }): Hex {
  const item: unknown = Array.isArray(data) ? data[0] : data;
  if (Array.isArray(data) && data.length !== 1)
    throw new SignMessageResponseError(`expected one signature, got ${data.length}`);
  if (typeof item !== 'object' || item === null)
    throw new SignMessageResponseError('data holds no signature object');
  const record = item as Record<string, unknown>;
  const answeredId = record.transaction_id ?? record.transactionId;
  if (
    answeredId !== undefined &&
    (typeof answeredId !== 'string' || answeredId.toLowerCase() !== transactionId.toLowerCase())
  )
    throw new SignMessageResponseError(
      `the signature is for transaction ${JSON.stringify(answeredId)}, not ${transactionId}`,
    );
  const { signature } = record;
  if (typeof signature !== 'string') throw new SignMessageResponseError('signature is missing');
  const hex = signature.startsWith('0x') ? signature : `0x${signature}`;
  if (!/^0x[0-9a-fA-F]{130}$/.test(hex))
    throw new SignMessageResponseError('signature is not 65 bytes of hex (0x + 130 hex digits)');
  return hex.toLowerCase() as Hex;
}

function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
