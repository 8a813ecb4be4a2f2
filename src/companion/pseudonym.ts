// Contacts and IP addresses never appear in logs or rate-limit keys; their salted hashes do. The salt
// is secret, so a hash cannot be reversed by hashing every phone number of a country.

const encoder = new TextEncoder();

/** How many hex characters of a pseudonym a log line shows: enough to follow one user, not to reverse. */
export const LOG_PSEUDONYM_LENGTH = 12;

/**
 * A salted SHA-256 of a contact or an address, in hex (Web Crypto, so it runs on every runtime).
 * @example await pseudonymise({ salt, value: 'email:alice@example.com' }) // '3f1c…' (64 hex)
 */
export async function pseudonymise({ salt, value }: { salt: string; value: string }): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${salt}\n${value}`));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
