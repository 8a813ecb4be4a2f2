import { describe, expect, it } from 'vitest';
import { exactAmount, formatAmount, parseAmountInput } from './amount.ts';

describe('formatAmount', () => {
  it('shows a balance to its display precision, cut and never rounded up', () => {
    expect(formatAmount(1_999_999n, 6, 4)).toBe('1.9999');
    expect(formatAmount(1_234_567_891n, 6, 4)).toBe('1,234.5678');
    expect(formatAmount(10n ** 18n, 18, 4)).toBe('1');
    expect(formatAmount(1_500_000_000_000_000_000n, 18, 4)).toBe('1.5');
  });

  it('shows zero as 0 and a dust amount as less than the smallest digit shown', () => {
    expect(formatAmount(0n, 18, 4)).toBe('0');
    expect(formatAmount(1n, 18, 4)).toBe('< 0.0001');
    expect(formatAmount(1n, 6, 0)).toBe('< 1');
  });

  it('groups large whole parts by thousands', () => {
    expect(formatAmount(123_456_789n * 10n ** 6n, 6, 2)).toBe('123,456,789');
  });

  it('gives every digit for an input field', () => {
    expect(exactAmount(1_234_567_891_234_567_891n, 18)).toBe('1.234567891234567891');
  });
});

describe('parseAmountInput', () => {
  const otusd = { decimals: 6, symbol: 'OTUSD', balance: 2_500_000n };

  it('turns human units into the smallest unit exactly', () => {
    expect(parseAmountInput('1.5', otusd)).toEqual({ ok: true, amount: 1_500_000n });
    expect(parseAmountInput(' .25 ', otusd)).toEqual({ ok: true, amount: 250_000n });
    expect(parseAmountInput('2.5', otusd)).toEqual({ ok: true, amount: 2_500_000n });
    expect(parseAmountInput('1,000', { ...otusd, balance: 10n ** 12n })).toEqual({
      ok: true,
      amount: 1_000_000_000n,
    });
    expect(
      parseAmountInput('0.000000000000000001', { decimals: 18, symbol: 'ETH', balance: 10n ** 18n }),
    ).toEqual({ ok: true, amount: 1n });
  });

  it('refuses more than the balance and says what the balance is', () => {
    expect(parseAmountInput('2.500001', otusd)).toEqual({
      ok: false,
      error: 'That is more than your balance of 2.5 OTUSD.',
    });
  });

  it('refuses zero, negative amounts and text that is not a number', () => {
    expect(parseAmountInput('0', otusd)).toMatchObject({ ok: false, error: 'Enter an amount above 0.' });
    expect(parseAmountInput('0.000', otusd)).toMatchObject({ ok: false, error: 'Enter an amount above 0.' });
    expect(parseAmountInput('-1', otusd)).toMatchObject({ ok: false, error: 'Enter an amount above 0.' });
    expect(parseAmountInput('', otusd)).toMatchObject({ ok: false, error: 'Enter an amount.' });
    for (const bad of ['1e6', 'abc', '1.2.3', '.', '0x10', '1,5'])
      expect(parseAmountInput(bad, otusd)).toMatchObject({
        ok: false,
        error: expect.stringMatching(/number/),
      });
  });

  it('refuses more digits after the point than the token has, instead of rounding them away', () => {
    expect(parseAmountInput('1.0000001', otusd)).toEqual({
      ok: false,
      error: 'OTUSD has 6 decimals: use at most 6 digits after the point.',
    });
    expect(parseAmountInput('1.5', { decimals: 0, symbol: 'NFT', balance: 5n })).toEqual({
      ok: false,
      error: 'NFT has no decimals: enter a whole number.',
    });
  });
});
