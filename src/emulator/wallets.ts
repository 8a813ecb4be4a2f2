import { type Address, keccak256, toBytes } from 'viem';

// `GET /api/oc/v1/wallets` (ours): the user's smart wallet is the same address on every network Okto
// supports, as counterfactual smart accounts are.

/** One entry of the wallets answer, in Okto's field names. */
export type WalletEntry = {
  caip_id: string;
  network_name: string;
  address: Address;
  network_id: string;
  network_symbol: string;
};

const NETWORKS = [
  { caip_id: 'eip155:8453', network_name: 'BASE', network_symbol: 'ETH' },
  { caip_id: 'eip155:137', network_name: 'POLYGON', network_symbol: 'POL' },
  { caip_id: 'eip155:42161', network_name: 'ARBITRUM', network_symbol: 'ETH' },
  { caip_id: 'eip155:10', network_name: 'OPTIMISM', network_symbol: 'ETH' },
  { caip_id: 'eip155:1', network_name: 'ETHEREUM', network_symbol: 'ETH' },
] as const;

/** A stable UUID-shaped network id per CAIP-2 id (Okto's network ids are UUIDs). */
function networkIdOf(caipId: string): string {
  const h = keccak256(toBytes(`okto-emulator:network-id:${caipId}`)).slice(2, 34);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** The user's wallets: one per network, all at the user's SWA. */
export function listWallets(userSWA: Address): WalletEntry[] {
  return NETWORKS.map((network) => ({
    ...network,
    address: userSWA,
    network_id: networkIdOf(network.caip_id),
  }));
}
