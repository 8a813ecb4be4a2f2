import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'puppeteer-core';
import { createPublicClient, http, parseEther, verifyMessage } from 'viem';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { firefoxRedirectHash } from '../../src/companion/extensionRedirects.ts';
import {
  approveInWindow,
  clickButton,
  configureExtension,
  extensionPage,
  fillLabelled,
  inBackground,
  launchFirefox,
  openExtensionTab,
  type RunningFirefox,
  startRequest,
  startTestDapp,
  type TestDapp,
  textOf,
  waitFor,
} from './firefox.ts';

// The Firefox build in Firefox ESR, against the local stack with its chains: the extension's first page
// is the login window a dApp's connect opens (Firefox lets only the extension open its pages); from
// there the popup is a tab. One browser and one user for the whole file, each test building on the last.

const BASE = 'eip155:84532';
const RECIPIENT = '0x000000000000000000000000000000000000dEaD';

let stack: LocalStack;
let dapp: TestDapp;
let firefox: RunningFirefox;
let site: Page;
let popup: Page;
/** The user's smart-wallet address (the popup's) and the wallet address dApps see. */
let userSWA: string;
let address: `0x${string}`;
let connect: Awaited<ReturnType<typeof startRequest>>;

before(async () => {
  [stack, dapp, firefox] = await Promise.all([
    startLocalStack({ chains: true, relaxedLimits: true }),
    startTestDapp(),
    launchFirefox(),
  ]);
  site = await firefox.browser.newPage();
  await site.goto(dapp.url);
});

after(async () => {
  await firefox?.browser.close();
  await Promise.all([stack?.close(), dapp?.close()]);
});

describe('the wallet in Firefox', { concurrency: 1 }, () => {
  test('the provider is there before the page’s first script, and announces itself (EIP-6963)', async () => {
    assert.equal(
      await site.evaluate(
        () => (window as unknown as { providerAtFirstScript: string }).providerAtFirstScript,
      ),
      'object',
    );
    assert.deepEqual(await site.evaluate(() => (window as unknown as { announced: string[] }).announced), [
      'tech.okto',
    ]);
  });

  test('logs in by email through the popup, while a dApp waits to connect', async () => {
    // A connect while signed out opens the login window: the extension's first page in this browser.
    connect = await startRequest(site, { method: 'eth_requestAccounts' });
    const loginWindow = await extensionPage(firefox.browser, 'popup.html');
    const origin = await loginWindow.evaluate(() => location.origin);
    assert.match(origin, /^moz-extension:\/\/[0-9a-f-]{36}$/);
    await configureExtension(loginWindow, stack);

    popup = await openExtensionTab(loginWindow, 'popup.html');
    assert.equal(await popup.evaluate(() => chrome.runtime.getURL('')), `${origin}/`);
    await clickButton(popup, 'Email');
    const email = `firefox-${Date.now()}@example.com`;
    await fillLabelled(popup, 'Email address', email);
    await clickButton(popup, 'Send code');
    await fillLabelled(popup, 'Verification code', await stack.latestCode(email));
    userSWA = await waitFor(async () => {
      const text = await popup
        .$eval('[data-testid="user-swa"]', (el) => el.textContent ?? '')
        .catch(() => '');
      return /^0x[0-9a-fA-F]{40}$/.test(text) ? text : undefined;
    }, 'the popup did not show the wallet address');
    const view = await inBackground(popup, (okto) => okto.view());
    assert.equal(view.step, 'signedIn');
  });

  test('a dApp is approved in the window, then gets accounts and Okto auth tokens', async () => {
    await approveInWindow(firefox.browser);
    const accounts = (await connect.answer()).result as `0x${string}`[];
    assert.equal(accounts.length, 1);
    address = accounts[0] as `0x${string}`;
    assert.match(address, /^0x[0-9a-fA-F]{40}$/);
    const token = await (
      await startRequest(site, { method: 'okto_requestAuthToken', params: [{ ttlSeconds: 300 }] })
    ).answer();
    const { authToken } = token.result as { authToken: string };
    const verify = await fetch(`${stack.emulatorUrl}/api/oc/v1/verify-session`, {
      headers: { Authorization: `Bearer ${authToken}` },
    });
    assert.equal(verify.status, 200);
  });

  test('signs a message the user approves, verifiable against the wallet address', async () => {
    const message = `Firefox says hello at ${Date.now()}`;
    const request = await startRequest(site, { method: 'personal_sign', params: [toHex(message), address] });
    await approveInWindow(firefox.browser);
    const { result } = await request.answer();
    assert.equal(await verifyMessage({ address, message, signature: result as `0x${string}` }), true);
  });

  test('sends a transaction the user approves; the chain has its receipt', async () => {
    await stack.fund({ address, caip2Id: BASE, amount: parseEther('1') });
    const rpcUrl = stack.chains().find((c) => c.caipId === BASE)?.rpcUrl ?? '';
    const client = createPublicClient({ transport: http(rpcUrl) });
    const before = await client.getBalance({ address: RECIPIENT });
    const request = await startRequest(site, {
      method: 'eth_sendTransaction',
      params: [{ from: address, to: RECIPIENT, value: '0x2386f26fc10000' }],
    });
    await approveInWindow(firefox.browser);
    const { result, error } = await request.answer(60_000);
    assert.equal(error, undefined);
    const receipt = await client.waitForTransactionReceipt({ hash: result as `0x${string}` });
    assert.equal(receipt.status, 'success');
    assert.equal((await client.getBalance({ address: RECIPIENT })) - before, parseEther('0.01'));
  });

  test('the background page reloads mid-approval (the event page restarting) and nothing is lost', async () => {
    const message = 'Signed across a restart';
    const request = await startRequest(site, { method: 'personal_sign', params: [toHex(message), address] });
    const window = await extensionPage(firefox.browser, 'approval.html');
    await window.waitForSelector('button[data-armed="true"]');
    const [bootBefore, logBefore] = await Promise.all([
      inBackground(popup, (okto) => okto.bootId),
      inBackground(popup, (okto) => okto.activity().length),
    ]);
    await popup.evaluate(async () => (await chrome.runtime.getBackgroundPage())?.location.reload());
    // A new instance: another boot id, once its start-up (the session's resume) is done.
    await waitFor(
      async () =>
        (await inBackground(popup, async (okto) => {
          await okto.ready;
          return okto.bootId;
        }).catch(() => bootBefore)) !== bootBefore,
      'the background did not come back',
    );
    // The session (key included), the connected site, the waiting request and the activity log survive.
    const view = await inBackground(popup, (okto) => okto.view());
    assert.equal(view.step === 'signedIn' && view.account.userSWA, userSWA);
    assert.ok((await inBackground(popup, (okto) => okto.activity().length)) >= logBefore);
    assert.deepEqual(await (await startRequest(site, { method: 'eth_accounts' })).answer(), {
      result: [address],
    });
    await approveInWindow(firefox.browser);
    const { result, error } = await request.answer();
    assert.equal(error, undefined);
    assert.equal(await verifyMessage({ address, message, signature: result as `0x${string}` }), true);
  });

  for (const { provider, idp, name } of [
    { provider: 'google', idp: 'google', name: 'Google' },
    { provider: 'apple', idp: 'apple', name: 'Apple' },
  ] as const)
    test(`signs in with ${name} through Firefox's identity API and its allizom.org redirect`, async () => {
      await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'login/logout' }));
      // Firefox's redirect URL is fixed per add-on: SHA-1 of the gecko id, not the per-install UUID.
      const redirect = await inBackground(popup, () => chrome.identity.getRedirectURL(''));
      assert.equal(redirect, `https://${firefoxRedirectHash(firefox.addonId)}.extensions.allizom.org/`);
      // Google's stand-in answers at once (Firefox follows its 302 without a window). Apple's form_post
      // needs Firefox's sign-in window, where the user picks an account.
      const account = `firefox-${provider}@example.com`;
      if (provider === 'google') await stack.setIdpAnswer({ provider: idp, next: 'approve', account });
      await clickButton(popup, `Continue with ${name}`);
      if (provider === 'apple') {
        const signInWindow = () =>
          waitFor(async () => {
            for (const page of await firefox.browser.pages())
              if (
                (await page.evaluate(() => location.href).catch(() => '')).includes(
                  '/idp/apple/auth/authorize',
                )
              )
                return page;
            return undefined;
          }, "Firefox's sign-in window did not open");
        // Closed by the user first: Firefox's own rejection reads as a cancellation, not a failure.
        await (await signInWindow()).close();
        const cancelled = await waitFor(
          () =>
            inBackground(popup, (okto) => okto.view()).then((v) => (v.step === 'signedOut' ? v : undefined)),
          'closing the window did not cancel',
        );
        assert.equal(cancelled.step === 'signedOut' && cancelled.notice, 'Sign-in with Apple was cancelled.');
        await clickButton(popup, `Continue with ${name}`);
        const window = await signInWindow();
        // The stand-in's chooser, not our UI: a DOM click (the window may lie off screen).
        await (await window.waitForSelector('#approve'))?.evaluate((button) =>
          (button as HTMLElement).click(),
        );
      }
      const view = await waitFor(
        () => inBackground(popup, (okto) => okto.view()).then((v) => (v.step === 'signedIn' ? v : undefined)),
        `not signed in with ${name}`,
        30_000,
      );
      assert.equal(view.step === 'signedIn' && view.account.contact.method, provider);
    });

  test('when the user takes back the access to Okto, the popup asks for it with one button', async () => {
    // Firefox counts the content scripts' http://*/* as host access too: the user turned off both.
    const hosts = ['http://*/*', 'https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'];
    assert.equal(await popup.evaluate((origins) => chrome.permissions.remove({ origins }), hosts), true);
    const notice = await textOf(popup, '[data-testid="host-access"]');
    assert.match(notice, /cannot reach 127\.0\.0\.1: its access to that site was turned off/);
    await clickButton(popup, 'Allow access');
    await popup.waitForSelector('[data-testid="host-access"]', { hidden: true });
    // Both the emulator and the companion of the stack are on 127.0.0.1.
    assert.equal(
      await popup.evaluate(() => chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })),
      true,
    );
  });
});

function toHex(text: string): `0x${string}` {
  return `0x${Buffer.from(text, 'utf8').toString('hex')}`;
}
