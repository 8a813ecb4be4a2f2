import type { Page, Request, Worker } from '@playwright/test';
import { createOktoClient } from '../../src/okto/client.ts';
import { sessionKeyFromPrivateKey } from '../../src/okto/sessionKey.ts';
import { getServiceWorker, launchExtension, screenshotPath } from './fixtures.ts';
import { configureExtension, expect, openPopup, signInWithEmail, test, uniqueEmail } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';

// The core journey of issue 4 in real Chromium, against the real emulator and companion.

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`popup-${name}`) });

/** Mints a token in the worker and checks it with the emulator's verify-session. */
async function verifyWithEmulator(worker: Worker, emulatorUrl: string) {
  const { authToken } = await worker.evaluate(() => globalThis.__okto.mintAuthToken(600));
  return createOktoClient({ baseUrl: emulatorUrl }).verifySession(authToken);
}

test('a full WhatsApp login, checked with verify-session using a token minted by the worker', async ({
  popup,
  stack,
  serviceWorker,
}) => {
  await shot(popup, 'signin-whatsapp');
  await popup.getByLabel('Country').selectOption('IN');
  await popup.getByLabel('WhatsApp number').pressSequentially('9876543210');
  await expect(popup.getByLabel('WhatsApp number')).toHaveValue('98765 43210');
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByText('+91 98765 43210')).toBeVisible();
  await expect(popup.getByText(/Code expires in [45]:\d\d/)).toBeVisible();
  await shot(popup, 'code');
  await popup.getByLabel('Verification code').fill(await stack.latestCode('+919876543210'));
  const swa = popup.getByTestId('user-swa');
  await expect(swa).toHaveText(/^0x[0-9a-fA-F]{40}$/);
  await expect(popup.getByText('Local emulator')).toBeVisible();
  await shot(popup, 'signed-in');

  const info = await verifyWithEmulator(serviceWorker, stack.emulatorUrl);
  expect(info.user_swa).toBe(await swa.textContent());
});

test('a full email login, checked with verify-session', async ({ popup, stack, serviceWorker }) => {
  await popup.getByRole('tab', { name: 'Email' }).click();
  await shot(popup, 'signin-email');
  const userSWA = await signInWithEmail(popup, stack);
  expect((await verifyWithEmulator(serviceWorker, stack.emulatorUrl)).user_swa).toBe(userSWA);
});

test('a wrong code says how many attempts are left, and the right one still works', async ({
  popup,
  stack,
}) => {
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  const code = await stack.latestCode(email);
  await popup.getByLabel('Verification code').fill(code === '000000' ? '111111' : '000000');
  await expect(popup.getByRole('alert')).toHaveText('That code is not right. 4 attempts left.');
  await shot(popup, 'wrong-code');
  await popup.getByLabel('Verification code').fill(code);
  await expect(popup.getByTestId('user-swa')).toBeVisible();
});

test('an expired code is refused with a clear message', async ({ popup, stack }) => {
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  const code = await stack.latestCode(email);
  await stack.advanceClock(301);
  await popup.getByLabel('Verification code').fill(code);
  await expect(popup.getByRole('alert')).toHaveText('The code expired after 5 minutes. Send a new code.');
  await shot(popup, 'expired-code');
});

test('resend waits 30 s, sends a new code, and the old code is refused', async ({ popup, stack }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  const first = await stack.latestCode(email);
  const resend = popup.getByRole('button', { name: /Resend code/ });
  await expect(resend).toBeDisabled();
  await expect(resend).toHaveText(/Resend code in 0:[23]\d/);
  await expect(resend).toHaveText('Resend code', { timeout: 35_000 });
  await resend.click();
  await expect.poll(async () => (await stack.outbox(email)).length).toBe(2);
  const second = await stack.latestCode(email);
  expect(second).not.toBe(first); // the emulator never repeats the previous code on a resend
  await popup.getByLabel('Verification code').fill(first);
  await expect(popup.getByRole('alert')).toHaveText('That code is not right. 4 attempts left.');
  await popup.getByLabel('Verification code').fill(second);
  await expect(popup.getByTestId('user-swa')).toBeVisible();
});

test('an invalid number or email is refused inline and nothing is sent', async ({ popup, stack }) => {
  await popup.getByLabel('Country').selectOption('IN');
  await popup.getByLabel('WhatsApp number').fill('12345');
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByRole('alert')).toHaveText(/not a valid number for India/);
  await shot(popup, 'invalid-number');
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill('not-an-email');
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByRole('alert')).toHaveText(/not a valid email address/);
  expect(await stack.outbox('+9112345')).toEqual([]);
  expect(await stack.outbox('not-an-email')).toEqual([]);
  await expect(popup.getByLabel('Email address')).toBeVisible();
});

test('a companion that is down gets a clear error, then login works once it is back', async ({
  popup,
  stack,
}) => {
  await stack.stopCompanion();
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByRole('alert')).toHaveText(
    /Could not reach the signing service at http:\/\/127\.0\.0\.1:\d+/,
  );
  await expect(popup.getByRole('button', { name: 'Send code' })).toBeEnabled();
  await shot(popup, 'companion-down');
  await stack.startCompanion();
  await popup.getByRole('button', { name: 'Send code' }).click();
  await popup.getByLabel('Verification code').fill(await stack.latestCode(email));
  await expect(popup.getByTestId('user-swa')).toBeVisible();
});

test('an emulator that is down gets a clear error, then login works once it is back', async ({
  popup,
  stack,
}) => {
  await stack.stopEmulator();
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByRole('alert')).toHaveText(/Could not reach Okto at http:\/\/127\.0\.0\.1:\d+/);
  await stack.startEmulator();
  await popup.getByRole('button', { name: 'Send code' }).click();
  await popup.getByLabel('Verification code').fill(await stack.latestCode(email));
  await expect(popup.getByTestId('user-swa')).toBeVisible();
});

test('the flow and the session survive the worker being stopped after "code sent" and after login', async ({
  context,
  extensionId,
  popup,
  stack,
  serviceWorker,
}) => {
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByLabel('Verification code')).toBeVisible();
  const bootBefore = await serviceWorker.evaluate(() => globalThis.__okto.bootId);

  await stopServiceWorker(context, extensionId);
  // A popup closed and reopened mid-flow shows the same step.
  await popup.close();
  const reopened = await openPopup(context, extensionId);
  await expect(reopened.getByText(email)).toBeVisible();
  await expect(reopened.getByText(/Code expires in [45]:\d\d/)).toBeVisible();
  await reopened.getByLabel('Verification code').fill(await stack.latestCode(email));
  const swa = reopened.getByTestId('user-swa');
  await expect(swa).toBeVisible();
  expect(await serviceWorker.evaluate(() => globalThis.__okto.bootId)).not.toBe(bootBefore);

  await stopServiceWorker(context, extensionId);
  const again = await openPopup(context, extensionId);
  await expect(again.getByTestId('user-swa')).toHaveText((await swa.textContent()) ?? '');
  expect((await verifyWithEmulator(serviceWorker, stack.emulatorUrl)).user_swa).toBe(await swa.textContent());
});

test('after a browser restart with the same profile, the user is still logged in', async ({ stack }) => {
  const { makeUserDataDir } = await import('./fixtures.ts');
  const profile = makeUserDataDir();
  const first = await launchExtension(profile);
  const firstWorker = await getServiceWorker(first);
  const extensionId = new URL(firstWorker.url()).host;
  await configureExtension(first, extensionId, stack);
  const userSWA = await signInWithEmail(await openPopup(first, extensionId), stack);
  await first.close();

  const second = await launchExtension(profile);
  try {
    const worker = await getServiceWorker(second);
    const popup = await openPopup(second, extensionId);
    await expect(popup.getByTestId('user-swa')).toHaveText(userSWA);
    expect((await verifyWithEmulator(worker, stack.emulatorUrl)).user_swa).toBe(userSWA);
  } finally {
    await second.close();
  }
});

test('the session private key is in plain text neither in storage nor in any request', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  await signInWithEmail(popup, stack);
  const view = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'login/getView' }));
  const sessionPublicKey: string = view.account.sessionPublicKey;

  const stored = await serviceWorker.evaluate(async () => {
    const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    const out: string[] = [];
    const walk = (value: unknown): void => {
      if (value instanceof ArrayBuffer) out.push(hex(new Uint8Array(value)));
      else if (ArrayBuffer.isView(value))
        out.push(hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
      else if (typeof value === 'string') out.push(value);
      else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name ?? '');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        for (const request of [
          db.transaction(name).objectStore(name).getAll(),
          db.transaction(name).objectStore(name).getAllKeys(),
        ])
          walk(await new Promise((resolve) => (request.onsuccess = () => resolve(request.result))));
      }
      db.close();
    }
    walk(await chrome.storage.local.get(null));
    walk(await chrome.storage.session.get(null));
    return out;
  });
  expect(stored).toContain('vault/secret/sessionKey'); // the dump really read the vault

  const bodies = requests.map((r) => `${r.url()} ${r.postData() ?? ''}`);
  expect(bodies.some((b) => b.includes('/api/oc/v1/authenticate '))).toBe(true); // requests were captured

  // Every 32-byte hex run anywhere, aligned or not, must not be the key of this session.
  const isSessionKey = (text: string) => {
    for (const match of text.matchAll(/(?=([0-9a-fA-F]{64}))/g)) {
      try {
        if (sessionKeyFromPrivateKey(`0x${match[1]}`).publicKey === sessionPublicKey.toLowerCase())
          return true;
      } catch {
        // Not a valid secp256k1 scalar (e.g. a run of zeros): not a key.
      }
    }
    return false;
  };
  expect(stored.filter(isSessionKey)).toEqual([]);
  expect(bodies.filter(isSessionKey)).toEqual([]);
});

test('a failed session registration offers Try again, which finishes the login', async ({
  context,
  popup,
  stack,
}) => {
  // The worker's own request to Okto fails once the code is accepted, as a dropped connection would.
  await context.route('**/api/oc/v1/authenticate', (route) => route.abort('connectionreset'));
  const email = uniqueEmail();
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  await popup.getByLabel('Verification code').fill(await stack.latestCode(email));
  await expect(popup.getByRole('heading', { name: 'Almost there' })).toBeVisible();
  await expect(popup.getByRole('alert')).toHaveText(/Could not reach Okto at http:\/\/127\.0\.0\.1:\d+/);
  await shot(popup, 'failed');
  await context.unroute('**/api/oc/v1/authenticate');
  await popup.getByRole('button', { name: 'Try again' }).click();
  await expect(popup.getByTestId('user-swa')).toBeVisible();
});
