// Wallet spec §5: what an order of `GET /orders` says about an intent, and when to ask again.

/** One item of `GET /api/oc/v1/orders`, camelCased. */
export type Order = {
  /** The jobId `/execute` returned. */
  intentId: string;
  intentType: string;
  status: string;
  /** Okto-chain hashes. */
  transactionHash: string[];
  /** Target-chain hashes, possibly filled before `SUCCESSFUL`. */
  downstreamTransactionHash: string[];
  /** Okto's chain, not the target chain (that one is in `details`). */
  networkName: string;
  caipId: string;
  /** The intent echoed in camelCase; kept as Okto sent it. */
  details: Record<string, unknown>;
  /** `""` unless it failed. */
  reason: string;
  /** Seconds or milliseconds: read it with {@link orderTimestampMs}. */
  blockTimestamp: number;
};

/** The statuses after which an order never changes (the union of Okto's SDKs and docs). */
export const TERMINAL_ORDER_STATUSES = [
  'SUCCESSFUL',
  'FAILED_ON_CHAIN',
  'BUNDLER_DISCARDED',
  'EXPIRED',
  'FAILED',
  'REJECTED',
] as const;

/** Whether the order will not change any more. */
export function isTerminalOrderStatus(status: string): boolean {
  return (TERMINAL_ORDER_STATUSES as readonly string[]).includes(status);
}

/** `succeeded` (confirmed on the target chain), `failed` (any other terminal status) or `pending` (any other value). */
export type OrderOutcome = 'succeeded' | 'failed' | 'pending';

/** The outcome of an order's status; unknown statuses are pending, so a new one never ends a wait early. */
export function orderOutcome(status: string): OrderOutcome {
  if (status === 'SUCCESSFUL') return 'succeeded';
  return isTerminalOrderStatus(status) ? 'failed' : 'pending';
}

/**
 * `block_timestamp` in milliseconds: Okto's samples mix units, so a value above 10¹¹ (March 1973 in
 * ms, year 5138 in s) is read as milliseconds, anything else as seconds.
 */
export function orderTimestampMs(blockTimestamp: number): number {
  return blockTimestamp > 1e11 ? blockTimestamp : blockTimestamp * 1000;
}

/** What the wallet needs from an order. */
export type OrderState = {
  outcome: OrderOutcome;
  terminal: boolean;
  status: string;
  /** `downstream_transaction_hash[0]`: what `eth_sendTransaction` resolves with as soon as it exists. */
  targetTransactionHash?: string;
  reason: string;
  /** The target chain, `details.caip2Id ?? details.networkId`. */
  caip2Id?: string;
  timestampMs: number;
};

/** Reads an order as the wallet acts on it (§5). */
export function classifyOrder(order: Order): OrderState {
  const chain = order.details.caip2Id ?? order.details.networkId;
  const hash = order.downstreamTransactionHash[0];
  return {
    outcome: orderOutcome(order.status),
    terminal: isTerminalOrderStatus(order.status),
    status: order.status,
    ...(hash ? { targetTransactionHash: hash } : {}),
    reason: order.reason,
    ...(typeof chain === 'string' ? { caip2Id: chain } : {}),
    timestampMs: orderTimestampMs(order.blockTimestamp),
  };
}

/** Waits between polls of `/orders`, in ms: 1, 2, 4, 8 s, then 15 s for ever. */
export const ORDER_POLL_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000] as const;
/** How long after `/execute` the wallet keeps polling: 10 minutes. */
export const ORDER_POLL_TIMEOUT_MS = 10 * 60 * 1000;

export type NextOrderPollParameters = {
  /** How many polls were made already (0 before the first). */
  attempt: number;
  /** When `/execute` answered, ms since the epoch. */
  executedAt: number;
  /** Now, ms since the epoch. */
  now: number;
};

/**
 * How long to wait before the next poll, or `undefined` to give up: the job then stays pending in the
 * activity list. A failed poll counts as an attempt and just waits for the next. The last wait is
 * shortened so that one poll lands exactly at the 10-minute mark.
 * @example nextOrderPollDelay({ attempt: 0, executedAt: t, now: t }) // 1000
 */
export function nextOrderPollDelay({
  attempt,
  executedAt,
  now,
}: NextOrderPollParameters): number | undefined {
  const left = executedAt + ORDER_POLL_TIMEOUT_MS - now;
  if (left <= 0) return undefined;
  const delay =
    ORDER_POLL_DELAYS_MS[Math.min(Math.max(0, Math.floor(attempt)), ORDER_POLL_DELAYS_MS.length - 1)];
  return Math.min(delay, left);
}
