import { secp256k1 } from '@noble/curves/secp256k1';
import { type Address, encodeAbiParameters, type Hex, keccak256 } from 'viem';
import { generatePrivateKey, privateKeyToAccount, publicKeyToAddress } from 'viem/accounts';

/** A session key pair: the private key stays where it was made; the public key is registered with Okto. */
export type SessionKey = {
  privateKey: Hex;
  /** Uncompressed public key, `0x04‖X‖Y`, lower-case, 132 characters. */
  publicKey: Hex;
  address: Address;
};

/** The session key pair of a known private key. */
export function sessionKeyFromPrivateKey(privateKey: Hex): SessionKey {
  const account = privateKeyToAccount(privateKey);
  return { privateKey, publicKey: account.publicKey.toLowerCase() as Hex, address: account.address };
}

/** A fresh random secp256k1 session key, as every login needs. */
export function createSessionKey(): SessionKey {
  return sessionKeyFromPrivateKey(generatePrivateKey());
}

/** Whether a string is an uncompressed secp256k1 public key (`0x04…`, 132 characters) on the curve. */
export function isUncompressedPublicKey(value: string): value is Hex {
  if (!/^0x04[0-9a-fA-F]{128}$/.test(value)) return false;
  try {
    secp256k1.ProjectivePoint.fromHex(value.slice(2)).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** The Ethereum address of an uncompressed public key. */
export function sessionAddressFromPublicKey(publicKey: Hex): Address {
  if (!isUncompressedPublicKey(publicKey)) throw new TypeError('not an uncompressed secp256k1 public key');
  return publicKeyToAddress(publicKey);
}

/**
 * The message both the client key and the session key sign to bind the session:
 * `keccak256(abi.encode(address sessionAddress))`.
 */
export function sessionProofHash(sessionAddress: Address): Hex {
  return keccak256(encodeAbiParameters([{ type: 'address' }], [sessionAddress]));
}
