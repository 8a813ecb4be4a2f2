import type { Address } from 'viem';
import type { Catalog } from './catalog.ts';

// `GET /api/oc/v1/wallets` (shared/okto-wallet-protocol.md §2, §4.4): one entry per emulated EVM network,
// all at the user's Okto key address, the `from` of the user's transactions (not the UserOp sender).

/** One entry of the wallets answer, in Okto's field names. */
export type WalletEntry = {
  caip_id: string;
  network_name: string;
  address: Address;
  network_id: string;
  network_symbol: string;
};

/** The user's wallets: one per listed network, all at `address` (the user's Okto key). */
export function listWallets(catalog: Catalog, address: Address): WalletEntry[] {
  return catalog.networks.map((network) => ({
    caip_id: network.caipId,
    network_name: network.networkName,
    address,
    network_id: network.networkId,
    network_symbol: network.native.symbol,
  }));
}
