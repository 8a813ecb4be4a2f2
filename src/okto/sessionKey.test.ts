import { describe, expect, it } from 'vitest';
import {
  createSessionKey,
  isUncompressedPublicKey,
  sessionKeyFromPrivateKey,
  sessionProofHash,
} from './sessionKey.ts';
import { TEST_SESSION_ADDRESS, TEST_SESSION_PK, TEST_SESSION_PRIVATE_KEY } from './testing/vectors.ts';

describe('session keys', () => {
  it('derives the spec vector public key and address', () => {
    const key = sessionKeyFromPrivateKey(TEST_SESSION_PRIVATE_KEY);
    expect(key.publicKey).toBe(TEST_SESSION_PK);
    expect(key.publicKey).toHaveLength(132);
    expect(key.address).toBe(TEST_SESSION_ADDRESS);
  });

  it('creates a different key every time', () => {
    const a = createSessionKey();
    const b = createSessionKey();
    expect(a.privateKey).not.toBe(b.privateKey);
    expect(isUncompressedPublicKey(a.publicKey)).toBe(true);
  });

  it('computes the session proof hash of the spec', () => {
    expect(sessionProofHash(TEST_SESSION_ADDRESS)).toBe(
      '0x227c5a8f6845f0e370c353eecd125a64ade42d8b64bcd2beebd6923cfcf894e7',
    );
  });

  it('rejects public keys that are not on the curve or not uncompressed', () => {
    expect(isUncompressedPublicKey(`0x04${'00'.repeat(64)}`)).toBe(false);
    expect(isUncompressedPublicKey(`0x02${TEST_SESSION_PK.slice(4, 68)}`)).toBe(false);
    expect(isUncompressedPublicKey(`${TEST_SESSION_PK.slice(0, -1)}b`)).toBe(false);
  });
});
