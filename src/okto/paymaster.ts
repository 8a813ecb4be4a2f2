import {
  type Address,
  decodeAbiParameters,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  keccak256,
} from 'viem';
import { nonceToBytes32 } from './nonce.ts';
import type { Signer } from './signer.ts';

export type PaymasterHashParameters = {
  /** The session nonce, as a UUID or already as `bytes32`. */
  nonce: string;
  clientSWA: Address;
  /** Unix seconds. */
  validUntil: number;
  validAfter: number;
};

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The hash the client key signs to sponsor the session:
 * `keccak256(encodePacked(bytes32 nonce, address clientSWA, uint48 validUntil, uint48 validAfter))`.
 */
export function paymasterHash({ nonce, clientSWA, validUntil, validAfter }: PaymasterHashParameters): Hex {
  const nonceHex = BYTES32.test(nonce) ? (nonce as Hex) : nonceToBytes32(nonce);
  return keccak256(
    encodePacked(['bytes32', 'address', 'uint48', 'uint48'], [nonceHex, clientSWA, validUntil, validAfter]),
  );
}

export type PaymasterData = {
  clientSWA: Address;
  validUntil: number;
  validAfter: number;
  signature: Hex;
};

const PAYMASTER_DATA_ABI = [
  { type: 'address' },
  { type: 'uint48' },
  { type: 'uint48' },
  { type: 'bytes' },
] as const;

/** `abi.encode(address clientSWA, uint48 validUntil, uint48 validAfter, bytes signature)`. */
export function encodePaymasterData({ clientSWA, validUntil, validAfter, signature }: PaymasterData): Hex {
  return encodeAbiParameters(PAYMASTER_DATA_ABI, [clientSWA, validUntil, validAfter, signature]);
}

/** The inverse of {@link encodePaymasterData}; throws on bytes that do not decode. */
export function decodePaymasterData(data: Hex): PaymasterData {
  const [clientSWA, validUntil, validAfter, signature] = decodeAbiParameters(PAYMASTER_DATA_ABI, data);
  return { clientSWA, validUntil, validAfter, signature };
}

export type CreatePaymasterDataParameters = PaymasterHashParameters & { sign: Signer };

/** Signs the paymaster hash with the client key and encodes the result, ready for `/authenticate`. */
export async function createPaymasterData(p: CreatePaymasterDataParameters): Promise<Hex> {
  const signature = await p.sign({ raw: paymasterHash(p) });
  return encodePaymasterData({ ...p, signature });
}
