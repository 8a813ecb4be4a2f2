import { UnauthorizedProviderError, UserRejectedRequestError } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeError, errorCode, toJson } from './view.ts';

describe('errors in words', () => {
  it('gives viem’s short message, the wallet’s reason and the EIP-1193 code', () => {
    const fromWallet = Object.assign(new Error('Okto is locked: log in first.'), { code: 4100 });
    const error = new UnauthorizedProviderError(fromWallet);
    expect(errorCode(error)).toBe(4100);
    expect(describeError(error)).toBe(
      'The requested method and/or account has not been authorized by the user. Okto is locked: log in first. (code 4100)',
    );
  });

  it('says a reason once when viem and the wallet say the same', () => {
    const fromWallet = Object.assign(new Error('The user rejected the request.'), { code: 4001 });
    expect(describeError(new UserRejectedRequestError(fromWallet))).toBe(
      'The user rejected the request. (code 4001)',
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
