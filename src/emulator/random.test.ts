import { describe, expect, it } from 'vitest';
import { cryptoRandomBytes, randomDigits, randomHex, randomUuid } from './random.ts';

describe('random', () => {
  it('makes digits, hex and v4 UUIDs of the right shape', () => {
    expect(randomDigits(cryptoRandomBytes, 6)).toMatch(/^\d{6}$/);
    expect(randomHex(cryptoRandomBytes, 16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomUuid(cryptoRandomBytes)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('keeps leading zeros and rejects the biased top of the 32-bit range', () => {
    // 0xffffffff is above the largest multiple of 10^6 below 2^32, so it is drawn again; then 5 → "000005"
    const draws = [
      [0xff, 0xff, 0xff, 0xff],
      [0, 0, 0, 5],
    ];
    expect(randomDigits(() => Uint8Array.from(draws.shift() ?? []), 6)).toBe('000005');
  });

  it('spreads digits evenly', () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 2000; i++)
      for (const digit of randomDigits(cryptoRandomBytes, 6)) counts[Number(digit)]++;
    for (const count of counts) expect(count).toBeGreaterThan(1000);
  });
});
