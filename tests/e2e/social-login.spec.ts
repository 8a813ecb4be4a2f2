import type { BrowserContext, Page, Route } from '@playwright/test';
import type { IdpAnswer, LocalStack } from '../../src/cli/localStack.ts';
import { createOktoClient } from '../../src/okto/client.ts';
import { openApprovedDapp, providerRequest, serveDapp } from './dappServer.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, openPopup, test } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';

// Google, Apple, X and the app's own login in real Chromium (okto-social-login.md §5.6): the popup's
// buttons send the production `login/startProvider`, the worker runs the real
// `chrome.identity.launchWebAuthFlow` and `getRedirectURL`, and the flow window is the emulator's page,
// found by its URL and clicked like a person would. Okto, the companion and the stand-ins are the
// local stack's, on loopback.

const server = serveDapp(test);

type Provider = 'google' | 'apple' | 'twitter' | 'client_jwt';
const PROVIDERS: { provider: Provider; name: string; idp: IdpAnswer['provider']; path: string }[] = [
  { provider: 'google', name: 'Google', idp: 'google', path: '/idp/google/authorize' },
  { provider: 'apple', name: 'Apple', idp: 'apple', path: '/idp/apple/auth/authorize' },
  { provider: 'twitter', name: 'X', idp: 'twitter', path: '/idp/x/i/oauth2/authorize' },
  { provider: 'client_jwt', name: 'Example app', idp: 'app', path: '/app/okto/extension-login' },
];
const byProvider = (provider: Provider) =>
  PROVIDERS.find((p) => p.provider === provider) as (typeof PROVIDERS)[0];

/** Every page the context opens whose URL is a stand-in's authorize page: the flow windows. */
function flowWindows(context: BrowserContext, stack: LocalStack) {
  const seen: Page[] = [];
  const isFlow = (page: Page) =>
    page.url().startsWith(`${stack.emulatorUrl}/`) && /authorize|extension-login/.test(page.url());
  context.on('page', (page) => seen.push(page));
  return {
    /** The flow window of `provider`, once it shows its page. */
    async next(provider: Provider): Promise<Page> {
      const { path } = byProvider(provider);
      let found: Page | undefined;
      await expect
        .poll(
          () =>
            (found = seen.find((p) => !p.isClosed() && p.url().startsWith(`${stack.emulatorUrl}${path}`))),
          {
            message: `the ${provider} window`,
            timeout: 15_000,
          },
        )
        .toBeTruthy();
      const page = found as Page;
      seen.splice(seen.indexOf(page), 1);
      await page.waitForLoadState('domcontentloaded');
      return page;
    },
    /** How many flow windows have opened. */
    count: () => seen.filter(isFlow).length,
  };
}

/** Clicks Continue in the stand-in's chooser (the window closes mid-navigation). */
async function approve(window: Page, account?: string) {
  if (account !== undefined) await window.locator('#other-account').fill(account);
  await window.click('#approve', { noWaitAfter: true });
}

const button = (popup: Page, name: string) => popup.getByRole('button', { name: `Continue with ${name}` });

let counter = 0;
const uniqueAccount = (provider: string) => `${provider}-${Date.now()}-${++counter}@example.com`;

for (const { provider, name } of PROVIDERS)
  test(`${name}: the window's Continue signs in, the account says how, and a dApp gets a token Okto accepts`, async ({
    context,
    popup,
    stack,
  }) => {
    const windows = flowWindows(context, stack);
    await button(popup, name).click();
    await expect(popup.getByRole('heading', { name: `Waiting for ${name}…` })).toBeVisible();
    await expect(popup.getByText(`Finish signing in in the ${name} window.`)).toBeVisible();
    const account = uniqueAccount(provider);
    const window = await windows.next(provider);
    await expect(window.getByRole('heading', { name: `Sign in with ${name}` })).toBeVisible();
    await approve(window, account);
    const swa = popup.getByTestId('user-swa');
    await expect(swa).toHaveText(/^0x[0-9a-fA-F]{40}$/, { timeout: 15_000 });
    await expect(popup.getByText('Logged in as')).toContainText(
      provider === 'twitter'
        ? 'your X account'
        : `${account} (${provider === 'client_jwt' ? 'the app’s login' : name})`,
    );
    const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
    const { result } = await providerRequest(dapp, 'okto_requestAuthToken');
    const { authToken, userSWA } = result as { authToken: string; userSWA: string };
    expect(userSWA).toBe(await swa.textContent());
    const info = await createOktoClient({ baseUrl: stack.emulatorUrl }).verifySession(authToken);
    expect(info.user_swa).toBe(userSWA);
  });

test('the chooser offers exactly the enabled methods, in order, each in its own style', async ({ popup }) => {
  const buttons = popup.locator('.providers button');
  await expect(buttons).toHaveText([
    'Continue with Google',
    'Continue with Apple',
    'Continue with X',
    'Continue with Example app',
  ]);
  await expect(popup.getByRole('tab')).toHaveText(['WhatsApp', 'Email']);
  await expect(button(popup, 'Google')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await expect(button(popup, 'Apple')).toHaveCSS('background-color', 'rgb(0, 0, 0)');
  await expect(popup.locator('.providers svg')).toHaveCount(4); // inline logos: no remote image
  await expect(popup.locator('img[src^="http"]')).toHaveCount(0);
  // All of it fits the popup (360 × 600) without scrolling.
  expect(await popup.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(600);
  expect(await popup.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await popup.screenshot({ path: screenshotPath('popup-methods') });
});

test('the code tabs appear once, in their final place: the provider buttons never push them under the pointer', async ({
  context,
  extensionId,
  popup,
}) => {
  await popup.close();
  // Every animation frame from the first script on, where the tab list is (or that it is absent).
  await context.addInitScript(() => {
    const tops: (number | null)[] = [];
    (globalThis as unknown as { tabTops: typeof tops }).tabTops = tops;
    const frame = () => {
      const list = document.querySelector('[role="tablist"]');
      tops.push(list ? Math.round(list.getBoundingClientRect().top) : null);
      if (tops.length < 600) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const fresh = await openPopup(context, extensionId);
  await expect(button(fresh, 'Google')).toBeVisible();
  await fresh.waitForTimeout(300);
  const tops = await fresh.evaluate(() => (globalThis as unknown as { tabTops: (number | null)[] }).tabTops);
  const shown = tops.filter((top): top is number => top !== null);
  expect(shown.length).toBeGreaterThan(0);
  expect(new Set(shown)).toEqual(new Set([shown[0]]));
  // Once shown, never gone again (a remount would also reset the chosen tab).
  expect(tops.slice(tops.indexOf(shown[0] as number)).every((top) => top !== null)).toBe(true);
});

test('a window closed, Cancel in the popup, and each provider’s own refusal are cancelled notices, never failures', async ({
  context,
  popup,
  stack,
}) => {
  const windows = flowWindows(context, stack);
  const notFailed = () =>
    expect(popup.getByRole('heading', { name: 'Sign-in did not finish' })).toHaveCount(0);

  // The user closes Google's window.
  await button(popup, 'Google').click();
  (await windows.next('google')).close();
  await expect(popup.getByRole('status')).toHaveText('Sign-in with Google was cancelled.');
  await notFailed();

  // Cancel in the popup while Apple's window is open; finishing that window afterwards changes nothing.
  await button(popup, 'Apple').click();
  const late = await windows.next('apple');
  await popup.screenshot({ path: screenshotPath('popup-provider-waiting') });
  await popup.getByRole('button', { name: 'Cancel' }).click();
  await expect(popup.getByRole('status')).toHaveText(
    'Sign-in with Apple was cancelled. You can close its window.',
  );
  await approve(late);
  await expect.poll(() => late.isClosed()).toBe(true); // Chrome took the redirect: the result went nowhere
  await expect(button(popup, 'Apple')).toBeVisible();
  expect((await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'login/getView' }))).step).toBe(
    'signedOut',
  );

  // Each provider answering "declined" at once.
  for (const { name, idp } of PROVIDERS) {
    await stack.setIdpAnswer({ provider: idp, next: 'deny' });
    await button(popup, name).click();
    await expect(popup.getByRole('status')).toHaveText(`Sign-in with ${name} was cancelled.`);
    await notFailed();
  }
});

/** Starts `provider` from the popup with the stand-in's next answer set, and waits for the failure shown. */
async function failWith(popup: Page, stack: LocalStack, provider: Provider, next: IdpAnswer['next']) {
  const { name, idp } = byProvider(provider);
  await stack.setIdpAnswer({ provider: idp, next });
  await button(popup, name).click();
  await expect(popup.getByRole('heading', { name: 'Sign-in did not finish' })).toBeVisible({
    timeout: 15_000,
  });
  return popup.getByRole('alert');
}

test('a sign-in page that fails to load: provider_page_failed, and Try again opens a new window', async ({
  context,
  popup,
  stack,
}) => {
  await expect(await failWith(popup, stack, 'google', 'http401')).toHaveText(
    "Google's sign-in page could not be loaded. Check your connection and try again.",
  );
  await popup.screenshot({ path: screenshotPath('popup-provider-failed') });
  const windows = flowWindows(context, stack);
  await popup.getByRole('button', { name: 'Try again' }).click();
  await approve(await windows.next('google'));
  await expect(popup.getByTestId('user-swa')).toBeVisible({ timeout: 15_000 });
});

test('an account already signed in at the provider (approve) signs in with no window at all', async ({
  context,
  popup,
  stack,
}) => {
  const windows = flowWindows(context, stack);
  await stack.setIdpAnswer({ provider: 'app', next: 'approve', account: uniqueAccount('app') });
  await button(popup, 'Example app').click();
  await expect(popup.getByTestId('user-swa')).toBeVisible({ timeout: 15_000 });
  expect(windows.count()).toBe(0);
});

test('an answer for another sign-in (badState): state_mismatch', async ({ popup, stack }) => {
  await expect(await failWith(popup, stack, 'twitter', 'badState')).toHaveText(
    'The answer from X did not match this sign-in and was refused. Try again.',
  );
});

test('a token for another nonce (badNonce): provider_token_invalid', async ({ popup, stack }) => {
  await expect(await failWith(popup, stack, 'google', 'badNonce')).toHaveText(
    "Google's answer could not be used (expired, or meant for another app). Try again.",
  );
  await popup.getByRole('button', { name: 'Use another method' }).click();
  await expect(button(popup, 'Google')).toBeVisible();
});

test('a window left open past 5 minutes: provider_timeout, and its late answer is discarded', async ({
  context,
  popup,
  serviceWorker,
  stack,
}) => {
  const windows = flowWindows(context, stack);
  await button(popup, 'Google').click();
  const window = await windows.next('google');
  await stack.advanceClock(301);
  await serviceWorker.evaluate((seconds) => globalThis.__okto.advanceClock(seconds), 301);
  await popup.reload(); // the popup asks for the view, which checks the time
  await expect(popup.getByRole('status')).toHaveText(
    'Sign-in with Google took over 5 minutes and was stopped. Close its window and try again.',
  );
  await approve(window);
  await expect.poll(() => window.isClosed()).toBe(true);
  await expect(button(popup, 'Google')).toBeVisible();
  expect((await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'login/getView' }))).step).toBe(
    'signedOut',
  );
});

test('the worker stopped while the window is open: provider_interrupted; finishing the window does nothing', async ({
  context,
  extensionId,
  popup,
  stack,
}) => {
  const windows = flowWindows(context, stack);
  await button(popup, 'Apple').click();
  const window = await windows.next('apple');
  await stopServiceWorker(context, extensionId);
  await approve(window);
  await expect.poll(() => window.isClosed()).toBe(true);
  const reopened = await openPopup(context, extensionId);
  await expect(reopened.getByRole('status')).toHaveText(
    'Sign-in with Apple was interrupted: the extension restarted. Close its window and try again.',
  );
  await expect(button(reopened, 'Apple')).toBeVisible();
});

test("the companion's Apple relay refuses a state naming an extension it does not allow", async ({
  context,
  popup,
  stack,
}) => {
  // What the relay gets is rewritten to name another extension: it must redirect nowhere.
  let answered: { status: number; location?: string; text: string } | undefined;
  await context.route(`${stack.companionUrl}/v1/oauth/apple/callback`, async (route: Route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    form.set('state', (form.get('state') ?? '').replace(/^[a-p]{32}\./, 'ponmlkjihgfedcbaponmlkjihgfedcba.'));
    const response = await route.fetch({ postData: form.toString() });
    answered = {
      status: response.status(),
      location: response.headers().location,
      text: await response.text(),
    };
    await route.fulfill({ response });
  });
  const windows = flowWindows(context, stack);
  await button(popup, 'Apple').click();
  await approve(await windows.next('apple'));
  // Chrome ends a flow whose page answers an HTTP error: the sign-in fails, nothing is signed in.
  await expect(popup.getByRole('alert')).toHaveText(
    "Apple's sign-in page could not be loaded. Check your connection and try again.",
  );
  expect(answered).toMatchObject({ status: 400, location: undefined });
  expect(answered?.text).toContain('This sign-in was not started by an allowed extension.');
});

test('an X code used already: provider_rejected', async ({ context, popup, stack }) => {
  // Someone trades the code first; then the extension's own exchange gets X's refusal.
  await context.route('**/v1/oauth/twitter/token', async (route: Route) => {
    await route.fetch();
    await route.continue();
  });
  await expect(await failWith(popup, stack, 'twitter', 'approve')).toHaveText(
    'X did not accept the sign-in. Try again.',
  );
});

const spoils = {
  expired: async (stack: LocalStack) => {
    await stack.advanceClock(3601); // the hour of Google's token passes before Okto sees it
  },
  'from another issuer': async () => {},
  'signed by a key Apple no longer publishes': async (stack: LocalStack) => {
    await stack.rotateIdpKeys('apple');
    await stack.advanceClock(601); // past the emulator's 10-minute key cache
  },
};
for (const [spoil, before] of Object.entries(spoils))
  test(`a token Okto refuses (${spoil}): okto_rejected`, async ({ context, popup, stack }) => {
    const provider = spoil.includes('Apple') ? 'apple' : 'google';
    await context.route('**/api/oc/v1/authenticate', async (route: Route) => {
      await before(stack);
      const body = route.request().postDataJSON();
      // A Google token sent to Okto as Apple's: its issuer is not Apple's.
      if (spoil === 'from another issuer') body.authData.provider = 'apple';
      await route.continue({ postData: JSON.stringify(body) });
    });
    const name = byProvider(provider).name;
    await expect(await failWith(popup, stack, provider, 'approve')).toHaveText(
      `Okto did not accept the ${name} sign-in. Try again, or use another method.`,
    );
  });
