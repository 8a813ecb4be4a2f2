import { sha256, stringToBytes } from 'viem';

// Contacts and IP addresses never appear in logs or rate-limit keys; their salted hashes do. The salt
// is secret, so a hash cannot be reversed by hashing every phone number of a country.

/** How many hex characters of a pseudonym a log line shows: enough to follow one user, not to reverse. */
export const LOG_PSEUDONYM_LENGTH = 12;

/**
 * A salted SHA-256 of a contact or an address, 64 hex characters.
 * Why not Web Crypto's `crypto.subtle.digest`: on Node it hops to the thread pool, about 100 µs and an
 * event-loop turn per call, a seventh of a signature; noble's pure-JS SHA-256 (via viem) takes a few
 * µs and runs on every runtime all the same.
 * @example pseudonymise({ salt, value: 'email:alice@example.com' }) // '3f1c…' (64 hex)
 */
export function pseudonymise({ salt, value }: { salt: string; value: string }): string {
  return sha256(stringToBytes(`${salt}\n${value}`)).slice(2);
}
