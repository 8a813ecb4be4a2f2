import type { Warning } from './warning.ts';

// A text message to sign, as a person should see it: every character that does not show (controls,
// zero-width and direction marks, private-use, unassigned, lone surrogates) is made visible, and text
// that looks like a hash or raw bytes is called out: signing what one cannot read may authorise
// anything (an order, a transaction, a login elsewhere).

/** Characters that do not show as themselves; `\n` and `\t` are layout, and a `\r` before `\n` too. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/gu;

/** A piece of the message: text as it is, or one hidden character to show as its code point. */
export type MessageSegment = { text: string } | { hidden: string; codePoint: string };

/** `U+202E`. */
const codePointOf = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Whether `char` at `index` of `text` is layout (newline, tab, CR of a CRLF), not hidden. */
const isLayout = (text: string, char: string, index: number) =>
  char === '\n' || char === '\t' || (char === '\r' && text[index + 1] === '\n');

/** The message cut into visible text and hidden characters, in order; joined back it is the message. */
export function messageSegments(text: string): MessageSegment[] {
  const segments: MessageSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(HIDDEN)) {
    const index = match.index ?? 0;
    if (isLayout(text, match[0], index)) continue;
    if (index > last) segments.push({ text: text.slice(last, index) });
    segments.push({ hidden: match[0], codePoint: codePointOf(match[0]) });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

/** The hidden characters of a message, by code point, each once. */
export function hiddenCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const s of messageSegments(text)) if ('hidden' in s) found.add(s.codePoint);
  return [...found];
}

/** Whether the message is a hash or raw bytes written in hex (`0x` + 64 hex digits, or any long hex). */
export function looksLikeHash(text: string): boolean {
  return /^(0x)?[0-9a-fA-F]{40,}$/.test(text.trim());
}

/** The warnings for a message's text (not its meaning: see siwe.ts for sign-in messages). */
export function messageWarnings(text: string): Warning[] {
  const warnings: Warning[] = [];
  if (text.trim() === '')
    warnings.push({ level: 'caution', text: 'The message is empty: it shows nothing you can check.' });
  if (looksLikeHash(text))
    warnings.push({
      level: 'danger',
      text: 'This looks like a hash or raw data, not words. Signing what you cannot read may authorise anything: a payment, an order, a login elsewhere. Sign it only if you know exactly what it is.',
    });
  const hidden = hiddenCharacters(text);
  if (hidden.length > 0)
    warnings.push({
      level: 'danger',
      text: `The message has characters that do not show (${hidden.slice(0, 5).join(', ')}${hidden.length > 5 ? ', …' : ''}), marked below. They can make it read differently from what is signed.`,
    });
  return warnings;
}
