import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { isAddressEqual } from 'viem';
import { environments } from '../okto/index.ts';
import { createActivityLog, recordDeposits } from './activity.ts';
import {
  type Answer,
  answerAuthenticateFailed,
  answerBadRequest,
  answerHttpError,
  answerRateLimited,
  answerRejected,
  answerSuccess,
  sendAnswer as send,
} from './answers.ts';
import { authenticate, parseAuthenticateRequest } from './authenticate.ts';
import { createCatalog } from './catalog.ts';
import type { LocalChains } from './chains/localChains.ts';
import { createClientRegistry, DEV_CLIENT, type EmulatorClient } from './clients.ts';
import { createEmulatorClock, type EmulatorClock } from './clock.ts';
import { createClockRoutes } from './clockRoutes.ts';
import { type Contact, parseEmailContact, parseWhatsAppContact } from './contact.ts';
import { createEventRoutes } from './events.ts';
import { createFaucetRoutes } from './faucet.ts';
import { createIdentity } from './identity/routes.ts';
import { createIdTokens } from './idTokens.ts';
import { renderInboxPage } from './inboxPage.ts';
import { createOrderBook } from './intents/orderBook.ts';
import { createIntentRoutes } from './intents/routes.ts';
import { isAllowedHost } from './loopbackHost.ts';
import { createOktoKeyring, DEFAULT_EMULATOR_SECRET } from './oktoKeys.ts';
import { createOtpChallenges } from './otpChallenges.ts';
import { type OtpEndpoint, parseOtpRequest, recoverOtpSigner } from './otpRequest.ts';
import { createOutbox } from './outbox.ts';
import { cryptoRandomBytes, type RandomBytes, randomHex } from './random.ts';
import { createRateLimiter } from './rateLimiter.ts';
import { createReadRoutes } from './reads.ts';
import { readJsonBody } from './requestBody.ts';
import { createSessionAuth } from './sessionAuth.ts';
import { createSessionRegistry } from './sessions.ts';
import { createUserDirectory, deriveClientId, deriveUser } from './users.ts';

/** Largest request body the emulator reads; anything bigger is answered 413 before it is buffered. */
export const MAX_BODY_BYTES = 64 * 1024;
/** How far an OTP `timestamp` may be from the emulator clock (§7). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;
/** Auth calls allowed per client SWA per minute (§3). */
export const AUTH_CALLS_PER_MINUTE = 120;

export type CreateEmulatorAppOptions = {
  /** Registered clients (`clientSWA → signer`); default: the development client of `devClient.ts`. */
  clients?: readonly EmulatorClient[];
  /** Default: real time, movable forward with `POST /__emulator/clock`. */
  clock?: EmulatorClock;
  /** Where delivered codes are printed, one line each; default `console.log`. */
  log?: (line: string) => void;
  /** Default: Web Crypto. */
  randomBytes?: RandomBytes;
  /** HS256 secret of the JWTs the emulator issues; default: random, so a restart invalidates them. */
  jwtSecret?: string;
  /**
   * Also answer requests whose `Host` is an IP literal (the server was bound to a non-loopback interface
   * on purpose). Default false: only `localhost`, `127.0.0.0/8` and `[::1]`, against DNS rebinding.
   */
  allowRemote?: boolean;
  /**
   * The local chains (`startLocalChains`): balances, the faucet and `rpc_url` come from them. Without
   * them the networks are still listed (no `rpc_url`), balances are empty and the faucet answers 503.
   */
  chains?: LocalChains;
  /** Secret of the users' Okto keys (§4.4 of the wallet protocol); default {@link DEFAULT_EMULATOR_SECRET}. */
  emulatorSecret?: string;
  /**
   * The emulator's own origin, as clients reach it: the issuers of its Google- and Apple-like stand-ins are
   * under it (okto-social-login.md §5). Default `http://127.0.0.1:8790`; `startEmulator` passes its URL.
   */
  origin?: string;
  /** Also trust the real Google, Apple and X at `/authenticate` (sandbox-like use). Default false. */
  realProviders?: boolean;
};

/**
 * The local Okto emulator as a web-standard fetch handler: the auth API of shared/okto-protocol.md §3–7,
 * the reads, intents, message signing and orders of shared/okto-wallet-protocol.md §2–7 under
 * `/api/oc/v1`, and developer tools under `/__emulator` (outbox, inbox page, events, clock, health,
 * faucet, orders, fail-next).
 * All state is in memory and lives as long as the returned app.
 * @example
 * const app = createEmulatorApp();
 * const response = await app.fetch(new Request('http://127.0.0.1/__emulator/health'));
 */
export function createEmulatorApp(options: CreateEmulatorAppOptions = {}): Hono {
  const {
    clients: clientList = [DEV_CLIENT],
    clock = createEmulatorClock(),
    log = console.log,
    randomBytes = cryptoRandomBytes,
    jwtSecret = randomHex(randomBytes, 32),
    allowRemote = false,
    chains,
    emulatorSecret = DEFAULT_EMULATOR_SECRET,
    origin = 'http://127.0.0.1:8790',
    realProviders = false,
  } = options;
  const clients = createClientRegistry(clientList);
  const challenges = createOtpChallenges({ clock, randomBytes });
  const rateLimiter = createRateLimiter({ limit: AUTH_CALLS_PER_MINUTE, windowSeconds: 60, clock });
  const idTokens = createIdTokens({ secret: jwtSecret, clock });
  const users = createUserDirectory();
  const sessions = createSessionRegistry();
  const outbox = createOutbox();
  const newTraceId = () => randomHex(randomBytes, 16);
  const findSession = createSessionAuth({ sessions, clock });
  const catalog = createCatalog(chains);
  const oktoKeys = createOktoKeyring(emulatorSecret);
  const activity = createActivityLog();
  const orders = createOrderBook();
  if (chains) recordDeposits(chains.transfers, activity);
  const identity = createIdentity({ origin, clock, randomBytes, realProviders, log });

  const app = new Hono();

  // First of all, against DNS rebinding: a page whose name was rebound to 127.0.0.1 still sends its own
  // name as Host. Without a Host header (a Request built in process), the URL's host stands in for it.
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (isAllowedHost(host, { allowRemote })) return next();
    return send(
      c,
      answerHttpError(
        421,
        'Misdirected Request',
        `the emulator answers only requests addressed to localhost, 127.0.0.1 or [::1], not Host ${JSON.stringify(host)}`,
        newTraceId(),
      ),
    );
  });
  app.use(
    '/api/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['retry-after'],
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        send(
          c,
          answerHttpError(
            413,
            'Payload Too Large',
            `the body is larger than ${MAX_BODY_BYTES} bytes; Okto requests are small JSON objects`,
            newTraceId(),
          ),
        ),
    }),
  );

  // §3: the six OTP calls.
  const otpRoutes: [string, OtpEndpoint][] = [
    ['/api/oc/v1/authenticate/email', 'email-send'],
    ['/api/oc/v1/authenticate/email/verify', 'email-verify'],
    ['/api/oc/v1/authenticate/whatsapp', 'whatsapp-send'],
    ['/api/oc/v1/authenticate/whatsapp/verify', 'whatsapp-verify'],
  ];
  for (const [path, endpoint] of otpRoutes)
    app.post(path, async (c) => send(c, await handleOtp(endpoint, c.req.raw)));

  async function handleOtp(endpoint: OtpEndpoint, request: Request): Promise<Answer> {
    const traceId = newTraceId();
    const body = await readJsonBody(request);
    if (!body.ok) return answerBadRequest(body.details, traceId);
    const parsed = parseOtpRequest(endpoint, body.value);
    if (!parsed.ok) return answerBadRequest(parsed.details, traceId);
    const call = parsed.value;

    const limited = rateLimiter.take(call.clientSWA.toLowerCase());
    if (!limited.ok)
      return answerRateLimited(
        limited.retryAfterSeconds,
        `more than ${AUTH_CALLS_PER_MINUTE} auth calls in a minute for client ${call.clientSWA}`,
        traceId,
      );

    const contactResult =
      'email' in call.contact
        ? parseEmailContact(call.contact.email)
        : parseWhatsAppContact(call.contact.whatsappNumber, call.contact.countryShortName);
    if (!contactResult.ok) return answerBadRequest(contactResult.details, traceId);
    const contact = contactResult.contact;

    const client = clients.find(call.clientSWA);
    const signer = await recoverOtpSigner(call);
    if (!client || !signer || !isAddressEqual(signer, client.signer))
      return answerRejected('client signature invalid', traceId);
    if (Math.abs(clock.nowMs() - call.timestamp) > TIMESTAMP_TOLERANCE_MS)
      return answerRejected('Signature Expired', traceId);

    const clientKey = client.clientSWA.toLowerCase();
    switch (call.action) {
      case 'send': {
        const issued = challenges.send({ contact, clientKey });
        deliver(contact, issued.token, issued.code);
        return answerOtpSent(contact, issued.token, traceId);
      }
      case 'resend': {
        const resent = challenges.resend({ token: call.token ?? '', contact, clientKey });
        if (!resent.ok)
          return 'refusal' in resent
            ? answerRejected(resent.refusal, traceId)
            : answerRateLimited(
                resent.retryAfterSeconds,
                'a new code can be sent 30 seconds after the previous one',
                traceId,
              );
        deliver(contact, resent.token, resent.code);
        return answerOtpSent(contact, resent.token, traceId);
      }
      case 'verify': {
        const verified = challenges.verify({
          token: call.token ?? '',
          contact,
          clientKey,
          otp: call.otp ?? '',
        });
        if (!verified.ok) return answerRejected(verified.refusal, traceId);
        const user = users.add(deriveUser(contact, client));
        const tokens = await idTokens.issue({
          userId: user.userId,
          loginMedium: contact.channel === 'email' ? 'EMAIL_OTP' : 'WHATSAPP_OTP',
          clientSWA: client.clientSWA,
        });
        return answerSuccess({
          auth_token: tokens.authToken,
          message: 'success',
          refresh_auth_token: tokens.refreshAuthToken,
          device_token: randomHex(randomBytes, 32),
        });
      }
    }
  }

  function answerOtpSent(contact: Contact, token: string, traceId: string): Answer {
    return answerSuccess({
      status: 'success',
      message: contact.channel === 'email' ? 'email otp sent' : 'whatsapp otp sent',
      code: 200,
      token,
      trace_id: traceId,
    });
  }

  function deliver(contact: Contact, token: string, otp: string) {
    outbox.deliver({
      channel: contact.channel,
      to: contact.to,
      otp,
      token,
      sentAt: new Date(clock.nowMs()).toISOString(),
    });
    log(
      `[okto-emulator] ${contact.channel === 'email' ? 'Email' : 'WhatsApp'} code for ${contact.to}: ${otp}`,
    );
  }

  // §4: session registration.
  app.post('/api/oc/v1/authenticate', async (c) => {
    const traceId = newTraceId();
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return send(c, answerBadRequest(body.details, traceId));
    const parsed = parseAuthenticateRequest(body.value);
    if (!parsed.ok) return send(c, answerBadRequest(parsed.details, traceId));
    const clientSWA = parsed.value.sessionData.clientSWA;
    const limited = rateLimiter.take(clientSWA.toLowerCase());
    if (!limited.ok)
      return send(
        c,
        answerRateLimited(
          limited.retryAfterSeconds,
          `more than ${AUTH_CALLS_PER_MINUTE} auth calls in a minute for client ${clientSWA}`,
          traceId,
        ),
      );
    const result = await authenticate(parsed.value, {
      clients,
      idTokens,
      users,
      sessions,
      clock,
      paymaster: environments.local.paymaster,
      verifyProviderToken: identity.verifyProviderToken,
      reportRefusal: identity.reportRefusal,
    });
    return send(c, result.ok ? answerSuccess(result.answer) : answerAuthenticateFailed(result.check));
  });

  // §5–6: Bearer endpoints.
  app.on(['GET', 'POST'], '/api/oc/v1/verify-session', async (c) => {
    const found = await findSession(c);
    if (!found.ok) return send(c, found.answer);
    const { user } = found.session;
    const clientId = deriveClientId(user.clientSWA);
    return send(
      c,
      answerSuccess({
        user_id: user.userId,
        client_id: clientId,
        user_swa: user.userSWA,
        client_swa: user.clientSWA,
        vendor_id: clientId,
        vendor_swa: user.clientSWA,
        is_session_added: true,
        sign_auth_relayer_user_ops: '',
      }),
    );
  });

  // shared/okto-wallet-protocol.md §2: reads after login; §7.5: the faucet.
  app.route(
    '/api/oc/v1',
    createReadRoutes({ authenticate: findSession, catalog, chains, activity, oktoKeys, newTraceId }),
  );
  app.route('/', createFaucetRoutes({ chains, catalog, activity, clock, newTraceId }));
  // §3, §4, §7.1–7.5: execute, estimate, signMessage, orders, fail-next.
  app.route(
    '/',
    createIntentRoutes({
      authenticate: findSession,
      clients,
      catalog,
      chains,
      activity,
      oktoKeys,
      orders,
      clock,
      newTraceId,
      log,
      maxBodyBytes: MAX_BODY_BYTES,
    }),
  );
  // okto-social-login.md §5: the Google, Apple and X stand-ins, the client_jwt app, POST /__emulator/idp.
  app.route('/', identity.routes);

  // Developer tools.
  app.get('/__emulator/health', (c) => c.json({ ok: true }));

  app.get('/__emulator/outbox', (c) => c.json(outbox.list(c.req.query('to'))));

  const clockRoutes = createClockRoutes({ clock, newTraceId });
  app.route('/', clockRoutes.routes);
  app.route('/', createEventRoutes({ outbox, clock, onClock: clockRoutes.onClock, orders, identity }));

  app.get('/__emulator/inbox', (c) => {
    const nonce = randomHex(randomBytes, 16);
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    return c.html(renderInboxPage({ nonce }));
  });

  app.get('/', (c) => c.redirect('/__emulator/inbox'));

  app.notFound((c) =>
    send(c, answerHttpError(404, 'Not Found', `no route for ${c.req.method} ${c.req.path}`, newTraceId())),
  );
  app.onError((error, c) => {
    log(`[okto-emulator] internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return send(
      c,
      answerHttpError(500, 'Internal Server Error', 'the emulator failed; see its log', newTraceId()),
    );
  });

  return app;
}
