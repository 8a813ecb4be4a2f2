// The emulator's randomness: one injectable source of bytes, so tests can make codes and tokens predictable.

/** Fills `length` bytes with randomness. */
export type RandomBytes = (length: number) => Uint8Array;

/** Cryptographic randomness from Web Crypto. */
export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** `length` random bytes as lower-case hex, without `0x`. */
export function randomHex(randomBytes: RandomBytes, length: number): string {
  return Array.from(randomBytes(length), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A version-4 UUID, as Okto's OTP tokens are. */
export function randomUuid(randomBytes: RandomBytes): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A uniformly random string of `digits` decimal digits (rejection sampling, so no digit is favoured). */
export function randomDigits(randomBytes: RandomBytes, digits: number): string {
  const range = 10 ** digits;
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  for (;;) {
    const [a, b, c, d] = randomBytes(4);
    const value = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    if (value < limit) return String(value % range).padStart(digits, '0');
  }
}
