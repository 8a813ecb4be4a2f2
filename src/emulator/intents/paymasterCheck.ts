import { type Address, type Hex, isAddressEqual, pad, recoverMessageAddress } from 'viem';
import {
  decodePaymasterData,
  encodePaymasterData,
  type PaymasterData,
  paymasterHash,
} from '../../okto/index.ts';
import type { EmulatorClient } from '../clients.ts';
import { type Refusal, SIGNATURE_EXPIRED, unreadable } from './refusal.ts';

// Checks #5–6 of /execute (shared/okto-wallet-protocol.md §7.1), which /estimate shares: the UserOp's
// paymasterData sponsors this nonce for the session's client, is signed by that client's registered
// signer, and is within its validity window.

export type CheckPaymasterDataParameters = {
  paymasterData: Hex;
  /** The UserOp nonce (any 0x-hex of at most 32 bytes: it is left-padded, as it is hashed). */
  nonce: Hex;
  /** The session's client SWA. */
  clientSWA: Address;
  /** The registered client of that SWA, whose signer must have signed. */
  client: EmulatorClient | undefined;
  /** Unix seconds on the emulator clock. */
  now: number;
};

/**
 * The first failed check among #5 (`"invalid paymaster data"`, `"invalid paymaster signature"`) and
 * #6 (`ER-TECH-0016` `"Signature expired"`), or undefined when the data is good.
 */
export async function checkPaymasterData(p: CheckPaymasterDataParameters): Promise<Refusal | undefined> {
  let decoded: PaymasterData;
  try {
    decoded = decodePaymasterData(p.paymasterData);
    if (encodePaymasterData(decoded).toLowerCase() !== p.paymasterData.toLowerCase())
      throw new Error('not in canonical encoding');
  } catch {
    return unreadable('invalid paymaster data');
  }
  if (!isAddressEqual(decoded.clientSWA, p.clientSWA)) return unreadable('invalid paymaster data');
  const hash = paymasterHash({
    nonce: pad(p.nonce, { size: 32 }),
    clientSWA: decoded.clientSWA,
    validUntil: decoded.validUntil,
    validAfter: decoded.validAfter,
  });
  const signer = await recoverRaw(hash, decoded.signature);
  if (!p.client || !signer || !isAddressEqual(signer, p.client.signer))
    return unreadable('invalid paymaster signature');
  if (!(decoded.validAfter <= p.now && p.now < decoded.validUntil)) return SIGNATURE_EXPIRED;
  return undefined;
}

/** The signer of a `personal_sign` over 32 raw bytes, or undefined when the signature recovers to no key. */
export async function recoverRaw(hash: Hex, signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverMessageAddress({ message: { raw: hash }, signature });
  } catch {
    return undefined;
  }
}
