import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import type { UserError } from './login.ts';

// The contract between the toolbar popup and the service worker for the wallet: the overview (networks,
// balances), sending, and the activity (jobs). Pages see views; the worker holds the session key and
// talks to Okto and the companion.

/** One EVM network the user has a wallet on, as the popup and the dApp provider use it. */
export type WalletNetworkView = {
  /** `eip155:84532`. */
  caip2Id: string;
  chainId: number;
  /** Okto's name, e.g. `BASE_TESTNET`, and a readable one, e.g. `Base Sepolia`. */
  networkName: string;
  label: string;
  logo: string;
  /** The user's wallet on this chain: `eth_accounts[0]` of a site on it, the `from` of its transactions. */
  address: Address;
  /** Okto pays the gas on this chain. */
  sponsored: boolean;
  /** Local emulator only: the chain's JSON-RPC URL (reads, receipts). */
  rpcUrl?: string;
};

/** A token balance: the native token has `address: ''`. Amounts are in the token's smallest unit. */
export type TokenBalanceView = {
  caip2Id: string;
  address: string;
  symbol: string;
  name: string;
  image: string;
  decimals: number;
  /** Display digits. */
  precision: number;
  /** Smallest unit, decimal string. */
  balance: string;
  /** USDT value as Okto reports it ("0" when unknown). */
  valueUsdt: string;
};

export type WalletOverview = {
  /** Sum of the holdings in USDT, as Okto reports it. */
  totalUsdt: string;
  networks: (WalletNetworkView & { tokens: TokenBalanceView[] })[];
  /** Unix ms. */
  fetchedAt: number;
};

/** A job: one approved action the wallet executes through Okto (a send, a dApp transaction or batch). */
export type JobView = {
  id: string;
  kind: 'send' | 'transaction' | 'calls';
  /** The dApp that asked, if any. */
  origin?: string;
  caip2Id: string;
  networkLabel: string;
  /** What it does, in words: "Send 0.01 ETH to 0x88be…3eF2", "Call 0xbcD7…42DC (transfer)". */
  title: string;
  /** `pending` until Okto reports a terminal status. */
  outcome: 'pending' | 'succeeded' | 'failed';
  /** Where it is: waiting to be sent, sent to Okto, or Okto's order status (`IN_PROGRESS`, `SUCCESSFUL`…). */
  status: string;
  /** Target-chain transaction hashes. */
  transactionHashes: Hex[];
  /** Why it failed, in words. */
  reason?: string;
  /** Unix ms. */
  createdAt: number;
  updatedAt: number;
};

const hexAddress = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/, 'Enter a 0x address of 40 hex digits.'));
const caip2Id = v.pipe(v.string(), v.regex(/^eip155:\d{1,12}$/, 'Choose a network.'));

/** Requests the popup sends to the worker about the wallet. */
export const WalletRequestSchema = v.variant('type', [
  /** The networks and balances; `refresh` reads them from Okto again instead of the cache. */
  v.strictObject({ type: v.literal('wallet/overview'), refresh: v.optional(v.boolean()) }),
  /** What the recipient of a send is, for the warnings: the user's own address, a contract. */
  v.strictObject({ type: v.literal('wallet/checkRecipient'), caip2Id, address: hexAddress }),
  /** Sends `amount` (smallest unit, decimal) of `token` ('' = native) to `recipient`, as a TOKEN_TRANSFER. */
  v.strictObject({
    type: v.literal('wallet/send'),
    caip2Id,
    token: v.union([v.literal(''), hexAddress]),
    recipient: hexAddress,
    amount: v.pipe(v.string(), v.regex(/^[1-9]\d{0,77}$/, 'Enter an amount above 0.')),
  }),
  /** The jobs, newest first. */
  v.strictObject({ type: v.literal('wallet/jobs') }),
  v.strictObject({ type: v.literal('wallet/job'), id: v.pipe(v.string(), v.uuid()) }),
]);
export type WalletRequest = v.InferOutput<typeof WalletRequestSchema>;

export type RecipientCheck = {
  /** The address is the user's own wallet on that chain (or their smart wallet). */
  isOwn: boolean;
  /** Code at the address on that chain; `undefined` when the chain cannot be asked. */
  isContract?: boolean;
};

export type WalletAnswer =
  | {
      ok: true;
      overview?: WalletOverview;
      recipient?: RecipientCheck;
      jobs?: JobView[];
      job?: JobView;
    }
  | { ok: false; error: UserError };

/** Broadcast to extension pages whenever a job changes (and so balances may have). */
export type WalletChanged = { type: 'wallet/changed'; job?: JobView };

/** Whether a runtime message is for the wallet router. */
export function isWalletRequest(message: unknown): message is { type: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string' &&
    message.type.startsWith('wallet/') &&
    message.type !== 'wallet/changed'
  );
}
