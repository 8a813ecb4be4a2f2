import * as v from 'valibot';
import { numberToHex } from 'viem';
import type { AccountView, LoginView, Settings } from '../../messages/login.ts';
import {
  type ConnectedSiteView,
  type DappAuthToken,
  type DappSession,
  DEFAULT_DAPP_TOKEN_TTL_SECONDS,
  jsonSize,
  PermissionsParamsSchema,
  type ProviderAnswer,
  ProviderErrorCode,
  ProviderRequestSchema,
  RequestAuthTokenParamsSchema,
  type SitesAnswer,
  SitesRequestSchema,
} from '../../messages/provider.ts';
import type { ActivityLog } from '../activityLog.ts';
import type { MintedAuthToken } from '../loginFlow.ts';
import type { KeyValueStore } from '../store.ts';
import type { TokenLedger } from '../tokenLedger.ts';
import type { Wallet } from '../wallet/index.ts';
import { READ_ONLY_RPC_METHODS } from '../wallet/index.ts';
import { createAccountMethods, siteNetwork } from './accounts.ts';
import type { Approvals } from './approvals.ts';
import { createCallsMethods } from './calls.ts';
import type { MethodHandlers, RequestContext, SiteAccount } from './context.ts';
import { invalidParams, ProviderRpcError, toRpcError, unauthorized, userRejected } from './errors.ts';
import type { EventTargets } from './eventTargets.ts';
import type { Permissions, SitePermission } from './permissions.ts';
import type { RateLimiter } from './rateLimit.ts';
import { createSigningMethods } from './signing.ts';
import { createTransactionMethods } from './transactions.ts';

/** What the router needs of the login flow. */
export type ProviderFlow = {
  account(): Promise<AccountView | undefined>;
  getSettings(): Promise<Settings>;
  mintAuthToken(ttlSeconds: number, audience?: string): Promise<MintedAuthToken>;
};

export type ProviderRouterDependencies = {
  flow: ProviderFlow;
  permissions: Permissions;
  approvals: Approvals;
  targets: EventTargets;
  /** Requests per origin. */
  limiter: RateLimiter;
  activityLog: Pick<ActivityLog, 'record'>;
  /** Where the router remembers which account sites last heard of. */
  store: KeyValueStore;
  /** Until when the tokens already handed to each site stay valid. */
  ledger: Pick<TokenLedger, 'validUntil'>;
  /** The user's networks, jobs, message signing and chain reads. */
  wallet: Pick<Wallet, 'networks' | 'jobs' | 'signMessage' | 'rpc'>;
  /** Opens the popup on a job's activity entry (wallet_showCallsStatus). */
  showJob?: (jobId: string) => Promise<void>;
  now?: () => number;
};

const LAST_ACCOUNT_KEY = 'provider/lastAccount';
/** The account sites last heard of ('' when logged out). */
type LastAccount = { userSWA: string };

/**
 * The origin a request comes from, as Chrome reports the sending frame (`sender.origin`, never what
 * the page says); `undefined` unless it is an http or https page in a tab.
 */
export function senderOrigin(sender: chrome.runtime.MessageSender): string | undefined {
  if (sender.tab?.id === undefined) return undefined;
  // Not derived from sender.url: a sandboxed frame has an http URL but an opaque origin ("null").
  const origin = sender.origin;
  if (!origin || !/^https?:\/\/[^/]+$/.test(origin)) return undefined;
  return origin;
}

const sessionOf = (account: AccountView): DappSession => ({
  userSWA: account.userSWA,
  clientSWA: account.clientSWA,
  sessionExpiry: account.sessionExpiry,
  environment: account.environment,
});

/** EIP-2255 permissions of an approved site. */
const permissionsOf = (origin: string, site: SitePermission | undefined, account: SiteAccount | undefined) =>
  site && account
    ? [
        {
          id: `${origin}:eth_accounts`,
          parentCapability: 'eth_accounts',
          invoker: origin,
          date: site.approvedAt,
          caveats: [{ type: 'restrictReturnedAccounts', value: [account.network.address] }],
        },
      ]
    : [];

/**
 * The provider's brain in the worker: answers dApp requests by the origin Chrome reports, asks the
 * user to approve a site once, mints a fresh token per request, and tells sites' tabs what changed.
 */
export function createProviderRouter(deps: ProviderRouterDependencies) {
  const { flow, permissions, approvals, targets, limiter, activityLog, store, ledger, wallet } = deps;
  const now = deps.now ?? Date.now;

  /** The site's account and network, once `origin` is approved and someone is logged in; asks for what is missing. */
  async function connect(origin: string, sender: chrome.runtime.MessageSender): Promise<SiteAccount> {
    // A login, then the approval of the site, then the check passes: three rounds at most.
    for (let round = 0; round < 3; round++) {
      const site = await connectedSite(origin);
      if (site) return site;
      const account = await flow.account();
      const approved = await approvals.request({
        kind: 'connect',
        origin,
        sender,
        payload: {},
        needsLogin: !account,
      });
      if (!approved) throw userRejected();
    }
    throw userRejected('The request could not be approved. Try again.');
  }

  /** The account if `origin` is approved and someone is logged in, without asking (nor reading networks). */
  async function connectedAccount(origin: string): Promise<AccountView | undefined> {
    const account = await flow.account();
    return account && (await permissions.isConnected(origin)) ? account : undefined;
  }

  /** The site's account and network if `origin` is approved and someone is logged in, without asking. */
  async function connectedSite(origin: string): Promise<SiteAccount | undefined> {
    const account = await flow.account();
    const site = account && (await permissions.get(origin));
    if (!account || !site) return undefined;
    return { account, network: await siteNetwork(wallet.networks, site.chainId) };
  }

  function parse<schema extends v.GenericSchema>(schema: schema, params: unknown, method: string) {
    const parsed = v.safeParse(schema, params);
    if (!parsed.success) throw invalidParams(`Invalid params for ${method}: ${v.summarize(parsed.issues)}`);
    return parsed.output as v.InferOutput<schema>;
  }

  /** okto_* methods and EIP-2255 permissions. */
  const sessionMethods: MethodHandlers = {
    okto_ping: async () => 'pong',
    async okto_requestAuthToken(ctx) {
      const [options] = parse(RequestAuthTokenParamsSchema, ctx.params, ctx.method) ?? [];
      // The account alone: a token needs no network, and dApps ask for one per request.
      if (!(await connectedAccount(ctx.origin))) await ctx.connect();
      const ttl = options?.ttlSeconds ?? DEFAULT_DAPP_TOKEN_TTL_SECONDS;
      const { authToken, expiresAt, account } = await flow.mintAuthToken(ttl, ctx.origin);
      return {
        authToken,
        expiresAt,
        userSWA: account.userSWA,
        clientSWA: account.clientSWA,
        environment: account.environment,
      } satisfies DappAuthToken;
    },
    async okto_getSession(ctx) {
      const site = await ctx.connected();
      if (!site)
        throw unauthorized(
          'This site is not connected to Okto. Call eth_requestAccounts or okto_requestAuthToken first.',
        );
      return sessionOf(site.account);
    },
    async wallet_getPermissions(ctx) {
      return permissionsOf(ctx.origin, await permissions.get(ctx.origin), await ctx.connected());
    },
    async wallet_requestPermissions(ctx) {
      parse(PermissionsParamsSchema, ctx.params, ctx.method);
      const site = await ctx.connect();
      return permissionsOf(ctx.origin, await permissions.get(ctx.origin), site);
    },
    async wallet_revokePermissions(ctx) {
      parse(PermissionsParamsSchema, ctx.params, ctx.method);
      await permissions.revoke(ctx.origin);
      return null;
    },
  };

  /** Read-only JSON-RPC on the site's network (or the user's first one), where the network has an RPC. */
  async function readChain(ctx: RequestContext): Promise<unknown> {
    const site = await ctx.connected();
    const network = site?.network ?? (await siteNetwork(wallet.networks, undefined));
    if (!network.rpcUrl)
      throw new ProviderRpcError(
        ProviderErrorCode.unsupportedMethod,
        `${ctx.method} needs an RPC for ${network.label}, and Okto gives none there: read the chain through your own RPC.`,
      );
    return wallet.rpc(network.caip2Id, ctx.method, ctx.params ?? []);
  }

  const methods: MethodHandlers = {
    ...sessionMethods,
    ...createAccountMethods({
      permissions,
      networks: wallet.networks,
      targets,
      signedIn: async () => (await flow.account()) !== undefined,
      environment: async () => (await flow.account())?.environment ?? (await flow.getSettings()).environment,
    }),
    ...createSigningMethods({ wallet }),
    ...createTransactionMethods({ wallet }),
    ...createCallsMethods({ wallet, showJob: deps.showJob ?? (async () => {}) }),
    ...Object.fromEntries([...READ_ONLY_RPC_METHODS].map((m) => [m, readChain])),
  };

  function dispatch(
    origin: string,
    sender: chrome.runtime.MessageSender,
    method: string,
    params: unknown,
    requestId: string | undefined,
  ): Promise<unknown> {
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler)
      throw new ProviderRpcError(
        ProviderErrorCode.unsupportedMethod,
        `The Okto provider does not support ${method}. See the README for the methods it supports.`,
      );
    const requestKey =
      requestId === undefined
        ? undefined
        : `${sender.documentId ?? `${sender.tab?.id}:${sender.frameId}`}:${requestId}`;
    const ctx: RequestContext = {
      origin,
      sender,
      method,
      params,
      requestKey,
      connect: () => connect(origin, sender),
      connected: () => connectedSite(origin),
      approve: (kind, payload) =>
        approvals.request({ kind, origin, sender, payload, needsLogin: false, requestKey }),
    };
    return handler(ctx);
  }

  /** Answers one request from a content script; never throws. */
  async function handleRequest(
    message: unknown,
    sender: chrome.runtime.MessageSender,
  ): Promise<ProviderAnswer> {
    const started = now();
    const origin = senderOrigin(sender);
    const parsed = v.safeParse(ProviderRequestSchema, message);
    const method = parsed.success ? parsed.output.method : 'invalid';
    const params = parsed.success ? parsed.output.params : undefined;
    let answer: ProviderAnswer;
    try {
      if (!origin) throw unauthorized('Only http and https pages can use the Okto provider.');
      if (!parsed.success)
        throw new ProviderRpcError(
          ProviderErrorCode.invalidRequest,
          `Invalid request: ${v.summarize(parsed.issues)}`,
        );
      if (!limiter.take(origin))
        throw new ProviderRpcError(
          ProviderErrorCode.limitExceeded,
          'Too many requests from this site. Wait a moment, then try again.',
        );
      answer = {
        result: await dispatch(
          origin,
          sender,
          method,
          params,
          parsed.success ? parsed.output.requestId : undefined,
        ),
      };
    } catch (error) {
      answer = { error: toRpcError(error) };
    }
    // Only approved sites' frames hear events, and only they have their params logged: a page the user
    // never approved cannot fill the event registry or the log with what it sends (review F12).
    const connected = origin !== undefined && (await permissions.isConnected(origin));
    if (connected) void targets.remember(origin, sender).catch(() => {});
    activityLog.record({
      kind: 'provider',
      tabId: sender.tab?.id,
      frameId: sender.frameId,
      origin: origin ?? sender.origin ?? 'unknown',
      method,
      request:
        connected || params === undefined
          ? params
          : { omitted: 'the site is not connected', chars: jsonSize(params) },
      response: 'result' in answer ? answer.result : undefined,
      error: 'error' in answer ? { message: answer.error.message, code: answer.error.code } : undefined,
      durationMs: now() - started,
    });
    return answer;
  }

  /** Answers the popup and the approval window about approvals and connected sites. */
  async function handlePageRequest(message: unknown): Promise<SitesAnswer> {
    const parsed = v.safeParse(SitesRequestSchema, message);
    if (!parsed.success)
      return { ok: false, error: { code: 'invalid_request', message: v.summarize(parsed.issues) } };
    const request = parsed.output;
    switch (request.type) {
      case 'provider/getApproval':
        return { ok: true, approval: await approvals.get(request.id) };
      case 'provider/listPending':
        return { ok: true, pending: await approvals.list() };
      case 'provider/decide': {
        // Approving checks again that a page that asked still exists: one navigated away must not be
        // granted under the origin it had when it asked.
        const pending = request.approve
          ? await approvals.confirm(request.id)
          : await approvals.get(request.id);
        if (!pending)
          return {
            ok: false,
            error: {
              code: 'not_pending',
              message:
                'This request is no longer waiting: it was answered, or the page that asked was closed, reloaded or left.',
            },
          };
        if (request.approve) {
          const account = await flow.account();
          if (!account) return { ok: false, error: { code: 'signed_out', message: 'Log in to Okto first.' } };
          switch (pending.kind) {
            case 'connect':
              await permissions.claimFor(account.userSWA); // the approval is this user's
              await permissions.grant(pending.origin);
              break;
          }
        }
        await approvals.decide(request.id, request.approve);
        return { ok: true };
      }
      case 'sites/list':
        return { ok: true, sites: await siteViews() };
      case 'sites/revoke': {
        await permissions.revoke(request.origin);
        const tokensValidUntil = await ledger.validUntil(request.origin);
        return {
          ok: true,
          sites: await siteViews(),
          revoked: { origin: request.origin, ...(tokensValidUntil && { tokensValidUntil }) },
        };
      }
    }
  }

  /** The approved sites as the popup shows them, with until when their tokens stay valid. */
  async function siteViews(): Promise<ConnectedSiteView[]> {
    return Promise.all(
      (await permissions.list()).map(async ({ origin, approvedAt, chainId }) => {
        const tokensValidUntil = await ledger.validUntil(origin);
        const network = await siteNetwork(wallet.networks, chainId).catch(() => undefined);
        return {
          origin,
          approvedAt,
          ...(tokensValidUntil && { tokensValidUntil }),
          ...(network && {
            network: {
              caip2Id: network.caip2Id,
              chainId: network.chainId,
              label: network.label,
              logo: network.logo,
            },
          }),
        };
      }),
    );
  }

  /** Tells approved sites' tabs that the account changed: on login, logout, expiry. */
  async function viewChanged(view: LoginView): Promise<void> {
    const account = view.step === 'signedIn' ? view.account : undefined;
    const stored = await store.get<LastAccount>(LAST_ACCOUNT_KEY);
    const last: LastAccount = typeof stored === 'object' && stored !== null ? stored : { userSWA: '' };
    if ((account?.userSWA ?? '') === last.userSWA) return;
    await store.set(LAST_ACCOUNT_KEY, { userSWA: account?.userSWA ?? '' } satisfies LastAccount);
    if (account) await permissions.claimFor(account.userSWA);
    const sites = await permissions.list();
    await Promise.all(
      sites.map(async ({ origin, chainId: siteChain }) => {
        if (account) {
          const network = await siteNetwork(wallet.networks, siteChain);
          await targets.send(origin, 'connect', { chainId: numberToHex(network.chainId) });
          await targets.send(origin, 'accountsChanged', [network.address]);
          await targets.send(origin, 'okto_sessionChanged', sessionOf(account));
        } else {
          await targets.send(origin, 'accountsChanged', []);
          await targets.send(origin, 'okto_sessionChanged', null);
          await targets.send(origin, 'disconnect', {
            code: ProviderErrorCode.disconnected,
            message: 'Logged out of Okto.',
          });
        }
      }),
    );
    if (account)
      // A connection approved meanwhile is done; signing and sending requests still need the user.
      await approvals.loggedIn(async (pending) =>
        pending.kind === 'connect' ? permissions.isConnected(pending.origin) : false,
      );
    else {
      // What a site asked the previous account to sign or send is not for whoever logs in next.
      for (const pending of await approvals.list())
        if (pending.kind !== 'connect') await approvals.decide(pending.id, false);
      await approvals.loggedOut();
    }
  }

  // A revoked site hears that it has no account any more.
  permissions.subscribe((change) => {
    if (change.kind !== 'revoked') return;
    for (const origin of change.origins) {
      void targets.send(origin, 'accountsChanged', []);
      void targets.send(origin, 'okto_sessionChanged', null);
    }
  });

  return { handleRequest, handlePageRequest, viewChanged };
}

export type ProviderRouter = ReturnType<typeof createProviderRouter>;
