import type { Address, Hex } from 'viem';
import { type AuthTokenPayload, parseAuthToken, verifyAuthToken } from '../okto/authToken.ts';
import { AuthTokenError } from '../okto/errors.ts';
import { sessionAddressFromPublicKey } from '../okto/sessionKey.ts';

// The panel's token checker: decodes a pasted Okto auth token and checks it as Okto's servers would,
// plus the one thing only the extension knows: whether it was signed by the current session's key.

export type TokenInspection =
  | { ok: false; message: string; details?: string }
  | {
      ok: true;
      payload: AuthTokenPayload;
      /** The address of `session_pub_key`. */
      sessionAddress: Address;
      /** Whether `data_signature` recovers to `session_pub_key` over the exact `data` JSON. */
      signatureValid: boolean;
      /** Why the signature is not valid. */
      signatureDetails?: string;
      /** Unix seconds. */
      expireAt: number;
      expired: boolean;
      /** Whether `session_pub_key` is the current session's; `undefined` when signed out. */
      belongsToSession: boolean | undefined;
    };

export type InspectAuthTokenParameters = {
  /** Unix seconds. */
  now: number;
  /** The signed-in session's public key, if any. */
  sessionPublicKey?: Hex;
};

/** Decodes and checks `token`; never throws. */
export async function inspectAuthToken(
  token: string,
  { now, sessionPublicKey }: InspectAuthTokenParameters,
): Promise<TokenInspection> {
  let payload: AuthTokenPayload;
  try {
    payload = parseAuthToken(token.replace(/^\s*Bearer\s+/i, ''));
  } catch (error) {
    if (error instanceof AuthTokenError)
      return { ok: false, message: error.shortMessage, details: error.details };
    return { ok: false, message: 'This is not an Okto auth token.' };
  }
  let signatureValid = true;
  let signatureDetails: string | undefined;
  try {
    await verifyAuthToken(token.replace(/^\s*Bearer\s+/i, ''), { now });
  } catch (error) {
    if (!(error instanceof AuthTokenError) || error.reason !== 'expired') {
      signatureValid = false;
      signatureDetails = error instanceof AuthTokenError ? error.details : String(error);
    }
  }
  const { expire_at, session_pub_key } = payload.data;
  return {
    ok: true,
    payload,
    sessionAddress: sessionAddressFromPublicKey(session_pub_key),
    signatureValid,
    signatureDetails,
    expireAt: expire_at,
    expired: expire_at <= now,
    belongsToSession:
      sessionPublicKey === undefined
        ? undefined
        : session_pub_key.toLowerCase() === sessionPublicKey.toLowerCase(),
  };
}
