import { DEV_EXTENSION_ID } from '../../src/extensionId.ts';
import { expect, test } from './fixtures.ts';
import { stopServiceWorker } from './swControl.ts';

type Ping = { ok: boolean; version: string; bootId: string };

test('the built extension loads with the fixed development id', async ({ extensionId, serviceWorker }) => {
  expect(extensionId).toBe(DEV_EXTENSION_ID);
  expect(serviceWorker.url()).toBe(`chrome-extension://${DEV_EXTENSION_ID}/service-worker-loader.js`);
});

test('the service worker answers ping, directly and by runtime message', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const direct = await serviceWorker.evaluate(() => globalThis.__okto.ping());
  expect(direct).toMatchObject({ ok: true, version: '0.1.0' });

  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const viaMessage = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  expect(viaMessage).toEqual(direct);
});

test('the popup renders its heading', async ({ context, extensionId }) => {
  const errors: string[] = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.locator('main#app').getByRole('heading', { level: 1 })).toHaveText('Log in to Okto');
  expect(errors).toEqual([]);
});

test('a stopped service worker starts again on the next message', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const before: Ping = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  expect(before.ok).toBe(true);

  await stopServiceWorker(context, extensionId);

  const after: Ping = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  expect(after.ok).toBe(true);
  expect(after.bootId).not.toBe(before.bootId);
  // Playwright keeps the same Worker object and moves it to the new instance.
  expect(await serviceWorker.evaluate(() => globalThis.__okto.bootId)).toBe(after.bootId);
});
