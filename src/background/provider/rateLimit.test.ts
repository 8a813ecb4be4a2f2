import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rateLimit.ts';

describe('per-origin rate limit', () => {
  it('refuses a flooding origin after its burst, and lets it in again as time passes', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 5, perSecond: 2, now: () => now });
    const results = Array.from({ length: 8 }, () => limiter.take('https://flood.example'));
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
    now += 1000;
    expect([limiter.take('https://flood.example'), limiter.take('https://flood.example')]).toEqual([
      true,
      true,
    ]);
    expect(limiter.take('https://flood.example')).toBe(false);
  });

  it('keeps origins apart: one flooding site does not block another', () => {
    const limiter = createRateLimiter({ burst: 2, perSecond: 1, now: () => 0 });
    limiter.take('https://a.example');
    limiter.take('https://a.example');
    expect(limiter.take('https://a.example')).toBe(false);
    expect(limiter.take('https://b.example')).toBe(true);
  });
});
