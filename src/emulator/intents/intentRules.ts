import { type Address, isAddressEqual, maxUint256 } from 'viem';
import type { IntentCall } from '../../okto/index.ts';

// Check #10 of /execute (shared/okto-wallet-protocol.md §7.1), which /estimate shares: what an intent's
// parameters must be for the emulator to carry it out. Each broken rule is named in `details`.

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOKEN_ID = /^(?:0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/;

/** A raw-transaction element that is not a transaction's JSON text, found while decoding. */
export type UnreadableTransaction = { index: number; why: string };

export type CheckIntentRulesParameters = {
  call: IntentCall;
  /** The user's `/wallets` address: every raw transaction must be `from` it. */
  wallet: Address;
  /** A `transactions` element that did not parse (its index and why); the call then lists those before it. */
  unreadableTransaction?: UnreadableTransaction;
};

/** The first broken rule of check #10, as its `details`, or undefined when the intent is good. */
export function checkIntentRules({
  call,
  wallet,
  unreadableTransaction,
}: CheckIntentRulesParameters): string | undefined {
  switch (call.intent) {
    case 'TOKEN_TRANSFER': {
      const { amount, recipientWalletAddress, tokenAddress } = call.params;
      if (amount <= 0n) return 'amount must be more than 0';
      if (!ADDRESS.test(recipientWalletAddress)) return 'recipientWalletAddress must be a 20-byte 0x address';
      if (tokenAddress !== '' && !ADDRESS.test(tokenAddress))
        return 'tokenAddress must be "" (the native token) or a 20-byte 0x address';
      return undefined;
    }
    case 'NFT_TRANSFER': {
      const { amount, nftType, nftId, recipientWalletAddress, collectionAddress } = call.params;
      if (nftType !== 'ERC721' && nftType !== 'ERC1155') return 'nftType must be "ERC721" or "ERC1155"';
      if (amount < 1n) return 'amount must be at least 1';
      if (nftType === 'ERC721' && amount !== 1n) return 'amount must be 1 for an ERC721';
      if (!TOKEN_ID.test(nftId) || BigInt(nftId) > maxUint256)
        return 'nftId must be a decimal or 0x-hex token id that fits in uint256';
      if (!ADDRESS.test(recipientWalletAddress)) return 'recipientWalletAddress must be a 20-byte 0x address';
      if (!ADDRESS.test(collectionAddress)) return 'collectionAddress must be a 20-byte 0x address';
      return undefined;
    }
    case 'RAW_TRANSACTION': {
      // Element by element, in order: with an unreadable one, `transactions` holds those before it.
      const { transactions } = call.params;
      const i = transactions.findIndex((tx) => !isAddressEqual(tx.from, wallet));
      if (i >= 0) return `transactions[${i}].from must be the user's wallet ${wallet}`;
      if (unreadableTransaction)
        return `transactions[${unreadableTransaction.index}] must be a JSON object with from, to, data and value (a 0x-hex string or a number): ${unreadableTransaction.why}`;
      if (transactions.length === 0) return 'transactions must hold at least one transaction';
      return undefined;
    }
  }
}
