import { type Config, getBalance, readContract } from '@wagmi/core';
import { erc20Abi, formatUnits } from 'viem';
import { connectedAccount } from './connection.ts';
import type { DemoToken } from './pageConfig.ts';

// Test funds on the local chains (the demo server's `POST /fund`, which asks the emulator's faucet),
// and the account's balances, read through the chain's RPC.

/** Asks the demo server's faucet to credit the connected account on its chain. */
export async function getTestFunds(config: Config): Promise<void> {
  const { address, chainId } = connectedAccount(config);
  const response = await fetch('/fund', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ address, chainId }),
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new Error(
      `The faucet did not fund the account (HTTP ${response.status}): ${answer.error ?? 'no reason given'}`,
    );
}

/** "1 ETH · 1000 OTUSD on Base Sepolia": the account's native and token balances on its chain. */
export async function readBalances(config: Config, token: DemoToken): Promise<string> {
  const { address, chainId } = connectedAccount(config);
  const chain = config.chains.find((c) => c.id === chainId);
  const [native, tokens] = await Promise.all([
    getBalance(config, { address, chainId }),
    readContract(config, {
      address: token.address,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [address],
      chainId,
    }),
  ]);
  const symbol = chain?.nativeCurrency.symbol ?? native.symbol;
  return `${formatUnits(native.value, native.decimals)} ${symbol} · ${formatUnits(tokens, token.decimals)} ${token.symbol} on ${chain?.name ?? `chain ${chainId}`}`;
}
