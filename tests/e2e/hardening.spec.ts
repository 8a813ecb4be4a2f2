import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { openApprovedDapp, providerRequest, serveDapp } from './dappServer.ts';
import { CHROMIUM_PATH, getServiceWorker, makeUserDataDir } from './fixtures.ts';
import { expect, openPopup, signInWithEmail, test } from './stack.ts';

// Fixes of the adversarial review (shared/reviews/security-1.md) that a browser is needed to show:
// short token lifetimes and the truth about them (F1), settings refusing plain http (F7), a flooding
// page that cannot wipe the log or the event registry (F12), and the release build (F14, F16).

const server = serveDapp(test);

type Token = { authToken: string; expiresAt: number };
const nowSeconds = () => Math.floor(Date.now() / 1000);

test('F1: a dApp token lives 15 minutes at most, and Revoke and Log out say until when tokens still work', async ({
  context,
  extensionId,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const asked = (await providerRequest(dapp, 'okto_requestAuthToken', [{ ttlSeconds: 5400 }]))
    .result as Token;
  expect(asked.expiresAt - nowSeconds()).toBeLessThanOrEqual(900);
  expect(asked.expiresAt - nowSeconds()).toBeGreaterThan(850);
  const byDefault = (await providerRequest(dapp, 'okto_requestAuthToken')).result as Token;
  expect(byDefault.expiresAt - nowSeconds()).toBeLessThanOrEqual(300);

  // The connected site says until when its latest token works; revoking it says so again.
  await popup.reload();
  const site = popup.getByTestId('connected-sites');
  await expect(site).toContainText(server.origin('127.0.0.1'));
  await expect(site).toContainText('its latest token works until');
  await popup.getByRole('button', { name: `Revoke ${server.origin('127.0.0.1')}` }).click();
  await expect(popup.getByTestId('revoked-notice')).toContainText(
    /Tokens it already has stay valid at Okto until \d{1,2}:\d{2}/,
  );
  // The token already handed out still works at Okto: the popup did not lie.
  const stillValid = await fetch(`${stack.emulatorUrl}/api/oc/v1/verify-session`, {
    headers: { Authorization: `Bearer ${asked.authToken}` },
  });
  expect(stillValid.status).toBe(200);

  // DevTools mints an hour at most.
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  const tooLong = await page.evaluate(() =>
    chrome.runtime.sendMessage({ type: 'devtools/mintToken', ttlSeconds: 7200 }),
  );
  expect(tooLong).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  expect(JSON.stringify(tooLong)).toContain('at most 3600 seconds');

  await popup.getByRole('button', { name: 'Log out' }).click();
  await expect(popup.getByTestId('tokens-valid-until')).toContainText(
    /Tokens already given to sites stay valid at Okto until \d{1,2}:\d{2}( [AP]M)?: Okto cannot revoke them/,
  );
});

test('F7: Settings refuse plain http for production, and for sandbox anywhere but this computer', async ({
  context,
  extensionId,
}) => {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const save = (settings: object) =>
    options.evaluate(
      (s) => chrome.runtime.sendMessage({ type: 'settings/save', settings: s, confirmLogout: true }),
      settings,
    );
  const base = { localBaseUrl: 'http://127.0.0.1:8790' };
  for (const settings of [
    { ...base, environment: 'production', companionUrl: 'http://companion.example.com' },
    { ...base, environment: 'production', companionUrl: 'http://127.0.0.1:8791' },
    { ...base, environment: 'sandbox', companionUrl: 'http://192.168.1.20:8791' },
    { environment: 'local', localBaseUrl: 'http://10.0.0.5:8790', companionUrl: 'http://127.0.0.1:8791' },
  ])
    expect(await save(settings), JSON.stringify(settings)).toMatchObject({ ok: false });
  expect(
    await save({ ...base, environment: 'sandbox', companionUrl: 'http://127.0.0.1:8791' }),
  ).toMatchObject({
    ok: true,
  });
  expect(
    await save({ ...base, environment: 'production', companionUrl: 'https://companion.example.com' }),
  ).toMatchObject({ ok: true });

  // The page itself says why.
  await options.reload();
  await options.getByLabel('Companion URL').fill('http://companion.example.com');
  await options.getByRole('button', { name: 'Save' }).click();
  await expect(options.getByText(/Production needs https:\/\/.*take over your wallet/)).toBeVisible();
});

test('F12: a page that is not connected cannot wipe the log, fill it with its params, or join the event registry', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  // The ids of the wallet's own entries before the flood (the popup's Home may still add balance
  // reads after this, so the test asks that none of these is evicted, not for an exact count).
  const before = await serviceWorker.evaluate(() =>
    globalThis.__okto
      .activity()
      .filter((e) => e.kind !== 'provider')
      .map((e) => e.id),
  );
  expect(before.length).toBeGreaterThan(3);
  const attacker = await context.newPage();
  await attacker.goto(server.url('localhost'));
  const answered = await attacker.evaluate(async () => {
    const okto = (window as unknown as { okto: { request(a: unknown): Promise<unknown> } }).okto;
    const blob = 'x'.repeat(8000);
    let done = 0;
    const one = () =>
      okto.request({ method: 'eth_chainId', params: [blob] }).then(
        () => done++,
        () => done++,
      );
    for (let round = 0; round < 40; round++) await Promise.all(Array.from({ length: 60 }, one));
    return done;
  });
  expect(answered).toBe(2400);

  const log = await serviceWorker.evaluate(() => globalThis.__okto.activity());
  const kept = new Set(log.filter((e) => e.kind !== 'provider').map((e) => e.id));
  expect(before.filter((id) => !kept.has(id))).toEqual([]);
  const flood = log.filter((e) => e.origin === server.origin('localhost'));
  expect(flood.length).toBeLessThanOrEqual(1000);
  expect(JSON.stringify(flood)).not.toContain('xxxxxxxxxx');
  expect(flood[0]?.request).toMatchObject({ omitted: 'the site is not connected' });
  const frames = await serviceWorker.evaluate(async () =>
    JSON.stringify(await chrome.storage.session.get('provider/frames')),
  );
  expect(frames).not.toContain(server.origin('localhost'));
});

test('F14, F16: the release build defaults to Okto production and its companion, with no test hooks or loopback hosts', async () => {
  const out = mkdtempSync(join(tmpdir(), 'okto-release-'));
  const profile = makeUserDataDir();
  try {
    await promisify(execFile)('npx', ['tsx', 'src/cli/package.ts'], {
      env: { ...process.env, COMPANION_URL: 'https://companion.example.com', OKTO_RELEASE_DIR: out },
    });
    const folder = join(out, 'okto-login-chrome-0.1.0');
    // The Firefox release beside it: the same hosts, an event page, the gecko id, no key, no test hooks.
    const firefox = JSON.parse(readFileSync(join(out, 'okto-login-firefox-0.1.0', 'manifest.json'), 'utf8'));
    expect(existsSync(join(out, 'okto-login-firefox-0.1.0.zip'))).toBe(true);
    expect(firefox).not.toHaveProperty('key');
    expect(firefox.background).toEqual({ scripts: ['service-worker-loader.js'], type: 'module' });
    expect(firefox.browser_specific_settings.gecko.id).toBe('okto-login@okto.tech');
    expect(firefox.host_permissions).toEqual([
      'https://sandbox-api.okto.tech/*',
      'https://apigw.okto.tech/*',
      'https://companion.example.com/*',
    ]);
    const firefoxCode = readdirSync(join(out, 'okto-login-firefox-0.1.0', 'assets'))
      .map((file) => readFileSync(join(out, 'okto-login-firefox-0.1.0', 'assets', file), 'utf8'))
      .join('\n');
    expect(firefoxCode).not.toContain('recordActivity'); // the development build's test hooks
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: false,
      args: [
        '--headless=new',
        `--disable-extensions-except=${folder}`,
        `--load-extension=${folder}`,
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    try {
      const worker = await getServiceWorker(context);
      const extensionId = new URL(worker.url()).host;
      expect(extensionId).not.toBe('aiidadmojnoeaemnmikbmmanflmcnnca'); // no development key
      expect(await worker.evaluate(() => typeof (globalThis as { __okto?: unknown }).__okto)).toBe(
        'undefined',
      );
      const popup = await openPopup(context, extensionId);
      const answer = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'settings/get' }));
      expect(answer).toMatchObject({
        ok: true,
        settings: { environment: 'production', companionUrl: 'https://companion.example.com' },
      });
      const manifest = await popup.evaluate(() => chrome.runtime.getManifest());
      expect(manifest).not.toHaveProperty('key');
      expect(manifest.host_permissions).toEqual([
        'https://sandbox-api.okto.tech/*',
        'https://apigw.okto.tech/*',
        'https://companion.example.com/*',
      ]);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
});

test("F16: DevTools without an origin falls back to the tab's top frame, never an iframe's", async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const top = await context.newPage();
  await top.goto(server.url('127.0.0.1', `/frame?src=${encodeURIComponent(server.url('localhost'))}`));
  const frame = top.frames().find((f) => f.url().startsWith(server.origin('localhost')));
  if (!frame) throw new Error('the cross-origin frame did not load');
  await expect.poll(() => frame.evaluate(() => typeof (window as { okto?: unknown }).okto)).toBe('object');
  expect((await providerRequest(top, 'eth_chainId')).result).toBeDefined();
  // The iframe asks last: an origin taken from "the last request of the tab" would be the iframe's.
  expect((await providerRequest(frame, 'eth_chainId')).result).toBeDefined();
  const tabId = await serviceWorker.evaluate(
    async (url) => (await chrome.tabs.query({})).find((tab) => tab.url === url)?.id ?? -1,
    top.url(),
  );
  const panel = await context.newPage();
  await panel.goto(`chrome-extension://${extensionId}/panel.html`);
  const state = await panel.evaluate(
    (id) => chrome.runtime.sendMessage({ type: 'devtools/getState', tabId: id }),
    tabId,
  );
  expect(state).toMatchObject({ ok: true, origin: server.origin('127.0.0.1') });
});
