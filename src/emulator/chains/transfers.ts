import { type Address, getAddress, type Hash, parseAbiItem } from 'viem';
import type { LocalChain } from './localChain.ts';

// Value that arrived on a chain, read back from its blocks: native transfers (top-level transactions
// carrying value that did not revert) and ERC-20 Transfer events of the emulator's tokens. The activity
// feed turns them into DEPOSITs, whoever sent them (a dApp over rpc_url, another user's order, a test).
// Value moved by contract internals (a contract sending ETH) is not seen: that needs tracing.

/** One transfer seen on a chain. */
export type ChainTransfer = {
  caipId: string;
  txHash: Hash;
  /** The Transfer log's index for a token; null for native value. */
  logIndex: number | null;
  from: Address;
  to: Address;
  /** `''` for the native currency, else the token contract. */
  token: Address | '';
  /** Smallest unit. */
  amount: bigint;
  blockNumber: bigint;
  /** Unix seconds of the block. */
  timestamp: number;
};

const TRANSFER_EVENT = parseAbiItem(
  'event Transfer(address indexed from, address indexed to, uint256 value)',
);

/** A stable key per transfer, so that a transfer recorded twice (faucet and scan) is one entry. */
export function transferKey(t: { caipId: string; txHash: string; logIndex: number | null }): string {
  return `${t.caipId}:${t.txHash.toLowerCase()}:${t.logIndex ?? 'native'}`;
}

/** Reads the transfers in blocks `fromBlock`…`toBlock` (inclusive) of one chain. */
export async function readTransfers(
  chain: LocalChain,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<ChainTransfer[]> {
  if (toBlock < fromBlock) return [];
  const { client, network } = chain;
  const timestamps = new Map<bigint, number>();
  const transfers: ChainTransfer[] = [];
  for (let n = fromBlock; n <= toBlock; n++) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    timestamps.set(n, Number(block.timestamp));
    for (const tx of block.transactions) {
      if (tx.value === 0n || !tx.to) continue;
      const receipt = await client.getTransactionReceipt({ hash: tx.hash });
      if (receipt.status !== 'success') continue;
      transfers.push({
        caipId: network.caipId,
        txHash: tx.hash,
        logIndex: null,
        from: getAddress(tx.from),
        to: getAddress(tx.to),
        token: '',
        amount: tx.value,
        blockNumber: n,
        timestamp: Number(block.timestamp),
      });
    }
  }
  if (chain.tokens.length > 0) {
    const logs = await client.getLogs({
      address: chain.tokens.map((token) => token.address),
      event: TRANSFER_EVENT,
      fromBlock,
      toBlock,
    });
    for (const log of logs) {
      const { from, to, value } = log.args;
      if (!from || !to || value === undefined || log.blockNumber === null) continue;
      transfers.push({
        caipId: network.caipId,
        txHash: log.transactionHash as Hash,
        logIndex: log.logIndex as number,
        from: getAddress(from),
        to: getAddress(to),
        token: getAddress(log.address),
        amount: value,
        blockNumber: log.blockNumber,
        timestamp: timestamps.get(log.blockNumber) ?? 0,
      });
    }
  }
  return transfers.sort((a, b) =>
    a.blockNumber === b.blockNumber
      ? (a.logIndex ?? -1) - (b.logIndex ?? -1)
      : a.blockNumber < b.blockNumber
        ? -1
        : 1,
  );
}

/** Follows the chains' new blocks and tells subscribers about every transfer, once. */
export type TransferFeed = {
  /** Reads every block mined since the last sync and notifies subscribers; concurrent calls share one read. */
  sync(): Promise<void>;
  /** Calls `listener` for each transfer found from now on; returns the unsubscribe function. */
  subscribe(listener: (transfer: ChainTransfer) => void): () => void;
  /** Syncs every `intervalMs` until the returned function is called (for live views). */
  poll(intervalMs?: number): () => void;
};

/** A feed over `chains`, starting after each chain's current block. */
export async function createTransferFeed(chains: readonly LocalChain[]): Promise<TransferFeed> {
  const scanned = new Map<LocalChain, bigint>();
  for (const chain of chains) scanned.set(chain, await chain.client.getBlockNumber());
  const listeners = new Set<(transfer: ChainTransfer) => void>();
  let queue: Promise<void> = Promise.resolve();

  async function syncChain(chain: LocalChain): Promise<void> {
    const from = (scanned.get(chain) ?? 0n) + 1n;
    const to = await chain.client.getBlockNumber();
    if (to < from) return;
    const transfers = await readTransfers(chain, from, to);
    scanned.set(chain, to);
    for (const transfer of transfers) for (const listener of listeners) listener(transfer);
  }

  const sync = () => {
    queue = queue.catch(() => {}).then(() => Promise.all(chains.map(syncChain)).then(() => {}));
    return queue;
  };
  return {
    sync,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poll(intervalMs = 1000) {
      const timer = setInterval(() => void sync().catch(() => {}), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
