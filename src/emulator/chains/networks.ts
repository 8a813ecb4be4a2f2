// The EVM networks the emulator runs as local chains (shared/okto-wallet-protocol.md §7). Each gets its
// own anvil node with the real network's chain id, so a dApp sees the chain id it expects.

/** A network's native currency, as `/supported/tokens` lists it. */
export type NativeCurrency = {
  symbol: string;
  name: string;
  decimals: number;
  /** Digits a wallet shows (Okto's `precision`). */
  precision: number;
};

/** One emulated EVM network. */
export type EmulatedNetwork = {
  /** CAIP-2 id, `eip155:<chainId>`. */
  caipId: `eip155:${number}`;
  /** Okto's `network_name`. */
  networkName: string;
  chainId: number;
  native: NativeCurrency;
  sponsorshipEnabled: boolean;
  gsnEnabled: boolean;
};

/** Base Sepolia. */
export const BASE_TESTNET: EmulatedNetwork = {
  caipId: 'eip155:84532',
  networkName: 'BASE_TESTNET',
  chainId: 84532,
  native: { symbol: 'ETH', name: 'Ethereum', decimals: 18, precision: 6 },
  sponsorshipEnabled: true,
  gsnEnabled: false,
};

/** Polygon Amoy. */
export const POLYGON_TESTNET_AMOY: EmulatedNetwork = {
  caipId: 'eip155:80002',
  networkName: 'POLYGON_TESTNET_AMOY',
  chainId: 80002,
  native: { symbol: 'POL', name: 'Polygon Ecosystem Token', decimals: 18, precision: 6 },
  sponsorshipEnabled: true,
  gsnEnabled: false,
};

/** The networks the emulator runs unless told otherwise. */
export const DEFAULT_NETWORKS: readonly EmulatedNetwork[] = [BASE_TESTNET, POLYGON_TESTNET_AMOY];
