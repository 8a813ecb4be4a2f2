import { BaseError } from '../okto/errors.ts';

// Rate limits against "OTP pumping" and against using the client key as a free sponsor: every WhatsApp
// code and every sponsored UserOp costs the client money, so the companion refuses to sign more than
// people need. Fixed windows: a key may be hit `limit` times per window; the window starts at the first
// hit. A burst of up to 2 × limit across a window boundary is possible and accepted: the limits are set
// so that even twice each is harmless.

/** At most `limit` hits per `windowSeconds`. */
export type RateLimit = { limit: number; windowSeconds: number };

/** The outcome of one hit; `retryAfter` is in whole seconds, 0 when allowed. */
export type RateLimitResult = { allowed: boolean; retryAfter: number };

/** Counts hits per key; shared by every replica when backed by Redis. */
export type RateLimiter = {
  readonly kind: 'memory' | 'redis';
  /**
   * Counts one hit on `key` and says whether it stays within the limit.
   * @throws {RateLimiterUnavailableError} when the store cannot answer.
   * @throws {RateLimiterFullError} when the store holds as many counters as it may and `key` is new.
   */
  hit(key: string, limit: RateLimit): Promise<RateLimitResult>;
  /**
   * Keeps `key` for `ttlSeconds` (again from now when it is kept already): the companion remembers what
   * it handed out, e.g. the X access tokens of its code exchanges, under a salted hash.
   * @throws {RateLimiterUnavailableError} when the store cannot answer.
   * @throws {RateLimiterFullError} when the store holds as many keys as it may and `key` is new.
   */
  remember(key: string, ttlSeconds: number): Promise<void>;
  /** Whether `key` was remembered and has not expired. Creates nothing. */
  isRemembered(key: string): Promise<boolean>;
  close(): Promise<void>;
};

/** The store behind a rate limiter cannot answer; the companion then refuses to sign (fails closed). */
export class RateLimiterUnavailableError extends BaseError {
  override name = 'RateLimiterUnavailableError';
}

/**
 * The memory store holds `maxKeys` unexpired counters and was asked for a new one. It refuses rather
 * than forget a counter: a forgotten counter is a limit that no longer holds (the companion fails closed).
 */
export class RateLimiterFullError extends BaseError {
  override name = 'RateLimiterFullError';
  /** Seconds until the first counter expires and makes room. */
  readonly retryAfter: number;

  constructor(retryAfter: number) {
    super('The in-memory rate-limit store is full.');
    this.retryAfter = retryAfter;
  }
}

/** The per-network limits: one IPv4 address (or IPv6 /64), and the IPv6 /56 and /48 around it. */
export type IpRateLimits = {
  /** One IPv4 address, or one IPv6 /64 (whoever holds one address of a /64 holds them all). */
  address: RateLimit;
  /** One IPv6 /56: a typical home or small-office delegation. */
  ipv6Slash56: RateLimit;
  /** One IPv6 /48: one site (and what a free tunnel broker hands anyone). */
  ipv6Slash48: RateLimit;
};

/** Every limit the companion applies. */
export type CompanionRateLimits = {
  /** Sends and resends for one email address or one number: each may cost a WhatsApp message. */
  contactSend: RateLimit;
  /** Verify calls for one contact: Okto kills a token after 5 wrong codes; this caps guessing across tokens. */
  contactVerify: RateLimit;
  /**
   * Per network, counted before the body is read. The login routes (send, verify, session) share one
   * set of counters; `/v1/paymaster` has its own, so a busy wallet cannot use up its network's logins.
   */
  ip: IpRateLimits;
  /**
   * Ceilings over the whole service (all replicas, with Redis), one per route, so that a flood of one
   * route cannot lock people out of another.
   */
  overall: { send: RateLimit; verify: RateLimit; session: RateLimit; paymaster: RateLimit };
  /** Paymaster data for one user (`user_swa` from Okto's verify-session): wallet spec §6, 30 per minute. */
  paymasterPerUser: RateLimit;
  /** Sessions `/v1/session` co-signs for one Okto id token (a login): the registration and one retry. */
  sessionsPerIdToken: number;
};

/**
 * The limits the companion applies unless told otherwise (each has a COMPANION_LIMIT_* variable).
 * - contactSend 5 per 10 min: a person needs one send and a few resends.
 * - contactVerify 15 per 10 min: three tokens' worth of 5 attempts.
 * - ip 60 per min per IPv4 address or IPv6 /64, 120 per /56, 240 per /48: a login takes 3 signing
 *   calls, so 60 leaves room for a shared NAT; a /48 (one site, or a free tunnel) gets no more than
 *   four addresses' worth.
 * - overall: Okto accepts at most 120 auth calls per minute per client (okto-protocol §3), so signing
 *   more than that per route only signs bodies Okto refuses. Sends, the ones that cost money, get half
 *   of it: 60 per minute caps the WhatsApp bill at 86 400 messages a day (the old single ceiling of 6000
 *   per minute allowed 8.6 M). Verifies and sessions cost nothing but Okto's budget: 120 each.
 *   Paymaster data: 240 per minute, twice Okto's 120 intents per minute, for the retry after a
 *   `Signature expired`. Raise them with Okto's limits, not before.
 * - paymasterPerUser 30 per minute (wallet spec §6).
 * - sessionsPerIdToken 2: one registration, and one retry when the first answer was lost.
 */
export const DEFAULT_RATE_LIMITS: CompanionRateLimits = {
  contactSend: { limit: 5, windowSeconds: 600 },
  contactVerify: { limit: 15, windowSeconds: 600 },
  ip: {
    address: { limit: 60, windowSeconds: 60 },
    ipv6Slash56: { limit: 120, windowSeconds: 60 },
    ipv6Slash48: { limit: 240, windowSeconds: 60 },
  },
  overall: {
    send: { limit: 60, windowSeconds: 60 },
    verify: { limit: 120, windowSeconds: 60 },
    session: { limit: 120, windowSeconds: 60 },
    paymaster: { limit: 240, windowSeconds: 60 },
  },
  paymasterPerUser: { limit: 30, windowSeconds: 60 },
  sessionsPerIdToken: 2,
};

export type CreateMemoryRateLimiterParameters = {
  /** Unix milliseconds. */
  clock?: () => number;
  /** Unexpired counters kept at most; when they are all in use, new keys are refused. */
  maxKeys?: number;
};

/**
 * A rate limiter in this process's memory: for one replica and for development; Redis is the store
 * for production. It never drops an unexpired counter, since a dropped counter is a limit that stops
 * holding (a flood of fresh keys must not reset a victim's or the service's count). Instead, with
 * `maxKeys` counters in use, a hit on a new key throws {@link RateLimiterFullError} (the companion
 * answers 503) until one expires. Expired counters are swept at most once a second.
 */
export function createMemoryRateLimiter({
  clock = Date.now,
  maxKeys = 100_000,
}: CreateMemoryRateLimiterParameters = {}): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweepAt = 0;
  /** The earliest `resetAt` seen by the last sweep: before it, a sweep frees nothing. */
  let earliestResetAt = 0;

  function sweep(now: number) {
    nextSweepAt = now + 1000;
    earliestResetAt = Number.POSITIVE_INFINITY;
    for (const [key, window] of windows) {
      if (window.resetAt <= now) windows.delete(key);
      else if (window.resetAt < earliestResetAt) earliestResetAt = window.resetAt;
    }
  }

  return {
    kind: 'memory',
    async hit(key, { limit, windowSeconds }) {
      const now = clock();
      if (now >= nextSweepAt && (windows.size < maxKeys || now >= earliestResetAt)) sweep(now);
      let window = windows.get(key);
      if (window === undefined || window.resetAt <= now) {
        if (window === undefined && windows.size >= maxKeys)
          throw new RateLimiterFullError(Math.max(1, Math.ceil((earliestResetAt - now) / 1000)));
        window = { count: 0, resetAt: now + windowSeconds * 1000 };
        windows.set(key, window);
        if (window.resetAt < earliestResetAt) earliestResetAt = window.resetAt;
      }
      window.count += 1;
      return window.count <= limit
        ? { allowed: true, retryAfter: 0 }
        : { allowed: false, retryAfter: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
    },
    async remember(key, ttlSeconds) {
      const now = clock();
      if (now >= nextSweepAt && (windows.size < maxKeys || now >= earliestResetAt)) sweep(now);
      if (!windows.has(key) && windows.size >= maxKeys)
        throw new RateLimiterFullError(Math.max(1, Math.ceil((earliestResetAt - now) / 1000)));
      const resetAt = now + ttlSeconds * 1000;
      // Remembered keys have their own prefixes (`x-token:`, `apple-state:`) and are never hit.
      windows.set(key, { count: Number.MAX_SAFE_INTEGER, resetAt });
      if (resetAt < earliestResetAt) earliestResetAt = resetAt;
    },
    async isRemembered(key) {
      const window = windows.get(key);
      return window !== undefined && window.resetAt > clock();
    },
    async close() {
      windows.clear();
    },
  };
}
