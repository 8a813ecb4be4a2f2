import { createHash } from 'node:crypto';

// The emulator's derived UUIDs. Okto's ids are UUIDs; the emulator derives its own from names so that
// they survive restarts (shared/okto-wallet-protocol.md §7).

/** The namespace of every name-based id: the nil UUID, so an id is MD5 of the name alone (ours). */
const NIL_NAMESPACE = new Uint8Array(16);

/**
 * A name-based UUID, version 3 (RFC 9562 §5.3): MD5 of namespace ‖ name with the version and variant set.
 * @example
 * uuidV3('network:eip155:84532');
 */
export function uuidV3(name: string): string {
  const digest = createHash('md5').update(NIL_NAMESPACE).update(name, 'utf8').digest();
  return formatUuid(digest, 3);
}

/** A UUID with version `version` and the RFC 4122 variant, from the first 16 bytes of `bytes`. */
export function formatUuid(bytes: Uint8Array, version: number): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | (version << 4);
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
