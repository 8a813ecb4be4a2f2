import { describe, expect, it } from 'vitest';
import { InvalidParamsError } from './errors.ts';
import {
  validateIntent,
  validateNftTransfer,
  validateRawTransaction,
  validateTokenTransfer,
} from './intentValidation.ts';
import { TEST_USER_SWA } from './testing/vectors.ts';

const userSWA = TEST_USER_SWA;
const recipient = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const transfer = { caip2Id: 'eip155:84532', recipient, token: '', amount: 1000000000000n };
const nft = {
  caip2Id: 'eip155:84532',
  collectionAddress: '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea',
  nftId: '7',
  recipientWalletAddress: '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6',
  nftType: 'ERC721',
};
const from = '0xA8c1021b6322e5fF8e059295fa027A1380789037';

function field(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParamsError);
    return (error as InvalidParamsError).field;
  }
  throw new Error('accepted');
}

describe('TOKEN_TRANSFER validation (wallet spec §3.8)', () => {
  it('returns the job parameters, addresses EIP-55', () => {
    expect(
      validateTokenTransfer(
        {
          ...transfer,
          recipient: recipient.toLowerCase(),
          token: '0x036cbd53842c5426634e7929541ec2318f3dcf7e',
          amount: '5',
        },
        { userSWA },
      ),
    ).toEqual({
      caip2Id: 'eip155:84532',
      recipientWalletAddress: recipient,
      tokenAddress: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
      amount: 5n,
    });
  });

  it('takes exactly caip2Id, recipient, token and amount', () => {
    expect(field(() => validateTokenTransfer({ ...transfer, memo: 'x' }, { userSWA }))).toBe('memo');
    const { token: _, ...noToken } = transfer;
    expect(field(() => validateTokenTransfer(noToken, { userSWA }))).toBe('token');
  });

  it('refuses each broken rule, naming the field', () => {
    const check = (bad: object) => field(() => validateTokenTransfer({ ...transfer, ...bad }, { userSWA }));
    expect(check({ caip2Id: '' })).toBe('caip2Id');
    expect(check({ caip2Id: ' eip155:84532' })).toBe('caip2Id');
    expect(check({ recipient: 'alice.eth' })).toBe('recipient');
    expect(check({ recipient: '0x1234' })).toBe('recipient');
    expect(check({ recipient: userSWA.toLowerCase() })).toBe('recipient');
    expect(check({ token: 'USDC' })).toBe('token');
    expect(check({ amount: 0 })).toBe('amount');
    expect(check({ amount: 1.5 })).toBe('amount');
    expect(check({ amount: -1n })).toBe('amount');
  });

  it('lets non-EVM chains keep their own address forms', () => {
    expect(
      validateTokenTransfer(
        { ...transfer, caip2Id: 'aptos:1', recipient: '0xabc', token: 'APT' },
        { userSWA },
      ),
    ).toMatchObject({
      recipientWalletAddress: '0xabc',
      tokenAddress: 'APT',
    });
  });
});

describe('NFT_TRANSFER validation', () => {
  it('defaults amount to 1', () => {
    expect(validateNftTransfer(nft, { userSWA })).toEqual({ ...nft, amount: 1n });
  });

  it('refuses each broken rule, naming the field', () => {
    const check = (bad: object) => field(() => validateNftTransfer({ ...nft, ...bad }, { userSWA }));
    expect(check({ collectionAddress: '0425e3ea77Cf478E7660A956C4127F0898e5a8Ea' })).toBe(
      'collectionAddress',
    );
    expect(check({ nftId: '' })).toBe('nftId');
    expect(check({ nftId: 'seven' })).toBe('nftId');
    expect(check({ recipientWalletAddress: '' })).toBe('recipientWalletAddress');
    expect(check({ recipientWalletAddress: userSWA })).toBe('recipientWalletAddress');
    expect(check({ nftType: 'ERC20' })).toBe('nftType');
    expect(check({ amount: 2 })).toBe('amount');
    expect(check({ amount: 0, nftType: 'ERC1155' })).toBe('amount');
  });

  it('takes ERC1155 amounts and hex ids', () => {
    expect(
      validateNftTransfer({ ...nft, nftType: 'ERC1155', nftId: '0x1f', amount: 3 }, { userSWA }),
    ).toMatchObject({
      nftId: '0x1f',
      amount: 3n,
    });
  });
});

describe('RAW_TRANSACTION validation', () => {
  it('writes calls as the wire does', () => {
    expect(
      validateRawTransaction({
        caip2Id: 'eip155:84532',
        transaction: { from: from.toLowerCase(), to: recipient, value: 1000000000000n },
      }),
    ).toEqual({
      caip2Id: 'eip155:84532',
      transactions: [{ from, to: recipient, data: '0x', value: '0xe8d4a51000' }],
    });
  });

  it('takes a batch of several calls, in order', () => {
    const { transactions } = validateRawTransaction({
      caip2Id: 'eip155:84532',
      transactions: [
        { from, to: recipient, data: '0xA9059CBB' },
        { from, to: recipient, value: '0x1' },
      ],
    });
    expect(transactions.map((tx) => [tx.data, tx.value])).toEqual([
      ['0xa9059cbb', '0x0'],
      ['0x', '0x1'],
    ]);
  });

  it('refuses each broken rule, naming the field', () => {
    const tx = { from, to: recipient, value: 1 };
    const check = (input: object) => field(() => validateRawTransaction(input));
    expect(check({ caip2Id: 'solana:1', transaction: tx })).toBe('caip2Id');
    expect(check({ caip2Id: 'eip155:1', transactions: [] })).toBe('transactions');
    expect(check({ caip2Id: 'eip155:1', transaction: { from, to: recipient } })).toBe('transaction');
    expect(check({ caip2Id: 'eip155:1', transaction: { ...tx, gas: '0x5208' } })).toBe('transaction.gas');
    expect(check({ caip2Id: 'eip155:1', transaction: { ...tx, nonce: 1 } })).toBe('transaction.nonce');
    expect(check({ caip2Id: 'eip155:1', transaction: { ...tx, chainId: 1 } })).toBe('transaction.chainId');
    expect(check({ caip2Id: 'eip155:1', transactions: [tx, { ...tx, data: 'abcd' }] })).toBe(
      'transactions[1].data',
    );
    expect(check({ caip2Id: 'eip155:1', transaction: { ...tx, value: -1 } })).toBe('transaction.value');
    expect(check({ caip2Id: 'eip155:1', transaction: { ...tx, to: '0x12' } })).toBe('transaction.to');
  });
});

describe('validateIntent', () => {
  it('dispatches on the intent type', () => {
    expect(validateIntent({ intent: 'TOKEN_TRANSFER', input: transfer, userSWA })).toEqual({
      intent: 'TOKEN_TRANSFER',
      params: {
        caip2Id: 'eip155:84532',
        recipientWalletAddress: recipient,
        tokenAddress: '',
        amount: 1000000000000n,
      },
    });
    expect(validateIntent({ intent: 'NFT_TRANSFER', input: nft, userSWA }).intent).toBe('NFT_TRANSFER');
    expect(field(() => validateIntent({ intent: 'NFT_MINT', input: {} } as never))).toBe('intent');
  });
});
