import type { EmulatorClock } from './clock.ts';

// §3/§7: Okto allows 120 auth calls per minute per client SWA. A sliding window on the emulator clock,
// so that advancing the clock a minute lifts the limit.

export type RateLimiter = {
  /** Counts one call for `key`, or refuses it with the seconds until a slot frees up (a refused call is not counted). */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
};

export type CreateRateLimiterParameters = { limit: number; windowSeconds: number; clock: EmulatorClock };

/** A sliding-window limiter: at most `limit` calls per key in any `windowSeconds`. */
export function createRateLimiter({ limit, windowSeconds, clock }: CreateRateLimiterParameters): RateLimiter {
  const windowMs = windowSeconds * 1000;
  const calls = new Map<string, number[]>();
  return {
    take(key) {
      const now = clock.nowMs();
      const recent = (calls.get(key) ?? []).filter((at) => now - at < windowMs);
      if (recent.length >= limit) {
        calls.set(key, recent);
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + windowMs - now) / 1000)) };
      }
      recent.push(now);
      calls.set(key, recent);
      return { ok: true };
    },
  };
}
