import type { Address, Hex } from 'viem';
import { DEFAULT_MAX_FEE_PER_GAS, PAYMASTER_VALIDITY_SECONDS } from './environments.ts';
import { createPaymasterData } from './paymaster.ts';
import { sessionAddressFromPublicKey, sessionProofHash } from './sessionKey.ts';
import type { Signer } from './signer.ts';

// Section 4 of the protocol: registering a session key with `POST /api/oc/v1/authenticate`.

export type SessionData = {
  nonce: string;
  clientSWA: Address;
  sessionPk: Hex;
  maxPriorityFeePerGas: Hex;
  maxFeePerGas: Hex;
  paymaster: Address;
  paymasterData: Hex;
};

/**
 * Okto's `authData.provider` values: `okto` for both OTP logins (the id token is the `auth_token` verify
 * answered), and the four social methods (okto-social-login.md §1). X is `twitter`, never `x`.
 */
export const AUTH_PROVIDERS = ['okto', 'google', 'apple', 'twitter', 'client_jwt'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/** `authData` exactly as Okto takes it: `{"idToken":"…","provider":"…"}`. */
export type AuthData = { idToken: string; provider: AuthProvider };

export type AuthenticateRequest = {
  authData: AuthData;
  sessionData: SessionData;
  sessionPkClientSignature: Hex;
  sessionDataUserSignature: Hex;
};

/** What the client key contributes to a session registration. */
export type ClientSessionSignatures = { paymasterData: Hex; sessionPkClientSignature: Hex };

export type SignSessionAsClientParameters = {
  sessionPk: Hex;
  /** UUID v4. */
  nonce: string;
  clientSWA: Address;
  /** Unix seconds, "now" for the paymaster window. */
  now: number;
  /** The client key's signer. */
  sign: Signer;
};

/** The client key's two signatures: the paymaster data (valid for 6 h) and the session proof. */
export async function signSessionAsClient(
  p: SignSessionAsClientParameters,
): Promise<ClientSessionSignatures> {
  const proof = sessionProofHash(sessionAddressFromPublicKey(p.sessionPk));
  const [paymasterData, sessionPkClientSignature] = await Promise.all([
    createPaymasterData({
      nonce: p.nonce,
      clientSWA: p.clientSWA,
      validUntil: Math.floor(p.now) + PAYMASTER_VALIDITY_SECONDS,
      validAfter: 0,
      sign: p.sign,
    }),
    p.sign({ raw: proof }),
  ]);
  return { paymasterData, sessionPkClientSignature };
}

/** The session key's own signature over the session proof. */
export function signSessionAsUser({ sessionPk, sign }: { sessionPk: Hex; sign: Signer }): Promise<Hex> {
  return sign({ raw: sessionProofHash(sessionAddressFromPublicKey(sessionPk)) });
}

export type BuildAuthenticateRequestParameters = ClientSessionSignatures & {
  idToken: string;
  /** Who issued `idToken`; default `okto` (an OTP login). */
  provider?: AuthProvider;
  nonce: string;
  clientSWA: Address;
  sessionPk: Hex;
  paymaster: Address;
  sessionDataUserSignature: Hex;
};

/** The `/authenticate` body, in the key order Okto's SDK sends. */
export function buildAuthenticateRequest(p: BuildAuthenticateRequestParameters): AuthenticateRequest {
  return {
    authData: { idToken: p.idToken, provider: p.provider ?? 'okto' },
    sessionData: {
      nonce: p.nonce,
      clientSWA: p.clientSWA,
      sessionPk: p.sessionPk,
      maxPriorityFeePerGas: DEFAULT_MAX_FEE_PER_GAS,
      maxFeePerGas: DEFAULT_MAX_FEE_PER_GAS,
      paymaster: p.paymaster,
      paymasterData: p.paymasterData,
    },
    sessionPkClientSignature: p.sessionPkClientSignature,
    sessionDataUserSignature: p.sessionDataUserSignature,
  };
}
