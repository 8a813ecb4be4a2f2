import type { Hex } from 'viem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (any version) in its hyphenated form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether a string is a version-4 (random) UUID, as session nonces must be. */
export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}

/**
 * The session nonce as `bytes32`: the UUID's 16 bytes as a big-endian integer, left-padded.
 * @example nonceToBytes32('3fa85f64-5717-4562-b3fc-2c963f66afa6')
 * // '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6' (the spec's example nonce, not a key)
 */
export function nonceToBytes32(uuid: string): Hex {
  if (!isUuid(uuid)) throw new TypeError(`nonce must be a UUID, got ${JSON.stringify(uuid)}`);
  return `0x${'00'.repeat(16)}${uuid.replaceAll('-', '').toLowerCase()}`;
}
