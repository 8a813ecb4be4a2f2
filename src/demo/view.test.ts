import { UserRejectedRequestError } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeError, errorCode, toJson } from './view.ts';

describe('errors in words', () => {
  it('gives viem’s short message, the wallet’s reason and the EIP-1193 code', () => {
    const fromWallet = Object.assign(new Error('The user rejected the request in Okto.'), { code: 4001 });
    const error = new UserRejectedRequestError(fromWallet);
    expect(errorCode(error)).toBe(4001);
    expect(describeError(error)).toBe(
      'User rejected the request. The user rejected the request in Okto. (code 4001)',
    );
  });

  it('never shows [object Object]', () => {
    expect(describeError({})).toBe('Something failed.');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('The faucet did not fund the account.'))).toBe(
      'The faucet did not fund the account.',
    );
  });
});

describe('results as JSON', () => {
  it('writes bigints as decimal strings', () => {
    expect(toJson({ value: 10n ** 18n })).toBe('{\n  "value": "1000000000000000000"\n}');
  });
});
