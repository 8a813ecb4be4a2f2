import type { Address } from 'viem';
import type { ChainToken } from './chains/localChain.ts';
import type { LocalChains } from './chains/localChains.ts';
import { DEFAULT_NETWORKS, type EmulatedNetwork } from './chains/networks.ts';
import { uuidV3 } from './uuid.ts';

// What the emulator lists: its networks and, per network, the native currency and the tokens deployed
// there, with Okto-style ids (MD5 name-based UUIDs of `network:<caip>`, `token:<caip>:<address>`,
// `group:<symbol>`; §7). `/supported/*`, `/wallets`, the portfolio and the activity feed all read it.

/** A listed network; `rpcUrl` only while its chain runs. */
export type CatalogNetwork = EmulatedNetwork & { networkId: string; rpcUrl?: string };

/** A listed token; `address` is `''` for the native currency. */
export type CatalogToken = {
  caipId: string;
  address: Address | '';
  symbol: string;
  name: string;
  decimals: number;
  precision: number;
  isPrimary: boolean;
  tokenId: string;
  groupId: string;
  networkId: string;
  networkName: string;
};

export type Catalog = {
  networks: readonly CatalogNetwork[];
  tokens: readonly CatalogToken[];
  /** A network by CAIP-2 id, case ignored. */
  findNetwork(caipId: string): CatalogNetwork | undefined;
  /** A token by network and address (`''` for native), case ignored. */
  findToken(caipId: string, address: string): CatalogToken | undefined;
};

/** The catalog of the running chains, or of the default networks (natives only, no RPC) without chains. */
export function createCatalog(chains?: LocalChains): Catalog {
  const entries = chains
    ? chains.list.map((chain) => ({ network: chain.network, rpcUrl: chain.rpcUrl, tokens: chain.tokens }))
    : DEFAULT_NETWORKS.map((network) => ({ network, rpcUrl: undefined, tokens: [] as ChainToken[] }));
  const networks: CatalogNetwork[] = entries.map(({ network, rpcUrl }) => ({
    ...network,
    networkId: uuidV3(`network:${network.caipId}`),
    ...(rpcUrl ? { rpcUrl } : {}),
  }));
  const tokens: CatalogToken[] = entries.flatMap(({ network, tokens: deployed }, i) => {
    const common = {
      caipId: network.caipId,
      networkId: networks[i].networkId,
      networkName: network.networkName,
    };
    return [
      { ...network.native, address: '' as const, isPrimary: true },
      ...deployed.map((token) => ({ ...token, isPrimary: false })),
    ].map((token) => ({
      ...common,
      address: token.address,
      symbol: token.symbol,
      name: token.name,
      decimals: token.decimals,
      precision: token.precision,
      isPrimary: token.isPrimary,
      tokenId: uuidV3(`token:${network.caipId}:${token.address}`),
      groupId: uuidV3(`group:${token.symbol}`),
    }));
  });
  return {
    networks,
    tokens,
    findNetwork: (caipId) => networks.find((n) => n.caipId.toLowerCase() === caipId.toLowerCase()),
    findToken: (caipId, address) =>
      tokens.find(
        (t) =>
          t.caipId.toLowerCase() === caipId.toLowerCase() &&
          t.address.toLowerCase() === address.toLowerCase(),
      ),
  };
}

/** `GET /api/oc/v1/supported/networks` data (§2), with the local-only `rpc_url` while chains run. */
export function supportedNetworksData(catalog: Catalog) {
  return {
    count: catalog.networks.length,
    network: catalog.networks.map((n) => ({
      caip_id: n.caipId,
      network_name: n.networkName,
      chain_id: String(n.chainId),
      logo: '',
      sponsorship_enabled: n.sponsorshipEnabled,
      gsn_enabled: n.gsnEnabled,
      type: 'EVM',
      network_id: n.networkId,
      onramp_enabled: false,
      whitelisted: true,
      ...(n.rpcUrl ? { rpc_url: n.rpcUrl } : {}),
    })),
  };
}

/** `GET /api/oc/v1/supported/tokens` data (§2): the natives and the deployed tokens. */
export function supportedTokensData(catalog: Catalog) {
  return {
    count: catalog.tokens.length,
    tokens: catalog.tokens.map((t) => ({
      address: t.address,
      caip_id: t.caipId,
      symbol: t.symbol,
      image: '',
      name: t.name,
      short_name: t.symbol,
      id: t.tokenId,
      group_id: t.groupId,
      is_primary: t.isPrimary,
      network_id: t.networkId,
      network_name: t.networkName,
      onramp_enabled: false,
      whitelisted: true,
      decimals: String(t.decimals),
      precision: String(t.precision),
    })),
  };
}
