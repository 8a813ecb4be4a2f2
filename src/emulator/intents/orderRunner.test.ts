import { decodeFunctionData, erc20Abi, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { planChainCalls } from './orderRunner.ts';

const WALLET = '0xA8c1021b6322e5fF8e059295fa027A1380789037';
const TO = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const TOKEN = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';

describe('the transactions an intent makes (wallet spec §7.1)', () => {
  it('TOKEN_TRANSFER: native value to the recipient, or the token’s transfer(recipient, amount)', () => {
    expect(
      planChainCalls(
        {
          intent: 'TOKEN_TRANSFER',
          params: {
            caip2Id: 'eip155:1',
            recipientWalletAddress: TO.toLowerCase(),
            tokenAddress: '',
            amount: 5n,
          },
        },
        WALLET,
      ),
    ).toEqual([{ to: TO, data: '0x', value: 5n }]);
    const [call] = planChainCalls(
      {
        intent: 'TOKEN_TRANSFER',
        params: {
          caip2Id: 'eip155:1',
          recipientWalletAddress: TO,
          tokenAddress: TOKEN.toLowerCase(),
          amount: 5n,
        },
      },
      WALLET,
    );
    expect(call).toMatchObject({ to: TOKEN, value: 0n, contract: TOKEN });
    expect(decodeFunctionData({ abi: erc20Abi, data: call.data })).toEqual({
      functionName: 'transfer',
      args: [TO, 5n],
    });
  });

  it('NFT_TRANSFER: safeTransferFrom(from, to, id) for ERC721, with amount and empty data for ERC1155', () => {
    const abi = parseAbi([
      'function safeTransferFrom(address from, address to, uint256 tokenId)',
      'function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)',
    ]);
    const nft = (nftType: string, amount: bigint) =>
      planChainCalls(
        {
          intent: 'NFT_TRANSFER',
          params: {
            caip2Id: 'eip155:1',
            nftId: '0x10',
            recipientWalletAddress: TO,
            collectionAddress: TOKEN,
            nftType,
            amount,
          },
        },
        WALLET,
      )[0];
    expect(decodeFunctionData({ abi, data: nft('ERC721', 1n).data }).args).toEqual([WALLET, TO, 16n]);
    expect(decodeFunctionData({ abi, data: nft('ERC1155', 3n).data }).args).toEqual([
      WALLET,
      TO,
      16n,
      3n,
      '0x',
    ]);
    expect(nft('ERC721', 1n).contract).toBe(TOKEN);
  });

  it('RAW_TRANSACTION: each element in order, value read from hex', () => {
    expect(
      planChainCalls(
        {
          intent: 'RAW_TRANSACTION',
          params: {
            caip2Id: 'eip155:1',
            transactions: [
              { from: WALLET, to: TO, data: '0xABCD', value: '0xff' },
              { from: WALLET, to: TOKEN, data: '0x', value: '0x0' },
            ],
          },
        },
        WALLET,
      ),
    ).toEqual([
      { to: TO, data: '0xabcd', value: 255n },
      { to: TOKEN, data: '0x', value: 0n },
    ]);
  });
});
