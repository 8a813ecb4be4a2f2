import type { AccountView } from '../../messages/login.ts';
import type { ChainSummary, PendingRequestKind, PendingRequestPayloads } from '../../messages/provider.ts';
import type { WalletNetwork } from '../wallet/networks.ts';

// What every method family of the provider gets for one request: who asked (by the origin Chrome
// reported), the params, and the site's account and network, asking the user for what is missing.

/** A connected site's view of the wallet: the Okto account and the network the site is on. */
export type SiteAccount = { account: AccountView; network: WalletNetwork };

export type RequestContext = {
  /** As Chrome reported the sending frame. */
  origin: string;
  sender: chrome.runtime.MessageSender;
  method: string;
  params: unknown;
  /**
   * Identifies this request of this document (its bridge's id), so that a re-send after a worker
   * restart joins the approval or the job it started instead of asking or sending twice.
   */
  requestKey?: string;
  /** The site's account and network; asks the user to log in and to connect the site first if needed. */
  connect(): Promise<SiteAccount>;
  /** The site's account and network if it is connected and someone is logged in; never asks. */
  connected(): Promise<SiteAccount | undefined>;
  /** Queues the request for the user's decision; true when approved. */
  approve<kind extends PendingRequestKind>(
    kind: kind,
    payload: PendingRequestPayloads[kind],
  ): Promise<boolean>;
};

/** One method family: handlers by method name. */
export type MethodHandlers = Record<string, (ctx: RequestContext) => Promise<unknown>>;

/** The network as a signing or sending request's view shows it. */
export function chainSummary(network: WalletNetwork): ChainSummary {
  const native = network.tokens.find((t) => t.address === '');
  return {
    caip2Id: network.caip2Id,
    chainId: network.chainId,
    label: network.label,
    logo: network.logo,
    sponsored: network.sponsored,
    nativeSymbol: native?.symbol ?? 'ETH',
    nativeDecimals: Number(native?.decimals ?? 18),
    tokens: network.tokens
      .filter((t) => /^0x[0-9a-fA-F]{40}$/.test(t.address))
      .map((t) => ({ address: t.address as `0x${string}`, symbol: t.symbol, decimals: Number(t.decimals) })),
  };
}
