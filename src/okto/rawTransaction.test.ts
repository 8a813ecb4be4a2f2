import { describe, expect, it } from 'vitest';
import { AccountMismatchError, InvalidParamsError } from './errors.ts';
import { parseRawTransactionJson, rawTransactionFromRequest, rawTransactionJson } from './rawTransaction.ts';
import { RAW_TRANSACTION_TEXT } from './testing/walletVectors.ts';

const account = '0xA8c1021b6322e5fF8e059295fa027A1380789037';
const to = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

function fails(request: unknown): InvalidParamsError | AccountMismatchError {
  try {
    rawTransactionFromRequest({ request, account, chainId: 84532 });
  } catch (error) {
    if (error instanceof InvalidParamsError || error instanceof AccountMismatchError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('eth_sendTransaction → RAW_TRANSACTION call (wallet spec §3.8)', () => {
  it('writes the §8.3 transaction text: key order, EIP-55, minimal hex value', () => {
    const { caip2Id, transaction } = rawTransactionFromRequest({
      request: { value: '0x000e8d4a51000', to: to.toLowerCase(), from: account.toLowerCase() },
      account,
      chainId: 84532,
    });
    expect(caip2Id).toBe('eip155:84532');
    expect(rawTransactionJson(transaction)).toBe(RAW_TRANSACTION_TEXT);
  });

  it('drops gas, fees, nonce and type, which Okto picks', () => {
    const { transaction } = rawTransactionFromRequest({
      request: {
        to,
        data: '0xA9059CBB',
        gas: '0x5208',
        gasPrice: '0x1',
        maxFeePerGas: '0x2',
        maxPriorityFeePerGas: '0x1',
        nonce: '0x7',
        type: '0x2',
        chainId: '0x14a34',
      },
      account,
      chainId: 84532,
    });
    expect(transaction).toEqual({ from: account, to, data: '0xa9059cbb', value: '0x0' });
  });

  it('takes input for data, and refuses the two when they differ', () => {
    expect(
      rawTransactionFromRequest({ request: { to, input: '0x12' }, account, chainId: 1 }).transaction.data,
    ).toBe('0x12');
    expect(fails({ to, data: '0x12', input: '0x34' })).toBeInstanceOf(InvalidParamsError);
  });

  it('answers 4100 for another from and -32602 without to', () => {
    expect(fails({ from: to, to })).toMatchObject({ code: 4100 });
    expect(fails({ data: '0x60806040' })).toMatchObject({ code: -32602, field: 'to' });
  });

  it('refuses what a RAW_TRANSACTION cannot carry or do', () => {
    expect(fails({ to, chainId: '0x1' })).toMatchObject({ field: 'chainId' });
    expect(fails({ to, authorizationList: [] })).toMatchObject({ field: 'authorizationList' });
    expect(fails({ to, value: '1.5' })).toMatchObject({ field: 'value' });
    expect(fails({ to, value: -1 })).toMatchObject({ field: 'value' });
    expect(fails({ to, data: '0x123' })).toMatchObject({ field: 'data' });
    expect(fails({ to: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3ef2' })).toMatchObject({ field: 'to' });
    expect(fails([to])).toBeInstanceOf(InvalidParamsError);
  });
});

describe('transaction JSON text', () => {
  it('reads back what it writes', () => {
    expect(rawTransactionJson(parseRawTransactionJson(RAW_TRANSACTION_TEXT))).toBe(RAW_TRANSACTION_TEXT);
  });

  it('requires exactly from, to, data and value', () => {
    const tx = JSON.parse(RAW_TRANSACTION_TEXT);
    const { data: _, ...withoutData } = tx;
    expect(() => parseRawTransactionJson(JSON.stringify(withoutData))).toThrow('data must be 0x-hex bytes');
    expect(() => parseRawTransactionJson(JSON.stringify({ ...tx, nonce: 1 }))).toThrow(
      'unexpected key "nonce"',
    );
    expect(() => parseRawTransactionJson(JSON.stringify({ ...tx, value: 1.5 }))).toThrow(/value must be/);
    expect(() => parseRawTransactionJson('[1]')).toThrow('not a JSON object');
  });
});
