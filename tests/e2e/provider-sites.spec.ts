import type { Page } from '@playwright/test';
import type { LocalStack } from '../../src/cli/localStack.ts';
import {
  answerApproval,
  nextApprovalWindow,
  openApprovedDapp,
  pageEvents,
  providerRequest,
  serveDapp,
} from './dappServer.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test, uniqueEmail } from './stack.ts';
import { walletAddress } from './walletHelpers.ts';

const server = serveDapp(test);

/** Logs in inside a window the worker opened for a pending request (its tab moves on to the approval). */
async function logInInPendingWindow(window: Page, stack: LocalStack) {
  const email = uniqueEmail();
  await window.getByRole('tab', { name: 'Email' }).click();
  await window.getByLabel('Email address').fill(email);
  await window.getByRole('button', { name: 'Send code' }).click();
  await window.getByLabel('Verification code').fill(await stack.latestCode(email));
}

test('two origins are isolated: approving one gives the other nothing', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const a = await openApprovedDapp(context, server.url('127.0.0.1'));
  const b = await context.newPage();
  await b.goto(server.url('localhost'));
  expect(await providerRequest(b, 'eth_accounts')).toEqual({ result: [] });
  expect((await providerRequest(b, 'okto_getSession')).error?.code).toBe(4100);
  expect(await providerRequest(b, 'wallet_getPermissions')).toEqual({ result: [] });

  const opened = nextApprovalWindow(context);
  const asked = providerRequest(b, 'okto_requestAuthToken');
  const approval = await opened;
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('localhost'));
  await answerApproval(approval, 'Reject');
  expect((await asked).error?.code).toBe(4001);

  expect(await providerRequest(a, 'eth_accounts')).toEqual({ result: [address] });
  expect(await providerRequest(a, 'wallet_getPermissions')).toMatchObject({
    result: [{ parentCapability: 'eth_accounts', invoker: server.origin('127.0.0.1') }],
  });
});

test('a cross-origin iframe is its own origin: it does not inherit the approval of the page', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const top = await openApprovedDapp(context, server.url('127.0.0.1'));
  await top.goto(server.url('127.0.0.1', `/frame?src=${encodeURIComponent(server.url('localhost'))}`));
  const frame = top.frames().find((f) => f.url().startsWith(server.origin('localhost')));
  if (!frame) throw new Error('the cross-origin frame did not load');
  await expect.poll(() => frame.evaluate(() => typeof (window as { okto?: unknown }).okto)).toBe('object');
  expect(await providerRequest(frame, 'eth_accounts')).toEqual({ result: [] });
  expect((await providerRequest(frame, 'okto_getSession')).error?.code).toBe(4100);

  // The embedding page cannot speak for the frame: the frame's bridge takes only its own window's messages.
  await frame.evaluate(() => {
    (window as unknown as { heard: unknown[] }).heard = [];
    window.addEventListener('message', (e) => (window as unknown as { heard: unknown[] }).heard.push(e.data));
  });
  await top.evaluate(() =>
    (document.getElementById('frame') as HTMLIFrameElement).contentWindow?.postMessage(
      { channel: 'okto:request', id: 'from-parent', method: 'eth_chainId' },
      '*',
    ),
  );
  // A request of the frame's own, sent after it, is answered: by then the parent's would have been too.
  expect((await providerRequest(frame, 'eth_chainId')).result).toMatch(/^0x/);
  const heard = await frame.evaluate(() => (window as unknown as { heard: { id?: string }[] }).heard);
  expect(heard.filter((m) => m.id === 'from-parent')).toEqual([
    { channel: 'okto:request', id: 'from-parent', method: 'eth_chainId' },
  ]);

  const opened = nextApprovalWindow(context);
  const asked = providerRequest(frame, 'okto_requestAuthToken');
  const approval = await opened;
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('localhost'));
  await answerApproval(approval, 'Reject');
  expect((await asked).error?.code).toBe(4001);
});

test('a sandboxed frame (opaque origin) is refused with 4100, even on an approved site', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const top = await openApprovedDapp(context, server.url('127.0.0.1'));
  await top.goto(server.url('127.0.0.1', `/sandboxed?src=${encodeURIComponent(server.url('127.0.0.1'))}`));
  const frame = top.frames().find((f) => f !== top.mainFrame());
  if (!frame) throw new Error('the sandboxed frame did not load');
  await expect.poll(() => frame.evaluate(() => typeof (window as { okto?: unknown }).okto)).toBe('object');
  expect(await frame.evaluate(() => window.origin)).toBe('null');
  for (const method of ['eth_accounts', 'okto_requestAuthToken'])
    expect((await providerRequest(frame, method)).error?.code).toBe(4100);
});

test('revoking a site in the popup emits accountsChanged([]) to its tabs and stops its tokens', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const other = await openApprovedDapp(context, server.url('localhost'));
  const sites = popup.getByTestId('connected-sites');
  await expect(sites).toContainText(server.origin('127.0.0.1'));
  await expect(sites).toContainText(server.origin('localhost'));
  await expect(sites).toContainText(`Approved ${new Date().toLocaleDateString('en-US')}`);
  await popup.screenshot({ path: screenshotPath('popup-connected-sites') });

  await popup.getByRole('button', { name: `Revoke ${server.origin('127.0.0.1')}` }).click();
  await expect(sites).not.toContainText(server.origin('127.0.0.1'));
  await expect.poll(() => pageEvents(dapp)).toContainEqual(['accountsChanged', []]);
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
  expect(await pageEvents(other)).toEqual([]);
  expect((await providerRequest(other, 'eth_accounts')).result).toHaveLength(1);

  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'okto_requestAuthToken');
  await (await opened).close();
  expect((await asked).error?.code).toBe(4001);
});

test('a site can revoke its own permission with wallet_revokePermissions', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  expect(await providerRequest(dapp, 'wallet_revokePermissions', [{ eth_accounts: {} }])).toEqual({
    result: null,
  });
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
  await expect.poll(() => pageEvents(dapp)).toContainEqual(['accountsChanged', []]);
  await expect(popup.getByText('No site is connected.')).toBeVisible();

  const opened = nextApprovalWindow(context);
  const requested = providerRequest(dapp, 'wallet_requestPermissions', [{ eth_accounts: {} }]);
  await answerApproval(await opened, 'Approve');
  expect(await requested).toMatchObject({
    result: [{ parentCapability: 'eth_accounts', invoker: server.origin('127.0.0.1') }],
  });
});

test('a site waiting for approval can be approved from the toolbar popup too', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'eth_requestAccounts');
  const window = await opened;
  const closed = window.waitForEvent('close');
  await popup.getByRole('button', { name: `Approve ${server.origin('127.0.0.1')}` }).click();
  expect(await asked).toEqual({ result: [address] });
  await closed; // the approval window goes away once answered elsewhere
  await expect(popup.getByTestId('connected-sites')).toContainText(server.origin('127.0.0.1'));
});

test('logging out and in again tells connected sites: disconnect, accountsChanged, connect', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  const email = uniqueEmail();
  const userSWA = await signInWithEmail(popup, stack, email);
  const address = await walletAddress(serviceWorker, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const stranger = await context.newPage();
  await stranger.goto(server.url('localhost'));
  expect(await providerRequest(stranger, 'eth_accounts')).toEqual({ result: [] });

  await popup.getByRole('button', { name: 'Log out' }).click();
  await expect
    .poll(() => pageEvents(dapp))
    .toContainEqual(['disconnect', expect.objectContaining({ code: 4900 })]);
  expect(await pageEvents(dapp)).toEqual(
    expect.arrayContaining([
      ['accountsChanged', []],
      ['okto_sessionChanged', null],
    ]),
  );
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });

  await signInWithEmail(popup, stack, email);
  await expect.poll(() => pageEvents(dapp)).toContainEqual(['accountsChanged', [address]]);
  expect(await pageEvents(dapp)).toEqual(
    expect.arrayContaining([
      ['connect', { chainId: '0x14a34' }], // the site's network: Base Sepolia, the user's first
      ['okto_sessionChanged', expect.objectContaining({ userSWA, environment: 'local' })],
    ]),
  );
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [address] });
  expect(await pageEvents(stranger)).toEqual([]);
});

test('signed out: a request opens the login, then the approval, then answers', async ({
  context,
  popup,
  stack,
}) => {
  await popup.close();
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'okto_requestAuthToken');
  const window = await opened;
  expect(window.url()).toContain('popup.html?pending=');
  await expect(window.getByRole('status')).toContainText(`Log in to connect ${server.origin('127.0.0.1')}`);
  await logInInPendingWindow(window, stack);
  await expect(window.getByTestId('approval-origin')).toHaveText(server.origin('127.0.0.1'), {
    timeout: 15_000,
  });
  await answerApproval(window, 'Approve');
  expect((await asked).result).toMatchObject({ environment: 'local', authToken: expect.any(String) });
});

test('signed out: closing the login window answers 4001', async ({ context, popup }) => {
  await popup.close();
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'eth_requestAccounts');
  await (await opened).close();
  expect((await asked).error?.code).toBe(4001);
});
