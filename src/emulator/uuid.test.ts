import { describe, expect, it } from 'vitest';
import { formatUuid, uuidV3 } from './uuid.ts';

describe('uuidV3', () => {
  it('matches an independent RFC 4122 implementation (Python uuid.uuid3 with the nil namespace)', () => {
    expect(uuidV3('network:eip155:84532')).toBe('0237086c-5166-35e9-92d9-93d691c22969');
    expect(uuidV3('token:eip155:84532:')).toBe('141b85e3-08e3-3c88-926a-b453bda9cd3b');
    expect(uuidV3('group:ETH')).toBe('139a5240-660c-3679-8328-6cb9e08b79b4');
  });

  it('formatUuid sets the version and the RFC 4122 variant', () => {
    expect(formatUuid(new Uint8Array(32).fill(0xff), 4)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
