import type { Hex } from 'viem';
import type { AccountView } from '../../messages/login.ts';
import { createAuthTokenSigner } from '../../okto/authToken.ts';
import type { OktoClient } from '../../okto/client.ts';
import { OktoApiError } from '../../okto/errors.ts';
import { type AuthData, buildAuthenticateRequest, signSessionAsUser } from '../../okto/session.ts';
import { createSessionKey } from '../../okto/sessionKey.ts';
import { privateKeySigner, type Signer } from '../../okto/signer.ts';
import type { OktoWalletClient } from '../../okto/walletClient.ts';
import type { CompanionClient } from '../companionClient.ts';
import { FlowError } from '../errors.ts';
import { providerError } from './providerMethod.ts';
import type { FlowTarget } from './record.ts';

// The step every login method ends with (okto-protocol.md §4): a fresh session key, the companion's
// co-signature for the login's `authData`, Okto's /authenticate, then the user's key ids (/user-keys),
// which signMessage needs, read right away as Okto's SDK does.

/** The session key's two uses, kept in memory while signed in. */
export type SessionSigner = { token: (expireAt: number) => Promise<string>; sign: Signer };

export function sessionSigner(privateKey: Hex, publicKey: Hex): SessionSigner {
  return { token: createAuthTokenSigner(privateKey, publicKey), sign: privateKeySigner(privateKey) };
}

export type RegisterSessionParameters = {
  /** The login's token and who issued it, exactly as `/authenticate` takes them. */
  authData: AuthData;
  /** The provider's name in messages (Google, Apple, X, the app's label); unused for `okto`. */
  providerName?: string;
  target: FlowTarget;
  clients: { okto: OktoClient; companion: CompanionClient; wallet: OktoWalletClient };
  /** Unix ms. */
  now: () => number;
};

/** A registered session: the account without who logged in, and the key (not yet sealed). */
export type RegisteredSession = {
  account: Omit<AccountView, 'contact' | 'signedInAt'>;
  privateKey: Hex;
  signer: SessionSigner;
};

/**
 * Registers a new session key for the login `authData` completes. Nothing is stored here: the caller
 * seals the key together with the signed-in state.
 * @throws {ProviderError} `okto_rejected` when Okto refuses a provider's token (any answer but
 * success: Okto documents one failure for all four); other failures as they come.
 */
export async function registerSession({
  authData,
  providerName = '',
  target,
  clients: { okto, companion, wallet },
  now,
}: RegisterSessionParameters): Promise<RegisteredSession> {
  const key = createSessionKey();
  const nonce = crypto.randomUUID();
  const client = await companion.signSession({ sessionPk: key.publicKey, nonce, authData });
  if (client.clientSWA !== target.clientSWA)
    throw new FlowError(
      'client_changed',
      'The signing service changed its Okto client during login. Start again.',
    );
  const sessionDataUserSignature = await signSessionAsUser({
    sessionPk: key.publicKey,
    sign: privateKeySigner(key.privateKey),
  });
  let registered: Awaited<ReturnType<OktoClient['authenticate']>>;
  try {
    registered = await okto.authenticate(
      buildAuthenticateRequest({
        idToken: authData.idToken,
        provider: authData.provider,
        nonce,
        clientSWA: client.clientSWA,
        sessionPk: key.publicKey,
        paymaster: client.paymaster,
        paymasterData: client.paymasterData,
        sessionPkClientSignature: client.sessionPkClientSignature,
        sessionDataUserSignature,
      }),
    );
  } catch (error) {
    if (authData.provider !== 'okto' && isRefusal(error)) throw providerError('okto_rejected', providerName);
    throw error;
  }
  // A failure here fails the login (the key is dropped, never sealed), as in Okto's SDK.
  const signer = sessionSigner(key.privateKey, key.publicKey);
  const userKeys = await wallet.getUserKeys(await signer.token(Math.floor(now() / 1000) + 300));
  return {
    account: {
      userSWA: registered.userSWA,
      clientSWA: registered.clientSWA,
      sessionExpiry: registered.sessionExpiry,
      sessionAddress: key.address,
      sessionPublicKey: key.publicKey,
      environment: target.environment,
      oktoBaseUrl: target.oktoBaseUrl,
      ecdsaKeyId: userKeys.ecdsaKeyId,
      ecdsaPublicKey: userKeys.ecdsaPublicKey,
    },
    privateKey: key.privateKey,
    signer,
  };
}

/** Okto answered, and not with success (a rate limit is not a refusal of the token). */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof OktoApiError &&
    (error.kind === 'rejected' || error.kind === 'status-error' || error.kind === 'invalid-response') &&
    error.status !== 429
  );
}
