import { describe, expect, it } from 'vitest';
import { createEmulatorClock } from './clock.ts';
import { createRateLimiter } from './rateLimiter.ts';

describe('createRateLimiter', () => {
  it('allows `limit` calls per key in a sliding window and names the wait', () => {
    const clock = createEmulatorClock({ now: () => 0 });
    const limiter = createRateLimiter({ limit: 3, windowSeconds: 60, clock });
    expect(limiter.take('a')).toEqual({ ok: true });
    clock.advance(20);
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(limiter.take('b')).toEqual({ ok: true });
    clock.advance(40);
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 20 });
  });
});
