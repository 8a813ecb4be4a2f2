import { createSiweMessage } from 'viem/siwe';
import { describe, expect, it } from 'vitest';
import { parseSiwe, type SiweContext, siweWarnings } from './siwe.ts';

const ACCOUNT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const base = {
  address: ACCOUNT,
  chainId: 84532,
  domain: 'app.example.com',
  nonce: 'abcdef1234',
  uri: 'https://app.example.com/login',
  version: '1',
  issuedAt: new Date('2026-11-22T10:00:00Z'),
} as const;
const context: SiweContext = {
  origin: 'https://app.example.com',
  account: ACCOUNT,
  chainId: 84532,
  chainLabel: 'Base Sepolia',
  now: Date.parse('2026-11-22T10:01:00Z'),
};

const parsed = (text: string) => {
  const result = parseSiwe(text);
  if (result.kind !== 'siwe') throw new Error(`not parsed: ${JSON.stringify(result)}`);
  return result.fields;
};

describe('parseSiwe', () => {
  it('reads every field of a message made by viem, with and without a statement', () => {
    const fields = parsed(
      createSiweMessage({
        ...base,
        statement: 'Sign in to Example.',
        expirationTime: new Date('2026-11-22T11:00:00Z'),
        notBefore: new Date('2026-11-22T09:00:00Z'),
        requestId: 'req-1',
        resources: ['https://app.example.com/terms', 'ipfs://bafy'],
      }),
    );
    expect(fields).toEqual({
      domain: 'app.example.com',
      address: ACCOUNT,
      statement: 'Sign in to Example.',
      uri: 'https://app.example.com/login',
      version: '1',
      chainId: 84532,
      nonce: 'abcdef1234',
      issuedAt: '2026-11-22T10:00:00.000Z',
      expirationTime: '2026-11-22T11:00:00.000Z',
      notBefore: '2026-11-22T09:00:00.000Z',
      requestId: 'req-1',
      resources: ['https://app.example.com/terms', 'ipfs://bafy'],
    });
    expect(parsed(createSiweMessage(base))).not.toHaveProperty('statement');
  });

  it('reads the scheme and the EIP grammar’s form without a statement (two blank lines)', () => {
    const text = `https://app.example.com wants you to sign in with your Ethereum account:\n${ACCOUNT}\n\n\nURI: https://app.example.com\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-11-22T10:00:00Z`;
    expect(parsed(text)).toMatchObject({ scheme: 'https', domain: 'app.example.com', chainId: 1 });
  });

  it('says a message is not a sign-in message', () => {
    expect(parseSiwe('hello okto')).toEqual({ kind: 'none' });
  });

  it('reports a message that claims to be a sign-in but does not follow EIP-4361', () => {
    const good = createSiweMessage(base);
    const cases: [string, RegExp][] = [
      [`Welcome!\n${good}`, /not the first line/],
      [good.replace('Version: 1', 'Version: 2'), /version/],
      [good.replace('Nonce: abcdef1234', 'Nonce: abc'), /nonce/],
      [good.replace(/Issued At: .*/, 'Issued At: yesterday'), /issue time/],
      [`${good}\nChain ID: 1`, /Line \d+ is not part/],
      [good.replace(ACCOUNT, 'me'), /not an address/],
      [good.replace('\nURI:', '\nVersion: 1\nURI:'), /statement|URI/],
    ];
    for (const [text, problem] of cases)
      expect(parseSiwe(text), text).toEqual({ kind: 'malformed', problem: expect.stringMatching(problem) });
  });
});

describe('siweWarnings', () => {
  it('has nothing to say when the site, account and chain are the message’s', () => {
    expect(siweWarnings(parsed(createSiweMessage(base)), context)).toEqual([]);
  });

  it('warns loudly when another site asks for this domain’s sign-in', () => {
    const warnings = siweWarnings(parsed(createSiweMessage(base)), {
      ...context,
      origin: 'https://evil.example',
    });
    expect(warnings).toEqual([
      {
        level: 'danger',
        text: expect.stringMatching(/^This sign-in is for app\.example\.com, but evil\.example is asking/),
      },
    ]);
  });

  it('compares the port too, and sees through a user part before @', () => {
    const local = parsed(
      createSiweMessage({ ...base, domain: '127.0.0.1:5000', uri: 'http://127.0.0.1:5000' }),
    );
    expect(siweWarnings(local, { ...context, origin: 'http://127.0.0.1:5000' })).toEqual([]);
    expect(siweWarnings(local, { ...context, origin: 'http://127.0.0.1:6000' })[0]?.level).toBe('danger');
    const text = createSiweMessage(base).replace(
      'app.example.com wants',
      'app.example.com@evil.example wants',
    );
    const texts = siweWarnings(parsed(text), context).map((w) => w.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/hides a user part/),
        expect.stringMatching(/is for evil\.example/),
      ]),
    );
  });

  it('warns loudly when the address or the chain is not the account’s', () => {
    const other = parsed(
      createSiweMessage({ ...base, address: '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6', chainId: 1 }),
    );
    expect(siweWarnings(other, context)).toEqual([
      { level: 'danger', text: expect.stringMatching(/not your account/) },
      { level: 'danger', text: 'It is for chain 1, but you are on Base Sepolia (chain 84532).' },
    ]);
  });

  it('cautions about an expired message and a URI on another host', () => {
    const fields = parsed(
      createSiweMessage({
        ...base,
        uri: 'https://other.example/x',
        expirationTime: new Date('2026-11-22T10:00:30Z'),
      }),
    );
    expect(siweWarnings(fields, context).map((w) => w.level)).toEqual(['caution', 'caution']);
  });
});
