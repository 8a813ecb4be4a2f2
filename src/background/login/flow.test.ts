import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoginView } from '../../messages/login.ts';
import { memoryStore } from '../store.ts';
import { createVault } from '../vault.ts';
import { LoginFlow, type WebAuthFlow } from './flow.ts';

// The provider half of the state machine on its own: the companion's config is the only server it
// reaches before a window's result, so `fetch` answers only that, and the window is the test's.

const EXTENSION_ID = 'aiidadmojnoeaemnmikbmmanflmcnnca';
const config = {
  clientSWA: '0x1234567890AbcdEF1234567890aBcdef12345678',
  environment: 'local',
  oktoBaseUrl: 'http://127.0.0.1:8790',
  login: {
    otp: { email: true, whatsapp: true },
    google: {
      clientId: 'emulator-google-client.apps.googleusercontent.com',
      authorizeUrl: 'http://127.0.0.1:8790/idp/google/authorize',
      issuer: 'http://127.0.0.1:8790/idp/google',
    },
  },
};

/** Flow windows the test resolves or rejects. */
function windows() {
  const opened: { url: string; resolve: (url: string) => void; reject: (error: Error) => void }[] = [];
  const identity: WebAuthFlow = {
    extensionId: EXTENSION_ID,
    getRedirectURL: (path) => `https://${EXTENSION_ID}.chromiumapp.org/${path}`,
    launchWebAuthFlow: ({ url }) =>
      new Promise((resolve, reject) => {
        opened.push({ url, resolve, reject });
      }),
  };
  return {
    identity,
    opened,
    stateOf: (i: number) => new URL(opened[i]?.url ?? '').searchParams.get('state'),
  };
}

function worker(now = { ms: 1_700_000_000_000 }) {
  const map = new Map<string, unknown>();
  const store = memoryStore(map);
  const web = windows();
  const log: string[] = [];
  const flow = new LoginFlow({
    store,
    vault: createVault(store),
    now: () => now.ms,
    fetch: async (input) =>
      String(input).endsWith('/v1/config') ? Response.json(config) : new Response(null, { status: 503 }),
    identity: web.identity,
    log: (message) => log.push(message),
  });
  return { flow, web, log, map, now };
}

/** The view once the window's result was handled (it is, under the flow's lock, after the test's await). */
async function handled(flow: LoginFlow): Promise<LoginView> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return flow.view();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('waiting for a provider', () => {
  it('the window closed is a cancellation; any other rejection provider_page_failed, its text logged', async () => {
    const { flow, web, log } = worker();
    await flow.startProvider('google');
    web.opened[0]?.reject(new Error('The user did not approve access.'));
    expect(await handled(flow)).toEqual({ step: 'signedOut', notice: 'Sign-in with Google was cancelled.' });
    await flow.startProvider('google');
    web.opened[1]?.reject(new Error('Authorization page could not be loaded.'));
    expect(await handled(flow)).toMatchObject({ step: 'failed', error: { code: 'provider_page_failed' } });
    expect(log).toEqual(['Sign-in with Google: the window failed: Authorization page could not be loaded.']);
  });

  it("Firefox's closed window (its own message, maybe a bare {message}) is a cancellation too", async () => {
    const { flow, web } = worker();
    await flow.startProvider('google');
    web.opened[0]?.reject({ message: 'User cancelled or denied access.' } as unknown as Error);
    expect(await handled(flow)).toEqual({ step: 'signedOut', notice: 'Sign-in with Google was cancelled.' });
  });

  it('a form_post that lost its body (no parameters) is refused: state_mismatch', async () => {
    const { flow, web } = worker();
    await flow.startProvider('google');
    web.opened[0]?.resolve(`https://${EXTENSION_ID}.chromiumapp.org/google`);
    expect(await handled(flow)).toMatchObject({ step: 'failed', error: { code: 'state_mismatch' } });
  });

  it('stops at 5 minutes by its timer while the worker lives, and a late result changes nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { flow, web, now } = worker();
    await flow.startProvider('google');
    now.ms += 299_000;
    await vi.advanceTimersByTimeAsync(299_000);
    expect((await flow.view()).step).toBe('waitingForProvider');
    now.ms += 1_000;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await flow.view()).toEqual({
      step: 'signedOut',
      notice: 'Sign-in with Google took over 5 minutes and was stopped. Close its window and try again.',
    });
    web.opened[0]?.reject(new Error('Authorization page could not be loaded.'));
    vi.useRealTimers();
    expect((await handled(flow)).step).toBe('signedOut');
  });

  it("a result for an earlier flow's state is discarded; the new flow goes on", async () => {
    const { flow, web } = worker();
    await flow.startProvider('google');
    await flow.cancel();
    await flow.startProvider('google');
    expect(web.stateOf(1)).not.toBe(web.stateOf(0));
    web.opened[0]?.resolve(`https://${EXTENSION_ID}.chromiumapp.org/google#state=${web.stateOf(0)}&error=x`);
    expect((await handled(flow)).step).toBe('waitingForProvider');
  });

  it('without chrome.identity, or for a method not offered: method_unavailable', async () => {
    const { flow } = worker();
    expect(await flow.startProvider('apple')).toMatchObject({
      ok: false,
      error: { code: 'method_unavailable', message: 'Sign-in with Apple is not enabled for this app.' },
      view: { step: 'failed', contact: { method: 'apple', label: 'Apple' } },
    });
  });

  it('the record holds the state and nonce sent, never a secret; the view only what the popup shows', async () => {
    const { flow, web, map } = worker();
    const { view } = await flow.startProvider('google');
    expect(view).toEqual({
      step: 'waitingForProvider',
      provider: 'google',
      label: 'Google',
      startedAt: 1_700_000_000_000,
      expiresAt: 1_700_000_300_000,
    });
    const sent = new URL(web.opened[0]?.url ?? '').searchParams;
    expect(map.get('login/state')).toMatchObject({ state: sent.get('state'), nonce: sent.get('nonce') });
    expect([...map.keys()].filter((k) => k.startsWith('vault/secret/'))).toEqual([]);
  });
});
