import * as v from 'valibot';
import { type Hex, isAddressEqual, numberToHex } from 'viem';
import { rawTransactionFromRequest } from '../../okto/rawTransaction.ts';
import type { Wallet } from '../wallet/index.ts';
import type { JobRecord } from '../wallet/jobs.ts';
import type { WalletNetwork } from '../wallet/networks.ts';
import { siteNetwork } from './accounts.ts';
import { chainSummary, type MethodHandlers, type RequestContext } from './context.ts';
import { invalidParams, ProviderRpcError, unauthorized, userRejected } from './errors.ts';
import { callSummary, callTitle } from './transactions.ts';

// EIP-5792 (wallet_getCapabilities, wallet_sendCalls, wallet_getCallsStatus, wallet_showCallsStatus) on
// Okto: a batch is one RAW_TRANSACTION whose `transactions` run in order in one UserOp, so the calls are
// atomic, and gas is sponsored where the app's network has Okto sponsorship.

/** EIP-5792 error codes. */
export const Eip5792Error = {
  unsupportedCapability: 5700,
  unsupportedChain: 5710,
  duplicateId: 5720,
  unknownBundle: 5730,
  bundleTooLarge: 5740,
} as const;

/** The most calls in one batch: one UserOp carries them all. */
export const MAX_CALLS = 10;

const hex = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]*$/, 'must be 0x-hex'));
const CapabilitiesSchema = v.optional(
  v.record(v.string(), v.looseObject({ optional: v.optional(v.boolean()) })),
);
const SendCallsSchema = v.tuple([
  v.looseObject({
    version: v.picklist(['2.0.0', '1.0'], 'version must be "2.0.0"'),
    id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
    from: v.optional(hex),
    chainId: v.pipe(
      hex,
      v.regex(/^0x[1-9a-fA-F][0-9a-fA-F]*$/, 'chainId must be 0x-hex without leading zeros'),
    ),
    atomicRequired: v.optional(v.boolean()),
    calls: v.pipe(
      v.array(
        v.looseObject({
          to: v.optional(hex),
          data: v.optional(hex),
          value: v.optional(hex),
          capabilities: CapabilitiesSchema,
        }),
      ),
      v.minLength(1, 'calls must hold at least one call'),
    ),
    capabilities: CapabilitiesSchema,
  }),
]);
const BundleIdSchema = v.tuple([v.pipe(v.string(), v.minLength(1), v.maxLength(4096))]);

/** Capabilities this wallet gives on a network. */
function capabilitiesOf(network: WalletNetwork) {
  return { atomic: { status: 'supported' }, gasSponsorship: { supported: network.sponsored } };
}

/** Refuses a required capability this wallet does not know (5700), as EIP-5792 says. */
function checkCapabilities(capabilities: Record<string, { optional?: boolean }> | undefined, where: string) {
  for (const [name, value] of Object.entries(capabilities ?? {}))
    if (name !== 'atomic' && name !== 'gasSponsorship' && value.optional !== true)
      throw new ProviderRpcError(
        Eip5792Error.unsupportedCapability,
        `The Okto wallet does not support the capability "${name}" (${where}). Mark it optional, or leave it out.`,
      );
}

/** EIP-5792's status code of a batch: 100 pending, 200 confirmed, 400 not included, 500 reverted. */
export function callsStatusCode(job: JobRecord): number {
  if (job.outcome === 'pending') return 100;
  if (job.outcome === 'succeeded') return 200;
  return job.status === 'FAILED_ON_CHAIN' ? 500 : 400;
}

type RpcReceipt = {
  logs: { address: Hex; data: Hex; topics: Hex[] }[];
  status: Hex;
  blockHash: Hex;
  blockNumber: Hex;
  gasUsed: Hex;
  transactionHash: Hex;
};

export type CallsMethodsDependencies = {
  wallet: Pick<Wallet, 'jobs' | 'rpc' | 'networks'>;
  /** Opens the popup on the activity entry of a job (wallet_showCallsStatus). */
  showJob(jobId: string): Promise<void>;
};

export function createCallsMethods({ wallet, showJob }: CallsMethodsDependencies): MethodHandlers {
  async function ownBatch(ctx: RequestContext): Promise<JobRecord> {
    const parsed = v.safeParse(BundleIdSchema, ctx.params);
    if (!parsed.success) throw invalidParams(`${ctx.method} takes [batchId].`);
    if (!(await ctx.connected())) throw unauthorized('This site is not connected to Okto.');
    const job = await wallet.jobs.findByCallsId(ctx.origin, parsed.output[0]);
    if (!job) throw new ProviderRpcError(Eip5792Error.unknownBundle, 'No batch of this site has that id.');
    return job;
  }

  async function receipts(job: JobRecord): Promise<RpcReceipt[] | undefined> {
    if (job.transactionHashes.length === 0) return undefined;
    const network = await wallet.networks.byCaip2Id(job.caip2Id);
    if (!network?.rpcUrl) return undefined;
    const list: RpcReceipt[] = [];
    for (const hash of job.transactionHashes) {
      const receipt = (await wallet.rpc(job.caip2Id, 'eth_getTransactionReceipt', [
        hash,
      ])) as RpcReceipt | null;
      if (!receipt) return list.length > 0 ? list : undefined;
      const { logs, status, blockHash, blockNumber, gasUsed, transactionHash } = receipt;
      list.push({
        logs: logs.map(({ address, data, topics }) => ({ address, data, topics })),
        status,
        blockHash,
        blockNumber,
        gasUsed,
        transactionHash,
      });
    }
    return list;
  }

  return {
    async wallet_getCapabilities(ctx) {
      const params = Array.isArray(ctx.params) ? ctx.params : [];
      const site = await ctx.connected();
      if (!site) throw unauthorized('Connect the site first (eth_requestAccounts).');
      const [address, chainIds] = params as [unknown, unknown];
      if (
        typeof address === 'string' &&
        (!/^0x[0-9a-fA-F]{40}$/.test(address) || !isAddressEqual(address as Hex, site.network.address))
      )
        throw unauthorized(`${address} is not this site's account.`);
      const wanted = Array.isArray(chainIds) ? chainIds.map((c) => String(c).toLowerCase()) : undefined;
      const result: Record<Hex, ReturnType<typeof capabilitiesOf>> = {};
      for (const network of await wallet.networks.list()) {
        const id = numberToHex(network.chainId);
        if (!wanted || wanted.includes(id)) result[id] = capabilitiesOf(network);
      }
      return result;
    },

    async wallet_sendCalls(ctx) {
      const parsed = v.safeParse(SendCallsSchema, ctx.params);
      if (!parsed.success)
        throw invalidParams(`Invalid params for wallet_sendCalls: ${v.summarize(parsed.issues)}`);
      const request = parsed.output[0];
      await ctx.connect();
      const chainId = Number.parseInt(request.chainId, 16);
      const network = await siteNetwork(wallet.networks, chainId);
      if (network.chainId !== chainId)
        throw new ProviderRpcError(
          Eip5792Error.unsupportedChain,
          `Your Okto wallet has no account on chain ${chainId}; switch to one of its networks first.`,
        );
      if (request.from !== undefined && !isAddressEqual(request.from as Hex, network.address))
        throw unauthorized(`${request.from} is not this site's account (${network.address}).`);
      if (request.calls.length > MAX_CALLS)
        throw new ProviderRpcError(Eip5792Error.bundleTooLarge, `A batch holds at most ${MAX_CALLS} calls.`);
      checkCapabilities(request.capabilities, 'batch');
      for (const [i, call] of request.calls.entries()) checkCapabilities(call.capabilities, `call ${i}`);
      if (request.id !== undefined && (await wallet.jobs.findByCallsId(ctx.origin, request.id)))
        throw new ProviderRpcError(
          Eip5792Error.duplicateId,
          `This site already sent a batch with id ${request.id}.`,
        );

      let job = ctx.requestKey ? await wallet.jobs.findByRequestKey(ctx.requestKey) : undefined;
      if (!job) {
        const transactions = request.calls.map((call, i) => {
          if (call.to === undefined)
            throw invalidParams(`calls[${i}] has no "to": Okto cannot deploy contracts.`);
          return rawTransactionFromRequest({
            request: {
              from: network.address,
              to: call.to,
              data: call.data ?? '0x',
              value: call.value ?? '0x0',
            },
            account: network.address,
            chainId: network.chainId,
          }).transaction;
        });
        const approved = await ctx.approve('calls', {
          chain: chainSummary(network),
          calls: transactions.map(callSummary),
        });
        if (!approved) throw userRejected();
        const input = {
          kind: 'calls' as const,
          origin: ctx.origin,
          caip2Id: network.caip2Id,
          call: { intent: 'RAW_TRANSACTION' as const, params: { caip2Id: network.caip2Id, transactions } },
          title:
            transactions.length === 1
              ? callTitle(transactions[0] as (typeof transactions)[number], network)
              : `${transactions.length} calls: ${transactions.map((t) => callTitle(t, network)).join('; ')}`,
          // The site's own id, else one of ours: the id it asks wallet_getCallsStatus with.
          callsId: request.id ?? crypto.randomUUID(),
        };
        job = ctx.requestKey
          ? await wallet.jobs.startOnce({ ...input, requestKey: ctx.requestKey })
          : await wallet.jobs.start(input);
      }
      return { id: job.callsId ?? job.id };
    },

    async wallet_getCallsStatus(ctx) {
      const job = await ownBatch(ctx);
      const network = await wallet.networks.byCaip2Id(job.caip2Id);
      const list = await receipts(job).catch(() => undefined);
      return {
        version: '2.0.0',
        id: job.callsId ?? job.id,
        chainId: numberToHex(network?.chainId ?? Number(job.caip2Id.split(':')[1])),
        status: callsStatusCode(job),
        atomic: true,
        ...(list ? { receipts: list } : {}),
      };
    },

    async wallet_showCallsStatus(ctx) {
      const job = await ownBatch(ctx);
      await showJob(job.id);
      return null;
    },
  };
}
