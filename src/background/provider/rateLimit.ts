/** Per-key token buckets: `take(key)` answers whether one more request fits now. */
export type RateLimiter = { take(key: string): boolean };

export type CreateRateLimiterParameters = {
  /** Requests a key may make at once, after being quiet. */
  burst: number;
  /** Requests per second a key may keep making. */
  perSecond: number;
  /** Unix ms. */
  now?: () => number;
  /** Keys remembered at most; the quietest are forgotten first (a forgotten key starts full). */
  maxKeys?: number;
};

/**
 * A token-bucket limiter per key (per origin here), so one flooding site cannot starve the others or
 * fill the worker with work. Pure and in memory: a worker restart forgives everyone, which is fine.
 */
export function createRateLimiter({
  burst,
  perSecond,
  now = Date.now,
  maxKeys = 1000,
}: CreateRateLimiterParameters): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.delete(key); // re-inserted last: Map order is then least recently used first
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
