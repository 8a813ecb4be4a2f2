import { describe, expect, it } from 'vitest';
import { InvalidParamsError } from './errors.ts';
import { personalSignText } from './personalMessage.ts';

describe('personal_sign message → Okto signing text (wallet spec §4.5)', () => {
  it('decodes hex that is UTF-8 text, as dApps send it', () => {
    expect(personalSignText('0x68656c6c6f206f6b746f')).toBe('hello okto');
    expect(personalSignText('0xC3A9F09F9880')).toBe('é😀');
    expect(personalSignText('0x')).toBe('');
  });

  it('keeps a byte-order mark, so the signed bytes are the sent bytes', () => {
    expect(personalSignText('0xefbbbf6869')).toBe('\uFEFFhi');
  });

  it('sends other strings unchanged', () => {
    expect(personalSignText('Sign in to example.com\nNonce: 0x12')).toBe(
      'Sign in to example.com\nNonce: 0x12',
    );
    expect(personalSignText('0xhello')).toBe('0xhello');
  });

  it('refuses binary hex, such as a hash, and odd-length hex', () => {
    for (const message of [`0x${'ff'.repeat(32)}`, '0x123', '0xc3']) {
      const error = (() => {
        try {
          personalSignText(message);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidParamsError);
      expect(error).toMatchObject({ code: -32602, shortMessage: 'Okto signs text messages only' });
    }
  });

  it('refuses a message that is not a string', () => {
    expect(() => personalSignText(42)).toThrow(InvalidParamsError);
  });
});
