import { describe, expect, it } from 'vitest';
import { isUuidV4, nonceToBytes32 } from './nonce.ts';

describe('nonceToBytes32', () => {
  it.each([
    [
      '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6',
    ],
    [
      '4bbc7b27-2ba5-4a6f-8cd6-be88e61cbf09',
      '0x000000000000000000000000000000004bbc7b272ba54a6f8cd6be88e61cbf09',
    ],
    [
      '00000000-0000-4000-8000-000000000000',
      '0x0000000000000000000000000000000000000000000040008000000000000000',
    ],
    [
      '3FA85F64-5717-4562-B3FC-2C963F66AFA6',
      '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6',
    ],
  ])('converts %s as the spec vector says', (uuid, expected) => {
    expect(nonceToBytes32(uuid)).toBe(expected);
  });

  it('refuses something that is not a UUID', () => {
    expect(() => nonceToBytes32('not-a-uuid')).toThrow(/UUID/);
  });

  it('tells v4 UUIDs from others', () => {
    expect(isUuidV4(crypto.randomUUID())).toBe(true);
    expect(isUuidV4('c67931f6-a8b1-511c-91d5-9fc88231d541')).toBe(false);
  });
});
