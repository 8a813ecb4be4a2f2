import { maxUint160, maxUint256 } from 'viem';
import { describe, expect, it } from 'vitest';
import type { ChainSummary } from '../messages/provider.ts';
import { PERMIT2_ADDRESS, type TypedDataPayload, typedDataTree, typedDataWarnings } from './typedData.ts';

const TOKEN = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
const ACCOUNT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const SPENDER = '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6';
const chain: ChainSummary = {
  caip2Id: 'eip155:84532',
  chainId: 84532,
  label: 'Base Sepolia',
  logo: '',
  sponsored: true,
  nativeSymbol: 'ETH',
  nativeDecimals: 18,
  tokens: [{ address: TOKEN, symbol: 'OTUSD', decimals: 6 }],
};
const NOW = Date.parse('2026-11-22T10:00:00Z');
const LATER = 1_900_000_000; // 2030

const mail: TypedDataPayload = {
  chain,
  account: ACCOUNT,
  primaryType: 'Mail',
  domain: { name: 'Ether Mail', version: '1', chainId: 84532, verifyingContract: SPENDER },
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallets', type: 'address[]' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person[]' },
      { name: 'contents', type: 'string' },
    ],
  },
  message: {
    from: { name: 'Cow', wallets: [ACCOUNT] },
    to: [{ name: 'Bob', wallets: [SPENDER, TOKEN] }],
    contents: 'Hello, Bob!',
  },
};

const permit = (value: unknown, extra: Partial<TypedDataPayload> = {}): TypedDataPayload => ({
  chain,
  account: ACCOUNT,
  primaryType: 'Permit',
  domain: { name: 'Okto Test USD', version: '1', chainId: 84532, verifyingContract: TOKEN },
  types: {
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  message: { owner: ACCOUNT, spender: SPENDER, value, nonce: 0, deadline: LATER },
  ...extra,
});

describe('typedDataTree', () => {
  it('shows the message as nested, typed fields', () => {
    expect(typedDataTree(mail, chain)).toEqual([
      {
        name: 'from',
        type: 'Person',
        children: [
          { name: 'name', type: 'string', value: 'Cow' },
          { name: 'wallets', type: 'address[]', children: [{ name: '0', type: 'address', value: ACCOUNT }] },
        ],
      },
      {
        name: 'to',
        type: 'Person[]',
        children: [
          {
            name: '0',
            type: 'Person',
            children: [
              { name: 'name', type: 'string', value: 'Bob' },
              {
                name: 'wallets',
                type: 'address[]',
                children: [
                  { name: '0', type: 'address', value: SPENDER },
                  { name: '1', type: 'address', value: TOKEN },
                ],
              },
            ],
          },
        ],
      },
      { name: 'contents', type: 'string', value: 'Hello, Bob!' },
    ]);
  });

  it('shows the domain with its types', () => {
    expect(typedDataTree(mail, chain, 'domain').map((f) => [f.name, f.type, f.value])).toEqual([
      ['name', 'string', 'Ether Mail'],
      ['version', 'string', '1'],
      ['chainId', 'uint256', '84532'],
      ['verifyingContract', 'address', SPENDER],
    ]);
  });

  it('explains amounts of a listed token, dates, and unlimited values', () => {
    const fields = typedDataTree(permit('2500000'), chain);
    expect(fields.find((f) => f.name === 'value')).toMatchObject({ value: '2500000', hint: '2.5 OTUSD' });
    expect(fields.find((f) => f.name === 'deadline')?.hint).toMatch(/2030/);
    expect(typedDataTree(permit(maxUint256.toString()), chain).find((f) => f.name === 'value')?.hint).toBe(
      'unlimited',
    );
  });

  it('stops at a self-referencing type instead of looping', () => {
    const loop: TypedDataPayload = {
      ...mail,
      primaryType: 'Node',
      types: { Node: [{ name: 'next', type: 'Node' }] },
      message: { next: { next: {} } },
    };
    expect(JSON.stringify(typedDataTree(loop, chain))).toContain('…');
  });
});

describe('typedDataWarnings', () => {
  it('has nothing to say about a plain message on this chain', () => {
    expect(typedDataWarnings(mail, chain, NOW)).toEqual([]);
  });

  it('warns that a domain for another chain is not this network', () => {
    for (const chainId of [1, '1', '0x1'])
      expect(typedDataWarnings({ ...mail, domain: { ...mail.domain, chainId } }, chain, NOW)).toEqual([
        { level: 'danger', text: 'It is for chain 1, not Base Sepolia (chain 84532).' },
      ]);
  });

  it('says what an EIP-2612 permit lets the spender take, in the token’s units', () => {
    expect(typedDataWarnings(permit('2500000'), chain, NOW)).toEqual([
      {
        level: 'danger',
        text: expect.stringMatching(
          /^Permit \(EIP-2612\): lets 0x8aaf…B8F6 spend 2\.5 OTUSD from your wallet without another approval, until .*2030/,
        ),
      },
    ]);
  });

  it('calls out an unlimited permit', () => {
    const texts = typedDataWarnings(permit(maxUint256.toString()), chain, NOW).map((w) => w.text);
    expect(texts).toEqual([
      expect.stringMatching(/spend an unlimited amount of OTUSD/),
      expect.stringMatching(/^Unlimited amount \(value\)/),
    ]);
  });

  it('reads DAI’s permit, where allowed: true is unlimited', () => {
    const dai = permit(undefined, {
      types: {
        Permit: [
          { name: 'holder', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'nonce', type: 'uint256' },
          { name: 'expiry', type: 'uint256' },
          { name: 'allowed', type: 'bool' },
        ],
      },
      message: { holder: ACCOUNT, spender: SPENDER, nonce: 0, expiry: LATER, allowed: true },
    });
    expect(typedDataWarnings(dai, chain, NOW)[0]?.text).toMatch(/spend all your OTUSD/);
  });

  it('explains Permit2 approvals and transfers, with Permit2’s unlimited uint160', () => {
    const single: TypedDataPayload = {
      chain,
      account: ACCOUNT,
      primaryType: 'PermitSingle',
      domain: { name: 'Permit2', chainId: 84532, verifyingContract: PERMIT2_ADDRESS },
      types: {
        PermitDetails: [
          { name: 'token', type: 'address' },
          { name: 'amount', type: 'uint160' },
          { name: 'expiration', type: 'uint48' },
          { name: 'nonce', type: 'uint48' },
        ],
        PermitSingle: [
          { name: 'details', type: 'PermitDetails' },
          { name: 'spender', type: 'address' },
          { name: 'sigDeadline', type: 'uint256' },
        ],
      },
      message: {
        details: { token: TOKEN, amount: maxUint160.toString(), expiration: LATER, nonce: 0 },
        spender: SPENDER,
        sigDeadline: LATER,
      },
    };
    expect(typedDataWarnings(single, chain, NOW)).toEqual([
      {
        level: 'danger',
        text: expect.stringMatching(
          /^Uniswap Permit2: lets 0x8aaf…B8F6 move any amount of OTUSD .* until .*2030/,
        ),
      },
      { level: 'danger', text: expect.stringMatching(/^Unlimited amount \(details\.amount\)/) },
    ]);
    const transfer: TypedDataPayload = {
      ...single,
      primaryType: 'PermitTransferFrom',
      types: {
        TokenPermissions: [
          { name: 'token', type: 'address' },
          { name: 'amount', type: 'uint256' },
        ],
        PermitTransferFrom: [
          { name: 'permitted', type: 'TokenPermissions' },
          { name: 'spender', type: 'address' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      message: {
        permitted: { token: TOKEN, amount: '1000000' },
        spender: SPENDER,
        nonce: 5,
        deadline: LATER,
      },
    };
    expect(typedDataWarnings(transfer, chain, NOW)).toEqual([
      {
        level: 'danger',
        text: expect.stringMatching(/^Uniswap Permit2: lets 0x8aaf…B8F6 take 1 OTUSD from your wallet/),
      },
    ]);
  });

  it('warns about an operator approval over a whole collection', () => {
    const approval: TypedDataPayload = {
      ...mail,
      primaryType: 'SetApprovalForAll',
      types: {
        SetApprovalForAll: [
          { name: 'owner', type: 'address' },
          { name: 'operator', type: 'address' },
          { name: 'approved', type: 'bool' },
        ],
      },
      message: { owner: ACCOUNT, operator: SPENDER, approved: true },
    };
    expect(typedDataWarnings(approval, chain, NOW)).toEqual([
      { level: 'danger', text: expect.stringMatching(/gives 0x8aaf…B8F6 control of all your items/) },
    ]);
  });

  it('does not take a random salt or nonce for an unlimited amount', () => {
    const order: TypedDataPayload = {
      ...mail,
      primaryType: 'Order',
      types: {
        Order: [
          { name: 'salt', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'amount', type: 'uint256' },
        ],
      },
      message: { salt: maxUint256.toString(), nonce: maxUint256.toString(), amount: '5' },
    };
    expect(typedDataWarnings(order, chain, NOW)).toEqual([]);
  });

  it('cautions about a permit whose deadline has passed', () => {
    const late = permit('1', {
      message: { owner: ACCOUNT, spender: SPENDER, value: '1', nonce: 0, deadline: 1_700_000_000 },
    });
    expect(typedDataWarnings(late, chain, NOW).at(-1)).toEqual({
      level: 'caution',
      text: 'Its deadline has passed: it will likely be refused.',
    });
  });
});
