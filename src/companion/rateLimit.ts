import { BaseError } from '../okto/errors.ts';

// Rate limits against "OTP pumping": every WhatsApp code costs the client money, so the companion
// refuses to sign more sends than a person needs. Fixed windows: a key may be hit `limit` times per
// window; the window starts at the first hit. A burst of up to 2 × limit across a window boundary is
// possible and accepted: the limits are set so that even twice each is harmless.

/** At most `limit` hits per `windowSeconds`. */
export type RateLimit = { limit: number; windowSeconds: number };

/** The outcome of one hit; `retryAfter` is in whole seconds, 0 when allowed. */
export type RateLimitResult = { allowed: boolean; retryAfter: number };

/** Counts hits per key; shared by every replica when backed by Redis. */
export type RateLimiter = {
  readonly kind: 'memory' | 'redis';
  /** Counts one hit on `key` and says whether it stays within the limit. */
  hit(key: string, limit: RateLimit): Promise<RateLimitResult>;
  close(): Promise<void>;
};

/** The store behind a rate limiter cannot answer; the companion then refuses to sign (fails closed). */
export class RateLimiterUnavailableError extends BaseError {
  override name = 'RateLimiterUnavailableError';
}

/** Every limit the companion applies. */
export type CompanionRateLimits = {
  /** Sends and resends for one email address or one number: each may cost a WhatsApp message. */
  contactSend: RateLimit;
  /** Verify calls for one contact: Okto kills a token after 5 wrong codes; this caps guessing across tokens. */
  contactVerify: RateLimit;
  /** Signing requests from one IPv4 address or one IPv6 /64. */
  ip: RateLimit;
  /** Signing requests over the whole service (all replicas, with Redis): a ceiling on the bill. */
  overall: RateLimit;
};

/**
 * The limits the companion applies unless told otherwise.
 * - contactSend 5 per 10 min: the issue's rule; a person needs one send and a few resends.
 * - contactVerify 15 per 10 min: three tokens' worth of 5 attempts.
 * - ip 60 per min: a login takes 3 signing calls; 60 leaves room for a shared NAT.
 * - overall 6000 per min: 100 logins per second; raise it for a larger user base.
 */
export const DEFAULT_RATE_LIMITS: CompanionRateLimits = {
  contactSend: { limit: 5, windowSeconds: 600 },
  contactVerify: { limit: 15, windowSeconds: 600 },
  ip: { limit: 60, windowSeconds: 60 },
  overall: { limit: 6000, windowSeconds: 60 },
};

export type CreateMemoryRateLimiterParameters = {
  /** Unix milliseconds. */
  clock?: () => number;
  /** Counters kept at most; the oldest go first when full. */
  maxKeys?: number;
};

/**
 * A rate limiter in this process's memory: right for one replica. Expired counters are swept at most
 * once a second, and at `maxKeys` the oldest tenth is dropped, so memory stays bounded whatever
 * callers send. The default of 100 000 exceeds the keys the default overall limit lets in per
 * 10-minute window (60 000 contacts), so eviction only happens under a flood that limit already caps.
 */
export function createMemoryRateLimiter({
  clock = Date.now,
  maxKeys = 100_000,
}: CreateMemoryRateLimiterParameters = {}): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweepAt = 0;

  function sweep(now: number) {
    nextSweepAt = now + 1000;
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    if (windows.size < maxKeys) return;
    let excess = windows.size - Math.floor(maxKeys * 0.9);
    for (const key of windows.keys()) {
      if (excess-- <= 0) break;
      windows.delete(key);
    }
  }

  return {
    kind: 'memory',
    async hit(key, { limit, windowSeconds }) {
      const now = clock();
      if (now >= nextSweepAt || windows.size >= maxKeys) sweep(now);
      let window = windows.get(key);
      if (window === undefined || window.resetAt <= now) {
        // Delete before set so that the Map's order stays the order of window starts (oldest first).
        windows.delete(key);
        window = { count: 0, resetAt: now + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count <= limit
        ? { allowed: true, retryAfter: 0 }
        : { allowed: false, retryAfter: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
    },
    async close() {
      windows.clear();
    },
  };
}
