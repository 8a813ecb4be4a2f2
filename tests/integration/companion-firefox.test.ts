import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCompanionConfig } from '../../src/companion/config.ts';
import { firefoxRedirectHash } from '../../src/companion/extensionRedirects.ts';
import { type RunningCompanion, startCompanion } from '../../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { openLimits } from './companionFixtures.ts';
import { appleFormPost, EXTENSION_ID, getManual, random43, xCode } from './identityFixtures.ts';

// COMPANION_ALLOW_FIREFOX=1 (README, src/companion/README.md): a Firefox install calls with a random
// `moz-extension://<uuid>` origin, and its sign-ins come back to `https://<SHA-1 of the add-on id>.extensions.allizom.org/`.
// Over real HTTP against the emulator's stand-ins.

const CHROME = `chrome-extension://${EXTENSION_ID}`;
const FIREFOX = 'moz-extension://0e8a14a1-5b7c-4d2e-9f00-1a2b3c4d5e6f';
const HASH = firefoxRedirectHash('okto-login@okto.tech');
const OTHER_HASH = firefoxRedirectHash('someone-else@example.com');

let emulator: RunningEmulator;
let withFirefox: RunningCompanion;
let chromeOnly: RunningCompanion;

async function companionWith(env: Record<string, string>) {
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: emulator.url,
    COMPANION_ALLOWED_ORIGINS: CHROME,
    ...env,
  });
  return startCompanion({ config, port: 0, limits: openLimits(), log: () => {} });
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, chains: false, log: () => {} });
  withFirefox = await companionWith({ COMPANION_ALLOW_FIREFOX: '1' });
  chromeOnly = await companionWith({});
});

afterAll(async () => {
  await Promise.all([withFirefox?.close(), chromeOnly?.close(), emulator?.close()]);
});

const config = (base: string, origin: string) => fetch(`${base}/v1/config`, { headers: { Origin: origin } });
const relay = (base: string, body: URLSearchParams) =>
  getManual(`${base}/v1/oauth/apple/callback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
const exchange = (base: string, origin: string, body: Record<string, unknown>) =>
  fetch(`${base}/v1/oauth/twitter/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify(body),
  });

describe('Firefox origins', () => {
  test('with COMPANION_ALLOW_FIREFOX=1 any moz-extension://<uuid> gets CORS; without it, a 403', async () => {
    const allowed = await config(withFirefox.url, FIREFOX);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(FIREFOX);
    const refused = await config(chromeOnly.url, FIREFOX);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('only the moz-extension://<uuid> form: anything else that claims to be Firefox is refused', async () => {
    for (const origin of ['moz-extension://abc', `${FIREFOX}.evil.example`, 'moz-extension://*'])
      expect((await config(withFirefox.url, origin)).status).toBe(403);
  });
});

describe('Firefox sign-in redirects', () => {
  test("the Apple relay sends an allowed add-on's state to its allizom.org redirect", async () => {
    const state = `${HASH}.${random43()}`;
    const { fields } = await appleFormPost(emulator.url, {
      redirectUri: `${withFirefox.url}/v1/oauth/apple/callback`,
      state,
    });
    const response = await relay(withFirefox.url, fields);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`https://${HASH}.extensions.allizom.org/apple`);
    expect(new URLSearchParams(location.hash.slice(1)).get('state')).toBe(state);
  });

  test("Firefox starts Apple at the companion: a 302 to Apple with the relay as redirect_uri, then the relay's", async () => {
    const state = `${HASH}.${random43()}`;
    const nonce = random43();
    const start = await getManual(`${withFirefox.url}/v1/oauth/apple/start?state=${state}&nonce=${nonce}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emulator.url}/idp/apple/auth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_id: 'dev.okto.emulator',
      redirect_uri: `${withFirefox.url}/v1/oauth/apple/callback`,
      response_type: 'code id_token',
      response_mode: 'form_post',
      scope: 'name email',
      state,
      nonce,
    });
    // A state of no allowed add-on, or a malformed nonce: a page, no redirect; without Firefox, no route.
    for (const query of [`state=${OTHER_HASH}.${random43()}&nonce=${nonce}`, `state=${state}&nonce=short`]) {
      const refused = await getManual(`${withFirefox.url}/v1/oauth/apple/start?${query}`);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('location')).toBeNull();
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(
      (await getManual(`${chromeOnly.url}/v1/oauth/apple/start?state=${state}&nonce=${nonce}`)).status,
    ).toBe(404);
  });

  test('no relay to an add-on that is not listed, nor to any add-on without COMPANION_ALLOW_FIREFOX', async () => {
    const other = await relay(withFirefox.url, new URLSearchParams({ state: `${OTHER_HASH}.${random43()}` }));
    expect(other.status).toBe(400);
    expect(other.headers.get('location')).toBeNull();
    const off = await relay(chromeOnly.url, new URLSearchParams({ state: `${HASH}.${random43()}` }));
    expect(off.status).toBe(400);
    expect(off.headers.get('location')).toBeNull();
  });

  test("the X exchange takes a Firefox add-on's redirect from a Firefox origin only", async () => {
    const redirectUri = `https://${HASH}.extensions.allizom.org/twitter`;
    const codeVerifier = random43();
    const ok = await exchange(withFirefox.url, FIREFOX, {
      code: await xCode(emulator.url, { verifier: codeVerifier, redirectUri }),
      codeVerifier,
      redirectUri,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('accessToken');
    // A Chrome extension may not use the Firefox add-on's redirect, nor Firefox a Chrome one's.
    const fromChrome = await exchange(withFirefox.url, CHROME, { code: 'c', codeVerifier, redirectUri });
    expect((await fromChrome.json()).error.code).toBe('redirect_not_allowed');
    const chromeRedirect = `https://${EXTENSION_ID}.chromiumapp.org/twitter`;
    const fromFirefox = await exchange(withFirefox.url, FIREFOX, {
      code: 'c',
      codeVerifier,
      redirectUri: chromeRedirect,
    });
    expect((await fromFirefox.json()).error.code).toBe('redirect_not_allowed');
    const unlisted = await exchange(withFirefox.url, FIREFOX, {
      code: 'c',
      codeVerifier,
      redirectUri: `https://${OTHER_HASH}.extensions.allizom.org/twitter`,
    });
    expect((await unlisted.json()).error.code).toBe('redirect_not_allowed');
  });
});
