import type { Hex, SignableMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * Signs an EIP-191 `personal_sign` message: a UTF-8 string, or `{ raw }` bytes.
 * Injected wherever the protocol needs a signature, so the client key can live in the companion and
 * the session key in the service worker.
 */
export type Signer = (message: SignableMessage) => Promise<Hex>;

/** A {@link Signer} over a private key held in memory. */
export function privateKeySigner(privateKey: Hex): Signer {
  const account = privateKeyToAccount(privateKey);
  return (message) => account.signMessage({ message });
}
