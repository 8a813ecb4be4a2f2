import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type * as v from 'valibot';
import type { Address, Hex } from 'viem';
import {
  buildEmailResendData,
  buildEmailSendData,
  buildEmailVerifyData,
  buildWhatsAppResendData,
  buildWhatsAppSendData,
  buildWhatsAppVerifyData,
  type EmailContact,
  type OtpData,
  otpTimestamp,
  signOtpRequest,
  type WhatsAppContact,
} from '../okto/otp.ts';
import { signSessionAsClient } from '../okto/session.ts';
import type { Signer } from '../okto/signer.ts';
import { ipRateLimitSubject, resolveClientIp } from './clientIp.ts';
import type { CompanionAppConfig } from './config.ts';
import { LOG_PSEUDONYM_LENGTH, pseudonymise } from './pseudonym.ts';
import {
  type CompanionRateLimits,
  DEFAULT_RATE_LIMITS,
  type RateLimit,
  type RateLimiter,
  RateLimiterUnavailableError,
} from './rateLimit.ts';
import { readBodyText } from './requestBody.ts';
import { CompanionRequestError, invalidInput } from './requestError.ts';
import { contactOf, parseRequest, requestSchemas } from './requests.ts';

// The companion as a web-standard fetch handler (`app.fetch(request, env)`): no Node API in here, so it
// runs on any runtime that speaks Request/Response. It is not a signing oracle: every route builds
// what it signs from checked fields, its own clock and its own client SWA.

/** What the runtime tells the handler about the connection. */
export type CompanionBindings = {
  /** The peer address of the connection; the Node entry fills it in. */
  clientIp?: string;
};

type CompanionVariables = {
  /** Pseudonyms for the log line, never the values. */
  contact?: string;
  ip?: string;
  errorCode?: string;
};

type CompanionEnv = { Bindings: CompanionBindings; Variables: CompanionVariables };

/** The largest body a signing route reads. */
export const MAX_BODY_BYTES = 4096;

export type CreateCompanionAppParameters = {
  config: CompanionAppConfig;
  /** The client key's signer; the key itself never reaches the handler. */
  signer: Signer;
  rateLimiter: RateLimiter;
  /** Defaults to {@link DEFAULT_RATE_LIMITS}. */
  limits?: CompanionRateLimits;
  /** Unix milliseconds: the OTP timestamp and the paymaster window come from it. */
  clock?: () => number;
  /** Receives one JSON line per request. */
  log?: (line: string) => void;
};

/** One log line: what happened, never to whom (pseudonyms only), never a key, code or token. */
export type CompanionLogLine = {
  ts: string;
  route: string;
  method: string;
  status: number;
  ms: number;
  contact?: string;
  ip?: string;
  error?: string;
};

/**
 * The companion's fetch handler.
 * @example
 * const app = createCompanionApp({ config, signer: privateKeySigner(key), rateLimiter: createMemoryRateLimiter() });
 * const response = await app.fetch(request, { clientIp });
 */
export function createCompanionApp({
  config,
  signer,
  rateLimiter,
  limits = DEFAULT_RATE_LIMITS,
  clock = Date.now,
  log = (line) => console.log(line),
}: CreateCompanionAppParameters) {
  const app = new Hono<CompanionEnv>();
  const allowedOrigins = new Set(config.allowedOrigins);

  async function enforce(key: string, limit: RateLimit, what: string) {
    const { allowed, retryAfter } = await rateLimiter.hit(key, limit);
    if (!allowed)
      throw new CompanionRequestError({
        status: 429,
        code: 'rate_limited',
        message: `Too many requests ${what}. Wait ${retryAfter} seconds and try again.`,
        retryAfter,
      });
  }

  /** The per-IP limit, counted before the body is read so that junk costs its sender too. */
  const limitByIp: MiddlewareHandler<CompanionEnv> = async (c, next) => {
    const ip = resolveClientIp({
      forwardedFor: c.req.header('x-forwarded-for'),
      socketAddress: c.env?.clientIp,
      trustProxyHops: config.trustProxyHops,
    });
    const pseudonym = pseudonymise({ salt: config.hashSalt, value: `ip:${ipRateLimitSubject(ip)}` });
    c.set('ip', pseudonym.slice(0, LOG_PSEUDONYM_LENGTH));
    await enforce(`ip:${pseudonym}`, limits.ip, 'from your network');
    await next();
  };

  const requireJson: MiddlewareHandler<CompanionEnv> = async (c, next) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      throw new CompanionRequestError({
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the body as JSON with the header Content-Type: application/json.',
      });
    await next();
  };

  async function readBody<schema extends v.GenericSchema>(c: Context<CompanionEnv>, schema: schema) {
    const text = await readBodyText(c.req.raw, MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw invalidInput('body', 'The body is not valid JSON.');
    }
    return parseRequest(schema, body);
  }

  /** The per-contact limit of a send or verify; sets the contact's pseudonym for the log line. */
  async function limitByContact(c: Context<CompanionEnv>, contact: string, kind: 'send' | 'verify') {
    const pseudonym = pseudonymise({ salt: config.hashSalt, value: contact });
    c.set('contact', pseudonym.slice(0, LOG_PSEUDONYM_LENGTH));
    await enforce(
      `contact-${kind}:${pseudonym}`,
      kind === 'send' ? limits.contactSend : limits.contactVerify,
      kind === 'send' ? 'for a code to this contact' : 'to verify codes for this contact',
    );
  }

  /** The overall ceiling, counted last: only requests about to be signed use it up. */
  const limitOverall = () => enforce('overall', limits.overall, 'to the signing service');

  const signing = [limitByIp, requireJson] as const;

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const line: CompanionLogLine = {
      ts: new Date(clock()).toISOString(),
      // The route's pattern, not the path: a path can carry anything, an address included.
      route: c.res.status === 404 && c.get('errorCode') === 'not_found' ? '(none)' : routePath(c, -1),
      method: c.req.method,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    const contact = c.get('contact');
    const ip = c.get('ip');
    const error = c.get('errorCode');
    if (contact) line.contact = contact;
    if (ip) line.ip = ip;
    if (error) line.error = error;
    log(JSON.stringify(line));
  });

  // Origin policy: a browser request from an origin not on the list gets no CORS headers and no signature.
  app.use(async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowedOrigins.has(origin))
      throw new CompanionRequestError({
        status: 403,
        code: 'origin_not_allowed',
        message: `The origin ${truncate(origin)} may not use this signing service. Its operator can add it to COMPANION_ALLOWED_ORIGINS.`,
      });
    // Set before the answer exists, so that every answer (errors too) is built with them at once.
    c.header('Vary', 'Origin');
    c.header('Cache-Control', 'no-store');
    if (origin !== undefined) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    await next();
  });

  app.options('*', (c) => {
    if (c.req.header('origin') !== undefined) {
      c.header('Access-Control-Allow-Methods', 'GET, POST');
      c.header('Access-Control-Allow-Headers', 'Content-Type');
      c.header('Access-Control-Max-Age', '600');
    }
    c.header('Allow', 'GET, POST, OPTIONS');
    return c.body(null, 204);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok', rateLimiter: rateLimiter.kind }));

  app.get('/v1/config', (c) =>
    c.json({ clientSWA: config.clientSWA, environment: config.environment, oktoBaseUrl: config.oktoBaseUrl }),
  );

  /** An OTP route: check the body, count the contact, then build `data` with our clock and SWA, and sign it. */
  function otpRoute<input extends EmailContact | WhatsAppContact>(
    path: string,
    schema: v.GenericSchema<unknown, input>,
    kind: 'send' | 'verify',
    build: (input: input, common: { clientSWA: Address; timestamp: number }) => OtpData,
  ) {
    app.post(path, ...signing, async (c) => {
      const input = await readBody(c, schema);
      await limitByContact(c, contactOf(input), kind);
      await limitOverall();
      const data = build(input, { clientSWA: config.clientSWA, timestamp: otpTimestamp(clock()) });
      return c.json(await signOtpRequest(data, signer));
    });
  }

  // A token makes a send a resend.
  otpRoute('/v1/otp/email/send', requestSchemas.emailSend, 'send', ({ email, token }, common) =>
    token === undefined
      ? buildEmailSendData({ email, ...common })
      : buildEmailResendData({ email, token, ...common }),
  );
  otpRoute('/v1/otp/whatsapp/send', requestSchemas.whatsAppSend, 'send', ({ token, ...contact }, common) =>
    token === undefined
      ? buildWhatsAppSendData({ ...contact, ...common })
      : buildWhatsAppResendData({ ...contact, token, ...common }),
  );
  otpRoute('/v1/otp/email/verify', requestSchemas.emailVerify, 'verify', (input, common) =>
    buildEmailVerifyData({ ...input, ...common }),
  );
  otpRoute('/v1/otp/whatsapp/verify', requestSchemas.whatsAppVerify, 'verify', (input, common) =>
    buildWhatsAppVerifyData({ ...input, ...common }),
  );

  app.post('/v1/session', ...signing, async (c) => {
    const input = await readBody(c, requestSchemas.session);
    await limitOverall();
    const signatures = await signSessionAsClient({
      sessionPk: input.sessionPk as Hex,
      nonce: input.nonce,
      clientSWA: config.clientSWA,
      now: clock() / 1000,
      sign: signer,
    });
    return c.json({ clientSWA: config.clientSWA, paymaster: config.paymaster, ...signatures });
  });

  app.notFound((c) => {
    c.set('errorCode', 'not_found');
    return c.json(
      {
        error: {
          code: 'not_found',
          message: `There is no ${c.req.method} route here. The routes are GET /v1/config, GET /healthz and POST /v1/otp/{email,whatsapp}/{send,verify} and /v1/session.`,
        },
      },
      404,
    );
  });

  app.onError((error, c) => {
    const failure = toRequestError(error);
    c.set('errorCode', failure.code);
    if (failure.retryAfter !== undefined) c.header('Retry-After', String(failure.retryAfter));
    return c.json(failure.toBody(), failure.status);
  });

  return app;
}

function toRequestError(error: unknown): CompanionRequestError {
  if (error instanceof CompanionRequestError) return error;
  if (error instanceof RateLimiterUnavailableError)
    return new CompanionRequestError({
      status: 503,
      code: 'unavailable',
      message:
        'The signing service cannot check its rate limits right now, so it signs nothing. Try again in a few seconds.',
      retryAfter: 5,
    });
  // Anything else is our bug: say so without a stack or a message that could carry input.
  return new CompanionRequestError({
    status: 500,
    code: 'internal',
    message: 'The signing service failed. Try again later; if it keeps failing, tell its operator.',
  });
}

function truncate(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
