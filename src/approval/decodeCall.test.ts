import { encodeFunctionData, erc20Abi, erc721Abi, maxUint160, maxUint256, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import type { CallSummary, ChainSummary } from '../messages/provider.ts';
import { decodeCall, describeCall } from './decodeCall.ts';

const TOKEN = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
const ALICE = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const BOB = '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6';
const NFT = '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea';

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
const call = (to: string, data: `0x${string}`, value = '0'): CallSummary =>
  ({ from: ALICE, to, value, data }) as CallSummary;
const erc1155Abi = parseAbi([
  'function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)',
  'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data)',
]);

describe('describeCall', () => {
  it('shows a plain transfer in the native token with its decimals and symbol', () => {
    const d = describeCall(call(BOB, '0x', '10000000000000000'), chain);
    expect(d.title).toBe('Send 0.01 ETH');
    expect(d.fields).toContainEqual({ label: 'To', value: BOB, mono: true });
    expect(d.warnings).toEqual([]);
  });

  it('shows an ERC-20 transfer of a listed token in its units', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [BOB, 1_500_000n] });
    const d = describeCall(call(TOKEN, data), chain);
    expect(d.title).toBe('Send 1.5 OTUSD');
    expect(d.fields).toContainEqual({ label: 'Recipient', value: BOB, mono: true });
    expect(d.fields).toContainEqual({ label: 'Amount', value: '1.5 OTUSD' });
  });

  it('shows an unlisted token’s amount in smallest units, saying so', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [BOB, 42n] });
    const d = describeCall(call(NFT, data), chain);
    expect(d.title).toBe('Send tokens');
    expect(d.fields).toContainEqual({
      label: 'Amount',
      value: expect.stringMatching(/^42 \(smallest units/),
    });
  });

  it('calls out an unlimited approve, and Permit2-sized and enormous ones too', () => {
    for (const amount of [maxUint256, maxUint160, 2n ** 100n]) {
      const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [BOB, amount] });
      const d = describeCall(call(TOKEN, data), chain);
      expect(d.title).toBe('Allow 0x8aaf…B8F6 to spend unlimited OTUSD');
      expect(d.warnings).toEqual([
        {
          level: 'danger',
          text: expect.stringMatching(/^(Unlimited approval|An enormous approval).*all your OTUSD/),
        },
      ]);
    }
  });

  it('shows a bounded approve in units without a warning, and a zero one as a revoke', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [BOB, 5_000_000n] });
    const d = describeCall(call(TOKEN, data), chain);
    expect(d.title).toBe('Allow 0x8aaf…B8F6 to spend 5 OTUSD');
    expect(d.warnings).toEqual([]);
    const zero = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [BOB, 0n] });
    expect(describeCall(call(TOKEN, zero), chain).title).toBe('Revoke 0x8aaf…B8F6’s allowance');
  });

  it('reads transferFrom as ERC-20 on a listed token and says it may be either elsewhere', () => {
    const data = encodeFunctionData({
      abi: erc20Abi,
      functionName: 'transferFrom',
      args: [ALICE, BOB, 2_000_000n],
    });
    expect(describeCall(call(TOKEN, data), chain).title).toBe('Move 2 OTUSD');
    expect(describeCall(call(NFT, data), chain).title).toBe(
      'Move token #2000000 (ERC-721) or tokens (ERC-20)',
    );
  });

  it('decodes both ERC-721 safeTransferFrom forms', () => {
    const three = encodeFunctionData({
      abi: erc721Abi,
      functionName: 'safeTransferFrom',
      args: [ALICE, BOB, 7n],
    });
    expect(decodeCall(three)).toEqual({ kind: 'erc721SafeTransferFrom', from: ALICE, to: BOB, tokenId: 7n });
    const four = encodeFunctionData({
      abi: erc721Abi,
      functionName: 'safeTransferFrom',
      args: [ALICE, BOB, 7n, '0x1234'],
    });
    expect(decodeCall(four)).toMatchObject({ kind: 'erc721SafeTransferFrom', tokenId: 7n, data: '0x1234' });
    expect(describeCall(call(NFT, four), chain).title).toBe('Send NFT #7');
  });

  it('warns that setApprovalForAll(true) hands over the whole collection; false is a revoke', () => {
    const on = encodeFunctionData({ abi: erc721Abi, functionName: 'setApprovalForAll', args: [BOB, true] });
    const d = describeCall(call(NFT, on), chain);
    expect(d.warnings).toEqual([
      { level: 'danger', text: expect.stringMatching(/control of all your items/) },
    ]);
    const off = encodeFunctionData({ abi: erc721Abi, functionName: 'setApprovalForAll', args: [BOB, false] });
    expect(describeCall(call(NFT, off), chain)).toMatchObject({
      title: 'Revoke 0x8aaf…B8F6’s access to 0x0425…a8Ea',
      warnings: [],
    });
  });

  it('decodes ERC-1155 single and batch transfers', () => {
    const one = encodeFunctionData({
      abi: erc1155Abi,
      functionName: 'safeTransferFrom',
      args: [ALICE, BOB, 3n, 10n, '0x'],
    });
    expect(describeCall(call(NFT, one), chain).title).toBe('Send 10 of item #3');
    const batch = encodeFunctionData({
      abi: erc1155Abi,
      functionName: 'safeBatchTransferFrom',
      args: [ALICE, BOB, [1n, 2n], [5n, 6n], '0x'],
    });
    const d = describeCall(call(NFT, batch), chain);
    expect(d.title).toBe('Send 2 kinds of items');
    expect(d.fields).toContainEqual({ label: 'Items', value: '#1 × 5, #2 × 6' });
  });

  it('shows any other call by its selector, with a caution', () => {
    const d = describeCall(call(NFT, '0xdeadbeef0000', '5'), chain);
    expect(d.title).toBe('Contract call');
    expect(d.fields).toContainEqual({ label: 'Function', value: '0xdeadbeef', mono: true });
    expect(d.fields).toContainEqual({ label: 'Also sends', value: '0.000000000000000005 ETH' });
    expect(d.warnings).toEqual([{ level: 'caution', text: expect.stringMatching(/cannot read this call/) }]);
    expect(decodeCall('0x1234')).toEqual({ kind: 'unknown', why: 'tooShort' });
  });

  it('does not trust a token call with extra or non-standard bytes', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [BOB, 1n] });
    expect(decodeCall(`${data}00`)).toMatchObject({
      kind: 'unknown',
      why: 'malformed',
      selector: '0xa9059cbb',
    });
    const dirty = `${data.slice(0, 10)}ff${data.slice(12)}` as `0x${string}`; // high byte of the address word
    expect(decodeCall(dirty)).toMatchObject({ kind: 'unknown', why: 'malformed' });
    expect(decodeCall('0xa9059cbb00')).toMatchObject({ kind: 'unknown', why: 'malformed' });
    expect(describeCall(call(TOKEN, `${data}00`), chain).warnings[0]?.text).toMatch(
      /not the standard encoding/,
    );
  });
});
