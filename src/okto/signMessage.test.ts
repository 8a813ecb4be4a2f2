import { recoverMessageAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { environments } from './environments.ts';
import { SignMessageResponseError } from './errors.ts';
import { privateKeySigner } from './signer.ts';
import { buildSignMessageRequest, parseSignMessageResponse, signMessagePayload } from './signMessage.ts';
import {
  TEST_ECDSA_KEY_ID,
  TEST_SESSION_ADDRESS,
  TEST_SESSION_PK,
  TEST_SESSION_PRIVATE_KEY,
  TEST_USER_SWA,
} from './testing/vectors.ts';
import { EIP191_BODY, EIP191_PAYLOAD, EIP712_BODY, EIP712_TYPED_DATA } from './testing/walletVectors.ts';

const common = {
  userSWA: TEST_USER_SWA,
  sessionPk: TEST_SESSION_PK,
  ecdsaKeyId: TEST_ECDSA_KEY_ID,
  threshold: environments.sandbox.signMessageThreshold,
  signer: privateKeySigner(TEST_SESSION_PRIVATE_KEY),
};
const eip191 = {
  method: 'EIP191',
  message: 'hello okto',
  transactionId: 'b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d',
  jobId: 'e3b58883-15ce-4bdc-8e88-7f293c7f2a20',
} as const;
const eip712 = {
  method: 'EIP712',
  message: EIP712_TYPED_DATA,
  transactionId: '59c5fd3f-560e-4253-948e-9e1dd6f5a3a9',
  jobId: '535868b0-c53b-4e95-997a-1a9c290df0b7',
} as const;

describe('signMessage request (wallet spec §4.1–4.2, §8.5)', () => {
  it('uses t = 2 in every environment', () => {
    expect(Object.values(environments).map((e) => e.signMessageThreshold)).toEqual([2, 2, 2]);
  });

  it('builds the EIP191 envelope, challenge and P of the vector', () => {
    const p = signMessagePayload({ ...common, ...eip191 });
    expect(p.message).toBe(
      '{"b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d":{"requestType":"EIP191","signingMessage":"hello okto"}}',
    );
    expect(p.challenge).toBe('b1e4c47facbc53aebf1ce8dcb31c735daebe20f3f7b624f1cfed6ebb82237741');
    expect(p.payload).toBe(EIP191_PAYLOAD);
    expect(new TextEncoder().encode(p.payload).length).toBe(284);
  });

  it('sends the exact EIP191 body of the vector, signed by the session key over P', async () => {
    const body = await buildSignMessageRequest({ ...common, ...eip191 });
    expect(JSON.stringify(body)).toBe(EIP191_BODY);
    const signature = body.data.transactions[0].userSessionSignature;
    expect(signature).toBe(
      '0x4cc6dd2e39eee026442f0116c63a7ed6d9ab2fa462f9db72f41d937dc8f4df7a2ec0cc0bdf0d61c8228bab92a4ab521ac5a5f5b827e432be57a29a5bd7cd67451c',
    );
    expect(await recoverMessageAddress({ message: EIP191_PAYLOAD, signature })).toBe(TEST_SESSION_ADDRESS);
  });

  it('sends the exact EIP712 body of the vector', async () => {
    const p = signMessagePayload({ ...common, ...eip712 });
    expect(p.challenge).toBe('69614c10365bc38f2abb34aacc122df97f421ebf9703ff6755ff52b13028c932');
    expect(new TextEncoder().encode(p.payload).length).toBe(657);
    const body = await buildSignMessageRequest({ ...common, ...eip712 });
    expect(JSON.stringify(body)).toBe(EIP712_BODY);
    expect(body.data.transactions[0].userSessionSignature).toBe(
      '0x1019852cd434f0e301dd36cfc1d4be51e05e807f262f97469ca13e34cc5687360469598d0835e3fefb27bc4883c5b4c62f63c788da69829600e575d33e0dafaa1c',
    );
  });

  it('signs the text as is, without decoding or prefixing it', () => {
    const p = signMessagePayload({ ...common, ...eip191, message: '0x68656c6c6f' });
    expect(p.message).toContain('"signingMessage":"0x68656c6c6f"');
  });

  it('sorts keys by UTF-16 code unit as RFC 8785 does', () => {
    const p = signMessagePayload({ ...common, ...eip191, message: 'é\u2028😀' });
    expect(p.message).toBe(
      '{"b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d":{"requestType":"EIP191","signingMessage":"é\u2028😀"}}',
    );
    expect(JSON.parse(p.payload)).toEqual({ challenge: p.challenge, setup: p.setup });
  });

  it('refuses malformed ids and keys before signing', async () => {
    await expect(buildSignMessageRequest({ ...common, ...eip191, jobId: 'job-1' })).rejects.toThrow(/jobId/);
    await expect(buildSignMessageRequest({ ...common, ...eip191, transactionId: '' })).rejects.toThrow(
      /transactionId/,
    );
    await expect(buildSignMessageRequest({ ...common, ...eip191, sessionPk: '0x04' })).rejects.toThrow(
      /sessionPk/,
    );
    await expect(
      buildSignMessageRequest({ ...common, ...eip191, method: 'eth_sign' as 'EIP191' }),
    ).rejects.toThrow(/method/);
  });
});

describe('signMessage response (§4.3)', () => {
  const id = eip191.transactionId;
  const sig = 'ab'.repeat(65);

  it("reads the SDK's array without 0x and the docs' object with 0x", () => {
    expect(parseSignMessageResponse([{ transaction_id: id, signature: sig }], { transactionId: id })).toBe(
      `0x${sig}`,
    );
    expect(parseSignMessageResponse({ signature: `0x${sig.toUpperCase()}` }, { transactionId: id })).toBe(
      `0x${sig}`,
    );
    expect(
      parseSignMessageResponse([{ transactionId: id, signature: `0x${sig}` }], { transactionId: id }),
    ).toBe(`0x${sig}`);
  });

  it('refuses a signature for another transaction', () => {
    expect(() =>
      parseSignMessageResponse([{ transaction_id: eip712.transactionId, signature: sig }], {
        transactionId: id,
      }),
    ).toThrow(/is for transaction "59c5fd3f/);
  });

  it('refuses anything but 65 bytes of hex', () => {
    for (const data of [
      [],
      [{}],
      [{ signature: 'ab'.repeat(64) }],
      { signature: `0x${sig}00` },
      null,
      'sig',
      [{ signature: sig }, { signature: sig }],
    ])
      expect(() => parseSignMessageResponse(data, { transactionId: id })).toThrow(SignMessageResponseError);
  });
});
