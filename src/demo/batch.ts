import {
  type Config,
  type GetCallsStatusReturnType,
  getCallsStatus,
  getCapabilities,
  sendCalls,
  showCallsStatus,
} from '@wagmi/core';
import { type Address, erc20Abi, parseUnits } from 'viem';
import { connectedAccount } from './connection.ts';
import type { DemoToken } from './pageConfig.ts';

// EIP-5792: two calls in one batch (wallet_sendCalls: the token's approve, then its transfer), then
// wallet_getCallsStatus until the batch is confirmed or failed, with the receipts of its transactions.

export type CallsStatus = GetCallsStatusReturnType;

/** How often, and how long, the page asks for the batch's status. */
export const CALLS_POLL = { intervalMs: 500, timeoutMs: 120_000 };

/** What the wallet offers on each chain (atomic batches, gas sponsorship). */
export async function readCapabilities(config: Config): Promise<unknown> {
  const { address } = connectedAccount(config);
  return getCapabilities(config, { account: address });
}

/** Sends approve(`to`, 1 token) + transfer(`to`, 1 token) as one batch; answers the batch id. */
export async function sendApproveAndTransfer(config: Config, token: DemoToken, to: Address): Promise<string> {
  const { address, chainId } = connectedAccount(config);
  const amount = parseUnits('1', token.decimals);
  const { id } = await sendCalls(config, {
    account: address,
    chainId,
    calls: [
      { to: token.address, abi: erc20Abi, functionName: 'approve', args: [to, amount] },
      { to: token.address, abi: erc20Abi, functionName: 'transfer', args: [to, amount] },
    ],
  });
  return id;
}

/**
 * Asks wallet_getCallsStatus every {@link CALLS_POLL}.intervalMs until the batch is no longer
 * pending; `onStatus` hears every answer. Throws when it is still pending after the timeout.
 */
export async function waitForBatch(
  config: Config,
  id: string,
  onStatus: (status: CallsStatus) => void,
  poll = CALLS_POLL,
): Promise<CallsStatus> {
  const deadline = Date.now() + poll.timeoutMs;
  for (;;) {
    const status = await getCallsStatus(config, { id });
    onStatus(status);
    if (status.status !== 'pending') return status;
    if (Date.now() > deadline)
      throw new Error(`The batch is still pending after ${poll.timeoutMs / 1000} s; see Activity in Okto.`);
    await new Promise((resolve) => setTimeout(resolve, poll.intervalMs));
  }
}

/** Opens Okto on the batch (wallet_showCallsStatus). */
export async function showBatch(config: Config, id: string): Promise<void> {
  await showCallsStatus(config, { id });
}
