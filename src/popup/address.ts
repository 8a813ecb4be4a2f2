import { type Address, checksumAddress } from 'viem';
import type { Warning } from '../approval/warning.ts';

// A recipient address as a person types or pastes it: 0x and 40 hex digits, and when it has capital
// letters they must be its EIP-55 checksum (a typo in a checksummed address shows as a bad checksum;
// an all-lower or all-upper address carries no checksum and cannot be checked).

export type AddressCheck =
  | {
      ok: true;
      /** The checksummed form. */
      address: Address;
      /** Whether the input carried a checksum (mixed case) that was verified. */
      checksummed: boolean;
    }
  | { ok: false; error: string };

/**
 * Checks a typed address: shape, hex digits, and the EIP-55 checksum of a mixed-case one.
 * @example checkAddressInput('0x88bee8eb691ffafb192bac4d1e7042e1b44c3ef2') // { ok: true, checksummed: false, … }
 */
export function checkAddressInput(text: string): AddressCheck {
  const value = text.trim();
  if (value === '') return { ok: false, error: 'Enter the recipient’s address.' };
  if (!/^0x/i.test(value)) return { ok: false, error: 'An address starts with 0x.' };
  const hex = value.slice(2);
  if (/[^0-9a-fA-F]/.test(hex))
    return { ok: false, error: 'An address has only the digits 0–9 and the letters a–f after 0x.' };
  if (hex.length !== 40)
    return {
      ok: false,
      error: `An address has 40 hex digits after 0x; this one has ${hex.length}.`,
    };
  const lower = `0x${hex.toLowerCase()}` as Address;
  const address = checksumAddress(lower);
  const mixed = hex !== hex.toLowerCase() && hex !== hex.toUpperCase();
  if (mixed && `0x${hex}` !== address)
    return {
      ok: false,
      error:
        'Its capital letters do not match the address’s checksum (EIP-55), so it probably has a typo. Copy it again from where you got it.',
    };
  return { ok: true, address, checksummed: mixed };
}

/** What the worker found about a recipient on one chain (`wallet/checkRecipient`). */
export type RecipientFacts = { isOwn: boolean; isContract?: boolean };

/**
 * The warnings for sending to `address` on a network: the user's own wallet, a token's own contract
 * (tokens sent there are almost always lost), any other contract.
 */
export function recipientWarnings(p: {
  address: string;
  networkLabel: string;
  /** The tokens listed on the network (the native one has address ''). */
  tokens: readonly { address: string; symbol: string }[];
  facts?: RecipientFacts;
}): Warning[] {
  const warnings: Warning[] = [];
  const token = p.tokens.find((t) => t.address !== '' && t.address.toLowerCase() === p.address.toLowerCase());
  if (p.facts?.isOwn)
    warnings.push({
      level: 'caution',
      text: `This is your own wallet on ${p.networkLabel}: the funds would stay with you.`,
    });
  if (token)
    warnings.push({
      level: 'danger',
      text: `This is the ${token.symbol} token’s own contract. Tokens sent to it are almost always lost for good.`,
    });
  else if (p.facts?.isContract)
    warnings.push({
      level: 'danger',
      text: `This address is a contract on ${p.networkLabel}. Funds sent to a contract that does not expect them can be lost for good: check it is the right address.`,
    });
  return warnings;
}
