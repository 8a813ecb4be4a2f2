import * as v from 'valibot';
import { type Address, formatUnits, type Hex, isAddressEqual } from 'viem';
import type { JobView, RecipientCheck, WalletAnswer, WalletOverview } from '../../messages/wallet.ts';
import { WalletRequestSchema } from '../../messages/wallet.ts';
import { environments } from '../../okto/environments.ts';
import { validateTokenTransfer } from '../../okto/intentValidation.ts';
import type { Order } from '../../okto/orders.ts';
import { classifyOrder } from '../../okto/orders.ts';
import { buildSignMessageRequest } from '../../okto/signMessage.ts';
import { FlowError, toUserError } from '../errors.ts';
import type { WalletSession } from '../loginFlow.ts';
import type { KeyValueStore } from '../store.ts';
import { createJobs, describeFailure, type Jobs, type NewJob, toJobView } from './jobs.ts';
import { createNetworkDirectory, type NetworkDirectory, type WalletNetwork } from './networks.ts';
import { buildOverview } from './portfolio.ts';

// The wallet in the worker: the user's networks and balances, sends, jobs, message signing through
// Okto, and read-only JSON-RPC to the local chains. The popup reaches it through `wallet/*` messages,
// the dApp provider directly.

/** Read-only JSON-RPC methods a dApp may call through the wallet, on networks that expose an RPC URL. */
export const READ_ONLY_RPC_METHODS = new Set([
  'eth_blockNumber',
  'eth_call',
  'eth_estimateGas',
  'eth_feeHistory',
  'eth_gasPrice',
  'eth_getBalance',
  'eth_getBlockByHash',
  'eth_getBlockByNumber',
  'eth_getCode',
  'eth_getLogs',
  'eth_getStorageAt',
  'eth_getTransactionByHash',
  'eth_getTransactionCount',
  'eth_getTransactionReceipt',
  'eth_maxPriorityFeePerGas',
]);

export type Wallet = {
  networks: NetworkDirectory;
  jobs: Jobs;
  overview(options?: { refresh?: boolean }): Promise<WalletOverview>;
  /** Starts a TOKEN_TRANSFER the user reviewed in the popup. */
  send(input: { caip2Id: string; token: string; recipient: Address; amount: bigint }): Promise<JobView>;
  /** Starts an approved job (a dApp's transaction or batch). */
  startJob(input: NewJob): Promise<JobView>;
  /** Has Okto sign a message with the user's key (EIP-191 text or EIP-712 JSON). */
  signMessage(method: 'EIP191' | 'EIP712', message: string): Promise<Hex>;
  /** Forwards a read-only JSON-RPC call to a network's RPC; throws when it has none or the method is not a read. */
  rpc(caip2Id: string, method: string, params: unknown): Promise<unknown>;
  checkRecipient(caip2Id: string, address: Address): Promise<RecipientCheck>;
  /** Local jobs and Okto's orders of this wallet, newest first. */
  activity(): Promise<JobView[]>;
  /** Answers a `wallet/*` message of an extension page. */
  handleMessage(message: unknown): Promise<WalletAnswer>;
};

export type CreateWalletParameters = {
  session: () => Promise<WalletSession>;
  /** Who is signed in, cheaply; without it the session is asked. */
  userSWA?: () => Promise<Address | undefined>;
  store: KeyValueStore;
  fetch?: typeof fetch;
  now?: () => number;
};

export function createWallet({
  session,
  userSWA,
  store,
  fetch: fetchFn = fetch,
  now = Date.now,
}: CreateWalletParameters): Wallet {
  const networks = createNetworkDirectory({ session, userSWA, store, now });
  const jobs = createJobs({ store, session, networks, now });
  let overviewCache: { userSWA: Address; overview: WalletOverview } | undefined;
  /** The user's Okto key id, for sessions that began before the login read it. */
  let keyIdCache: { userSWA: Address; ecdsaKeyId: string } | undefined;

  async function overview(options: { refresh?: boolean } = {}): Promise<WalletOverview> {
    const s = await session();
    if (
      !options.refresh &&
      overviewCache?.userSWA === s.account.userSWA &&
      now() - overviewCache.overview.fetchedAt < 30_000
    )
      return overviewCache.overview;
    const [list, portfolio] = await Promise.all([
      networks.list({ refresh: options.refresh }),
      s.authToken().then((t) => s.okto.getPortfolio(t)),
    ]);
    const fresh = buildOverview(list, portfolio, now());
    overviewCache = { userSWA: s.account.userSWA, overview: fresh };
    return fresh;
  }
  // A job that ends changes balances: the next overview reads them again.
  jobs.subscribe((job) => {
    if (job.state === 'done') overviewCache = undefined;
  });

  async function network(caip2Id: string): Promise<WalletNetwork> {
    const found = await networks.byCaip2Id(caip2Id);
    if (!found) throw new FlowError('unknown_network', `Your Okto wallet has no account on ${caip2Id}.`);
    return found;
  }

  async function rpc(caip2Id: string, method: string, params: unknown): Promise<unknown> {
    const { rpcUrl, label } = await network(caip2Id);
    if (!rpcUrl) throw new FlowError('no_rpc', `${label} has no RPC the wallet can forward reads to.`);
    if (!READ_ONLY_RPC_METHODS.has(method))
      throw new FlowError('not_a_read', `${method} is not a read-only JSON-RPC method.`);
    const response = await fetchFn(rpcUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? [] }),
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await response.json()) as {
      result?: unknown;
      error?: { code?: number; message?: string };
    };
    if (answer.error)
      throw new RpcForwardError(answer.error.code ?? -32603, answer.error.message ?? 'RPC error');
    return answer.result;
  }

  async function describeSend(caip2Id: string, token: string, recipient: Address, amount: bigint) {
    const net = await network(caip2Id);
    const listed = net.tokens.find((t) => t.address.toLowerCase() === token.toLowerCase());
    if (!listed) throw new FlowError('unknown_token', `That token is not listed on ${net.label}.`);
    const shown = formatUnits(amount, Number(listed.decimals) || 0);
    return { net, title: `Send ${shown} ${listed.symbol} to ${shortAddress(recipient)}` };
  }

  async function activity(): Promise<JobView[]> {
    const s = await session();
    void jobs.resume({ includeStale: true }).catch(() => {});
    const local = (await jobs.list()).filter((j) => j.userSWA === s.account.userSWA);
    const views = local.map(toJobView);
    const known = new Set(local.flatMap((j) => [j.oktoJobId, j.nonce]).filter(Boolean));
    let orders: Order[] = [];
    try {
      orders = (await s.okto.getOrders(await s.authToken(), { size: 50 })).items;
    } catch {
      // The local jobs are shown even when Okto cannot be reached.
    }
    const list = await networks.list().catch(() => [] as WalletNetwork[]);
    for (const order of orders) {
      if (known.has(order.intentId)) continue;
      const state = classifyOrder(order);
      const net = list.find((n) => n.caip2Id === state.caip2Id);
      views.push({
        id: order.intentId,
        kind: order.intentType === 'RAW_TRANSACTION' ? 'transaction' : 'send',
        caip2Id: state.caip2Id ?? order.caipId,
        networkLabel: net?.label ?? state.caip2Id ?? order.networkName,
        title: orderTitle(order, net),
        outcome: state.outcome,
        status: state.status,
        transactionHashes: order.downstreamTransactionHash.filter((h): h is Hex =>
          /^0x[0-9a-fA-F]{64}$/.test(h),
        ),
        ...(state.outcome === 'failed' ? { reason: describeFailure(state.status, state.reason) } : {}),
        createdAt: state.timestampMs,
        updatedAt: state.timestampMs,
      });
    }
    return views.sort((a, b) => b.createdAt - a.createdAt);
  }

  const self: Wallet = {
    networks,
    jobs,
    overview,
    async send({ caip2Id, token, recipient, amount }) {
      const s = await session();
      const params = validateTokenTransfer(
        { caip2Id, recipient, token, amount },
        { userSWA: s.account.userSWA },
      );
      const { title } = await describeSend(caip2Id, token, recipient, amount);
      return toJobView(
        await jobs.start({ kind: 'send', caip2Id, call: { intent: 'TOKEN_TRANSFER', params }, title }),
      );
    },
    async startJob(input) {
      return toJobView(await jobs.start(input));
    },
    async signMessage(method, message) {
      const s = await session();
      const { account } = s;
      let ecdsaKeyId = account.ecdsaKeyId;
      if (!ecdsaKeyId) {
        if (keyIdCache?.userSWA !== account.userSWA)
          keyIdCache = {
            userSWA: account.userSWA,
            ecdsaKeyId: (await s.okto.getUserKeys(await s.authToken())).ecdsaKeyId,
          };
        ecdsaKeyId = keyIdCache.ecdsaKeyId;
      }
      const body = await buildSignMessageRequest({
        method,
        message,
        userSWA: account.userSWA,
        sessionPk: account.sessionPublicKey,
        ecdsaKeyId,
        threshold: environments[account.environment].signMessageThreshold,
        jobId: crypto.randomUUID(),
        transactionId: crypto.randomUUID(),
        signer: s.sign,
      });
      return s.okto.signMessage(await s.authToken(), body);
    },
    rpc,
    async checkRecipient(caip2Id, address) {
      const s = await session();
      const net = await network(caip2Id);
      const isOwn = isAddressEqual(address, net.address) || isAddressEqual(address, s.account.userSWA);
      if (!net.rpcUrl) return { isOwn };
      try {
        const code = await rpc(caip2Id, 'eth_getCode', [address, 'latest']);
        return { isOwn, isContract: typeof code === 'string' && code !== '0x' && code !== '0x0' };
      } catch {
        return { isOwn };
      }
    },
    activity,
    async handleMessage(message) {
      const parsed = v.safeParse(WalletRequestSchema, message);
      if (!parsed.success)
        return { ok: false, error: { code: 'invalid_request', message: v.summarize(parsed.issues) } };
      const request = parsed.output;
      try {
        switch (request.type) {
          case 'wallet/overview':
            return { ok: true, overview: await overview({ refresh: request.refresh }) };
          case 'wallet/checkRecipient':
            return {
              ok: true,
              recipient: await self.checkRecipient(request.caip2Id, request.address as Address),
            };
          case 'wallet/send':
            return {
              ok: true,
              job: await self.send({
                caip2Id: request.caip2Id,
                token: request.token,
                recipient: request.recipient as Address,
                amount: BigInt(request.amount),
              }),
            };
          case 'wallet/jobs':
            return { ok: true, jobs: await activity() };
          case 'wallet/job': {
            const job = await jobs.get(request.id);
            if (!job)
              return { ok: false, error: { code: 'not_found', message: 'That job is not known here.' } };
            return { ok: true, job: toJobView(job) };
          }
        }
      } catch (error) {
        return { ok: false, error: toUserError(error) };
      }
    },
  };
  return self;
}

/** A JSON-RPC error from the chain's node, passed on to the dApp as it came. */
export class RpcForwardError extends Error {
  override name = 'RpcForwardError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** `0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2` → `0x88be…3eF2`. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** An order of Okto's that this extension did not start, in words. */
function orderTitle(order: Order, net: WalletNetwork | undefined): string {
  const d = order.details;
  if (order.intentType === 'TOKEN_TRANSFER') {
    const token = net?.tokens.find(
      (t) => t.address.toLowerCase() === String(d.tokenAddress ?? '').toLowerCase(),
    );
    const amount = typeof d.amount === 'string' && /^\d+$/.test(d.amount) ? BigInt(d.amount) : undefined;
    const shown =
      token && amount !== undefined
        ? `${formatUnits(amount, Number(token.decimals))} ${token.symbol}`
        : 'tokens';
    return `Send ${shown} to ${shortAddress(String(d.recipientWalletAddress ?? ''))}`;
  }
  if (order.intentType === 'NFT_TRANSFER') return `Send NFT #${String(d.nftId ?? '')}`;
  return 'Transaction';
}
