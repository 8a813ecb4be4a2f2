import type { BrowserContext, Page } from '@playwright/test';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import type { Settings } from '../../src/messages/login.ts';
import { test as base, expect } from './fixtures.ts';

// Fixtures for tests that need the real local stack: the Okto emulator and the companion on free
// loopback ports, and the extension pointed at them.

export type StackFixtures = {
  /** Whether `stack` runs the emulator's local chains (anvil): `test.use({ stackChains: true })`. */
  stackChains: boolean;
  /** The emulator and the companion, started for this test. */
  stack: LocalStack;
  /** The popup page (popup.html in a 360×600 tab), with the extension already pointed at `stack`. */
  popup: Page;
};

export const test = base.extend<StackFixtures>({
  stackChains: [false, { option: true }],
  stack: async ({ stackChains }, use) => {
    const stack = await startLocalStack({ relaxedLimits: true, chains: stackChains });
    await use(stack);
    await stack.close();
  },
  popup: async ({ context, extensionId, stack }, use) => {
    await configureExtension(context, extensionId, stack);
    await use(await openPopup(context, extensionId));
  },
});

/**
 * The same fixtures with the emulator's local chains running (one anvil per network, the test token),
 * for tests that fund the wallet, read balances or send.
 */
export const chainsTest = test.extend<StackFixtures>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture args.
    async ({}, use) => {
      const stack = await startLocalStack({ chains: true, relaxedLimits: true });
      await use(stack);
      await stack.close();
    },
    { scope: 'test', timeout: 60_000 },
  ],
});

export { expect };

/** Points the extension at the stack's emulator and companion, as the options page would. */
export async function configureExtension(context: BrowserContext, extensionId: string, stack: LocalStack) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  const settings: Settings = {
    environment: 'local',
    localBaseUrl: stack.emulatorUrl,
    companionUrl: stack.companionUrl,
  };
  const response = await page.evaluate(
    (s) => chrome.runtime.sendMessage({ type: 'settings/save', settings: s, confirmLogout: true }),
    settings,
  );
  expect(response).toMatchObject({ ok: true });
  await page.close();
}

/** Opens the popup as a tab of the popup's size. */
export async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 600 });
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  return page;
}

/** Logs in through the popup with an email code read from the emulator's outbox; returns the user SWA. */
export async function signInWithEmail(
  popup: Page,
  stack: LocalStack,
  email = uniqueEmail(),
): Promise<string> {
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill(email);
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByLabel('Verification code')).toBeVisible();
  await popup.getByLabel('Verification code').fill(await stack.latestCode(email));
  const swa = popup.getByTestId('user-swa');
  await expect(swa).toHaveText(/^0x[0-9a-fA-F]{40}$/, { timeout: 15_000 });
  return (await swa.textContent()) ?? '';
}

let counter = 0;
/** An address no other test uses, so per-contact limits and outboxes never mix. */
export function uniqueEmail(): string {
  return `e2e-${Date.now()}-${++counter}@example.com`;
}
