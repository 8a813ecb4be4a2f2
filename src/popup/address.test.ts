import { describe, expect, it } from 'vitest';
import { checkAddressInput, recipientWarnings } from './address.ts';

const CHECKSUMMED = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

describe('checkAddressInput', () => {
  it('accepts a checksummed address and says it was checked', () => {
    expect(checkAddressInput(` ${CHECKSUMMED} `)).toEqual({
      ok: true,
      address: CHECKSUMMED,
      checksummed: true,
    });
  });

  it('accepts an all-lower or all-upper address, which carries no checksum', () => {
    expect(checkAddressInput(CHECKSUMMED.toLowerCase())).toEqual({
      ok: true,
      address: CHECKSUMMED,
      checksummed: false,
    });
    expect(checkAddressInput(`0x${CHECKSUMMED.slice(2).toUpperCase()}`)).toMatchObject({
      ok: true,
      checksummed: false,
    });
  });

  it('refuses a mixed-case address whose capitals are not its EIP-55 checksum (a typo)', () => {
    const typo = `${CHECKSUMMED.slice(0, 5)}E${CHECKSUMMED.slice(6)}`; // one letter's case flipped
    expect(typo.toLowerCase()).toBe(CHECKSUMMED.toLowerCase());
    expect(checkAddressInput(typo)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/checksum \(EIP-55\)/),
    });
  });

  it('names what is wrong with the shape', () => {
    expect(checkAddressInput('')).toMatchObject({ ok: false, error: 'Enter the recipient’s address.' });
    expect(checkAddressInput('88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2')).toMatchObject({
      error: 'An address starts with 0x.',
    });
    expect(checkAddressInput('0x88be')).toMatchObject({
      error: 'An address has 40 hex digits after 0x; this one has 4.',
    });
    expect(checkAddressInput(`${CHECKSUMMED.slice(0, -1)}g`)).toMatchObject({
      error: expect.stringMatching(/a–f/),
    });
  });
});

describe('recipientWarnings', () => {
  const tokens = [
    { address: '', symbol: 'ETH' },
    { address: '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC', symbol: 'OTUSD' },
  ];
  const base = { address: CHECKSUMMED, networkLabel: 'Base Sepolia', tokens };

  it('says nothing about an ordinary address', () => {
    expect(recipientWarnings({ ...base, facts: { isOwn: false, isContract: false } })).toEqual([]);
    expect(recipientWarnings(base)).toEqual([]);
  });

  it('warns about the user’s own wallet', () => {
    expect(recipientWarnings({ ...base, facts: { isOwn: true, isContract: false } })).toEqual([
      { level: 'caution', text: 'This is your own wallet on Base Sepolia: the funds would stay with you.' },
    ]);
  });

  it('warns loudly about a contract, and names a token’s own contract', () => {
    expect(recipientWarnings({ ...base, facts: { isOwn: false, isContract: true } })).toEqual([
      { level: 'danger', text: expect.stringMatching(/^This address is a contract on Base Sepolia/) },
    ]);
    expect(
      recipientWarnings({
        ...base,
        address: tokens[1]?.address.toLowerCase() ?? '',
        facts: { isOwn: false, isContract: true },
      }),
    ).toEqual([{ level: 'danger', text: expect.stringMatching(/^This is the OTUSD token’s own contract/) }]);
  });
});
