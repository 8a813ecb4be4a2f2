import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { privateKeySigner } from '../okto/signer.ts';
import { createCompanionApp } from './app.ts';
import type { CompanionConfig } from './config.ts';
import { type CompanionRateLimits, createMemoryRateLimiter, type RateLimiter } from './rateLimit.ts';
import { createRedisRateLimiter } from './redisRateLimiter.ts';

// The companion's Node entry: the fetch handler behind node:http, with the rate limiter that the
// configuration asks for (Redis when REDIS_URL is set, memory otherwise).

export type StartCompanionParameters = {
  config: CompanionConfig;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1; 0.0.0.0 to serve other hosts (behind TLS). */
  host?: string;
  /** Default `config.limits` (the variables, else `DEFAULT_RATE_LIMITS`); tests and the bench change them. */
  limits?: CompanionRateLimits;
  /** Counters the memory store holds at most (without REDIS_URL); default 100 000. */
  memoryMaxKeys?: number;
  /** Reaches Okto's BFF (verify-session); default the global `fetch`. */
  fetch?: typeof fetch;
  /** Unix milliseconds. */
  clock?: () => number;
  /** One JSON line per request and per rate-limit store event; default stdout. */
  log?: (line: string) => void;
};

/** A client must send its headers within this time... */
export const HEADERS_TIMEOUT_MS = 5_000;
/** ...and its whole request (headers and body) within this one. */
export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How often Node checks those two timeouts. Its default is 30 s, so a slow client was held up to
 * 30 s past them; checking twice a second keeps each within half a second of its value.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 500;

export type RunningCompanion = {
  url: string;
  port: number;
  rateLimiter: RateLimiter['kind'];
  /** Stops listening, drops open connections and disconnects from Redis; never hangs. */
  close(): Promise<void>;
};

/**
 * Starts the companion over HTTP.
 * @example
 * const companion = await startCompanion({ config: loadCompanionConfig(process.env), port: 8791 });
 * console.log(companion.url); // http://127.0.0.1:8791
 */
export async function startCompanion({
  config,
  port,
  host = '127.0.0.1',
  limits = config.limits,
  memoryMaxKeys,
  fetch,
  clock = Date.now,
  log = (line) => console.log(line),
}: StartCompanionParameters): Promise<RunningCompanion> {
  const event = (name: string, message: string) =>
    log(JSON.stringify({ ts: new Date(clock()).toISOString(), event: name, message }));

  let rateLimiter: RateLimiter;
  if (config.redisUrl === undefined) {
    rateLimiter = createMemoryRateLimiter({ clock, maxKeys: memoryMaxKeys });
  } else {
    const redis = createRedisRateLimiter({
      url: config.redisUrl,
      // One Redis may serve companions of several clients: each counts apart.
      keyPrefix: `okto-companion:${config.clientSWA.toLowerCase()}:`,
      onEvent: event,
    });
    if (!(await redis.ready(3000)))
      event('redis_unreachable', 'Redis is not reachable: signing routes answer 503 until it is.');
    rateLimiter = redis;
  }

  // Made once the port is known: for local, COMPANION_PUBLIC_URL defaults to the companion's own URL.
  let app: ReturnType<typeof createCompanionApp> | undefined;
  // A slow or silent client must not hold a connection for long, nor many clients all of them.
  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    getRequestListener((request, env) =>
      (app as NonNullable<typeof app>).fetch(request, { clientIp: env.incoming.socket.remoteAddress }),
    ),
  );
  server.maxConnections = config.maxConnections;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await rateLimiter.close();
    throw error;
  }

  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${actualPort}`;
  try {
    app = createCompanionApp({
      config: {
        ...config,
        ...(config.publicUrl === undefined && config.environment === 'local' ? { publicUrl: url } : {}),
      },
      signer: privateKeySigner(config.clientPrivateKey),
      rateLimiter,
      limits,
      clock,
      log,
      fetch,
    });
  } catch (error) {
    server.close();
    await rateLimiter.close();
    throw error;
  }
  return {
    url,
    port: actualPort,
    rateLimiter: rateLimiter.kind,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, rateLimiter.close()]);
    },
  };
}

/** The host part of a URL clients can use: a wildcard bind is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
