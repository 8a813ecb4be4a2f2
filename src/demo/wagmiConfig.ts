import { type Config, type Connector, createConfig, http } from '@wagmi/core';
import { type Chain, defineChain, type Transport } from 'viem';
import { baseSepolia, polygonAmoy } from 'viem/chains';
import type { DemoChain } from './pageConfig.ts';

// wagmi as its docs set it up: chains with their transports, and no connector listed, so that
// `multiInjectedProviderDiscovery` (on by default) makes one injected connector per wallet announced
// through EIP-6963, with the wallet's rdns as its id. Okto's is the one with id `tech.okto`.

/** Okto's EIP-6963 rdns: the id of its wagmi connector. */
export const OKTO_RDNS = 'tech.okto';

/** viem's definitions of the networks the local stack runs, so wagmi knows their names and currencies. */
const KNOWN_CHAINS: Record<number, Chain> = { [baseSepolia.id]: baseSepolia, [polygonAmoy.id]: polygonAmoy };

/**
 * The chain `chain` as viem defines it, read through the demo's own RPC URL (the local anvil). The
 * public chain's contracts (Multicall3, which wagmi's batched reads would call) are not on the local
 * chain, so they are left out.
 */
export function demoChain(chain: DemoChain): Chain {
  const rpcUrls = { default: { http: [chain.rpcUrl] } };
  const known = KNOWN_CHAINS[chain.chainId];
  if (known) return { ...known, rpcUrls, contracts: {} };
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls,
  });
}

/**
 * The wagmi config of the demo: every chain's public client (receipts, balances, verification) reads
 * the RPC URL the demo server gave, never the wallet. Without chains from the server it falls back to
 * viem's definitions (public RPCs), so that connecting and the auth token still work.
 */
export function createDemoConfig(chains: DemoChain[]): Config<readonly [Chain, ...Chain[]]> {
  const defined = chains.map(demoChain);
  const list: [Chain, ...Chain[]] =
    defined.length > 0 ? (defined as [Chain, ...Chain[]]) : [baseSepolia, polygonAmoy];
  const transports: Record<number, Transport> = Object.fromEntries(
    list.map((chain) => [chain.id, http(chain.rpcUrls.default.http[0])]),
  );
  return createConfig({ chains: list, transports });
}

/** The Okto connector once the extension has announced itself, else undefined. */
export function oktoConnector(config: Config): Connector | undefined {
  return config.connectors.find((connector) => connector.id === OKTO_RDNS);
}
