import { hexToBigInt, keccak256, toBytes } from 'viem';

// Who signs in at the stand-ins: an email address the tester picks on the chooser page. Everything the
// providers say about that person (Google's 21-digit `sub`, Apple's `001886.…` `sub`, X's 19-digit id,
// names) is derived from the provider and the address, so it survives restarts, as real ids do.

/** The accounts the chooser offers; the first is checked. */
export const CHOOSER_ACCOUNTS = ['alice@example.com', 'bob@example.com'] as const;

// As ../contact.ts: one @, a dotted domain, nothing that needs quoting.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/;

/** The account an address names (trimmed, lower case), or undefined when it is not an address. */
export function parseAccount(value: string): string | undefined {
  const account = value.trim().toLowerCase();
  return account.length <= 254 && EMAIL.test(account) ? account : undefined;
}

function hashOf(label: string, account: string): bigint {
  return hexToBigInt(keccak256(toBytes(`okto-emulator:identity:${label}:${account}`)));
}

/** `digits` decimal digits from a hash, the first never 0. */
function digitsOf(hash: bigint, digits: number): string {
  const rest = (hash / 9n) % 10n ** BigInt(digits - 1);
  return `${1n + (hash % 9n)}${rest.toString().padStart(digits - 1, '0')}`;
}

/** Google's `sub`: 21 digits. */
export function googleSubject(account: string): string {
  return digitsOf(hashOf('google-sub', account), 21);
}

/** Apple's `sub`: `001886.<32 hex>.<4 digits>`. */
export function appleSubject(account: string): string {
  const hash = hashOf('apple-sub', account);
  const hex = hash.toString(16).padStart(64, '0');
  return `001886.${hex.slice(0, 32)}.${String(hash % 10_000n).padStart(4, '0')}`;
}

/** X's user id: 19 digits. */
export function xUserId(account: string): string {
  return digitsOf(hashOf('x-id', account), 19);
}

/** A display name from the address: `alice.smith@…` → `Alice Smith`. */
export function displayName(account: string): { firstName: string; lastName: string; name: string } {
  const words = (account.split('@')[0] ?? account)
    .split(/[._+-]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  const firstName = words[0] ?? 'Test';
  const lastName = words.slice(1).join(' ') || 'Example';
  return { firstName, lastName, name: `${firstName} ${lastName}` };
}

/** X's `username`: the address's local part, letters, digits and `_` only, at most 15. */
export function xUsername(account: string): string {
  return (account.split('@')[0] ?? '').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 15) || 'user';
}
