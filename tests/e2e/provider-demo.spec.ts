import { type RunningDemoDapp, startDemoDapp } from '../../src/demo/server.ts';
import { answerApproval, nextApprovalWindow } from './dappServer.ts';
import { expect, signInWithEmail, test } from './stack.ts';

let demo: RunningDemoDapp | undefined;
test.afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

test('the demo dApp finds Okto through EIP-6963, gets a token and calls verify-session and wallets', async ({
  context,
  popup,
  stack,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  demo = await startDemoDapp({ port: 0, emulatorUrl: stack.emulatorUrl });
  const page = await context.newPage();
  await page.goto(demo.url);
  await expect(page.locator('#providers')).toContainText('Okto (tech.okto)');
  const opened = nextApprovalWindow(context);
  await page.getByRole('button', { name: 'Get an Okto auth token' }).click();
  await answerApproval(await opened, 'Approve');
  await expect(page.getByRole('status')).toContainText(`Got a token for ${userSWA}`);
  await expect(page.locator('#verify')).toContainText('"status": 200');
  await expect(page.locator('#verify')).toContainText(`"user_swa": "${userSWA}"`);
  await expect(page.locator('#wallets')).toContainText('"status": 200');
  await expect(page.locator('#wallets')).toContainText('caip_id');
});
