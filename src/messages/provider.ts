import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import type { OktoEnvironment } from '../okto/environments.ts';

// The contract of the dApp provider, in three hops:
//   page (window.okto, MAIN world) --window.postMessage--> bridge (isolated world)
//   bridge --chrome.runtime.sendMessage--> service worker, which answers { result } or { error }
//   service worker --chrome.tabs.sendMessage--> bridge --window.postMessage--> page, for events
// plus the messages extension pages (popup, approval window) send about approvals and connected sites.
// The content scripts import this module, so everything they use stays small and framework-free.

/** `channel` of a request the page posts to its own window for the bridge. */
export const REQUEST_CHANNEL = 'okto:request';
/** `channel` of an answer or event the bridge posts to the page. */
export const RESPONSE_CHANNEL = 'okto:response';

/** EIP-1193 / EIP-1474 error codes the provider answers with. */
export const ProviderErrorCode = {
  userRejected: 4001,
  unauthorized: 4100,
  unsupportedMethod: 4200,
  disconnected: 4900,
  invalidRequest: -32600,
  invalidParams: -32602,
  internal: -32603,
  limitExceeded: -32005,
} as const;

/** An EIP-1193 error as it travels between contexts. */
export type RpcErrorData = { code: number; message: string; data?: unknown };

/** What the worker answers to a provider request. */
export type ProviderAnswer = { result: unknown } | { error: RpcErrorData };

/** The largest `params` a page may send, as JSON characters. */
export const MAX_PARAMS_BYTES = 8192;

/** Size of `value` as JSON; `Infinity` for values JSON cannot hold (cycles, BigInt, functions). */
export function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value ?? null).length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const IdSchema = v.union([
  v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  v.pipe(v.number(), v.safeInteger()),
]);
const METHOD_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MethodSchema = v.pipe(v.string(), v.regex(METHOD_PATTERN, 'method must be a JSON-RPC method name'));
const ParamsSchema = v.optional(
  v.pipe(
    v.unknown(),
    v.check(
      (params) => typeof params === 'object' && params !== null && isPlainContainer(params),
      'params must be an array or an object',
    ),
    v.union([v.array(v.unknown()), v.record(v.string(), v.unknown())]),
    v.check(
      (params) => jsonSize(params) <= MAX_PARAMS_BYTES,
      `params must be at most ${MAX_PARAMS_BYTES} bytes`,
    ),
  ),
);

/** A request the page posts to the bridge: `{ channel, id, method, params? }`; other keys are dropped. */
export const PageRequestSchema = v.object({
  channel: v.literal(REQUEST_CHANNEL),
  id: IdSchema,
  method: MethodSchema,
  params: ParamsSchema,
});
export type PageRequest = {
  channel: typeof REQUEST_CHANNEL;
  id: string | number;
  method: string;
  params?: unknown;
};

/**
 * {@link PageRequestSchema} without valibot, for the bridge: the schemas alone would triple the gzip
 * size of a script injected into every page. Answers the parsed request (only the four known keys)
 * or what is wrong with it. `pageRequest.test.ts` checks that both agree on a corpus of bad input.
 */
export function readPageRequest(
  data: unknown,
): { ok: true; request: PageRequest } | { ok: false; issue: string } {
  if (typeof data !== 'object' || data === null) return { ok: false, issue: 'a request must be an object' };
  const { channel, id, method, params } = data as Record<string, unknown>;
  if (channel !== REQUEST_CHANNEL) return { ok: false, issue: `channel must be ${REQUEST_CHANNEL}` };
  if (!isRequestId(id))
    return { ok: false, issue: 'id must be a string of 1 to 64 characters or an integer' };
  if (typeof method !== 'string' || !METHOD_PATTERN.test(method))
    return { ok: false, issue: 'method must be a JSON-RPC method name of at most 64 characters' };
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || !isPlainContainer(params))
      return { ok: false, issue: 'params must be an array or an object' };
    if (jsonSize(params) > MAX_PARAMS_BYTES)
      return { ok: false, issue: `params must be at most ${MAX_PARAMS_BYTES} bytes` };
  }
  return {
    ok: true,
    request: params === undefined ? { channel, id, method } : { channel, id, method, params },
  };
}

/** Whether `id` can identify a request: a string of 1 to 64 characters or a safe integer. */
export function isRequestId(id: unknown): id is string | number {
  return typeof id === 'string' ? id.length >= 1 && id.length <= 64 : Number.isSafeInteger(id);
}

/** Whether a structured-clone value is an array or a plain object (not a Date, Map, RegExp, Blob …). */
function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `message` is an event of {@link ProviderEventSchema} for `origin`, checked without valibot. */
export function isProviderEventFor(message: unknown, origin: string): message is ProviderEvent {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return (
    m.type === 'provider/event' &&
    m.origin === origin &&
    (PROVIDER_EVENTS as readonly unknown[]).includes(m.event) &&
    Object.keys(m).every((key) => key === 'type' || key === 'origin' || key === 'event' || key === 'data')
  );
}

/** The bridge's answer to the page for request `id`, or an event. */
export type PageMessage =
  | { channel: typeof RESPONSE_CHANNEL; id: string | number; result: unknown }
  | { channel: typeof RESPONSE_CHANNEL; id: string | number; error: RpcErrorData }
  | { channel: typeof RESPONSE_CHANNEL; event: ProviderEventName; data: unknown };

/** A request the bridge forwards to the worker; the worker takes the origin from Chrome, not from here. */
export const ProviderRequestSchema = v.strictObject({
  type: v.literal('provider/request'),
  method: MethodSchema,
  params: ParamsSchema,
  /**
   * The page's id of the request, so that the worker knows a re-send (after it restarted) from a new
   * request of the same document: the re-send joins the approval or the job the first one started.
   */
  requestId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(80))),
});
export type ProviderRequest = {
  type: 'provider/request';
  method: string;
  params?: unknown;
  requestId?: string;
};

/** Events a page can hear through `window.okto.on`. */
export const PROVIDER_EVENTS = [
  'connect',
  'disconnect',
  'accountsChanged',
  'chainChanged',
  'okto_sessionChanged',
] as const;
export type ProviderEventName = (typeof PROVIDER_EVENTS)[number];

/** An event the worker sends to the frames of one origin; the bridge checks the origin is its own. */
export const ProviderEventSchema = v.strictObject({
  type: v.literal('provider/event'),
  origin: v.string(),
  event: v.picklist(PROVIDER_EVENTS),
  data: v.unknown(),
});
export type ProviderEvent = v.InferOutput<typeof ProviderEventSchema>;

// --- What dApps get ---------------------------------------------------------------------------

/**
 * Default and maximum lifetime of a token handed to a dApp, in seconds. Okto cannot revoke a token,
 * so a site keeps what it got until then even after Revoke or Log out: lifetimes are the only lever.
 * A larger `ttlSeconds` is clamped; the answer's `expiresAt` says the real value.
 */
export const DEFAULT_DAPP_TOKEN_TTL_SECONDS = 300;
export const MAX_DAPP_TOKEN_TTL_SECONDS = 900;

/** `params` of `okto_requestAuthToken`: none, `[]` or `[{ ttlSeconds }]` (clamped to the maximum). */
export const RequestAuthTokenParamsSchema = v.optional(
  v.union([
    v.strictTuple([]),
    v.strictTuple([
      v.strictObject({
        ttlSeconds: v.optional(
          v.pipe(
            v.number('ttlSeconds must be a number'),
            v.safeInteger('ttlSeconds must be a whole number of seconds'),
            v.minValue(1, 'ttlSeconds must be at least 1'),
            v.transform((ttl) => Math.min(ttl, MAX_DAPP_TOKEN_TTL_SECONDS)),
          ),
        ),
      }),
    ]),
  ]),
);

/** `params` of `wallet_requestPermissions` and `wallet_revokePermissions`: `[{ eth_accounts: {} }]`. */
export const PermissionsParamsSchema = v.strictTuple([
  v.pipe(
    v.record(v.string(), v.unknown()),
    v.check((p) => Object.keys(p).length === 1 && 'eth_accounts' in p, 'only eth_accounts is supported'),
  ),
]);

/** The answer of `okto_requestAuthToken`. */
export type DappAuthToken = {
  /** The Okto auth token (§5 of the protocol): `Authorization: Bearer <authToken>`. */
  authToken: string;
  /** Unix seconds. */
  expiresAt: number;
  userSWA: Address;
  clientSWA: Address;
  environment: OktoEnvironment;
};

/** The answer of `okto_getSession`, and the data of `okto_sessionChanged` (null once it ended). */
export type DappSession = {
  userSWA: Address;
  clientSWA: Address;
  /** Unix seconds. */
  sessionExpiry: number;
  environment: OktoEnvironment;
};

// --- Extension pages (popup, approval window) -------------------------------------------------

/**
 * What each kind of pending request carries for its view in the approval window, by kind. One view
 * per kind (src/approval/): a new kind (a message to sign, typed data, a transaction, EIP-5792 calls)
 * adds a line here and a view there; the queue, its limits and its bindings stay the same.
 */
export type PendingRequestPayloads = {
  /** Connect the site: it then reads the wallet address and gets auth tokens without asking. */
  connect: Record<string, never>;
  /** `personal_sign`: Okto signs `text` (EIP-191) with the user's key. */
  message: { chain: ChainSummary; account: Address; text: string };
  /** `eth_signTypedData_v4`: Okto signs the typed data (EIP-712) with the user's key. */
  typedData: {
    chain: ChainSummary;
    account: Address;
    primaryType: string;
    /** The domain and the message as the site sent them (after validation). */
    domain: Record<string, unknown>;
    message: Record<string, unknown>;
    /** The types, to show each field with its type. */
    types: Record<string, { name: string; type: string }[]>;
  };
  /** `eth_sendTransaction`: one call, sent as an Okto RAW_TRANSACTION. */
  transaction: { chain: ChainSummary; call: CallSummary };
  /** `wallet_sendCalls` (EIP-5792): every call in one RAW_TRANSACTION, so they succeed or fail together. */
  calls: { chain: ChainSummary; calls: CallSummary[] };
};

/** The network a signing or sending request is for, with what its view needs to show amounts. */
export type ChainSummary = {
  caip2Id: string;
  chainId: number;
  label: string;
  logo: string;
  /** Okto pays the gas on this network. */
  sponsored: boolean;
  nativeSymbol: string;
  nativeDecimals: number;
  /** Tokens Okto lists on this network, so that a token call can be shown in its units. */
  tokens: { address: Address; symbol: string; decimals: number }[];
};

/** One call a transaction makes, raw: the approval window decodes the common ones for the user. */
export type CallSummary = {
  from: Address;
  to: Address;
  /** In wei, decimal. */
  value: string;
  data: Hex;
};
export type PendingRequestKind = keyof PendingRequestPayloads;

/** A top-level page embedding the frame that asked, as Chrome's bridge in that tab's top frame reported it. */
export type EmbeddingView = { origin: string; site: string };

/** A request waiting in the approval queue, as the approval window and the popup show it. */
export type PendingRequestView<kind extends PendingRequestKind = PendingRequestKind> = {
  [K in kind]: {
    id: string;
    kind: K;
    /** The origin Chrome reported for the frame that asked. */
    origin: string;
    /** Its registrable domain (eTLD+1), or the host itself for an IP address or a public suffix. */
    site: string;
    /** The top-level pages embedding the frames that asked, when a cross-origin frame asked; else empty. */
    embeddedIn: EmbeddingView[];
    /** Unix ms. */
    createdAt: number;
    payload: PendingRequestPayloads[K];
  };
}[kind];

/** An approved site, as the popup shows it. */
export type ConnectedSiteView = {
  origin: string;
  approvedAt: number;
  /** Unix seconds until which tokens the site already has stay valid at Okto; absent if none does. */
  tokensValidUntil?: number;
  /** The network the site is on (its `eth_chainId`), when the wallet knows the user's networks. */
  network?: { caip2Id: string; chainId: number; label: string; logo: string };
};

const ApprovalIdSchema = v.pipe(v.string(), v.uuid());

/** Requests extension pages send to the worker about dApp approvals and connected sites. */
export const SitesRequestSchema = v.variant('type', [
  v.strictObject({ type: v.literal('provider/getApproval'), id: ApprovalIdSchema }),
  /** The queue, oldest first: the approval window shows the first. */
  v.strictObject({ type: v.literal('provider/listPending') }),
  v.strictObject({ type: v.literal('provider/decide'), id: ApprovalIdSchema, approve: v.boolean() }),
  v.strictObject({ type: v.literal('sites/list') }),
  v.strictObject({ type: v.literal('sites/revoke'), origin: v.pipe(v.string(), v.maxLength(2048)) }),
]);
export type SitesRequest = v.InferOutput<typeof SitesRequestSchema>;

/** Answers to {@link SitesRequest}s. */
export type SitesAnswer =
  | {
      ok: true;
      approval?: PendingRequestView;
      pending?: PendingRequestView[];
      sites?: ConnectedSiteView[];
      /** After `sites/revoke`: the site that was disconnected and until when its tokens still work. */
      revoked?: { origin: string; tokensValidUntil?: number };
    }
  | { ok: false; error: { code: string; message: string } };

/**
 * What the bridge tells the worker about its own document (the worker reads which document from
 * Chrome's `sender`): `provider/unload` when it goes away with requests still waiting.
 */
export type BridgeNotice = { type: 'provider/unload' };

/**
 * What the worker asks a bridge: `provider/probe`, answered with the frame's origin (`window.origin`
 * of the isolated world, which the page cannot change). Sent to one document to see whether it still
 * exists, or to a tab's top frame to learn which page embeds a frame that asked.
 */
export type BridgeProbe = { type: 'provider/probe' };

/** Broadcast to extension pages whenever pending approvals or connected sites change. */
export type SitesChanged = { type: 'sites/changed' };
