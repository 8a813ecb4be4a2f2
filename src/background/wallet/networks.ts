import { type Address, getAddress } from 'viem';
import type { WalletNetworkView } from '../../messages/wallet.ts';
import type { SupportedNetwork, SupportedToken, UserWallet } from '../../okto/walletClient.ts';
import type { WalletSession } from '../loginFlow.ts';
import type { KeyValueStore } from '../store.ts';

// The EVM networks the user has a wallet on: `/wallets` (the address per chain) joined with
// `/supported/networks` (chain id, policy flags, logo, the local RPC) and `/supported/tokens`. Every
// dApp request needs them (a site's account and chain), so they are kept in the store per user and
// read from Okto again when older than a few minutes, or when asked.

const KEY = 'wallet/networks';
/** How long the networks are used before Okto is asked again (they change when the app's operator changes them). */
export const NETWORKS_MAX_AGE_MS = 5 * 60_000;

/** A network with what the wallet needs to build intents on it. */
export type WalletNetwork = WalletNetworkView & {
  networkId: string;
  gsnEnabled: boolean;
  tokens: SupportedToken[];
};

type Cached = { userSWA: Address; fetchedAt: number; networks: WalletNetwork[] };

/** Readable names of chains Okto supports, for chain ids it knows; others get Okto's name, tidied. */
const CHAIN_LABELS: Record<number, string> = {
  1: 'Ethereum',
  10: 'Optimism',
  56: 'BNB Smart Chain',
  137: 'Polygon',
  8453: 'Base',
  42161: 'Arbitrum One',
  43114: 'Avalanche',
  84532: 'Base Sepolia',
  80002: 'Polygon Amoy',
  11155111: 'Sepolia',
};

/** `BASE_TESTNET` → `Base Testnet`. */
function tidy(name: string): string {
  return name
    .toLowerCase()
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ');
}

/** The user's EVM networks, in `/wallets` order, from Okto's three answers. */
export function joinNetworks(
  wallets: readonly UserWallet[],
  supported: readonly SupportedNetwork[],
  tokens: readonly SupportedToken[],
): WalletNetwork[] {
  const networks: WalletNetwork[] = [];
  for (const wallet of wallets) {
    if (!wallet.caipId.toLowerCase().startsWith('eip155:')) continue;
    const network = supported.find((n) => n.caipId.toLowerCase() === wallet.caipId.toLowerCase());
    if (!network || !/^0x[0-9a-fA-F]{40}$/.test(wallet.address)) continue;
    const chainId = Number(network.chainId);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) continue;
    if (networks.some((n) => n.chainId === chainId)) continue;
    networks.push({
      caip2Id: `eip155:${chainId}`,
      chainId,
      networkName: network.networkName,
      label: CHAIN_LABELS[chainId] ?? tidy(network.networkName),
      logo: network.logo,
      address: getAddress(wallet.address),
      sponsored: network.sponsorshipEnabled,
      gsnEnabled: network.gsnEnabled,
      networkId: network.networkId,
      ...(network.rpcUrl ? { rpcUrl: network.rpcUrl } : {}),
      tokens: tokens.filter((t) => t.caipId.toLowerCase() === wallet.caipId.toLowerCase()),
    });
  }
  return networks;
}

export type NetworkDirectory = {
  /** The user's EVM networks; from the store while fresh, else from Okto. */
  list(options?: { refresh?: boolean }): Promise<WalletNetwork[]>;
  /** One of them by chain id, `undefined` if the user has no wallet there. */
  byChainId(chainId: number): Promise<WalletNetwork | undefined>;
  byCaip2Id(caip2Id: string): Promise<WalletNetwork | undefined>;
};

export function createNetworkDirectory({
  session,
  userSWA,
  store,
  now = Date.now,
}: {
  session: () => Promise<WalletSession>;
  /** Who is signed in, cheaply (every dApp request asks): the cache is that user's. */
  userSWA?: () => Promise<Address | undefined>;
  store: KeyValueStore;
  now?: () => number;
}): NetworkDirectory {
  let memory: Cached | undefined;
  let inFlight: Promise<WalletNetwork[]> | undefined;

  async function fetchFresh(s: WalletSession): Promise<WalletNetwork[]> {
    const [wallets, supported, tokens] = await Promise.all([
      s.authToken().then((t) => s.okto.getWallets(t)),
      s.authToken().then((t) => s.okto.getSupportedNetworks(t)),
      s.authToken().then((t) => s.okto.getSupportedTokens(t)),
    ]);
    const networks = joinNetworks(wallets, supported, tokens);
    memory = { userSWA: s.account.userSWA, fetchedAt: now(), networks };
    await store.set(KEY, memory);
    return networks;
  }

  const self: NetworkDirectory = {
    async list(options = {}) {
      const user = userSWA ? await userSWA() : (await session()).account.userSWA;
      memory ??= await store.get<Cached>(KEY);
      const cached = user !== undefined && memory?.userSWA === user ? memory : undefined;
      if (cached && !options.refresh) {
        // Stale: still answered at once (a dApp waits on it), and read again behind it.
        if (now() - cached.fetchedAt > NETWORKS_MAX_AGE_MS && !inFlight)
          inFlight = session()
            .then(fetchFresh)
            .finally(() => {
              inFlight = undefined;
            });
        inFlight?.catch(() => {});
        return cached.networks;
      }
      inFlight ??= session()
        .then(fetchFresh)
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    async byChainId(chainId) {
      return (await self.list()).find((n) => n.chainId === chainId);
    },
    async byCaip2Id(caip2Id) {
      return (await self.list()).find((n) => n.caip2Id.toLowerCase() === caip2Id.toLowerCase());
    },
  };
  return self;
}
