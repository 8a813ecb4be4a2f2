import { type Config, connect, disconnect, getConnection, switchChain } from '@wagmi/core';
import type { Address } from 'viem';
import { oktoConnector } from './wagmiConfig.ts';

// Connecting through wagmi's injected connector for Okto (found by rdns), and switching networks.

/** The connected account and chain, as every step needs them. */
export type ConnectedAccount = { address: Address; chainId: number };

/** Connects the Okto connector; the first time, the user approves the site in the Okto window. */
export async function connectOkto(config: Config): Promise<ConnectedAccount> {
  const connector = oktoConnector(config);
  if (!connector) throw new Error('The Okto extension was not found. Install it, then reload this page.');
  const current = getConnection(config);
  if (current.status === 'connected' && current.connector.id === connector.id)
    return { address: current.address, chainId: current.chainId };
  const { accounts, chainId } = await connect(config, { connector });
  return { address: accounts[0], chainId };
}

/** Disconnects wagmi from Okto (the site stays approved in Okto until the user revokes it). */
export async function disconnectOkto(config: Config): Promise<void> {
  await disconnect(config);
}

/** The connected account, or an error saying to connect first. */
export function connectedAccount(config: Config): ConnectedAccount {
  const connection = getConnection(config);
  if (connection.status !== 'connected') throw new Error('Connect Okto first (step 2).');
  return { address: connection.address, chainId: connection.chainId };
}

/** Switches the wallet to `chainId` (wallet_switchEthereumChain); resolves once wagmi saw chainChanged. */
export async function switchNetwork(config: Config, chainId: number): Promise<number> {
  const chain = await switchChain(config, { chainId });
  return chain.id;
}

/** "Base Sepolia (84532)", or says that the dApp does not know the chain. */
export function chainLabel(config: Config, chainId: number): string {
  const chain = config.chains.find((c) => c.id === chainId);
  return chain ? `${chain.name} (${chainId})` : `chain ${chainId} (not one of this dApp's chains)`;
}
