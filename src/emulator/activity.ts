import { type Address, formatUnits } from 'viem';
import type { Catalog } from './catalog.ts';
import { type TransferFeed, transferKey } from './chains/transfers.ts';
import { uuidV3 } from './uuid.ts';

// The activity feed of `/portfolio/activity` (§2, §7.5): one entry per value that reached (DEPOSIT) or
// left (WITHDRAWAL) a wallet. Append-only and keyed, so the faucet, the chain scan and, later, the order
// runner can each record what they saw and a transfer seen twice stays one entry.

/** One movement of value for one wallet. */
export type ActivityRecord = {
  /** Unique per movement, e.g. `transferKey(...)`; a second record with the same key is ignored. */
  key: string;
  /** The wallet whose feed shows it. */
  address: Address;
  transferType: 'DEPOSIT' | 'WITHDRAWAL';
  caipId: string;
  /** `''` for the native currency. */
  token: Address | '';
  /** Smallest unit. */
  amount: bigint;
  /** Target-chain hash; `''` when no transaction carried it (the native faucet sets a balance). */
  txHash: string;
  /** Unix seconds. */
  timestamp: number;
};

export type ActivityLog = {
  /** Appends a record; false if its key was recorded before. */
  record(entry: ActivityRecord): boolean;
  /** A wallet's records, newest first, one page (1-based). */
  list(address: Address, page: { page: number; size: number }): { count: number; records: ActivityRecord[] };
  /** Calls `listener` on every new record; returns the unsubscribe function. */
  subscribe(listener: (entry: ActivityRecord) => void): () => void;
};

/** An in-memory {@link ActivityLog}. */
export function createActivityLog(): ActivityLog {
  const keys = new Set<string>();
  const byAddress = new Map<string, ActivityRecord[]>();
  const listeners = new Set<(entry: ActivityRecord) => void>();
  return {
    record(entry) {
      if (keys.has(entry.key)) return false;
      keys.add(entry.key);
      const address = entry.address.toLowerCase();
      const list = byAddress.get(address) ?? [];
      list.push(entry);
      byAddress.set(address, list);
      for (const listener of listeners) listener(entry);
      return true;
    },
    list(address, { page, size }) {
      const all = [...(byAddress.get(address.toLowerCase()) ?? [])]
        .map((entry, i) => ({ entry, i }))
        .sort((a, b) => b.entry.timestamp - a.entry.timestamp || b.i - a.i)
        .map(({ entry }) => entry);
      return { count: all.length, records: all.slice((page - 1) * size, page * size) };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** An amount in human units with exactly 18 fraction digits, as Okto's activity sends it. */
export function formatActivityAmount(amount: bigint, decimals: number): string {
  const [whole, fraction = ''] = formatUnits(amount, decimals).split('.');
  return `${whole}.${fraction.padEnd(18, '0').slice(0, 18)}`;
}

/** One `/portfolio/activity` item (§2) for a record; undefined when the catalog does not list its token. */
export function activityItem(entry: ActivityRecord, catalog: Catalog) {
  const token = catalog.findToken(entry.caipId, entry.token);
  const network = catalog.findNetwork(entry.caipId);
  if (!token || !network) return undefined;
  const amount = formatActivityAmount(entry.amount, token.decimals);
  const human = formatUnits(entry.amount, token.decimals);
  return {
    symbol: token.symbol,
    image: '',
    name: token.name,
    short_name: token.symbol,
    id: uuidV3(`activity:${entry.key}`),
    group_id: token.groupId,
    description:
      entry.transferType === 'DEPOSIT'
        ? `Received ${human} ${token.symbol}`
        : `Sent ${human} ${token.symbol}`,
    quantity: amount,
    amount,
    order_type: 'EXTERNAL_TRANSFER',
    transfer_type: entry.transferType,
    status: true,
    created_at: entry.timestamp,
    updated_at: entry.timestamp,
    timestamp: entry.timestamp,
    tx_hash: entry.txHash,
    network_id: network.networkId,
    network_name: network.networkName,
    network_explorer_url: '',
    network_symbol: network.native.symbol,
    caip_id: network.caipId,
  };
}

/**
 * Records every transfer the feed sees as a DEPOSIT of its recipient, whoever sent it. Returns the
 * unsubscribe function.
 */
export function recordDeposits(feed: TransferFeed, activity: ActivityLog): () => void {
  return feed.subscribe((transfer) => {
    activity.record({
      key: transferKey(transfer),
      address: transfer.to,
      transferType: 'DEPOSIT',
      caipId: transfer.caipId,
      token: transfer.token,
      amount: transfer.amount,
      txHash: transfer.txHash,
      timestamp: transfer.timestamp,
    });
  });
}
