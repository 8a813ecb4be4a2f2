import { formatUnits, type Hex } from 'viem';
import type { CallSummary } from '../../messages/provider.ts';
import { ProviderErrorCode } from '../../messages/provider.ts';
import type { RawTransaction } from '../../okto/rawTransaction.ts';
import { rawTransactionFromRequest } from '../../okto/rawTransaction.ts';
import type { Wallet } from '../wallet/index.ts';
import { shortAddress } from '../wallet/index.ts';
import type { JobRecord } from '../wallet/jobs.ts';
import type { WalletNetwork } from '../wallet/networks.ts';
import { chainSummary, type MethodHandlers, type RequestContext } from './context.ts';
import { invalidParams, ProviderRpcError, userRejected } from './errors.ts';

// eth_sendTransaction (wallet spec §3.8, §5): the call becomes an Okto RAW_TRANSACTION on the site's
// network, approved by the user once, recorded as a job before anything is sent, and answered with the
// target chain's transaction hash as soon as Okto reports it. A re-send of the same request (after the
// worker restarted) finds the job instead of asking or sending again.

/** How long a dApp's eth_sendTransaction waits for Okto to report a hash. */
export const TRANSACTION_WAIT_MS = 10 * 60_000;

/** Selectors of calls common enough to name in the activity list (the approval window decodes them fully). */
const KNOWN_SELECTORS: Record<string, string> = {
  '0xa9059cbb': 'transfer',
  '0x095ea7b3': 'approve',
  '0x23b872dd': 'transferFrom',
  '0x42842e0e': 'safeTransferFrom',
  '0xb88d4fde': 'safeTransferFrom',
  '0xf242432a': 'safeTransferFrom',
  '0x2eb2c2d6': 'safeBatchTransferFrom',
  '0xa22cb465': 'setApprovalForAll',
};

/** A call as the approval window shows it. */
export function callSummary(tx: RawTransaction): CallSummary {
  return { from: tx.from, to: tx.to, value: BigInt(tx.value).toString(), data: tx.data };
}

/** What a call does, in a few words, for the activity list. */
export function callTitle(tx: RawTransaction, network: WalletNetwork): string {
  const native = network.tokens.find((t) => t.address === '');
  const value = BigInt(tx.value);
  const amount = `${formatUnits(value, Number(native?.decimals ?? 18))} ${native?.symbol ?? 'ETH'}`;
  if (tx.data === '0x') return `Send ${amount} to ${shortAddress(tx.to)}`;
  const name = KNOWN_SELECTORS[tx.data.slice(0, 10).toLowerCase()];
  return `Call ${name ? `${name} on ` : ''}${shortAddress(tx.to)}${value > 0n ? ` with ${amount}` : ''}`;
}

/** Waits until the job has a target-chain hash or ends; never longer than `ms`. */
export function waitForHashOrEnd(
  jobs: Wallet['jobs'],
  id: string,
  ms = TRANSACTION_WAIT_MS,
): Promise<JobRecord | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    jobs
      .waitFor(id, (j) => j.transactionHashes.length > 0 || j.state === 'done')
      .then(
        (job) => {
          clearTimeout(timer);
          resolve(job);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/** A job that ended without a hash, or never got one in time, as the dApp's error. */
export function jobError(job: JobRecord | undefined): ProviderRpcError {
  if (!job)
    return new ProviderRpcError(
      ProviderErrorCode.internal,
      'The transaction is still pending at Okto after 10 minutes; see Activity in the Okto popup.',
    );
  return new ProviderRpcError(
    ProviderErrorCode.internal,
    `${job.reason ?? 'The transaction failed.'} (Okto status ${job.status})`,
    { status: job.status, jobId: job.id },
  );
}

export function createTransactionMethods({ wallet }: { wallet: Pick<Wallet, 'jobs'> }): MethodHandlers {
  async function sendTransaction(ctx: RequestContext): Promise<Hex> {
    if (!Array.isArray(ctx.params) || ctx.params.length < 1)
      throw invalidParams('eth_sendTransaction takes [transaction].');
    const site = await ctx.connect();
    let job = ctx.requestKey ? await wallet.jobs.findByRequestKey(ctx.requestKey) : undefined;
    if (!job) {
      const { caip2Id, transaction } = rawTransactionFromRequest({
        request: ctx.params[0],
        account: site.network.address,
        chainId: site.network.chainId,
      });
      const approved = await ctx.approve('transaction', {
        chain: chainSummary(site.network),
        call: callSummary(transaction),
      });
      if (!approved) throw userRejected();
      const input = {
        kind: 'transaction' as const,
        origin: ctx.origin,
        caip2Id,
        call: { intent: 'RAW_TRANSACTION' as const, params: { caip2Id, transactions: [transaction] } },
        title: callTitle(transaction, site.network),
      };
      job = ctx.requestKey
        ? await wallet.jobs.startOnce({ ...input, requestKey: ctx.requestKey })
        : await wallet.jobs.start(input);
    }
    const outcome = await waitForHashOrEnd(wallet.jobs, job.id);
    const hash = outcome?.transactionHashes[0];
    if (hash) return hash;
    throw jobError(outcome);
  }

  return { eth_sendTransaction: sendTransaction };
}
