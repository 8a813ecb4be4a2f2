import { secp256k1 } from '@noble/curves/secp256k1';
import { privateKeyToAddress, publicKeyToAddress } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { createOktoKeyring, DEFAULT_EMULATOR_SECRET, deriveOktoUserKeys } from './oktoKeys.ts';

const userId = '3f2504e0-4f89-81d3-a0c3-0305e82c3301';

describe("the user's Okto key (wallet protocol §4.4)", () => {
  it('is the same for the same user and secret, so addresses survive restarts', () => {
    const keys = deriveOktoUserKeys({ secret: DEFAULT_EMULATOR_SECRET, userId });
    expect(deriveOktoUserKeys({ secret: DEFAULT_EMULATOR_SECRET, userId })).toEqual(keys);
    expect(createOktoKeyring()(userId)).toEqual(keys);
    expect(privateKeyToAddress(keys.ecdsaPrivateKey)).toBe(keys.address);
    expect(publicKeyToAddress(keys.ecdsaPublicKey)).toBe(keys.address);
    expect(keys.ecdsaPublicKey).toMatch(/^0x04[0-9a-f]{128}$/);
    expect(BigInt(keys.ecdsaPrivateKey)).toBeGreaterThan(0n);
    expect(BigInt(keys.ecdsaPrivateKey)).toBeLessThan(secp256k1.CURVE.n);
  });

  it('differs per user and per secret, and the key ids are distinct v4 UUIDs', () => {
    const keys = deriveOktoUserKeys({ secret: DEFAULT_EMULATOR_SECRET, userId });
    expect(deriveOktoUserKeys({ secret: DEFAULT_EMULATOR_SECRET, userId: `${userId}x` }).address).not.toBe(
      keys.address,
    );
    expect(deriveOktoUserKeys({ secret: 'another secret', userId }).address).not.toBe(keys.address);
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(keys.ecdsaKeyId).toMatch(v4);
    expect(keys.eddsaKeyId).toMatch(v4);
    expect(keys.eddsaKeyId).not.toBe(keys.ecdsaKeyId);
    expect(keys.eddsaPublicKey).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
