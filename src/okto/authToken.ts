import { type Address, type Hex, recoverMessageAddress } from 'viem';
import { privateKeyToAccount, signMessage } from 'viem/accounts';
import { AuthTokenError } from './errors.ts';
import { isUncompressedPublicKey, sessionAddressFromPublicKey } from './sessionKey.ts';

// Section 5 of the protocol: the Bearer token is built and signed by the client with its session key.

export const AUTH_TOKEN_TYPE = 'ecdsa_uncompressed';

export type AuthTokenData = { expire_at: number; session_pub_key: Hex };
export type AuthTokenPayload = { type: typeof AUTH_TOKEN_TYPE; data: AuthTokenData; data_signature: Hex };

export type CreateAuthTokenParameters = {
  sessionPrivateKey: Hex;
  /** Unix seconds; Okto's default is now + 5400. */
  expireAt: number;
};

/** Mints an Okto auth token signed by the session key. */
export async function createAuthToken({
  sessionPrivateKey,
  expireAt,
}: CreateAuthTokenParameters): Promise<string> {
  return createAuthTokenSigner(sessionPrivateKey)(expireAt);
}

/**
 * A minter bound to one session key: derives the public key once, so minting many tokens (one per
 * dApp request) costs one signature each. `createAuthTokenSigner(key)(expireAt)` equals
 * `createAuthToken({ sessionPrivateKey: key, expireAt })`. Pass `sessionPublicKey` when it is known
 * (it is stored with the session) to skip the derivation: an elliptic-curve multiplication that,
 * on a freshly started service worker, costs more than the signature.
 */
export function createAuthTokenSigner(
  sessionPrivateKey: Hex,
  sessionPublicKey?: Hex,
): (expireAt: number) => Promise<string> {
  const session_pub_key = (
    sessionPublicKey ?? privateKeyToAccount(sessionPrivateKey).publicKey
  ).toLowerCase() as Hex;
  return async (expireAt) => {
    const data: AuthTokenData = { expire_at: expireAt, session_pub_key };
    const data_signature = await signMessage({
      message: JSON.stringify(data),
      privateKey: sessionPrivateKey,
    });
    const payload: AuthTokenPayload = { type: AUTH_TOKEN_TYPE, data, data_signature };
    return btoa(JSON.stringify(payload));
  };
}

/** Decodes a token without checking its signature or expiry; throws `AuthTokenError('malformed')`. */
export function parseAuthToken(token: string): AuthTokenPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(atob(token.trim()));
  } catch (cause) {
    throw new AuthTokenError('malformed', 'not base64-encoded JSON', cause);
  }
  if (typeof payload !== 'object' || payload === null)
    throw new AuthTokenError('malformed', 'not a JSON object');
  const { type, data, data_signature } = payload as Record<string, unknown>;
  if (type !== AUTH_TOKEN_TYPE) throw new AuthTokenError('malformed', `type must be "${AUTH_TOKEN_TYPE}"`);
  if (typeof data !== 'object' || data === null) throw new AuthTokenError('malformed', 'data is missing');
  const keys = Object.keys(data);
  if (keys.length !== 2 || keys[0] !== 'expire_at' || keys[1] !== 'session_pub_key')
    throw new AuthTokenError('malformed', 'data must hold exactly expire_at then session_pub_key');
  const { expire_at, session_pub_key } = data as Record<string, unknown>;
  if (typeof expire_at !== 'number' || !Number.isSafeInteger(expire_at))
    throw new AuthTokenError('malformed', 'expire_at must be an integer');
  if (typeof session_pub_key !== 'string' || !isUncompressedPublicKey(session_pub_key))
    throw new AuthTokenError('malformed', 'session_pub_key must be an uncompressed secp256k1 public key');
  if (typeof data_signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(data_signature))
    throw new AuthTokenError('malformed', 'data_signature must be a 65-byte hex signature');
  return {
    type: AUTH_TOKEN_TYPE,
    data: { expire_at, session_pub_key },
    data_signature: data_signature as Hex,
  };
}

export type VerifiedAuthToken = { sessionPublicKey: Hex; sessionAddress: Address; expireAt: number };

/**
 * Checks a token as Okto's servers do: decodable, of the right type, not expired at `now`, and
 * signed by the key it names. Does not check that the session is registered: that is the server's table.
 */
export async function verifyAuthToken(token: string, { now }: { now: number }): Promise<VerifiedAuthToken> {
  const { data, data_signature } = parseAuthToken(token);
  const sessionAddress = sessionAddressFromPublicKey(data.session_pub_key);
  let signer: Address;
  try {
    signer = await recoverMessageAddress({ message: JSON.stringify(data), signature: data_signature });
  } catch (cause) {
    throw new AuthTokenError('forged', 'the signature does not recover to any key', cause);
  }
  if (signer !== sessionAddress)
    throw new AuthTokenError('forged', 'signed by another key than session_pub_key');
  if (data.expire_at <= now)
    throw new AuthTokenError('expired', `expired at ${new Date(data.expire_at * 1000).toISOString()}`);
  return { sessionPublicKey: data.session_pub_key, sessionAddress, expireAt: data.expire_at };
}
