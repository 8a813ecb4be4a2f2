import {
  type Address,
  BaseError,
  decodeEventLog,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hash,
  type Hex,
  parseAbi,
  parseAbiItem,
  type TransactionReceipt,
} from 'viem';
import type { IntentCall } from '../../okto/index.ts';
import type { ActivityLog } from '../activity.ts';
import type { LocalChain } from '../chains/localChain.ts';
import type { LocalChains } from '../chains/localChains.ts';
import { transferKey } from '../chains/transfers.ts';
import type { EmulatorClock } from '../clock.ts';
import type { EmulatorOrder, OrderBook, OrderPatch } from './orderBook.ts';

// What happens to an accepted order (shared/okto-wallet-protocol.md §7.1): IN_PROGRESS with the
// userOpHash standing in for Okto's chain, then each call sent on the target anvil from the user's
// wallet (impersonated, gas price 0), in order, each hash recorded as it is sent; SUCCESSFUL when every
// receipt succeeded, FAILED_ON_CHAIN at the first revert (later calls are not sent), FAILED when the
// node refuses a transaction or a token/NFT target has no code. Orders run concurrently; only the sends
// are serialised per chain (LocalChain.exclusive), so anvil picks every nonce alone.

/** The statuses `POST /__emulator/orders/fail-next` can force (§7.5). */
export const FORCED_STATUSES = ['BUNDLER_DISCARDED', 'EXPIRED', 'FAILED'] as const;
export type ForcedStatus = (typeof FORCED_STATUSES)[number];

/** One transaction an order sends on the target chain. */
export type ChainCall = {
  to: Address;
  data: Hex;
  value: bigint;
  /** A token or NFT contract that must have code, else the order fails without sending. */
  contract?: Address;
};

const erc721 = parseAbi(['function safeTransferFrom(address from, address to, uint256 tokenId)']);
const erc1155 = parseAbi([
  'function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)',
]);
const TRANSFER_EVENT = parseAbiItem(
  'event Transfer(address indexed from, address indexed to, uint256 value)',
);

/** The transactions an intent makes, from `wallet`, in order (§7.1). Inputs passed check #10. */
export function planChainCalls(call: IntentCall, wallet: Address): ChainCall[] {
  const address = (text: string) => getAddress(text.toLowerCase());
  switch (call.intent) {
    case 'TOKEN_TRANSFER': {
      const { recipientWalletAddress, tokenAddress, amount } = call.params;
      const to = address(recipientWalletAddress);
      if (tokenAddress === '') return [{ to, data: '0x', value: amount }];
      const token = address(tokenAddress);
      return [
        {
          to: token,
          data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }),
          value: 0n,
          contract: token,
        },
      ];
    }
    case 'NFT_TRANSFER': {
      const { recipientWalletAddress, collectionAddress, nftId, nftType, amount } = call.params;
      const to = address(recipientWalletAddress);
      const collection = address(collectionAddress);
      const data =
        nftType === 'ERC721'
          ? encodeFunctionData({
              abi: erc721,
              functionName: 'safeTransferFrom',
              args: [wallet, to, BigInt(nftId)],
            })
          : encodeFunctionData({
              abi: erc1155,
              functionName: 'safeTransferFrom',
              args: [wallet, to, BigInt(nftId), amount, '0x'],
            });
      return [{ to: collection, data, value: 0n, contract: collection }];
    }
    case 'RAW_TRANSACTION':
      return call.params.transactions.map((tx) => ({
        to: address(tx.to),
        data: tx.data.toLowerCase() as Hex,
        value: BigInt(tx.value),
      }));
  }
}

export type OrderRunner = {
  /** Starts carrying out an order just created as INITIATED; returns at once. */
  start(order: EmulatorOrder, call: IntentCall): void;
  /** The next order started goes INITIATED → IN_PROGRESS → `status`, no hashes, chain untouched. */
  failNext(status: ForcedStatus): void;
};

export type CreateOrderRunnerParameters = {
  chains?: LocalChains;
  orders: OrderBook;
  activity: ActivityLog;
  clock: EmulatorClock;
  /** Unexpected failures (a chain that stopped answering), one line each. */
  log: (line: string) => void;
};

/** The runner of the emulator's orders. */
export function createOrderRunner({
  chains,
  orders,
  activity,
  clock,
  log,
}: CreateOrderRunnerParameters): OrderRunner {
  let forcedNext: ForcedStatus | undefined;
  const update = (order: EmulatorOrder, patch: OrderPatch) => orders.update(order, patch, clock.nowMs());

  async function run(order: EmulatorOrder, call: IntentCall, forced: ForcedStatus | undefined) {
    // After the /execute answer has gone out: the order was created synchronously, as INITIATED.
    await new Promise((resolve) => setImmediate(resolve));
    if (forced) {
      update(order, { status: 'IN_PROGRESS' });
      update(order, { status: forced, reason: 'forced by test' });
      return;
    }
    update(order, { status: 'IN_PROGRESS', transactionHash: [order.userOpHash] });
    const chain = chains?.find(order.caip2Id);
    if (!chain) {
      update(order, {
        status: 'FAILED',
        reason: `no local chain for ${order.caip2Id}: the emulator runs without chains`,
      });
      return;
    }
    for (const planned of planChainCalls(call, order.wallet)) {
      if (planned.contract) {
        const code = await chain.client.getCode({ address: planned.contract });
        if (!code || code === '0x') {
          update(order, { status: 'FAILED', reason: `no contract at ${planned.contract}` });
          return;
        }
      }
      let hash: Hash;
      try {
        hash = await chain.exclusive(() =>
          chain.sendAs({ from: order.wallet, to: planned.to, data: planned.data, value: planned.value }),
        );
      } catch (error) {
        update(order, { status: 'FAILED', reason: nodeMessage(error) });
        return;
      }
      update(order, { downstreamHash: hash });
      const receipt = await chain.waitForReceipt(hash);
      if (receipt.status !== 'success') {
        update(order, { status: 'FAILED_ON_CHAIN', reason: 'execution reverted' });
        return;
      }
      await recordWithdrawals(chain, order.wallet, planned, receipt);
    }
    update(order, { status: 'SUCCESSFUL' });
  }

  /** WITHDRAWALs of the value and the listed tokens a mined transaction took from the wallet (§7.5). */
  async function recordWithdrawals(
    chain: LocalChain,
    wallet: Address,
    planned: ChainCall,
    receipt: TransactionReceipt,
  ) {
    const block = await chain.client.getBlock({ blockNumber: receipt.blockNumber });
    const caipId = chain.network.caipId;
    const common = {
      address: wallet,
      transferType: 'WITHDRAWAL',
      caipId,
      txHash: receipt.transactionHash,
      timestamp: Number(block.timestamp),
    } as const;
    if (planned.value > 0n)
      activity.record({
        ...common,
        key: `withdrawal:${transferKey({ caipId, txHash: receipt.transactionHash, logIndex: null })}`,
        token: '',
        amount: planned.value,
      });
    const tokens = new Set(chain.tokens.map((token) => token.address.toLowerCase()));
    for (const entry of receipt.logs) {
      if (!tokens.has(entry.address.toLowerCase())) continue;
      let args: { from: Address; to: Address; value: bigint };
      try {
        ({ args } = decodeEventLog({ abi: [TRANSFER_EVENT], data: entry.data, topics: entry.topics }));
      } catch {
        continue;
      }
      if (args.from.toLowerCase() !== wallet.toLowerCase()) continue;
      activity.record({
        ...common,
        key: `withdrawal:${transferKey({ caipId, txHash: receipt.transactionHash, logIndex: entry.logIndex })}`,
        token: getAddress(entry.address),
        amount: args.value,
      });
    }
  }

  return {
    start(order, call) {
      const forced = forcedNext;
      forcedNext = undefined;
      void run(order, call, forced).catch((error: unknown) => {
        const why = nodeMessage(error);
        log(`[okto-emulator] order ${order.intentId} failed unexpectedly: ${why}`);
        update(order, { status: 'FAILED', reason: why });
      });
    },
    failNext(status) {
      forcedNext = status;
    },
  };
}

/** The node's own words for a refused request (viem keeps them as `details`), else the error's message. */
function nodeMessage(error: unknown): string {
  if (error instanceof BaseError) return error.details || error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
