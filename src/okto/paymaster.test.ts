import { describe, expect, it } from 'vitest';
import { decodePaymasterData, encodePaymasterData, paymasterHash } from './paymaster.ts';
import { signSessionAsClient, signSessionAsUser } from './session.ts';
import { privateKeySigner } from './signer.ts';
import {
  TEST_CLIENT_PRIVATE_KEY,
  TEST_CLIENT_SWA,
  TEST_SESSION_PK,
  TEST_SESSION_PRIVATE_KEY,
} from './testing/vectors.ts';

const nonce = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const validUntil = 1700021600;
const HASH = '0xa9c03f3c02e4c57e614f6a2df54cf0cb731920fe9609cfba6d5c9a74597ef004';
const SIG =
  '0xed6bab01573b36da9c1bc8264e3989a94f216f752223d097a524ecfe8a3299ee61652d7d6c1299d1faf771bf6a211ec89f8a4cb689631a505ddcd3676be1924c1c';
const DATA =
  '0x0000000000000000000000001234567890abcdef1234567890abcdef123456780000000000000000000000000000000000000000000000000000000065544560000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000000000000000000000000000000041ed6bab01573b36da9c1bc8264e3989a94f216f752223d097a524ecfe8a3299ee61652d7d6c1299d1faf771bf6a211ec89f8a4cb689631a505ddcd3676be1924c1c00000000000000000000000000000000000000000000000000000000000000';

describe('paymaster data', () => {
  it('hashes the packed fields as the spec vector says', () => {
    expect(paymasterHash({ nonce, clientSWA: TEST_CLIENT_SWA, validUntil, validAfter: 0 })).toBe(HASH);
  });

  it('accepts the nonce already as bytes32', () => {
    const bytes32 = '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6';
    expect(paymasterHash({ nonce: bytes32, clientSWA: TEST_CLIENT_SWA, validUntil, validAfter: 0 })).toBe(
      HASH,
    );
  });

  it('signs the raw hash with personal_sign', async () => {
    expect(await privateKeySigner(TEST_CLIENT_PRIVATE_KEY)({ raw: HASH })).toBe(SIG);
  });

  it('encodes and decodes the spec vector', () => {
    const encoded = encodePaymasterData({
      clientSWA: TEST_CLIENT_SWA,
      validUntil,
      validAfter: 0,
      signature: SIG,
    });
    expect(encoded).toBe(DATA);
    expect(decodePaymasterData(DATA)).toEqual({
      clientSWA: TEST_CLIENT_SWA,
      validUntil,
      validAfter: 0,
      signature: SIG,
    });
  });

  it('throws on bytes that are not paymaster data', () => {
    expect(() => decodePaymasterData('0x1234')).toThrow();
  });
});

describe('session registration signatures', () => {
  it('produces the spec vector paymasterData and both session proof signatures', async () => {
    const client = await signSessionAsClient({
      sessionPk: TEST_SESSION_PK,
      nonce,
      clientSWA: TEST_CLIENT_SWA,
      now: validUntil - 6 * 3600,
      sign: privateKeySigner(TEST_CLIENT_PRIVATE_KEY),
    });
    expect(client.paymasterData).toBe(DATA);
    expect(client.sessionPkClientSignature).toBe(
      '0xf8775eed54f2b5c8477cd48adfb16f782cf387b1c60b58ca473ebe4cc250d96f5f4cf945b0d4d5e3e0f24224fb24321618f1bc5f879172434a33b59525d0980c1b',
    );
    expect(
      await signSessionAsUser({
        sessionPk: TEST_SESSION_PK,
        sign: privateKeySigner(TEST_SESSION_PRIVATE_KEY),
      }),
    ).toBe(
      '0xbd2043d3b87e0c4ad17e4e251dad755dacde57944d3be51739aa8a6e889540d44419d21d607d792340c53818f9386dfaf0a5dbe4ed41f3d1d72d2d34215cb3191c',
    );
  });
});
