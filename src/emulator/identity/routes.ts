import { Hono } from 'hono';
import { answerBadRequest, sendAnswer } from '../answers.ts';
import type { EmulatorClock } from '../clock.ts';
import { type RandomBytes, randomHex } from '../random.ts';
import { parseWithSchema, readJsonBody } from '../requestBody.ts';
import { CHOOSER_ACCOUNTS } from './accounts.ts';
import { mountAppleStandIn } from './apple.ts';
import { createIdpControls, IdpControlSchema } from './controls.ts';
import { mountExampleApp } from './exampleApp.ts';
import { mountGoogleStandIn } from './google.ts';
import { createIssuerKeys } from './issuerKeys.ts';
import { FORM_POST_SCRIPT, FORM_POST_SCRIPT_PATH, PAGE_STYLESHEET, PAGE_STYLESHEET_PATH } from './pages.ts';
import { createProviderTokenVerifier, type ProviderTokenVerifier } from './providerTokens.ts';
import { mountXStandIn } from './x.ts';

// The emulator's identity side (okto-social-login.md §5): the Google-, Apple- and X-like stand-ins, the
// example app of `client_jwt`, sandbox's `/test/client_jwt_verify`, the test control, and the verifier
// `/authenticate` uses for the four providers. Mounted by ../app.ts at the root.

/**
 * Why `/authenticate` refused a provider token: for the log and `/__emulator/events`, never the answer.
 * `provider` as the request spelled it (an unknown one, such as `x`, is refused too).
 */
export type AuthenticateRefusal = { provider: string; reason: string };

export type CreateIdentityParameters = {
  /** The emulator's origin, e.g. `http://127.0.0.1:8790`: issuers and endpoints are under it. */
  origin: string;
  clock: EmulatorClock;
  randomBytes: RandomBytes;
  /** Also trust the real Google, Apple and X at `/authenticate`. Default false. */
  realProviders?: boolean;
  /** Reaches URLs outside the emulator (the real providers, an app's verify endpoint); default `fetch`. */
  fetch?: typeof fetch;
  log: (line: string) => void;
};

export type Identity = {
  routes: Hono;
  verifyProviderToken: ProviderTokenVerifier;
  /** Logs a refusal of `/authenticate` and tells the event stream. */
  reportRefusal(refusal: AuthenticateRefusal): void;
  /** Listens to refusals; answers the function that stops listening. */
  subscribe(listener: (refusal: AuthenticateRefusal) => void): () => void;
};

/** Builds the identity routes and the provider-token verifier. */
export function createIdentity({
  origin,
  clock,
  randomBytes,
  realProviders = false,
  fetch: outsideFetch = fetch,
  log,
}: CreateIdentityParameters): Identity {
  const routes = new Hono();
  const controls = createIdpControls();
  const googleKeys = createIssuerKeys({ kidFormat: 'hex40', randomBytes });
  const appleKeys = createIssuerKeys({ kidFormat: 'alnum10', randomBytes });
  const listeners = new Set<(refusal: AuthenticateRefusal) => void>();

  const asset = (body: string, type: string) => () =>
    new Response(body, {
      headers: { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
    });
  routes.get(PAGE_STYLESHEET_PATH, asset(PAGE_STYLESHEET, 'text/css; charset=utf-8'));
  routes.get(FORM_POST_SCRIPT_PATH, asset(FORM_POST_SCRIPT, 'text/javascript; charset=utf-8'));

  mountGoogleStandIn(routes, { origin, clock, keys: googleKeys, controls });
  mountAppleStandIn(routes, { origin, clock, keys: appleKeys, controls, randomBytes });
  mountXStandIn(routes, { clock, controls, randomBytes });
  mountExampleApp(routes, { clock, controls, randomBytes });

  // As sandbox's: any bearer value is "verified" (smoke tests only).
  routes.on(['GET', 'POST'], '/test/client_jwt_verify', (c) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!match) return c.json({ success: false }, 401);
    return c.json({ user_id: match[1], success: true });
  });

  routes.post('/__emulator/idp', async (c) => {
    const traceId = randomHex(randomBytes, 16);
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return sendAnswer(c, answerBadRequest(body.details, traceId));
    const parsed = parseWithSchema(IdpControlSchema, body.value);
    if (!parsed.ok) return sendAnswer(c, answerBadRequest(parsed.details, traceId));
    const control = parsed.value;
    if ('rotateKeys' in control)
      return c.json({ kid: await (control.rotateKeys === 'google' ? googleKeys : appleKeys).rotate() });
    controls.set(control.provider, { next: control.next, account: control.account ?? CHOOSER_ACCOUNTS[0] });
    return c.json({ ok: true });
  });

  // The stand-ins' endpoints are answered in process: no socket, and no need for the server to listen.
  const emulatorFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    return new URL(request.url).origin === origin ? routes.fetch(request) : outsideFetch(request);
  };

  return {
    routes,
    verifyProviderToken: createProviderTokenVerifier({ origin, clock, fetch: emulatorFetch, realProviders }),
    reportRefusal(refusal) {
      log(`[okto-emulator] /authenticate refused a ${refusal.provider} token: ${refusal.reason}`);
      for (const listener of listeners) listener(refusal);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
