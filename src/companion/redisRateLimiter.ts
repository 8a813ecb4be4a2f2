import { Redis } from 'ioredis';
import { type RateLimiter, RateLimiterUnavailableError } from './rateLimit.ts';

// The rate limiter that several replicas share: one Redis counter per key and window. Node-only
// (ioredis); the fetch handler sees only the `RateLimiter` type.

/** INCR and, on the window's first hit, PEXPIRE, in one atomic step; answers the count and the ms left. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type RedisWithHit = Redis & { companionRateHit(key: string, windowMs: number): Promise<[number, number]> };

export type CreateRedisRateLimiterParameters = {
  url: string;
  /** Prepended to every key, so that several companions can share one Redis. */
  keyPrefix: string;
  /** A command that takes longer fails (and the request is refused), so no request hangs on Redis. */
  commandTimeoutMs?: number;
  /** Connection news for the log; ioredis keeps reconnecting after a loss. Repeated errors are reported once. */
  onEvent?: (event: RedisConnectionEvent, message: string) => void;
};

export type RedisConnectionEvent = 'redis_ready' | 'redis_lost' | 'redis_error';

/** A {@link RateLimiter} over Redis; with Redis unreachable, every hit throws {@link RateLimiterUnavailableError}. */
export function createRedisRateLimiter({
  url,
  keyPrefix,
  commandTimeoutMs = 1000,
  onEvent,
}: CreateRedisRateLimiterParameters): RateLimiter & { ready(timeoutMs: number): Promise<boolean> } {
  const redis = new Redis(url, {
    // Fail now rather than queue while disconnected: a queued hit would hold the request open.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  }) as RedisWithHit;
  redis.defineCommand('companionRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  let wasReady = false;
  let lastError: string | undefined;
  redis.on('ready', () => {
    wasReady = true;
    lastError = undefined;
    onEvent?.('redis_ready', 'Connected to Redis.');
  });
  redis.on('close', () => {
    if (!wasReady) return;
    wasReady = false;
    onEvent?.('redis_lost', 'Lost the connection to Redis: signing routes answer 503 until it is back.');
  });
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    onEvent?.('redis_error', error.message);
  });

  return {
    kind: 'redis',
    async hit(key, { limit, windowSeconds }) {
      let count: number;
      let ttlMs: number;
      try {
        [count, ttlMs] = await redis.companionRateHit(`${keyPrefix}${key}`, windowSeconds * 1000);
      } catch (cause) {
        throw new RateLimiterUnavailableError('The rate-limit store (Redis) is unreachable.', { cause });
      }
      return count <= limit
        ? { allowed: true, retryAfter: 0 }
        : { allowed: false, retryAfter: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
    async remember(key, ttlSeconds) {
      try {
        await redis.set(`${keyPrefix}${key}`, '1', 'PX', ttlSeconds * 1000);
      } catch (cause) {
        throw new RateLimiterUnavailableError('The rate-limit store (Redis) is unreachable.', { cause });
      }
    },
    async isRemembered(key) {
      try {
        return (await redis.exists(`${keyPrefix}${key}`)) === 1;
      } catch (cause) {
        throw new RateLimiterUnavailableError('The rate-limit store (Redis) is unreachable.', { cause });
      }
    },
    /** Resolves true once connected; false on the first connection error or after `timeoutMs`. */
    ready(timeoutMs) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          redis.off('error', onError);
          resolve(value);
        };
        const onReady = () => done(true);
        const onError = () => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.once('ready', onReady);
        redis.once('error', onError);
      });
    },
    async close() {
      // quit() waits for Redis to answer; when it cannot, drop the socket instead of hanging.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
