import { createHmac } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Address, bytesToHex, type Hex } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { formatUuid } from './uuid.ts';

// "The user's Okto key" (shared/okto-wallet-protocol.md §4.4): the per-user EOA that signs messages and
// whose address is every EVM /wallets entry. Derived from a secret, not stored, so addresses survive
// restarts; the secret has a fixed default and can be overridden (EMULATOR_SECRET).

/** The emulator's secret when none is given. Public on purpose: local keys hold nothing of value. */
export const DEFAULT_EMULATOR_SECRET = 'okto-emulator-default-secret';

/** A user's Okto keys, as `/user-keys` describes them, with the ECDSA private key for signing. */
export type OktoUserKeys = {
  ecdsaPrivateKey: Hex;
  /** `0x04‖X‖Y`, 65 bytes. */
  ecdsaPublicKey: Hex;
  /** EIP-55 address of the ECDSA key: the user's wallet on every EVM network. */
  address: Address;
  /** UUID v4 made from an HMAC. */
  ecdsaKeyId: string;
  /** 32-byte Ed25519 public key (unused by EVM flows). */
  eddsaPublicKey: Hex;
  eddsaKeyId: string;
};

const N = secp256k1.CURVE.n;

function hmac(secret: string, message: string): Buffer {
  return createHmac('sha256', secret).update(message, 'utf8').digest();
}

/**
 * Derives a user's Okto keys: `k = (HMAC-SHA256(secret, "okto-user-ecdsa:" + userId) mod (n − 1)) + 1`,
 * key ids from `"okto-user-ecdsa-key-id:" + userId` (and the `eddsa` labels likewise).
 * @example
 * deriveOktoUserKeys({ secret: DEFAULT_EMULATOR_SECRET, userId }).address
 */
export function deriveOktoUserKeys({ secret, userId }: { secret: string; userId: string }): OktoUserKeys {
  const k = (BigInt(`0x${hmac(secret, `okto-user-ecdsa:${userId}`).toString('hex')}`) % (N - 1n)) + 1n;
  const ecdsaPrivateKey = `0x${k.toString(16).padStart(64, '0')}` as Hex;
  const ecdsaPublicKey = bytesToHex(secp256k1.getPublicKey(ecdsaPrivateKey.slice(2), false));
  const eddsaSeed = hmac(secret, `okto-user-eddsa:${userId}`);
  return {
    ecdsaPrivateKey,
    ecdsaPublicKey,
    address: publicKeyToAddress(ecdsaPublicKey),
    ecdsaKeyId: formatUuid(hmac(secret, `okto-user-ecdsa-key-id:${userId}`), 4),
    eddsaPublicKey: bytesToHex(ed25519.getPublicKey(eddsaSeed)),
    eddsaKeyId: formatUuid(hmac(secret, `okto-user-eddsa-key-id:${userId}`), 4),
  };
}

/** A memoising deriver bound to one secret (the ECDSA public key costs a curve multiplication). */
export function createOktoKeyring(
  secret: string = DEFAULT_EMULATOR_SECRET,
): (userId: string) => OktoUserKeys {
  const cache = new Map<string, OktoUserKeys>();
  return (userId) => {
    let keys = cache.get(userId);
    if (!keys) {
      keys = deriveOktoUserKeys({ secret, userId });
      cache.set(userId, keys);
    }
    return keys;
  };
}
