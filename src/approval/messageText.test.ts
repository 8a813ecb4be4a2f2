import { describe, expect, it } from 'vitest';
import { hiddenCharacters, looksLikeHash, messageSegments, messageWarnings } from './messageText.ts';

describe('messageText', () => {
  it('leaves ordinary text, newlines and tabs alone', () => {
    expect(messageSegments('hello\n\tokto\r\n')).toEqual([{ text: 'hello\n\tokto\r\n' }]);
    expect(messageWarnings('Sign in to Example')).toEqual([]);
  });

  it('marks characters that do not show, so that the text reads as it is signed', () => {
    const text = 'pay 1\u202E0 ETH\u200B\u0000';
    expect(messageSegments(text)).toEqual([
      { text: 'pay 1' },
      { hidden: '\u202E', codePoint: 'U+202E' },
      { text: '0 ETH' },
      { hidden: '\u200B', codePoint: 'U+200B' },
      { hidden: '\u0000', codePoint: 'U+0000' },
    ]);
    expect(hiddenCharacters(text)).toEqual(['U+202E', 'U+200B', 'U+0000']);
    expect(messageWarnings(text)).toEqual([
      { level: 'danger', text: expect.stringMatching(/do not show \(U\+202E, U\+200B, U\+0000\)/) },
    ]);
    expect(hiddenCharacters('\uFFFD lone \r')).toEqual(['U+FFFD', 'U+000D']);
  });

  it('calls a 32-byte hash, or any long hex, what it is', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    expect(looksLikeHash(hash)).toBe(true);
    expect(looksLikeHash(hash.slice(2))).toBe(true);
    expect(looksLikeHash('0xdeadbeef')).toBe(false);
    expect(messageWarnings(hash)).toEqual([
      { level: 'danger', text: expect.stringMatching(/looks like a hash/) },
    ]);
  });

  it('cautions about an empty message', () => {
    expect(messageWarnings('  ')[0]?.level).toBe('caution');
  });
});
