import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import { type JsonAnswer, NoAnswerError, sendJson } from '../okto/http.ts';
import { CompanionRequestError } from './requestError.ts';

// Whose session an auth token belongs to, as Okto's BFF says (`GET /api/oc/v1/verify-session`), for
// `/v1/paymaster`. Positive answers are cached per session key for at most a minute, so a wallet
// signing a burst of UserOps costs Okto one call; negative ones never are. The caller checks the
// token's signature and expiry locally before asking, on every request: a cache keyed by a public
// key must never answer for a token nobody signed.

/** What the companion needs from a verified session. */
export type OktoSession = {
  userSWA: Address;
  /** Every client address the answer names (`client_swa`, and the older `vendor_swa`), as sent. */
  clientSWAs: string[];
};

export type OktoSessionVerifier = {
  /**
   * The session of a locally checked token.
   * @throws {CompanionRequestError} 401 when Okto refuses the token, 502 when Okto cannot answer.
   */
  verify(p: { authToken: string; sessionPublicKey: Hex }): Promise<OktoSession>;
};

export type CreateOktoSessionVerifierParameters = {
  /** Okto's BFF, e.g. `https://sandbox-api.okto.tech` or the emulator's URL. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Unix milliseconds. */
  clock?: () => number;
  /** How long a positive answer is reused; at most 60 s (wallet spec §6). */
  cacheMs?: number;
  /** Sessions cached at most; the oldest go first (a dropped entry costs one more call, nothing else). */
  maxEntries?: number;
  timeoutMs?: number;
};

const address = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/));
const SessionAnswerSchema = v.object({
  status: v.literal('success'),
  data: v.pipe(
    v.object({ user_swa: address, client_swa: v.optional(v.string()), vendor_swa: v.optional(v.string()) }),
    v.check((data) => data.client_swa !== undefined || data.vendor_swa !== undefined),
  ),
});
const ErrorDetailsSchema = v.object({
  error: v.object({ details: v.optional(v.unknown()), data: v.optional(v.unknown()) }),
});

/** A verifier over Okto's BFF at `baseUrl`. */
export function createOktoSessionVerifier({
  baseUrl,
  fetch: fetchFn = fetch,
  clock = Date.now,
  cacheMs = 60_000,
  maxEntries = 10_000,
  timeoutMs = 5_000,
}: CreateOktoSessionVerifierParameters): OktoSessionVerifier {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/oc/v1/verify-session`;
  const cache = new Map<string, { session: OktoSession; expiresAt: number }>();
  const ttlMs = Math.min(cacheMs, 60_000);

  return {
    async verify({ authToken, sessionPublicKey }) {
      const key = sessionPublicKey.toLowerCase();
      const cached = cache.get(key);
      if (cached && cached.expiresAt > clock()) return cached.session;
      cache.delete(key);

      let answer: JsonAnswer;
      try {
        answer = await sendJson({
          fetch: fetchFn,
          method: 'GET',
          url,
          headers: { Authorization: `Bearer ${authToken}` },
          timeoutMs,
        });
      } catch (cause) {
        if (!(cause instanceof NoAnswerError)) throw cause;
        throw oktoUnavailable(cause.kind === 'timeout' ? 'did not answer in time' : 'could not be reached');
      }
      const { response, json } = answer;
      if (response.status >= 500 || response.status === 429)
        throw oktoUnavailable(`answered HTTP ${response.status}`);
      const parsed = v.safeParse(SessionAnswerSchema, json);
      if (response.ok && parsed.success) {
        const { user_swa, client_swa, vendor_swa } = parsed.output.data;
        const session: OktoSession = {
          userSWA: user_swa as Address,
          clientSWAs: [client_swa, vendor_swa].filter((swa): swa is string => swa !== undefined),
        };
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(key, { session, expiresAt: clock() + ttlMs });
        return session;
      }
      // A success that is not the shape Okto documents is Okto's problem, not the user's.
      if (response.ok && isObject(json) && json.status === 'success')
        throw oktoUnavailable('answered a session without user_swa and client_swa');
      throw new CompanionRequestError({
        status: 401,
        code: 'unauthorized',
        message: `Okto does not accept this session${reasonOf(json)}. Log in again.`,
      });
    },
  };
}

function oktoUnavailable(what: string): CompanionRequestError {
  return new CompanionRequestError({
    status: 502,
    code: 'okto_unavailable',
    message: `Okto's verify-session ${what}, so the session cannot be checked. Try again in a moment.`,
  });
}

/** Okto's own reason, short, when it gave one as text. */
function reasonOf(json: unknown): string {
  const parsed = v.safeParse(ErrorDetailsSchema, json);
  if (!parsed.success) return '';
  const details = parsed.output.error.details ?? parsed.output.error.data;
  return typeof details === 'string' && details !== '' ? ` (${details.slice(0, 160)})` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
