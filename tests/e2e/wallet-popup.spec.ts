import type { Page } from '@playwright/test';
import type { LocalStack } from '../../src/cli/localStack.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, openPopup, signInWithEmail, chainsTest as test } from './stack.ts';

// The toolbar popup as a wallet, against the emulator with its local chains: the balances per network,
// Send (validation, review, progress to a hash), the balance after, and Activity, live and after the
// popup was closed and opened again.

const BASE = 'eip155:84532';
const AMOY = 'eip155:80002';
/** The emulator's test token, OTUSD (6 decimals), at the same address on every chain. */
const OTUSD = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
/** An address with no code on the local chains, checksummed. */
const FRIEND = '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6';

/** Signs in and returns the wallet's address on the networks, as Home shows it. */
async function signInToWallet(popup: Page, stack: LocalStack): Promise<string> {
  await signInWithEmail(popup, stack);
  const address = popup.getByTestId('network-address').first();
  await expect(address).toHaveText(/^0x[0-9a-fA-F]{40}$/, { timeout: 15_000 });
  return (await address.textContent()) ?? '';
}

/** 1 ETH and 25 OTUSD on Base Sepolia, 0.5 POL on Polygon Amoy. */
async function fund(stack: LocalStack, address: string): Promise<void> {
  await stack.fund({ address, caip2Id: BASE, amount: 10n ** 18n });
  await stack.fund({ address, caip2Id: BASE, amount: 25_000_000n, token: OTUSD });
  await stack.fund({ address, caip2Id: AMOY, amount: 5n * 10n ** 17n });
}

const network = (popup: Page, label: string) => popup.getByTestId('network').filter({ hasText: label });
const balance = (popup: Page, label: string, symbol: string) =>
  network(popup, label).getByTestId('token-balance').filter({ hasText: symbol });

async function fillSend(
  popup: Page,
  p: { network: string; token: string; recipient: string; amount: string },
) {
  await popup.getByRole('tab', { name: 'Send' }).click();
  await popup.getByLabel('Network', { exact: true }).selectOption({ label: p.network });
  await popup.getByLabel('Token', { exact: true }).selectOption(p.token);
  await popup.getByLabel('Recipient address').fill(p.recipient);
  await popup.getByLabel('Amount').fill(p.amount);
}

test('Home shows the funded balances of every network, read again when the popup opens', async ({
  popup,
  stack,
  context,
  extensionId,
}) => {
  const address = await signInToWallet(popup, stack);
  await expect(network(popup, 'Base Sepolia')).toBeVisible();
  await expect(network(popup, 'Polygon Amoy')).toBeVisible();
  await expect(balance(popup, 'Base Sepolia', 'ETH')).toHaveAccessibleName('0 ETH');
  await expect(popup.getByTestId('total-balance')).toHaveText('0.00 USDT');

  await fund(stack, address);
  await popup.close();
  const reopened = await openPopup(context, extensionId);
  await expect(balance(reopened, 'Base Sepolia', 'ETH')).toHaveAccessibleName('1 ETH');
  await expect(balance(reopened, 'Base Sepolia', 'OTUSD')).toHaveAccessibleName('25 OTUSD');
  await expect(balance(reopened, 'Polygon Amoy', 'POL')).toHaveAccessibleName('0.5 POL');
  // Okto prices nothing on the local chains: no misleading 0.00 next to funds.
  await expect(reopened.getByTestId('total-balance')).toHaveText('No USD price');
  await expect(
    network(reopened, 'Base Sepolia').getByRole('button', { name: 'Copy Base Sepolia address' }),
  ).toBeVisible();
  // The account, the waiting requests and the connected sites are still on Home, below the wallet.
  await expect(reopened.getByTestId('user-swa')).toBeVisible();
  await expect(reopened.getByRole('heading', { name: 'Connected sites' })).toBeVisible();
  await reopened.screenshot({ path: screenshotPath('popup-home') });
});

test('Send checks the recipient and the amount, and reviews exactly what it will send', async ({
  popup,
  stack,
}) => {
  const address = await signInToWallet(popup, stack);
  await fund(stack, address);
  await popup.getByRole('button', { name: 'Refresh balances' }).click();
  await expect(balance(popup, 'Base Sepolia', 'OTUSD')).toHaveAccessibleName('25 OTUSD');

  // The tabs follow the arrow keys.
  await popup.getByRole('tab', { name: 'Home' }).focus();
  await popup.keyboard.press('ArrowRight');
  await expect(popup.getByRole('tab', { name: 'Send' })).toBeFocused();
  await expect(popup.getByRole('tab', { name: 'Send' })).toHaveAttribute('aria-selected', 'true');
  await popup.keyboard.press('ArrowLeft');
  await expect(popup.getByRole('tab', { name: 'Home' })).toHaveAttribute('aria-selected', 'true');

  await fillSend(popup, { network: 'Base Sepolia', token: OTUSD, recipient: '', amount: '' });
  await expect(popup.getByTestId('send-balance')).toHaveText('Balance: 25 OTUSD');
  const recipient = popup.getByLabel('Recipient address');
  const amount = popup.getByLabel('Amount');
  const form = popup.getByRole('tabpanel', { name: 'Send' });

  // A checksummed address with one letter's case changed: a typo EIP-55 catches.
  const typo = `${FRIEND.slice(0, 4)}${FRIEND[4]?.toUpperCase()}${FRIEND.slice(5)}`;
  await recipient.fill(typo);
  await amount.click();
  await expect(form.getByText(/do not match the address’s checksum \(EIP-55\)/)).toBeVisible();
  await expect(recipient).toHaveAttribute('aria-invalid', 'true');

  await recipient.fill(address);
  await expect(
    form.getByText('This is your own wallet on Base Sepolia: the funds would stay with you.'),
  ).toBeVisible();
  await recipient.fill(OTUSD);
  await expect(form.getByText(/This is the OTUSD token’s own contract/)).toBeVisible();
  await recipient.fill(FRIEND.toLowerCase());
  await expect(form.getByText(/has no checksum/)).toBeVisible();
  await expect(form.getByTestId('warning')).toHaveCount(0);

  for (const [typed, error] of [
    ['25.000001', 'That is more than your balance of 25 OTUSD.'],
    ['0', 'Enter an amount above 0.'],
    ['1.0000001', 'OTUSD has 6 decimals: use at most 6 digits after the point.'],
  ] as const) {
    await amount.fill(typed);
    await recipient.click();
    await expect(form.getByText(error)).toBeVisible();
  }
  await form.getByRole('button', { name: 'Review' }).click();
  await expect(amount).toBeFocused();

  await form.getByRole('button', { name: 'Max' }).click();
  await expect(amount).toHaveValue('25');
  await amount.fill('2.5');
  await recipient.fill(FRIEND);
  await popup.screenshot({ path: screenshotPath('popup-send') });
  await form.getByRole('button', { name: 'Review' }).click();

  await expect(popup.getByRole('heading', { name: 'Review your send' })).toBeVisible();
  await expect(popup.getByTestId('review-amount')).toHaveText('2.5 OTUSD');
  await expect(form.getByText('Gas paid by Okto')).toBeVisible();
  const sent = form.getByRole('definition');
  await expect(sent.filter({ hasText: 'Base Sepolia' })).toBeVisible();
  await expect(sent.filter({ hasText: address })).toBeVisible();
  await expect(sent.filter({ hasText: FRIEND })).toBeVisible();
  await popup.screenshot({ path: screenshotPath('popup-send-review') });

  // Back keeps what was typed.
  await form.getByRole('button', { name: 'Back' }).click();
  await expect(amount).toHaveValue('2.5');
  await expect(recipient).toHaveValue(FRIEND);
});

test('a send reaches success with a hash, the balance drops, and Activity lists it after a reopen', async ({
  popup,
  stack,
  context,
  extensionId,
}) => {
  const address = await signInToWallet(popup, stack);
  await fund(stack, address);
  await popup.getByRole('button', { name: 'Refresh balances' }).click();
  await expect(balance(popup, 'Base Sepolia', 'OTUSD')).toHaveAccessibleName('25 OTUSD');

  await fillSend(popup, { network: 'Base Sepolia', token: OTUSD, recipient: FRIEND, amount: '2.5' });
  const panel = popup.getByRole('tabpanel', { name: 'Send' });
  await panel.getByRole('button', { name: 'Review' }).click();
  await panel.getByRole('button', { name: 'Confirm' }).click();

  const progress = popup.getByTestId('send-progress');
  await expect(progress).toHaveAttribute('data-outcome', 'succeeded', { timeout: 30_000 });
  await expect(progress.getByRole('heading', { name: 'Sent' })).toBeVisible();
  await expect(progress.getByRole('listitem', { name: 'Done: done' })).toBeVisible();
  const hash = (await popup.getByTestId('tx-hash').textContent()) ?? '';
  expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
  await popup.screenshot({ path: screenshotPath('popup-send-done') });

  await popup.getByRole('tab', { name: 'Home' }).click();
  await expect(balance(popup, 'Base Sepolia', 'OTUSD')).toHaveAccessibleName('22.5 OTUSD');

  await popup.close();
  const reopened = await openPopup(context, extensionId);
  await reopened.getByRole('tab', { name: 'Activity' }).click();
  const job = reopened.getByTestId('job').filter({ hasText: 'Send 2.5 OTUSD to 0x8aaf…B8F6' });
  await expect(job.getByTestId('job-outcome')).toHaveText('Succeeded');
  await expect(job.getByTestId('job-status')).toHaveText('SUCCESSFUL');
  await expect(job.getByTestId('job-hash')).toHaveText(hash);
  await expect(job).toContainText('Base Sepolia');
  await reopened.screenshot({ path: screenshotPath('popup-activity') });
});

test('Home says when the balances cannot be read, with Retry', async ({ popup, stack }) => {
  await signInToWallet(popup, stack);
  await stack.stopEmulator();
  await popup.getByRole('button', { name: 'Refresh balances' }).click();
  await expect(popup.getByRole('alert')).toContainText('Could not refresh the balances');
  await expect(popup.getByRole('button', { name: 'Retry' })).toBeVisible();
  // What was read before stays on screen.
  await expect(network(popup, 'Base Sepolia')).toBeVisible();
});

test('a job Okto fails shows its reason in the progress and in Activity', async ({ popup, stack }) => {
  const address = await signInToWallet(popup, stack);
  await fund(stack, address);
  await popup.getByRole('button', { name: 'Refresh balances' }).click();
  await expect(balance(popup, 'Base Sepolia', 'ETH')).toHaveAccessibleName('1 ETH');
  const forced = await fetch(`${stack.emulatorUrl}/__emulator/orders/fail-next`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'FAILED' }),
  });
  expect(forced.status).toBe(200);

  await fillSend(popup, { network: 'Base Sepolia', token: 'native', recipient: FRIEND, amount: '0.1' });
  const panel = popup.getByRole('tabpanel', { name: 'Send' });
  await panel.getByRole('button', { name: 'Review' }).click();
  await panel.getByRole('button', { name: 'Confirm' }).click();
  const progress = popup.getByTestId('send-progress');
  await expect(progress).toHaveAttribute('data-outcome', 'failed', { timeout: 30_000 });
  await expect(progress.getByRole('alert')).toContainText('forced by test');

  await panel.getByRole('button', { name: 'Activity' }).click();
  const job = popup.getByTestId('job').filter({ hasText: 'Send 0.1 ETH' });
  await expect(job.getByTestId('job-outcome')).toHaveText('Failed');
  await expect(job.getByTestId('job-status')).toHaveText('FAILED');
  await expect(job.getByTestId('job-reason')).toContainText('forced by test');
  await popup.getByRole('tab', { name: 'Home' }).click();
  await expect(balance(popup, 'Base Sepolia', 'ETH')).toHaveAccessibleName('1 ETH');
});
