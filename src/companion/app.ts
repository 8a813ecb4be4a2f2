import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type * as v from 'valibot';
import type { Address, Hex } from 'viem';
import { verifyAuthToken } from '../okto/authToken.ts';
import { AuthTokenError } from '../okto/errors.ts';
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
import { createPaymasterData } from '../okto/paymaster.ts';
import { signSessionAsClient } from '../okto/session.ts';
import type { Signer } from '../okto/signer.ts';
import { answerAppleRelay, answerAppleStart, RELAYED_STATE_SECONDS, relayPage } from './appleRelay.ts';
import { ipRateLimitSubjects, resolveClientIp } from './clientIp.ts';
import type { CompanionAppConfig } from './config.ts';
import { allowedExtensionIds, isFirefoxExtensionOrigin } from './extensionRedirects.ts';
import { createIdTokenChecks, ID_TOKEN_MAX_AGE_SECONDS } from './idToken.ts';
import { APPLE_RELAY_PATH, APPLE_START_PATH, publicLoginConfig } from './loginConfig.ts';
import { createOktoSessionVerifier } from './oktoSessions.ts';
import { createProviderKeys } from './providerKeys.ts';
import { LOG_PSEUDONYM_LENGTH, pseudonymise } from './pseudonym.ts';
import {
  type CompanionRateLimits,
  DEFAULT_RATE_LIMITS,
  type RateLimit,
  type RateLimiter,
  RateLimiterFullError,
  RateLimiterUnavailableError,
} from './rateLimit.ts';
import { readBodyText } from './requestBody.ts';
import { CompanionRequestError, invalidInput, toOktoErrorBody } from './requestError.ts';
import { contactOf, parseRequest, requestSchemas } from './requests.ts';
import { exchangeTwitterCode, X_EXCHANGE_TIMEOUT_MS } from './twitterExchange.ts';

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
  user?: string;
  errorCode?: string;
};

type CompanionEnv = { Bindings: CompanionBindings; Variables: CompanionVariables };

/** The largest body a signing route reads. */
export const MAX_BODY_BYTES = 4096;

/** How long the paymaster data of `/v1/paymaster` is valid: 10 minutes (wallet spec §1, ours). */
export const PAYMASTER_ROUTE_VALIDITY_SECONDS = 600;

/** The route whose answers, errors included, are in Okto's envelope (wallet spec §6). */
const PAYMASTER_PATH = '/v1/paymaster';

/** The X code exchange (okto-social-login.md §3.3). */
const TWITTER_TOKEN_PATH = '/v1/oauth/twitter/token';

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
  /**
   * Reaches Okto's BFF (verify-session, for `/v1/paymaster`), X's token endpoint and the configured
   * issuers' keys; default the global `fetch`.
   */
  fetch?: typeof fetch;
  /** How long the X code exchange waits for X; default 10 s. */
  xExchangeTimeoutMs?: number;
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
  /** `/v1/paymaster`: the user's pseudonym. */
  user?: string;
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
  fetch: fetchFn = fetch,
  xExchangeTimeoutMs = X_EXCHANGE_TIMEOUT_MS,
}: CreateCompanionAppParameters) {
  const app = new Hono<CompanionEnv>();
  const allowedOrigins = new Set(config.allowedOrigins);
  const extensionIds = allowedExtensionIds(config.allowedOrigins, config.firefoxAddonIds);
  /** A listed origin, or with COMPANION_ALLOW_FIREFOX=1 any Firefox extension's (random per install). */
  const isAllowedOrigin = (origin: string) =>
    allowedOrigins.has(origin) || (config.allowFirefox && isFirefoxExtensionOrigin(origin));
  const oktoSessions = createOktoSessionVerifier({ baseUrl: config.oktoBaseUrl, fetch: fetchFn, clock });
  const pseudonymOf = (value: string) => pseudonymise({ salt: config.hashSalt, value });
  if (config.login.apple !== undefined && config.publicUrl === undefined)
    throw new TypeError(
      'Apple sign-in needs config.publicUrl (the relay is under it); startCompanion fills it in for local.',
    );
  /** The key under which an X access token this companion handed out is remembered: a salted hash. */
  const xTokenKey = (accessToken: string) => `x-token:${pseudonymOf(`x-token:${accessToken}`)}`;
  const checkIdToken = createIdTokenChecks({
    login: config.login,
    clientSWA: config.clientSWA,
    providerKeys: createProviderKeys({ fetch: fetchFn }),
    isIssuedXToken: (accessToken) => rateLimiter.isRemembered(xTokenKey(accessToken)),
  });

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

  /**
   * The per-network limits, counted before the body is read so that junk costs its sender too. Broadest
   * first (IPv6 /48, /56, then the /64), so that a network over its budget creates no finer counters.
   * The login routes share one set of counters; the paymaster route has its own.
   */
  const limitByIp =
    (group: 'login' | 'paymaster'): MiddlewareHandler<CompanionEnv> =>
    async (c, next) => {
      const ip = resolveClientIp({
        forwardedFor: c.req.header('x-forwarded-for'),
        socketAddress: c.env?.clientIp,
        trustProxyHops: config.trustProxyHops,
      });
      const subjects = ip === undefined ? undefined : ipRateLimitSubjects(ip);
      if (subjects === undefined)
        // Never one shared bucket for every caller the runtime cannot place: one of them would lock out all.
        throw new CompanionRequestError({
          status: 400,
          code: 'client_address_unknown',
          message:
            'The signing service cannot tell which network this request comes from, so it signs nothing. Its operator must pass the peer address to the handler (env.clientIp) or fix COMPANION_TRUST_PROXY.',
        });
      const pseudonyms = subjects.map(({ subject }) => pseudonymOf(`ip:${subject}`));
      c.set('ip', (pseudonyms[pseudonyms.length - 1] as string).slice(0, LOG_PSEUDONYM_LENGTH));
      for (const [i, { level }] of subjects.entries())
        await enforce(`ip:${group}:${pseudonyms[i]}`, limits.ip[level], 'from your network');
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
    const pseudonym = pseudonymOf(contact);
    c.set('contact', pseudonym.slice(0, LOG_PSEUDONYM_LENGTH));
    await enforce(
      `contact-${kind}:${pseudonym}`,
      kind === 'send' ? limits.contactSend : limits.contactVerify,
      kind === 'send' ? 'for a code to this contact' : 'to verify codes for this contact',
    );
  }

  /**
   * A route's ceiling over the whole service. Counted after the network's and before any per-contact,
   * per-login or per-user counter, so that a refused request creates none of those.
   */
  const limitOverall = (route: keyof CompanionRateLimits['overall']) =>
    enforce(`overall:${route}`, limits.overall[route], OVERALL_WHAT[route]);

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The Apple relay logs its route and status only (okto-social-login.md §3.2).
    const quiet = c.req.path === APPLE_RELAY_PATH || c.req.path === APPLE_START_PATH;
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
    const user = c.get('user');
    const error = c.get('errorCode');
    if (!quiet) {
      if (contact) line.contact = contact;
      if (ip) line.ip = ip;
      if (user) line.user = user;
      if (error) line.error = error;
    }
    log(JSON.stringify(line));
  });

  // Origin policy: a browser request from an origin not on the list gets no CORS headers and no signature.
  // Not for the Apple relay: Apple's page posts to it, from Apple's origin, and it signs nothing.
  app.use(async (c, next) => {
    if (c.req.path === APPLE_RELAY_PATH || c.req.path === APPLE_START_PATH) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && !isAllowedOrigin(origin))
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
    c.json({
      clientSWA: config.clientSWA,
      environment: config.environment,
      oktoBaseUrl: config.oktoBaseUrl,
      login: publicLoginConfig(config),
    }),
  );

  /** An OTP route: check the body, count the contact, then build `data` with our clock and SWA, and sign it. */
  function otpRoute<input extends EmailContact | WhatsAppContact>(
    path: string,
    schema: v.GenericSchema<unknown, input>,
    kind: 'send' | 'verify',
    build: (input: input, common: { clientSWA: Address; timestamp: number }) => OtpData,
  ) {
    app.post(path, limitByIp('login'), requireJson, async (c) => {
      const input = await readBody(c, schema);
      await limitOverall(kind);
      await limitByContact(c, contactOf(input), kind);
      const data = build(input, { clientSWA: config.clientSWA, timestamp: otpTimestamp(clock()) });
      return c.json(await signOtpRequest(data, signer));
    });
  }

  // A token makes a send a resend. A method COMPANION_LOGIN_METHODS leaves out has no routes: nothing
  // is signed for it (a WhatsApp code costs money).
  if (config.login.otp.email) {
    otpRoute('/v1/otp/email/send', requestSchemas.emailSend, 'send', ({ email, token }, common) =>
      token === undefined
        ? buildEmailSendData({ email, ...common })
        : buildEmailResendData({ email, token, ...common }),
    );
    otpRoute('/v1/otp/email/verify', requestSchemas.emailVerify, 'verify', (input, common) =>
      buildEmailVerifyData({ ...input, ...common }),
    );
  }
  if (config.login.otp.whatsapp) {
    otpRoute('/v1/otp/whatsapp/send', requestSchemas.whatsAppSend, 'send', ({ token, ...contact }, common) =>
      token === undefined
        ? buildWhatsAppSendData({ ...contact, ...common })
        : buildWhatsAppResendData({ ...contact, token, ...common }),
    );
    otpRoute('/v1/otp/whatsapp/verify', requestSchemas.whatsAppVerify, 'verify', (input, common) =>
      buildWhatsAppVerifyData({ ...input, ...common }),
    );
  }

  /** Apple's form_post, relayed to the extension named in `state` (okto-social-login.md §3.2). */
  if (config.login.apple !== undefined)
    app.post(APPLE_RELAY_PATH, limitByIp('login'), (c) =>
      answerAppleRelay({
        request: c.req.raw,
        extensionIds,
        async useState(state) {
          const key = `apple-state:${pseudonymOf(`apple-state:${state}`)}`;
          if (await rateLimiter.isRemembered(key)) return false;
          await rateLimiter.remember(key, RELAYED_STATE_SECONDS);
          return true;
        },
      }),
    );

  /** Firefox's start of an Apple sign-in (a redirect to Apple), only when Firefox is allowed. */
  const apple = config.login.apple;
  if (apple !== undefined && config.allowFirefox && config.publicUrl !== undefined) {
    const relayUrl = `${config.publicUrl}${APPLE_RELAY_PATH}`;
    app.get(APPLE_START_PATH, limitByIp('login'), (c) =>
      answerAppleStart({ url: new URL(c.req.url), extensionIds, apple, relayUrl }),
    );
  }

  /** The X code exchange; the token it answers is remembered, so that `/v1/session` takes only those. */
  const twitterExchange = config.twitterExchange;
  if (twitterExchange !== undefined)
    app.post(TWITTER_TOKEN_PATH, limitByIp('login'), requireJson, async (c) => {
      const input = await readBody(c, requestSchemas.twitterToken);
      const { accessToken, expiresIn } = await exchangeTwitterCode({
        input,
        origin: c.req.header('origin'),
        extensionIds,
        exchange: twitterExchange,
        fetch: fetchFn,
        timeoutMs: xExchangeTimeoutMs,
      });
      await rateLimiter.remember(xTokenKey(accessToken), Math.min(expiresIn, ID_TOKEN_MAX_AGE_SECONDS));
      return c.json({ accessToken, expiresIn });
    });

  /**
   * The client's parts of a session registration, for a completed login only: the body carries the
   * login's id token, checked by its provider's rules, and each token gets at most
   * `sessionsPerIdToken` co-signed sessions (counted in the rate-limit store, so across replicas).
   */
  app.post('/v1/session', limitByIp('login'), requireJson, async (c) => {
    const { sessionPk, nonce, authData } = await readBody(c, requestSchemas.session);
    const now = clock() / 1000;
    const { usableUntil } = await checkIdToken({
      provider: authData.provider,
      idToken: authData.idToken,
      now,
    });
    await limitOverall('session');
    const login = pseudonymOf(`id-token:${authData.provider}:${authData.idToken}`);
    const { allowed } = await rateLimiter.hit(`session-token:${login}`, {
      limit: limits.sessionsPerIdToken,
      windowSeconds: Math.max(1, Math.ceil(usableUntil - now)),
    });
    if (!allowed)
      throw new CompanionRequestError({
        status: 409,
        code: 'id_token_used',
        field: 'authData.idToken',
        message: `This login already registered ${limits.sessionsPerIdToken === 1 ? 'its session' : `${limits.sessionsPerIdToken} sessions`}, the most one login may. Log in again to register another.`,
      });
    const signatures = await signSessionAsClient({
      sessionPk: sessionPk as Hex,
      nonce,
      clientSWA: config.clientSWA,
      now,
      sign: signer,
    });
    return c.json({ clientSWA: config.clientSWA, paymaster: config.paymaster, ...signatures });
  });

  /**
   * Paymaster data for one UserOp of a signed-in user (wallet spec §6). Nothing of what is signed comes
   * from the caller but the nonce: the client SWA, the validity and the paymaster are the companion's.
   */
  app.post(PAYMASTER_PATH, limitByIp('paymaster'), requireJson, async (c) => {
    const { nonce, authToken } = await readBody(c, requestSchemas.paymaster);
    const now = clock() / 1000;
    // Locally first, on every request and before the cache: the cache is keyed by the token's key.
    let sessionPublicKey: Hex;
    try {
      ({ sessionPublicKey } = await verifyAuthToken(authToken, { now }));
    } catch (error) {
      if (!(error instanceof AuthTokenError)) throw error;
      throw new CompanionRequestError({
        status: 401,
        code: 'unauthorized',
        field: 'authToken',
        message: AUTH_TOKEN_REFUSALS[error.reason],
      });
    }
    const session = await oktoSessions.verify({ authToken, sessionPublicKey });
    const ours = config.clientSWA.toLowerCase();
    if (!session.clientSWAs.every((clientSWA) => clientSWA.toLowerCase() === ours))
      throw new CompanionRequestError({
        status: 403,
        code: 'client_mismatch',
        message:
          'This session belongs to another Okto client than the one this signing service sponsors. Log in through this app.',
      });
    await limitOverall('paymaster');
    const user = pseudonymOf(`user:${session.userSWA.toLowerCase()}`);
    c.set('user', user.slice(0, LOG_PSEUDONYM_LENGTH));
    await enforce(`paymaster-user:${user}`, limits.paymasterPerUser, 'for paymaster data for this wallet');
    const validUntil = Math.floor(now) + PAYMASTER_ROUTE_VALIDITY_SECONDS;
    const paymasterData = await createPaymasterData({
      nonce: nonce.toLowerCase(),
      clientSWA: config.clientSWA,
      validUntil,
      validAfter: 0,
      sign: signer,
    });
    return c.json({ paymaster: config.paymaster, paymasterData, validUntil, validAfter: 0 });
  });

  app.notFound((c) => {
    c.set('errorCode', 'not_found');
    return c.json(
      {
        error: {
          code: 'not_found',
          message: `There is no ${c.req.method} route here. The routes are GET /v1/config, GET /healthz and POST /v1/otp/{email,whatsapp}/{send,verify}, /v1/session, /v1/paymaster, and for the login methods this service enables, /v1/oauth/twitter/token, /v1/oauth/apple/callback and (with Firefox allowed) GET /v1/oauth/apple/start.`,
        },
      },
      404,
    );
  });

  app.onError((error, c) => {
    const failure = toRequestError(error);
    c.set('errorCode', failure.code);
    if (failure.retryAfter !== undefined) c.header('Retry-After', String(failure.retryAfter));
    if (c.req.path === APPLE_RELAY_PATH || c.req.path === APPLE_START_PATH) {
      const page = relayPage(failure.status, failure.shortMessage);
      if (failure.retryAfter !== undefined) page.headers.set('Retry-After', String(failure.retryAfter));
      return page;
    }
    return c.json(
      c.req.path === PAYMASTER_PATH ? toOktoErrorBody(failure) : failure.toBody(),
      failure.status,
    );
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
  if (error instanceof RateLimiterFullError)
    return new CompanionRequestError({
      status: 503,
      code: 'at_capacity',
      message: `The signing service is counting as many clients as its memory holds, so it signs nothing for new ones. Try again in ${error.retryAfter} seconds.`,
      retryAfter: error.retryAfter,
    });
  // Anything else is our bug: say so without a stack or a message that could carry input.
  return new CompanionRequestError({
    status: 500,
    code: 'internal',
    message: 'The signing service failed. Try again later; if it keeps failing, tell its operator.',
  });
}

const OVERALL_WHAT: Record<keyof CompanionRateLimits['overall'], string> = {
  send: 'for codes to the signing service',
  verify: 'to verify codes at the signing service',
  session: 'to register sessions at the signing service',
  paymaster: 'for paymaster data to the signing service',
};

const AUTH_TOKEN_REFUSALS: Record<AuthTokenError['reason'], string> = {
  malformed:
    'authToken is not an Okto auth token (base64 of {"type":"ecdsa_uncompressed","data":…,"data_signature":…}).',
  forged: 'authToken is not signed by the session key it names.',
  expired: 'authToken has expired: mint a new one with the session key.',
};

function truncate(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
