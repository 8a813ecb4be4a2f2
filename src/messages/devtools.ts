import * as v from 'valibot';
import type { LoginView, UserError } from './login.ts';

// The contract between the DevTools panel and the service worker: `devtools/*` requests (accepted
// only from extension pages) and the `okto-devtools` port that streams new activity entries.
// Everything the panel receives is already redacted, except the token of `devtools/mintToken`, which
// the developer asked for in their own DevTools.

/** One entry of the worker's activity log: a call to Okto or the companion, or a dApp's provider request, redacted. */
export type ActivityEntry = {
  id: number;
  /** Unix ms. */
  at: number;
  /** `job`: a wallet job changed state (its record: intent, UserOp hash, paymaster validity, status, hashes). */
  kind: 'okto' | 'companion' | 'provider' | 'job';
  /** Provider requests: the tab, frame (0 = the top frame) and origin that asked. */
  tabId?: number;
  frameId?: number;
  origin?: string;
  /** HTTP method, or the provider method (`okto_requestAuthToken`). */
  method: string;
  url?: string;
  status?: number;
  durationMs: number;
  traceId?: string;
  /** Redacted request body or provider params. */
  request?: unknown;
  /** Redacted response body or provider result. */
  response?: unknown;
  error?: { message: string; code?: string | number };
};

/** The name of the long-lived port from the panel to the worker. */
export const DEVTOOLS_PORT = 'okto-devtools';

/** The longest lifetime of a test token minted in the panel: an hour (it survives a logout until then). */
export const MAX_DEVTOOLS_TOKEN_TTL_SECONDS = 3600;

/** The most entries the worker keeps and the panel holds. */
export const ACTIVITY_LIMIT = 10_000;

const tabId = v.pipe(v.number(), v.integer(), v.minValue(-1));
const origin = v.pipe(v.string(), v.maxLength(2048), v.url());

export const DevtoolsRequestSchema = v.variant('type', [
  /** The login view, what is known of the tab, and the activity of that tab plus worker-wide calls. */
  v.strictObject({
    type: v.literal('devtools/getState'),
    tabId,
    origin: v.optional(origin),
    /** `false` for a refresh of the view and connection only: `entries` is then empty. */
    withEntries: v.optional(v.boolean()),
  }),
  /**
   * A fresh auth token of the current session, valid for `ttlSeconds` (at most an hour, and capped by
   * the session's expiry). Okto cannot revoke it: it outlives a logout until it expires.
   */
  v.strictObject({
    type: v.literal('devtools/mintToken'),
    ttlSeconds: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1, 'The lifetime must be at least 1 second.'),
      v.maxValue(MAX_DEVTOOLS_TOKEN_TTL_SECONDS, 'The lifetime is at most 3600 seconds (one hour).'),
    ),
  }),
  v.strictObject({ type: v.literal('devtools/clearLog') }),
  /** Disconnects a site from the Okto session, as the popup's "connected sites" does. */
  v.strictObject({ type: v.literal('devtools/revokeOrigin'), origin }),
]);
export type DevtoolsRequest = v.InferOutput<typeof DevtoolsRequestSchema>;

export type DevtoolsState = {
  view: LoginView;
  /**
   * The inspected tab's origin: the one the panel passed, else the last one seen in provider requests of
   * that tab's top frame (never an iframe's, which "Disconnect site" would then revoke by mistake).
   */
  origin?: string;
  /** Whether `origin` is connected to the Okto session; `undefined` when the worker cannot tell. */
  connected?: boolean;
  /** Oldest first. */
  entries: ActivityEntry[];
  limit: number;
};

export type DevtoolsFailure = { ok: false; error: UserError };

export type DevtoolsResponse<request extends DevtoolsRequest> = request extends { type: 'devtools/getState' }
  ? ({ ok: true } & DevtoolsState) | DevtoolsFailure
  : request extends { type: 'devtools/mintToken' }
    ? { ok: true; token: string; expiresAt: number } | DevtoolsFailure
    : { ok: true } | DevtoolsFailure;

/** Panel → worker over the port: which tab's activity to stream. */
export type DevtoolsPortRequest = { type: 'subscribe'; tabId: number };

/** Worker → panel over the port. Entries come in batches, oldest first. */
export type DevtoolsPortMessage = { type: 'entries'; entries: ActivityEntry[] } | { type: 'cleared' };

/** Whether a runtime message is for the DevTools router. */
export function isDevtoolsRequest(message: unknown): message is { type: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string' &&
    message.type.startsWith('devtools/')
  );
}
