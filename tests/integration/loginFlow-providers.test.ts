import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoginFlow } from '../../src/background/login/flow.ts';
import { idbStore, type KeyValueStore, memoryStore } from '../../src/background/store.ts';
import { createVault } from '../../src/background/vault.ts';
import { fetchWithReconnect, type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { DEV_EXTENSION_ID } from '../../src/extensionId.ts';
import type { LoginView, SocialProvider } from '../../src/messages/login.ts';
import { createOktoClient } from '../../src/okto/client.ts';
import { createTestIdentity, type TestIdentity } from './webAuthFlow.ts';

// The provider sign-ins of the login state machine in node, against the real emulator (its Google, Apple
// and X stand-ins and the example app) and the real companion (its Apple relay and X exchange). Chrome's
// flow window is played by webAuthFlow.ts over HTTP. A "worker restart" is a new LoginFlow over the same
// store: nothing survives but what was stored (okto-social-login.md §4).

let stack: LocalStack;
let counter = 0;

type Worker = { flow: LoginFlow; web: TestIdentity; store: KeyValueStore; map: Map<string, unknown> };

/** A worker over `map` (a fresh store by default), pointed at the stack, its clock the stack's + `skewMs`. */
async function newWorker(
  options: {
    map?: Map<string, unknown>;
    fetch?: typeof fetch;
    windowFetch?: typeof fetch;
    skew?: { ms: number };
  } = {},
): Promise<Worker> {
  const map = options.map ?? new Map<string, unknown>();
  const store = memoryStore(map);
  const web = createTestIdentity(DEV_EXTENSION_ID, options.windowFetch);
  const skew = options.skew ?? { ms: 0 };
  const flow = new LoginFlow({
    store,
    vault: createVault(store),
    now: () => stack.now() + skew.ms,
    fetch: options.fetch ?? fetchWithReconnect,
    timeoutMs: 3000,
    identity: web.identity,
    log: () => {},
  });
  if (!options.map)
    expect(
      (
        await flow.saveSettings(
          { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
          true,
        )
      ).ok,
    ).toBe(true);
  return { flow, web, store, map };
}

function step<s extends LoginView['step']>(view: LoginView, s: s): Extract<LoginView, { step: s }> {
  expect(view.step).toBe(s);
  return view as Extract<LoginView, { step: s }>;
}

/** The view once the flow has left `waitingForProvider` (the window's result is handled asynchronously). */
async function settled(flow: LoginFlow): Promise<LoginView> {
  await expect
    .poll(async () => (await flow.view()).step, { timeout: 10_000 })
    .not.toMatch(/^(waitingForProvider|registering)$/);
  return flow.view();
}

const secrets = (map: Map<string, unknown>) =>
  [...map.keys()].filter((k) => k.startsWith('vault/secret/')).map((k) => k.slice(13));

beforeAll(async () => {
  stack = await startLocalStack({ relaxedLimits: true });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  counter++;
});

const PROVIDERS: { provider: SocialProvider; name: string; label: (account: string) => string }[] = [
  { provider: 'google', name: 'Google', label: (a) => a },
  { provider: 'apple', name: 'Apple', label: (a) => a },
  { provider: 'twitter', name: 'X', label: () => 'X account' },
  { provider: 'client_jwt', name: 'Example app', label: (a) => a },
];

describe('each provider, to signed in', () => {
  for (const { provider, name, label } of PROVIDERS)
    it(`${name}: the window's approval registers a session that verify-session accepts`, async () => {
      const { flow, web } = await newWorker();
      const started = await flow.startProvider(provider);
      expect(started.ok).toBe(true);
      const waiting = step(started.view, 'waitingForProvider');
      expect(waiting).toMatchObject({ provider, label: name });
      expect(waiting.expiresAt - waiting.startedAt).toBe(300_000);
      const account = `${provider}-${counter}@example.com`;
      await (await web.nextWindow()).approve(account);
      const signedIn = step(await settled(flow), 'signedIn');
      expect(signedIn.account.contact).toEqual({ method: provider, label: label(account) });
      const { authToken } = await flow.mintAuthToken(60);
      const info = await createOktoClient({ baseUrl: stack.emulatorUrl }).verifySession(authToken);
      expect(info.user_swa).toBe(signedIn.account.userSWA);
    });

  it('sends each provider the request of §3 (redirect from getRedirectURL, state, nonce, PKCE)', async () => {
    const { flow, web } = await newWorker();
    const urls: Record<string, URL> = {};
    for (const { provider } of PROVIDERS) {
      await stack.setIdpAnswer({ provider: provider === 'client_jwt' ? 'app' : provider, next: 'deny' });
      await flow.startProvider(provider);
      await settled(flow);
      urls[provider] = new URL(web.launched.at(-1) ?? '');
    }
    const redirect = (p: string) => `https://${DEV_EXTENSION_ID}.chromiumapp.org/${p}`;
    const b64 = /^[A-Za-z0-9_-]{43}$/;
    const google = Object.fromEntries(urls.google?.searchParams ?? []);
    expect(google).toMatchObject({
      client_id: 'emulator-google-client.apps.googleusercontent.com',
      redirect_uri: redirect('google'),
      response_type: 'id_token',
      scope: 'openid email profile',
      prompt: 'select_account',
    });
    expect(google.state).toMatch(b64);
    expect(google.nonce).toMatch(b64);
    const apple = Object.fromEntries(urls.apple?.searchParams ?? []);
    expect(apple).toMatchObject({
      client_id: 'dev.okto.emulator',
      redirect_uri: `${stack.companionUrl}/v1/oauth/apple/callback`,
      response_type: 'code id_token',
      response_mode: 'form_post',
      scope: 'name email',
    });
    expect(apple.state).toMatch(new RegExp(`^${DEV_EXTENSION_ID}\\.[A-Za-z0-9_-]{43}$`));
    const x = Object.fromEntries(urls.twitter?.searchParams ?? []);
    expect(x).toMatchObject({
      response_type: 'code',
      client_id: 'emulator-x-client',
      redirect_uri: redirect('twitter'),
      scope: 'users.read tweet.read',
      code_challenge_method: 'S256',
    });
    expect(x.code_challenge).toMatch(b64);
    expect(x.nonce).toBeUndefined();
    const app = Object.fromEntries(urls.client_jwt?.searchParams ?? []);
    expect(Object.keys(app).sort()).toEqual(['nonce', 'redirect_uri', 'state']);
    expect(app.redirect_uri).toBe(redirect('client_jwt'));
  });

  it('an approval with no page (the account is signed in at the provider) opens no window', async () => {
    const { flow, web } = await newWorker();
    await stack.setIdpAnswer({
      provider: 'google',
      next: 'approve',
      account: `quick-${counter}@example.com`,
    });
    await flow.startProvider('google');
    step(await settled(flow), 'signedIn');
    expect(web.windowsShown()).toBe(0);
  });

  it('the same verified email by Google and by email code is the same wallet', async () => {
    const account = `same-${counter}@example.com`;
    const google = await newWorker();
    await stack.setIdpAnswer({ provider: 'google', next: 'approve', account });
    await google.flow.startProvider('google');
    const viaGoogle = step(await settled(google.flow), 'signedIn');
    const email = await newWorker();
    await email.flow.sendCode({ method: 'email', email: account });
    const viaCode = step((await email.flow.verifyCode(await stack.latestCode(account))).view, 'signedIn');
    expect(viaCode.account.userSWA).toBe(viaGoogle.account.userSWA);
  });
});

describe('cancelled: a notice, never failed', () => {
  it('the window closed by the user', async () => {
    const { flow, web, map } = await newWorker();
    await flow.startProvider('google');
    (await web.nextWindow()).close();
    expect(step(await settled(flow), 'signedOut').notice).toBe('Sign-in with Google was cancelled.');
    expect(secrets(map)).toEqual([]);
  });

  it('Cancel in the popup; the window finished later changes nothing', async () => {
    const { flow, web, map } = await newWorker();
    await flow.startProvider('twitter');
    const window = await web.nextWindow();
    expect(secrets(map)).toEqual(['pkceVerifier']);
    const cancelled = await flow.cancel();
    expect(step(cancelled.view, 'signedOut').notice).toBe(
      'Sign-in with X was cancelled. You can close its window.',
    );
    expect(secrets(map)).toEqual([]);
    await window.approve();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(step(await flow.view(), 'signedOut').notice).toMatch(/cancelled/);
  });

  for (const { provider, name } of PROVIDERS)
    it(`${name}'s own cancel answer (deny)`, async () => {
      const { flow } = await newWorker();
      await stack.setIdpAnswer({ provider: provider === 'client_jwt' ? 'app' : provider, next: 'deny' });
      await flow.startProvider(provider);
      expect(step(await settled(flow), 'signedOut').notice).toBe(`Sign-in with ${name} was cancelled.`);
    });

  it("the chooser's Cancel button", async () => {
    const { flow, web } = await newWorker();
    await flow.startProvider('client_jwt');
    await (await web.nextWindow()).cancel();
    expect(step(await settled(flow), 'signedOut').notice).toBe('Sign-in with Example app was cancelled.');
  });
});

describe('failures, each with its message (§4)', () => {
  const failure = async (provider: SocialProvider, next: 'http401' | 'badState' | 'badNonce') => {
    const { flow, map } = await newWorker();
    await stack.setIdpAnswer({ provider: provider === 'client_jwt' ? 'app' : provider, next });
    await flow.startProvider(provider);
    const failed = step(await settled(flow), 'failed');
    expect(secrets(map)).toEqual([]);
    return failed.error;
  };

  it('a page that fails to load: provider_page_failed', async () => {
    expect(await failure('google', 'http401')).toEqual({
      code: 'provider_page_failed',
      message: "Google's sign-in page could not be loaded. Check your connection and try again.",
    });
  });

  for (const { provider, name } of PROVIDERS.filter((p) => p.provider !== 'apple'))
    it(`${name}: an answer with another state: state_mismatch`, async () => {
      expect(await failure(provider, 'badState')).toEqual({
        code: 'state_mismatch',
        message: `The answer from ${name} did not match this sign-in and was refused. Try again.`,
      });
    });

  it("Apple: an answer with another state stops at the companion's relay: provider_page_failed", async () => {
    // The relay redirects only to the extension named in `state`: a spoiled one gets its 400 page, and
    // Chrome ends a flow whose page fails.
    expect(await failure('apple', 'badState')).toMatchObject({ code: 'provider_page_failed' });
  });

  for (const { provider, name } of PROVIDERS.filter((p) => p.provider !== 'twitter'))
    it(`${name}: a token for another nonce: provider_token_invalid`, async () => {
      expect(await failure(provider, 'badNonce')).toEqual({
        code: 'provider_token_invalid',
        message: `${name}'s answer could not be used (expired, or meant for another app). Try again.`,
      });
    });

  it('a token that expires within a minute on this computer’s clock: provider_token_invalid', async () => {
    // The worker's clock is 59 min 30 s ahead: Google's 1-hour token has 30 s left.
    const { flow } = await newWorker({ skew: { ms: 3570_000 } });
    await stack.setIdpAnswer({ provider: 'google', next: 'approve' });
    await flow.startProvider('google');
    expect(step(await settled(flow), 'failed').error.code).toBe('provider_token_invalid');
  });

  it('an X code used already: provider_rejected', async () => {
    // Someone else trades the code first; the companion's exchange then gets X's refusal.
    const fetch: typeof globalThis.fetch = async (input, init) => {
      if (String(input).endsWith('/v1/oauth/twitter/token')) await fetchWithReconnect(input, init);
      return fetchWithReconnect(input, init);
    };
    const { flow } = await newWorker({ fetch });
    await stack.setIdpAnswer({ provider: 'twitter', next: 'approve' });
    await flow.startProvider('twitter');
    expect(step(await settled(flow), 'failed').error).toEqual({
      code: 'provider_rejected',
      message: 'X did not accept the sign-in. Try again.',
    });
  });

  it('a method the companion does not offer: method_unavailable', async () => {
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await fetchWithReconnect(input, init);
      if (!String(input).endsWith('/v1/config')) return response;
      const config = await response.json();
      delete config.login.apple;
      return Response.json(config);
    };
    const { flow } = await newWorker({ fetch });
    const methods = await flow.methods();
    expect(methods.ok && methods.methods.providers.map((p) => p.provider)).toEqual([
      'google',
      'twitter',
      'client_jwt',
    ]);
    const response = await flow.startProvider('apple');
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'method_unavailable', message: 'Sign-in with Apple is not enabled for this app.' },
    });
    step(response.view, 'failed');
  });

  it('one flow at a time: a second start is refused, the first goes on', async () => {
    const { flow, web } = await newWorker();
    await flow.startProvider('google');
    const window = await web.nextWindow();
    for (const again of [
      () => flow.startProvider('apple'),
      () => flow.sendCode({ method: 'email', email: 'a@example.com' }),
    ])
      expect(await again()).toMatchObject({
        ok: false,
        error: {
          code: 'flow_in_progress',
          message: 'A sign-in with Google is already open. Finish or cancel it first.',
        },
        view: { step: 'waitingForProvider', provider: 'google' },
      });
    await window.approve();
    step(await settled(flow), 'signedIn');
  });

  // Last: rotating a key leaves the companion with the old one for a while (it refetches at most every
  // 30 s), so a later test's token by the new key would be refused by the companion.
  for (const spoil of [
    'expired',
    'from another issuer',
    'signed by a key Apple no longer publishes',
  ] as const)
    it(`a token Okto refuses (${spoil}): okto_rejected`, async () => {
      const provider = spoil === 'signed by a key Apple no longer publishes' ? 'apple' : 'google';
      let spoiled = false;
      const fetch: typeof globalThis.fetch = async (input, init) => {
        if (!String(input).endsWith('/api/oc/v1/authenticate') || spoiled)
          return fetchWithReconnect(input, init);
        spoiled = true;
        // Between the companion's check and Okto's: the token's hour passes; the token goes to Okto as
        // Apple's; or Apple changes keys (and the emulator's 10-minute key cache runs out).
        if (spoil === 'expired') await stack.advanceClock(3601);
        if (spoil === 'from another issuer') {
          const body = JSON.parse(String(init?.body));
          body.authData.provider = 'apple';
          return fetchWithReconnect(input, { ...init, body: JSON.stringify(body) });
        }
        if (spoil === 'signed by a key Apple no longer publishes') {
          await stack.rotateIdpKeys('apple');
          await stack.advanceClock(601);
        }
        return fetchWithReconnect(input, init);
      };
      const { flow, map, web } = await newWorker({ fetch });
      await stack.setIdpAnswer({ provider, next: 'approve' });
      await flow.startProvider(provider);
      const failed = step(await settled(flow), 'failed');
      const name = provider === 'apple' ? 'Apple' : 'Google';
      expect(failed.error).toEqual({
        code: 'okto_rejected',
        message: `Okto did not accept the ${name} sign-in. Try again, or use another method.`,
      });
      expect(failed.contact).toEqual({ method: provider, label: 'alice@example.com' });
      expect(secrets(map)).toEqual([]); // the token is never kept for a retry
      if (spoil !== 'expired') return;
      // Try again is a new sign-in: a new window, with a new state and nonce.
      await stack.setIdpAnswer({ provider, next: 'approve' });
      step((await flow.retry()).view, 'waitingForProvider');
      step(await settled(flow), 'signedIn');
      const [first, second] = web.launched.map((url) => new URL(url).searchParams);
      expect(second?.get('state')).not.toBe(first?.get('state'));
      expect(second?.get('nonce')).not.toBe(first?.get('nonce'));
    });
});

describe('time and worker restarts', () => {
  it('a window open past 5 minutes is stopped: provider_timeout; its late result is discarded', async () => {
    const skew = { ms: 0 };
    const { flow, web } = await newWorker({ skew });
    await flow.startProvider('apple');
    const window = await web.nextWindow();
    skew.ms = 300_000;
    expect(step(await flow.view(), 'signedOut').notice).toBe(
      'Sign-in with Apple took over 5 minutes and was stopped. Close its window and try again.',
    );
    await window.approve();
    await new Promise((resolve) => setTimeout(resolve, 300));
    step(await flow.view(), 'signedOut');
  });

  it('a worker that finds a wait it did not start ends it: provider_interrupted, no secret left', async () => {
    const before = await newWorker();
    await before.flow.startProvider('twitter');
    await before.web.nextWindow();
    expect(secrets(before.map)).toEqual(['pkceVerifier']);
    // The verifier is sealed in the vault, never in the record; its challenge went to X.
    const verifier = (await createVault(before.store).open('pkceVerifier')) ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(before.web.launched[0] ?? '').searchParams.get('code_challenge')).toBe(
      createHash('sha256').update(verifier).digest('base64url'),
    );
    const stored = before.map.get('login/state') as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(verifier);
    expect(Object.keys(stored).sort()).toEqual([
      'expiresAt',
      'label',
      'provider',
      'startedAt',
      'state',
      'step',
      'target',
    ]);

    const after = await newWorker({ map: before.map });
    expect(step(await after.flow.resume(), 'signedOut').notice).toBe(
      'Sign-in with X was interrupted: the extension restarted. Close its window and try again.',
    );
    expect(secrets(before.map)).toEqual([]);
  });

  it('the view of a wait read by a restarted worker before resume is already interrupted', async () => {
    const before = await newWorker();
    await before.flow.startProvider('google');
    const after = await newWorker({ map: before.map });
    expect(step(await after.flow.view(), 'signedOut').notice).toMatch(/was interrupted/);
  });

  it('runs over IndexedDB, the worker’s store, as well', async () => {
    const store = idbStore(`okto-providers-${counter}`);
    const web = createTestIdentity(DEV_EXTENSION_ID);
    const flow = new LoginFlow({
      store,
      vault: createVault(store),
      now: () => stack.now(),
      identity: web.identity,
    });
    await flow.saveSettings(
      { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
      true,
    );
    await flow.startProvider('client_jwt');
    await (await web.nextWindow()).approve();
    step(await settled(flow), 'signedIn');
  });
});
