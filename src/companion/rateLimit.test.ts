import { describe, expect, test } from 'vitest';
import { createMemoryRateLimiter, DEFAULT_RATE_LIMITS } from './rateLimit.ts';

describe('createMemoryRateLimiter', () => {
  test('allows `limit` hits per window, then answers the seconds until the window ends', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ clock: () => now });
    const limit = { limit: 5, windowSeconds: 600 };
    for (let i = 0; i < 5; i++)
      expect(await limiter.hit('a', limit)).toEqual({ allowed: true, retryAfter: 0 });
    expect(await limiter.hit('a', limit)).toEqual({ allowed: false, retryAfter: 600 });
    now += 599_001;
    expect(await limiter.hit('a', limit)).toEqual({ allowed: false, retryAfter: 1 });
    now += 999;
    expect(await limiter.hit('a', limit)).toEqual({ allowed: true, retryAfter: 0 });
  });

  test('counts each key apart', async () => {
    const limiter = createMemoryRateLimiter({ clock: () => 0 });
    const limit = { limit: 1, windowSeconds: 60 };
    expect((await limiter.hit('a', limit)).allowed).toBe(true);
    expect((await limiter.hit('b', limit)).allowed).toBe(true);
    expect((await limiter.hit('a', limit)).allowed).toBe(false);
  });

  test('stays within maxKeys under a flood of fresh keys, dropping the oldest first', async () => {
    const limiter = createMemoryRateLimiter({ clock: () => 0, maxKeys: 100 });
    const limit = { limit: 1, windowSeconds: 60 };
    await limiter.hit('oldest', limit);
    for (let i = 0; i < 1000; i++) await limiter.hit(`flood-${i}`, limit);
    // The oldest counter went first, so its key counts from zero again.
    expect((await limiter.hit('oldest', limit)).allowed).toBe(true);
    const newest = 'flood-999';
    expect((await limiter.hit(newest, limit)).allowed).toBe(false);
  });

  test('the default contact limit is 5 sends per 10 minutes', () => {
    expect(DEFAULT_RATE_LIMITS.contactSend).toEqual({ limit: 5, windowSeconds: 600 });
  });
});
