import { describe, expect, test } from 'vitest';
import { createMemoryRateLimiter, DEFAULT_RATE_LIMITS, RateLimiterFullError } from './rateLimit.ts';

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

  test('when full, refuses new keys instead of dropping a counter, until one expires', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ clock: () => now, maxKeys: 100 });
    const victim = { limit: 1, windowSeconds: 600 };
    const flood = { limit: 1, windowSeconds: 60 };
    await limiter.hit('victim', victim);
    for (let i = 0; i < 99; i++) await limiter.hit(`flood-${i}`, flood);
    // Full: a fresh key is refused, with the time until the first counter expires.
    await expect(limiter.hit('flood-new', flood)).rejects.toMatchObject({
      name: 'RateLimiterFullError',
      retryAfter: 60,
    });
    // Every counter in use still counts: the victim stays limited, the flood's keys too.
    expect(await limiter.hit('victim', victim)).toEqual({ allowed: false, retryAfter: 600 });
    expect((await limiter.hit('flood-0', flood)).allowed).toBe(false);
    // Once the flood's windows end, their counters make room; the victim's still holds.
    now += 60_000;
    expect((await limiter.hit('flood-new', flood)).allowed).toBe(true);
    expect((await limiter.hit('victim', victim)).allowed).toBe(false);
  });

  test('the default contact limit is 5 sends per 10 minutes', () => {
    expect(DEFAULT_RATE_LIMITS.contactSend).toEqual({ limit: 5, windowSeconds: 600 });
  });

  test('each route has its own ceiling, and sends (the paid ones) stay below Okto\u2019s 120 per minute', () => {
    const { send, verify, session, paymaster } = DEFAULT_RATE_LIMITS.overall;
    for (const limit of [send, verify, session])
      expect(limit.limit / limit.windowSeconds).toBeLessThanOrEqual(2);
    expect(send).toEqual({ limit: 60, windowSeconds: 60 });
    expect(paymaster).toEqual({ limit: 240, windowSeconds: 60 });
    expect(DEFAULT_RATE_LIMITS.paymasterPerUser).toEqual({ limit: 30, windowSeconds: 60 });
    expect(DEFAULT_RATE_LIMITS.sessionsPerIdToken).toBe(2);
  });
});

describe('remember and isRemembered', () => {
  test('a remembered key is known until its TTL, and asking creates nothing', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ clock: () => now, maxKeys: 2 });
    expect(await limiter.isRemembered('x')).toBe(false);
    expect(await limiter.isRemembered('x')).toBe(false);
    await limiter.remember('x', 60);
    expect(await limiter.isRemembered('x')).toBe(true);
    now = 59_999;
    expect(await limiter.isRemembered('x')).toBe(true);
    now = 60_000;
    expect(await limiter.isRemembered('x')).toBe(false);
  });

  test('remembered keys count against the memory cap, which fails closed', async () => {
    const limiter = createMemoryRateLimiter({ clock: () => 0, maxKeys: 1 });
    await limiter.remember('a', 60);
    await expect(limiter.remember('b', 60)).rejects.toBeInstanceOf(RateLimiterFullError);
  });
});
