import type { Address, Hex } from 'viem';
import { environments, type IntentCall, type IntentType } from '../../okto/index.ts';

// The orders `/execute` creates (shared/okto-wallet-protocol.md §5, §7.1, §7.4): one per accepted UserOp,
// owned by the user who sent it, changed only by the order runner. In memory, like all emulator state.

/** The statuses the emulator's orders go through; the last four are terminal. */
export type OrderStatus =
  | 'INITIATED'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'FAILED_ON_CHAIN'
  | 'FAILED'
  | 'BUNDLER_DISCARDED'
  | 'EXPIRED';

/** One order, with what the emulator knows beyond the wire item (owner, wallet, history). */
export type EmulatorOrder = {
  /** The jobId: the nonce's UUID, lower-case, hyphenated. */
  intentId: string;
  intentType: IntentType;
  status: OrderStatus;
  /** Okto-chain hashes: the userOpHash once the order is in progress. */
  transactionHash: Hex[];
  /** Target-chain hashes, appended as each transaction is sent. */
  downstreamTransactionHash: Hex[];
  /** The intent echoed as §5 describes it. */
  details: Record<string, unknown>;
  /** `""` unless it failed. */
  reason: string;
  /** Emulator clock, ms: the wire `block_timestamp`. */
  createdAtMs: number;
  /** The target chain, as the intent named it. */
  caip2Id: string;
  userId: string;
  userSWA: Address;
  /** The user's `/wallets` address: the `from` of every transaction. */
  wallet: Address;
  /** The login contact (email or +E164), for the inbox page's Activity view. */
  contact: string;
  userOpHash: Hex;
  /** Every status with when it was reached (emulator clock, ms); not part of Okto's wire item. */
  history: { status: OrderStatus; atMs: number }[];
};

export type NewOrder = Omit<
  EmulatorOrder,
  'status' | 'transactionHash' | 'downstreamTransactionHash' | 'reason' | 'history'
>;

export type OrderPatch = Partial<Pick<EmulatorOrder, 'status' | 'transactionHash' | 'reason'>> & {
  /** A target-chain hash to append. */
  downstreamHash?: Hex;
};

export type OrderFilter = { intentId?: string; intentType?: string; status?: string };

export type OrderBook = {
  /** Records a new order as `INITIATED` and returns it. */
  create(order: NewOrder): EmulatorOrder;
  /** Changes an order (status, hashes, reason) at `atMs` and tells the subscribers. */
  update(order: EmulatorOrder, patch: OrderPatch, atMs: number): void;
  /** A user's orders matching `filter`, newest first, one page (1-based); `count` is all matches. */
  list(
    userId: string,
    filter: OrderFilter,
    page: { page: number; size: number },
  ): { count: number; items: EmulatorOrder[] };
  /** Every user's orders, newest first (the inbox page). */
  all(): EmulatorOrder[];
  /** Calls `listener` after every creation and change; returns the unsubscribe function. */
  subscribe(listener: (order: EmulatorOrder) => void): () => void;
};

/** An in-memory {@link OrderBook}. */
export function createOrderBook(): OrderBook {
  const orders: EmulatorOrder[] = [];
  const listeners = new Set<(order: EmulatorOrder) => void>();
  const notify = (order: EmulatorOrder) => {
    for (const listener of listeners) listener(order);
  };
  const same = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();
  return {
    create(init) {
      const order: EmulatorOrder = {
        ...init,
        status: 'INITIATED',
        transactionHash: [],
        downstreamTransactionHash: [],
        reason: '',
        history: [{ status: 'INITIATED', atMs: init.createdAtMs }],
      };
      orders.push(order);
      notify(order);
      return order;
    },
    update(order, { downstreamHash, ...patch }, atMs) {
      if (patch.status !== undefined && patch.status !== order.status)
        order.history.push({ status: patch.status, atMs });
      Object.assign(order, patch);
      if (downstreamHash !== undefined)
        order.downstreamTransactionHash = [...order.downstreamTransactionHash, downstreamHash];
      notify(order);
    },
    list(userId, filter, { page, size }) {
      const matches = orders
        .filter(
          (order) =>
            order.userId === userId &&
            same(filter.intentId, order.intentId) &&
            same(filter.intentType, order.intentType) &&
            same(filter.status, order.status),
        )
        .reverse();
      return { count: matches.length, items: matches.slice((page - 1) * size, page * size) };
    },
    all: () => [...orders].reverse(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Okto's own chain, named on every order item (the target chain is in `details`). */
export const OKTO_CHAIN = {
  networkName: 'OKTO_SANDBOX',
  caipId: `eip155:${environments.local.chainId}`,
} as const;

/** One `GET /orders` item (§2), in Okto's key order. */
export function orderItem(order: EmulatorOrder) {
  return {
    downstream_transaction_hash: [...order.downstreamTransactionHash],
    transaction_hash: [...order.transactionHash],
    status: order.status,
    intent_id: order.intentId,
    intent_type: order.intentType,
    network_name: OKTO_CHAIN.networkName,
    caip_id: OKTO_CHAIN.caipId,
    details: order.details,
    reason: order.reason,
    block_timestamp: order.createdAtMs,
  };
}

/**
 * The intent as an order's `details` echoes it (§5): camelCase, amounts as decimal strings.
 * TOKEN_TRANSFER names the chain under both `caip2Id` and `networkId` (Okto's samples use either);
 * RAW_TRANSACTION lists each call as Key/Value pairs in the order from, to, data, value.
 */
export function orderDetails(call: IntentCall): Record<string, unknown> {
  switch (call.intent) {
    case 'TOKEN_TRANSFER': {
      const { caip2Id, recipientWalletAddress, tokenAddress, amount } = call.params;
      return {
        caip2Id,
        networkId: caip2Id,
        recipientWalletAddress,
        tokenAddress,
        amount: amount.toString(),
      };
    }
    case 'NFT_TRANSFER': {
      const { caip2Id, nftId, recipientWalletAddress, collectionAddress, nftType, amount } = call.params;
      return {
        caip2Id,
        nftId,
        recipientWalletAddress,
        collectionAddress,
        nftType,
        amount: amount.toString(),
      };
    }
    case 'RAW_TRANSACTION':
      return {
        caip2Id: call.params.caip2Id,
        transactions: call.params.transactions.map(({ from, to, data, value }) => [
          { Key: 'from', Value: from },
          { Key: 'to', Value: to },
          { Key: 'data', Value: data },
          { Key: 'value', Value: value },
        ]),
      };
  }
}
