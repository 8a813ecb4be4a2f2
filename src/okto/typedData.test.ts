import { hashTypedData } from 'viem';
import { describe, expect, it } from 'vitest';
import { InvalidParamsError } from './errors.ts';
import { EIP712_TYPED_DATA } from './testing/walletVectors.ts';
import { normalizeTypedData } from './typedData.ts';

const permit = {
  types: {
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  primaryType: 'Permit',
  domain: {
    verifyingContract: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
    chainId: 84532,
    version: '2',
    name: 'USDC',
  },
  message: {
    owner: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
    spender: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2',
    value: '1000000',
    nonce: 0,
    deadline: '1700000000',
  },
};

function refusal(typedData: unknown, chainId = 84532): InvalidParamsError {
  try {
    normalizeTypedData({ typedData, chainId });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParamsError);
    return error as InvalidParamsError;
  }
  throw new Error('accepted');
}

describe('eth_signTypedData_v4 → EIP712 signingMessage (wallet spec §4.5)', () => {
  it('sends the §8.5 typed data as it is', () => {
    expect(normalizeTypedData({ typedData: EIP712_TYPED_DATA, chainId: 1 }).text).toBe(EIP712_TYPED_DATA);
    expect(normalizeTypedData({ typedData: JSON.parse(EIP712_TYPED_DATA), chainId: 1 }).text).toBe(
      EIP712_TYPED_DATA,
    );
  });

  it('inserts EIP712Domain first, from the domain fields in the standard order, and keeps the hash', () => {
    const { typedData, text } = normalizeTypedData({
      typedData: JSON.stringify(permit, null, 2),
      chainId: 84532,
    });
    expect(Object.keys(typedData.types)).toEqual(['EIP712Domain', 'Permit']);
    expect(typedData.types.EIP712Domain).toEqual([
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ]);
    expect(text).not.toContain('\n');
    expect(hashTypedData(JSON.parse(text))).toBe(hashTypedData(permit as never));
  });

  it('writes the four keys in a fixed order and drops others', () => {
    const { domain, message, primaryType, types } = permit;
    const { text } = normalizeTypedData({
      typedData: { message, domain, extra: 1, primaryType, types },
      chainId: 84532,
    });
    expect(Object.keys(JSON.parse(text))).toEqual(['types', 'primaryType', 'domain', 'message']);
  });

  it('accepts a hex or decimal-string chainId equal to the active chain, and a domain without one', () => {
    expect(() =>
      normalizeTypedData({
        typedData: { ...permit, domain: { ...permit.domain, chainId: '0x14a34' } },
        chainId: 84532,
      }),
    ).not.toThrow();
    const { chainId: _, ...noChain } = permit.domain;
    expect(
      normalizeTypedData({ typedData: { ...permit, domain: noChain }, chainId: 1 }).typedData.types
        .EIP712Domain,
    ).toHaveLength(3);
  });

  it('refuses a domain for another chain', () => {
    expect(refusal(permit, 1)).toMatchObject({ field: 'domain.chainId' });
    expect(refusal({ ...permit, domain: { ...permit.domain, chainId: 'base' } })).toMatchObject({
      field: 'domain.chainId',
    });
  });

  it('refuses numbers JSON.parse would round', () => {
    const text = JSON.stringify(permit).replace('"nonce":0', '"nonce":9007199254740993');
    expect(refusal(text)).toMatchObject({ field: 'typedData.message.nonce' });
    expect(refusal({ ...permit, message: { ...permit.message, nonce: 2 ** 60 } }).field).toBe(
      'typedData.message.nonce',
    );
  });

  it('refuses the wrong shapes, saying which part', () => {
    expect(refusal('not json').shortMessage).toBe('The typed data is not valid JSON.');
    expect(refusal([permit]).field).toBe('typedData');
    expect(refusal({ ...permit, types: [] }).field).toBe('types');
    expect(refusal({ ...permit, types: { Permit: 'x' } }).field).toBe('types.Permit');
    expect(refusal({ ...permit, primaryType: 'Mail' }).field).toBe('primaryType');
    expect(refusal({ ...permit, primaryType: 'toString' }).field).toBe('primaryType');
    expect(refusal({ ...permit, domain: 'USDC' }).field).toBe('domain');
    expect(refusal({ ...permit, message: null }).field).toBe('message');
    expect(refusal({ ...permit, message: { ...permit.message, value: 1n } }).field).toBe(
      'typedData.message.value',
    );
  });

  it('refuses a domain field the inferred EIP712Domain would not sign', () => {
    expect(refusal({ ...permit, domain: { ...permit.domain, chain: 'base' } }).field).toBe('domain.chain');
  });

  it('refuses typed data viem cannot hash', () => {
    const bad = { ...permit, message: { ...permit.message, owner: '0x1234' } };
    expect(refusal(bad).shortMessage).toMatch(/^The typed data cannot be hashed: /);
    expect(refusal({ ...permit, message: { ...permit.message, value: '-1' } }).shortMessage).toMatch(
      /cannot be hashed/,
    );
  });
});
