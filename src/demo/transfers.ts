import { type Config, sendTransaction, waitForTransactionReceipt, writeContract } from '@wagmi/core';
import {
  type Address,
  erc20Abi,
  type Hash,
  parseEther,
  parseEventLogs,
  parseUnits,
  type TransactionReceipt,
} from 'viem';
import { connectedAccount } from './connection.ts';
import type { DemoToken } from './pageConfig.ts';

// Transfers: the wallet sends (eth_sendTransaction answers the target chain's hash), and the dApp waits
// for the receipt through the chain's own RPC (wagmi's public client on the local anvil), not the wallet.

/** What a transfer step shows: the hash as soon as the wallet answers, then the receipt. */
export type TransferCallbacks = { onHash(hash: Hash): void };

export type TransferResult = { hash: Hash; receipt: TransactionReceipt };

/** What the native transfer sends. */
export const NATIVE_AMOUNT = parseEther('0.001');

/** Sends 0.001 of the native currency to `to` and waits for its receipt. */
export async function sendNative(
  config: Config,
  to: Address,
  { onHash }: TransferCallbacks,
): Promise<TransferResult> {
  const { chainId } = connectedAccount(config);
  const hash = await sendTransaction(config, { to, value: NATIVE_AMOUNT, chainId });
  onHash(hash);
  return { hash, receipt: await waitForTransactionReceipt(config, { hash, chainId }) };
}

/** Sends 1 `token` to `to` (ERC-20 transfer) and waits for its receipt. */
export async function sendToken(
  config: Config,
  token: DemoToken,
  to: Address,
  { onHash }: TransferCallbacks,
): Promise<TransferResult & { transferred: bigint | undefined }> {
  const { chainId } = connectedAccount(config);
  const hash = await writeContract(config, {
    address: token.address,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [to, parseUnits('1', token.decimals)],
    chainId,
  });
  onHash(hash);
  const receipt = await waitForTransactionReceipt(config, { hash, chainId });
  const [transfer] = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs });
  return { hash, receipt, transferred: transfer?.args.value };
}

/** "✓ success in block 12, gas used 21000", or the revert. */
export function receiptLine(receipt: TransactionReceipt): string {
  return receipt.status === 'success'
    ? `✓ success in block ${receipt.blockNumber}, gas used ${receipt.gasUsed}`
    : `✗ reverted in block ${receipt.blockNumber}: the call failed on chain`;
}
