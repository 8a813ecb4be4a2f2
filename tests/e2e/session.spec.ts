import { screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test } from './stack.ts';

// The signed-in session over time: Okto ending it, the user changing environment, logging out.

test('a session Okto no longer accepts ends cleanly, and the popup says why', async ({ popup, stack }) => {
  await signInWithEmail(popup, stack);
  // The emulator keeps sessions in memory: after a restart it knows none, as if Okto revoked it.
  await stack.stopEmulator();
  await stack.startEmulator();
  await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'session/verifyNow' }));
  await expect(
    popup.getByText(/^Okto no longer accepts this session \(.+\)\. Log in again\.$/),
  ).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Send code' })).toBeVisible();
  await popup.screenshot({ path: screenshotPath('popup-session-ended') });
});

test('log out deletes the session and returns to the login', async ({ popup, stack, serviceWorker }) => {
  await signInWithEmail(popup, stack);
  await popup.getByRole('button', { name: 'Log out' }).click();
  await expect(popup.getByRole('tab', { name: 'WhatsApp' })).toBeVisible();
  await expect(serviceWorker.evaluate(() => globalThis.__okto.mintAuthToken(60))).rejects.toThrow(/Log in/);
});

test('settings are validated, and changing the environment ends the session after a confirmation', async ({
  context,
  extensionId,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByLabel('Okto base URL')).toHaveValue(stack.emulatorUrl);

  await options.getByLabel('Companion URL').fill('not a url');
  await options.getByRole('button', { name: 'Save' }).click();
  await expect(options.getByText(/Enter a full URL/)).toBeVisible();
  await options.getByLabel('Companion URL').fill(stack.companionUrl);

  await options.getByLabel('Environment').selectOption('sandbox');
  await expect(options.getByText('https://sandbox-api.okto.tech')).toBeVisible();
  await options.getByRole('button', { name: 'Save' }).click();
  await expect(options.getByRole('alertdialog')).toContainText('ends your current session');
  await options.screenshot({ path: screenshotPath('options-confirm') });
  // Still signed in until the user confirms.
  await expect(popup.getByTestId('user-swa')).toBeVisible();
  await options.getByRole('button', { name: 'Log out and save' }).click();
  await expect(options.getByRole('status')).toHaveText('Saved.');
  await expect(popup.getByText('You were logged out because the settings changed.')).toBeVisible();

  // The companion still signs for the local emulator: the mismatch is caught before anything is sent.
  await popup.getByRole('tab', { name: 'Email' }).click();
  await popup.getByLabel('Email address').fill('someone@example.com');
  await popup.getByRole('button', { name: 'Send code' }).click();
  await expect(popup.getByRole('alert')).toHaveText(
    /signs for Okto local, but the extension is set to sandbox\. Make them match in Settings\./,
  );
});
