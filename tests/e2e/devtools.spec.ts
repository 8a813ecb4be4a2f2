import { readFileSync } from 'node:fs';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { nextApprovalWindow, providerRequest, startDappServer } from './dappServer.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test, uniqueEmail } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';

// The Okto DevTools panel, opened as panel.html?tabId=…&origin=… for a dApp tab (what the real
// DevTools panel shows for its inspected window), against the real emulator and companion.

/** The Chrome tab id of a page, found by its URL (the extension may see URLs of its host permissions). */
async function tabIdOf(serviceWorker: Worker, page: Page): Promise<number> {
  const url = page.url();
  const id = await serviceWorker.evaluate(
    async (u) => (await chrome.tabs.query({})).find((tab) => tab.url === u)?.id,
    url,
  );
  if (id === undefined) throw new Error(`no tab has the URL ${url}`);
  return id;
}

async function openPanel(
  context: BrowserContext,
  extensionId: string,
  query: { tabId: number; origin?: string },
): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 760 });
  const params = new URLSearchParams({
    tabId: String(query.tabId),
    ...(query.origin && { origin: query.origin }),
  });
  await page.goto(`chrome-extension://${extensionId}/panel.html?${params}`);
  return page;
}

test("the panel for a dApp tab shows the session and the worker's Okto calls, redacted, and verifies and logs out", async ({
  context,
  extensionId,
  serviceWorker,
  popup,
  stack,
}) => {
  const server = await startDappServer();
  const dapp = { origin: server.origin('127.0.0.1') };
  try {
    const page = await context.newPage();
    await page.goto(server.url('127.0.0.1'));
    const tabId = await tabIdOf(serviceWorker, page);

    const email = uniqueEmail();
    const userSWA = await signInWithEmail(popup, stack, email);

    const panel = await openPanel(context, extensionId, { tabId, origin: dapp.origin });
    await expect(panel.getByTestId('session-user-swa')).toHaveText(userSWA);
    await expect(panel.getByTestId('session-countdown')).toHaveText(/^in (\d+d )?\d\d:\d\d(:\d\d)?$/);
    await expect(panel.getByTestId('inspected-origin')).toHaveText(dapp.origin);
    await expect(panel.getByTestId('origin-connected')).toHaveText('not connected');

    // The login's calls to Okto are there, with their bodies redacted.
    const log = panel.getByRole('listbox', { name: 'Request log' });
    const sendCode = log.getByRole('option').filter({ hasText: '/api/oc/v1/authenticate/email' }).first();
    await expect(sendCode).toBeVisible();
    await sendCode.click();
    const details = panel.getByTestId('entry-details');
    await expect(details).toContainText('"email": "e•••@example.com"');
    await expect(details).not.toContainText(email);

    const verify = log
      .getByRole('option')
      .filter({ hasText: '/api/oc/v1/authenticate/email/verify' })
      .first();
    await verify.click();
    await expect(panel.getByTestId('entry-request')).toContainText('"otp": "••••••"');
    await expect(panel.getByTestId('entry-request')).not.toContainText(await stack.latestCode(email));

    // The countdown is live.
    const countdown = panel.getByTestId('session-countdown');
    const before = await countdown.textContent();
    await expect(countdown).not.toHaveText(before ?? '');

    // Actions: verify-session now (its call appears in the log), then log out.
    await panel.getByRole('button', { name: 'Verify session now' }).click();
    await expect(panel.getByRole('status')).toHaveText('Okto accepted the session.');
    await expect(log.getByRole('option').filter({ hasText: '/api/oc/v1/verify-session' })).toHaveCount(1);
    await panel.getByRole('button', { name: 'Log out' }).click();
    await expect(panel.getByTestId('session-state')).toContainText(/Log in|Not logged in|logged out/i);
    await expect(panel.getByTestId('session-user-swa')).toHaveCount(0);
  } finally {
    await server.close();
  }
});

test("a dApp's provider requests appear live in its tab's panel; the panel shows the site connected and revokes it", async ({
  context,
  extensionId,
  serviceWorker,
  popup,
  stack,
}) => {
  const server = await startDappServer();
  try {
    await signInWithEmail(popup, stack);
    const dapp = await context.newPage();
    await dapp.goto(server.url('127.0.0.1'));
    const origin = server.origin('127.0.0.1');
    const tabId = await tabIdOf(serviceWorker, dapp);
    const panel = await openPanel(context, extensionId, { tabId, origin });
    const log = panel.getByRole('listbox', { name: 'Request log' });
    await expect(panel.getByTestId('origin-connected')).toHaveText('not connected');

    const chainId = await providerRequest(dapp, 'eth_chainId');
    const chainRow = log.getByRole('option').filter({ hasText: 'eth_chainId' });
    await expect(chainRow).toContainText('provider');
    await expect(chainRow).toContainText(origin);
    await chainRow.click();
    await expect(panel.getByTestId('entry-details')).toContainText(`Tab${tabId}`);
    await expect(panel.getByTestId('entry-response')).toHaveText(JSON.stringify(chainId.result));

    // The site asks for a token; once approved, the panel shows it connected, and the token cut short.
    const approvalOpened = nextApprovalWindow(context);
    const tokenRequest = providerRequest(dapp, 'okto_requestAuthToken', [{ ttlSeconds: 60 }]);
    await (await approvalOpened).getByRole('button', { name: 'Approve' }).click();
    const { authToken } = (await tokenRequest).result as { authToken: string };
    await expect(panel.getByTestId('origin-connected')).toHaveText('connected');
    const tokenRow = log.getByRole('option').filter({ hasText: 'okto_requestAuthToken' });
    await tokenRow.click();
    const response = panel.getByTestId('entry-response');
    await expect(response).toContainText(`"authToken": "${authToken.slice(0, 8)}…"`);
    await expect(response).not.toContainText(authToken.slice(0, 9));
    await panel.screenshot({ path: screenshotPath('devtools-panel') });

    await panel.getByRole('button', { name: 'Revoke origin' }).click();
    await expect(panel.getByTestId('origin-connected')).toHaveText('not connected');
    expect((await providerRequest(dapp, 'eth_accounts')).result).toEqual([]);
  } finally {
    await server.close();
  }
});

test('a pasted token is decoded and checked: valid, forged, malformed; a minted test token checks out', async ({
  context,
  extensionId,
  serviceWorker,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const { authToken } = await serviceWorker.evaluate(() => globalThis.__okto.mintAuthToken(600));
  const panel = await openPanel(context, extensionId, { tabId: -1 });
  await panel.getByRole('tab', { name: 'Token tools' }).click();
  const input = panel.getByLabel('Auth token', { exact: true });

  await input.fill(authToken);
  await expect(panel.getByTestId('token-signature')).toHaveText('valid');
  await expect(panel.getByTestId('token-session')).toHaveText("yes, this session's key");
  await expect(panel.getByTestId('token-expiry')).toContainText(/expires in (9|10) min/);
  const sessionPublicKey = await panel.getByTestId('session-public-key').textContent();
  await expect(panel.getByTestId('token-result')).toContainText(sessionPublicKey ?? 'missing');

  // One more second of validity, same signature: the signature no longer matches the data.
  const payload = JSON.parse(Buffer.from(authToken, 'base64').toString());
  payload.data.expire_at += 1;
  await input.fill(Buffer.from(JSON.stringify(payload)).toString('base64'));
  await expect(panel.getByTestId('token-signature')).toContainText('forged');

  await input.fill('not a token');
  await expect(panel.getByTestId('token-error')).toHaveText('This is not an Okto auth token.');

  await panel.getByLabel('TTL (seconds)').fill('120');
  await panel.getByRole('button', { name: 'Mint token' }).click();
  const minted = panel.getByLabel('Minted token');
  await expect(minted).toHaveValue(/^[A-Za-z0-9+/=]{200,}$/);
  await panel.getByRole('button', { name: 'Check it' }).click();
  await expect(input).toHaveValue(await minted.inputValue());
  await expect(panel.getByTestId('token-signature')).toHaveText('valid');
  await expect(panel.getByTestId('token-expiry')).toContainText(/expires in (1 min|2 min|\d+ s)/);
  // The log keeps no more than 8 characters of any token.
  const leaked = await serviceWorker.evaluate(
    (token) => JSON.stringify(globalThis.__okto.activity()).includes(token.slice(0, 12)),
    authToken,
  );
  expect(leaked).toBe(false);
});

test('with 10,000 entries the list renders only the visible rows, and scrolling, selecting and filtering work', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const tabId = 4242;
  const recorded = await serviceWorker.evaluate((id) => globalThis.__okto.recordActivity(10_000, id), tabId);
  expect(recorded).toBe(10_000);
  const panel = await openPanel(context, extensionId, { tabId, origin: 'https://load.test' });
  await expect(panel.getByTestId('log-count')).toHaveText('10,000 entries');
  const log = panel.getByRole('listbox', { name: 'Request log' });
  const rows = log.getByRole('option');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);
  // Following the end of the log: the newest entry is on screen.
  await rows.last().click();
  await expect(panel.getByTestId('entry-request')).toContainText('"n": 9999');

  // Scrolled to the top: the oldest entry, still with a bounded number of rows.
  await log.evaluate((element) => {
    element.scrollTop = 0;
  });
  await rows.filter({ hasText: 'eth_accounts' }).first().click();
  await expect(panel.getByTestId('entry-request')).toContainText('"n": 0');
  expect(await rows.count()).toBeLessThan(60);
  await log.press('ArrowDown');
  await expect(panel.getByTestId('entry-request')).toContainText('"n": 1');

  // Filtering 10,000 entries by kind/method and by body text.
  const filter = panel.getByLabel('Filter requests');
  await filter.fill('eth_chainId');
  await expect(panel.getByTestId('log-count')).toHaveText('5,000 of 10,000');
  await filter.fill('"n":7777');
  await expect(panel.getByTestId('log-count')).toHaveText('1 of 10,000');
  await expect(rows).toHaveCount(1);
  await filter.fill('');
  await panel.getByLabel('provider').uncheck();
  await expect(panel.getByTestId('log-count')).toHaveText('0 of 10,000');
  await panel.getByLabel('provider').check();

  // The log stays bounded: new entries stream in live and push the oldest out.
  await serviceWorker.evaluate((id) => globalThis.__okto.recordActivity(5, id, 'https://late.test'), tabId);
  await filter.fill('late.test');
  await expect(panel.getByTestId('log-count')).toHaveText('5 of 10,000');
  // The biggest origin loses its oldest entry, one at a time: n 0–4 (of load-0 … load-4.test) are gone,
  // so n 0–4 are now only the late ones; 5 was never evicted.
  await filter.fill('"n":4}');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('late.test');
  await filter.fill('"n":5}');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('load-5.test');
  await filter.fill('');
  await expect(panel.getByTestId('log-count')).toHaveText('10,000 entries');

  // Export: the filtered entries as JSON.
  await filter.fill('late.test');
  await expect(panel.getByTestId('log-count')).toHaveText('5 of 10,000');
  const downloading = panel.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export JSON' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^okto-activity-tab-${tabId}-.*\\.json$`));
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
    origin: string;
    request: unknown;
  }[];
  expect(exported.map((e) => [e.origin, e.request])).toEqual(
    [0, 1, 2, 3, 4].map((n) => ['https://late.test', { n }]),
  );

  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel.getByTestId('log-count')).toHaveText('0 entries');
  expect(await serviceWorker.evaluate(() => globalThis.__okto.activity().length)).toBe(0);
});

test('the log survives a worker restart, and the open panel reconnects and keeps streaming', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const tabId = 77;
  await serviceWorker.evaluate((id) => globalThis.__okto.recordActivity(3, id, 'https://before.test'), tabId);
  const panel = await openPanel(context, extensionId, { tabId });
  await expect(panel.getByTestId('log-count')).toHaveText('3 entries');
  // Written behind: wait until storage.session has them before stopping the worker.
  await expect
    .poll(() =>
      serviceWorker.evaluate(async () => {
        const { activityLog } = await chrome.storage.session.get('activityLog');
        return (activityLog as { entries: unknown[] } | undefined)?.entries.length;
      }),
    )
    .toBe(3);
  const bootBefore = await serviceWorker.evaluate(() => globalThis.__okto.bootId);

  await stopServiceWorker(context, extensionId);
  // The panel's port dropped; reconnecting starts a new worker, which restored the log.
  await expect.poll(() => serviceWorker.evaluate(() => globalThis.__okto.bootId)).not.toBe(bootBefore);
  await expect.poll(() => serviceWorker.evaluate(() => globalThis.__okto.activity().length)).toBe(3);
  await serviceWorker.evaluate((id) => globalThis.__okto.recordActivity(2, id, 'https://after.test'), tabId);
  await expect(panel.getByTestId('log-count')).toHaveText('5 entries');
  const rows = panel.getByRole('listbox', { name: 'Request log' }).getByRole('option');
  await expect(rows.filter({ hasText: 'before.test' })).toHaveCount(3);
  await expect(rows.filter({ hasText: 'after.test' })).toHaveCount(2);
});
