import type { BrowserContext, Page } from '@playwright/test';
import { startLocalStack } from '../../src/cli/localStack.ts';
import type { WalletAnswer } from '../../src/messages/wallet.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test as stackTest } from './stack.ts';

// The DevTools panel while the wallet works: a send from the worker, run by the real emulator on its
// local chains, shows up as a job with its timeline to SUCCESSFUL, and the worker's Okto and companion
// calls for it decode (the UserOp, its TOKEN_TRANSFER callData, the paymaster validity).

/** The stack with the emulator's local chains, which a send needs to reach SUCCESSFUL. */
const test = stackTest.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture args.
  stack: async ({}, use) => {
    const stack = await startLocalStack({ chains: true, relaxedLimits: true });
    await use(stack);
    await stack.close();
  },
});

const BASE = 'eip155:84532';
const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const AMOUNT = '1000000000000';

async function openPanel(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 820 });
  // The worker's own entries (Okto, companion, jobs) belong to no tab: every tab's panel shows them.
  await page.goto(`chrome-extension://${extensionId}/panel.html?tabId=-1`);
  return page;
}

/** Sends a `wallet/*` message from an extension page, as the popup does. */
function wallet(page: Page, message: Record<string, unknown>): Promise<WalletAnswer> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m) as Promise<WalletAnswer>, message);
}

test.setTimeout(120_000);

test('a send shows as a job with its timeline to SUCCESSFUL, and its /execute decodes to the TOKEN_TRANSFER with the paymaster validity', async ({
  context,
  extensionId,
  serviceWorker,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const overview = await wallet(popup, { type: 'wallet/overview' });
  if (!overview.ok) throw new Error(overview.error.message);
  const address = overview.overview?.networks.find((n) => n.caip2Id === BASE)?.address;
  if (!address) throw new Error(`no wallet on ${BASE}`);
  await stack.fund({ address, caip2Id: BASE, amount: 10n ** 18n });

  const panel = await openPanel(context, extensionId);
  const sent = await wallet(popup, {
    type: 'wallet/send',
    caip2Id: BASE,
    token: '',
    recipient: RECIPIENT,
    amount: AMOUNT,
  });
  if (!sent.ok || !sent.job) throw new Error(sent.ok ? 'no job' : sent.error.message);
  const title = sent.job.title;

  // The Jobs view: the job, live, until Okto reports SUCCESSFUL.
  await panel.getByRole('tab', { name: 'Jobs' }).click();
  const jobs = panel.getByRole('listbox', { name: 'Jobs' });
  const row = jobs.getByRole('option').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await row.click();
  const details = panel.getByTestId('job-details');
  await expect(details.getByTestId('job-status')).toContainText('SUCCESSFUL', { timeout: 60_000 });
  await expect(row).toContainText('SUCCESSFUL');

  const [record] = await serviceWorker.evaluate(() => globalThis.__okto.jobs());
  if (!record?.userOpHash || !record.oktoJobId || !record.paymasterValidUntil || !record.signedUserOp)
    throw new Error(`the job is incomplete: ${JSON.stringify(record)}`);
  expect(record.id).toBe(sent.job.id);
  const timeline = details.getByTestId('job-timeline').getByRole('listitem');
  const steps = await timeline.allInnerTexts();
  expect(steps[0]).toMatch(/approved\s+APPROVED/);
  expect(steps[1]).toMatch(/submitting\s+SENDING/);
  expect(steps[2]).toMatch(/submitted\s+INITIATED/);
  expect(steps.at(-1)).toMatch(/done\s+SUCCESSFUL/);
  await expect(details.getByTestId('job-network')).toHaveText(BASE);
  await expect(details.getByTestId('job-user-op-hash')).toHaveText(record.userOpHash);
  await expect(details.getByTestId('job-okto-id')).toHaveText(record.oktoJobId);
  await expect(details.getByTestId('job-paymaster-validity')).toContainText(
    new Date(record.paymasterValidUntil * 1000).toISOString(),
  );
  await expect(details.getByTestId('job-paymaster-validity').getByTestId('validity-state')).toContainText(
    'valid',
  );
  await expect(details.getByTestId('job-transactions')).toHaveText(record.transactionHashes[0] ?? 'missing');
  await expect(details.getByTestId('decoded-recipient')).toHaveText(RECIPIENT);
  await panel.screenshot({ path: screenshotPath('devtools-jobs') });

  // From the job to its /execute: the UserOp decoded.
  await details
    .getByTestId('job-requests')
    .getByRole('button', { name: /\/api\/oc\/v1\/execute/ })
    .click();
  const entry = panel.getByTestId('entry-details');
  await expect(entry).toContainText('/api/oc/v1/execute');
  const decoded = entry.getByTestId('entry-decoded');
  await expect(decoded.getByTestId('decoded-intent')).toHaveText('TOKEN_TRANSFER');
  await expect(decoded.getByTestId('decoded-recipient')).toHaveText(RECIPIENT);
  await expect(decoded.getByTestId('decoded-amount')).toHaveText(`${AMOUNT} (0.000001)`);
  await expect(decoded.getByTestId('decoded-user-op-hash')).toContainText(record.userOpHash);
  await expect(decoded.getByTestId('decoded-job-uuid')).toHaveText(record.nonce);
  const validity = decoded.getByTestId('decoded-paymaster-validity');
  await expect(validity).toContainText(new Date(record.paymasterValidUntil * 1000).toISOString());
  await expect(validity).toContainText("from the companion's /v1/paymaster answer");
  await expect(validity.getByTestId('validity-state')).toContainText('valid');
  await expect(decoded.getByTestId('decoded-paymaster-data')).toContainText('redacted');
  await panel.screenshot({ path: screenshotPath('devtools-execute') });

  // The companion's answer, decoded too; and from there back to the job.
  const log = panel.getByRole('listbox', { name: 'Request log' });
  await log.getByRole('option').filter({ hasText: '/v1/paymaster' }).click();
  await expect(entry.getByTestId('decoded-paymaster-validity')).toContainText(
    new Date(record.paymasterValidUntil * 1000).toISOString(),
  );
  await entry.getByRole('button', { name: title }).click();
  await expect(panel.getByTestId('job-details')).toContainText(title);

  // The log's job entries can be filtered by kind.
  await panel.getByRole('tab', { name: 'Requests' }).click();
  const jobRows = log.getByRole('option').filter({ hasText: title });
  await expect(jobRows.first()).toBeVisible();
  await panel.getByLabel('job', { exact: true }).uncheck();
  await expect(jobRows).toHaveCount(0);

  // Redaction holds: the panel never shows more of the paymasterData the worker signed with than the log keeps.
  await panel.getByLabel('job', { exact: true }).check();
  await log.getByRole('option').filter({ hasText: '/api/oc/v1/execute' }).click();
  await expect(entry.getByTestId('entry-request')).toContainText('"paymasterData": "0x000000…"');
  // abi.encode(clientSWA, validUntil, validAfter, signature): the client key's signature starts at word 5.
  const clientSignature = record.signedUserOp.paymasterData.slice(2 + 5 * 64, 2 + 5 * 64 + 40);
  expect(clientSignature).toMatch(/[1-9a-f]/);
  expect(await panel.content()).not.toContain(clientSignature);

  // Under 10,000 entries the lists stay virtualised, and the job (the worker's entries go last) still
  // has its timeline and its /execute still decodes.
  await serviceWorker.evaluate(() => globalThis.__okto.recordActivity(10_000, -1));
  await expect(panel.getByTestId('log-count')).toHaveText('10,000 entries');
  expect(await log.getByRole('option').count()).toBeLessThan(60);
  await panel.getByLabel('Filter requests').fill('/api/oc/v1/execute');
  await log.getByRole('option').first().click();
  await expect(decoded.getByTestId('decoded-user-op-hash')).toContainText(record.userOpHash);
  await panel.getByRole('tab', { name: 'Jobs' }).click();
  await expect(jobs.getByRole('option')).toHaveCount(1);
  await expect(panel.getByTestId('job-timeline').getByRole('listitem').last()).toContainText('SUCCESSFUL');
});
