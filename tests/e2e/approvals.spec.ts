import type { BrowserContext, Page, Worker } from '@playwright/test';
import type { ActivityEntry } from '../../src/messages/devtools.ts';
import type { PendingRequestView } from '../../src/messages/provider.ts';
import {
  answerApproval,
  type DappHost,
  isApprovalWindow,
  nextApprovalWindow,
  providerRequest,
  type RequestOutcome,
  serveDapp,
  TEST_HOSTS_ARG,
} from './dappServer.ts';
import { launchExtension, screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test as stackTest } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';
import { walletAddress } from './walletHelpers.ts';

// The approval queue in real Chromium: one window however many requests, limits per tab and per site,
// requests bound to the documents that asked, the embedding page of a frame, and guarded buttons.
// `*.test` names all reach the test server (TEST_HOSTS_ARG), so sites and subdomains are real names.

const test = stackTest.extend({
  context: async ({ userDataDir }, use) => {
    const context = await launchExtension(userDataDir, [TEST_HOSTS_ARG]);
    await use(context);
    await context.close();
  },
});

const server = serveDapp(test);

/** The approval window's size (the page is larger in a headless browser). */
const WINDOW = { x: 0, y: 0, width: 360, height: 600 };

/** The queue as extension pages see it. */
const queueOf = (extensionPage: Page) =>
  extensionPage.evaluate(async () => {
    const answer = (await chrome.runtime.sendMessage({ type: 'provider/listPending' })) as {
      pending?: PendingRequestView[];
    };
    return answer.pending ?? [];
  });

/** Every approval window opened in `context` from now on. */
function watchApprovalWindows(context: BrowserContext): Page[] {
  const windows: Page[] = [];
  context.on('page', (page) => {
    if (isApprovalWindow(page)) windows.push(page);
  });
  return windows;
}

async function openPage(context: BrowserContext, host: DappHost, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.url(host, path));
  return page;
}

/** What the worker answered to provider requests of `origin` (the activity log of the DevTools panel). */
async function answersTo(serviceWorker: Worker, origin: string, method: string): Promise<ActivityEntry[]> {
  const entries = (await serviceWorker.evaluate(() => globalThis.__okto.activity())) as ActivityEntry[];
  return entries.filter((e) => e.kind === 'provider' && e.origin === origin && e.method === method);
}

/** Sends a request whose page may go away before it answers (then nobody hears the answer). */
const askAndForget = (page: Page, method = 'eth_requestAccounts') =>
  void providerRequest(page, method).catch(() => {});

/** The answer a page's `/ask` request got, once it has one. */
const outcomeOf = (frame: Pick<Page, 'evaluate'>) =>
  frame.evaluate(() => (window as unknown as { outcome?: RequestOutcome }).outcome);

test('one page with five invisible cross-origin frames opens one window; other sites still get in', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const windows = watchApprovalWindows(context);
  const sources = ['a', 'b', 'c', 'd', 'e'].map((s) => server.url(`${s}-ads.test`, '/ask'));
  const opened = nextApprovalWindow(context);
  const attack = await openPage(
    context,
    'news.test',
    `/frames?hidden=1&${sources.map((src) => `src=${encodeURIComponent(src)}`).join('&')}`,
  );
  const approval = await opened;
  const frames = attack.frames().filter((f) => f !== attack.mainFrame());
  expect(frames).toHaveLength(5);
  // Every frame has been answered or queued: still a single window.
  await expect
    .poll(
      async () =>
        (await queueOf(popup)).length + (await Promise.all(frames.map(outcomeOf))).filter(Boolean).length,
    )
    .toBe(5);
  expect(windows).toHaveLength(1);
  // Three wait (the limit of one tab); the other two are refused at once, without a window.
  await expect
    .poll(
      async () => (await Promise.all(frames.map(outcomeOf))).filter((o) => o?.error?.code === -32005).length,
    )
    .toBe(2);
  const refused = (await Promise.all(frames.map(outcomeOf))).find((o) => o?.error);
  expect(refused?.error?.message).toContain('This tab already has 3 requests waiting');
  expect(await queueOf(popup)).toHaveLength(3);
  await expect(approval.getByTestId('queue-position')).toHaveText('1 of 3');
  await expect(approval.getByTestId('approval-embedding')).toContainText('inside news.test');

  // Another dApp is not locked out: it joins the queue, in the same window.
  const other = await openPage(context, 'shop.test');
  const asked = providerRequest(other, 'eth_requestAccounts');
  await expect(approval.getByTestId('queue-position')).toHaveText('1 of 4');
  await expect(popup.getByTestId('pending-count')).toHaveText('4 waiting');
  expect(await serviceWorker.evaluate(() => chrome.action.getBadgeText({}))).toBe('4');
  await approval.screenshot({ path: screenshotPath('approval-queue'), clip: WINDOW });
  expect(windows).toHaveLength(1);

  // Answering moves on to the next request in the same window; the last answer closes it.
  for (const left of [3, 2]) {
    await approval.getByRole('button', { name: 'Reject' }).click();
    await expect(approval.getByTestId('queue-position')).toHaveText(`1 of ${left}`);
  }
  await approval.getByRole('button', { name: 'Reject' }).click();
  await expect(approval.getByTestId('approval-site')).toHaveText('shop.test');
  await expect(approval.getByTestId('queue-position')).toHaveCount(0);
  expect((await Promise.all(frames.map(outcomeOf))).filter((o) => o?.error?.code === 4001)).toHaveLength(3);
  await answerApproval(approval, 'Approve');
  expect((await asked).result).toHaveLength(1);
  expect(windows).toHaveLength(1);
  expect(await serviceWorker.evaluate(() => chrome.action.getBadgeText({}))).toBe('');
});

test('one site with many subdomains waits with three requests at most', async ({ context, popup, stack }) => {
  await signInWithEmail(popup, stack);
  const opened = nextApprovalWindow(context);
  const tabs = await Promise.all(['x1', 'x2', 'x3', 'x4'].map((s) => openPage(context, `${s}.shop.test`)));
  const outcomes: (RequestOutcome | undefined)[] = [];
  tabs.slice(0, 3).forEach((tab, i) => {
    void providerRequest(tab, 'eth_requestAccounts').then(
      (outcome) => {
        outcomes[i] = outcome;
      },
      () => {},
    );
  });
  const approval = await opened;
  await expect.poll(async () => (await queueOf(popup)).length).toBe(3);
  expect((await queueOf(popup)).every((r) => r.site === 'shop.test')).toBe(true);
  expect(await providerRequest(tabs[3] as Page, 'eth_requestAccounts')).toMatchObject({
    error: { code: -32005, message: expect.stringContaining('shop.test already has requests waiting') },
  });
  // Another site still gets in.
  askAndForget(await openPage(context, 'other.test'));
  await expect(approval.getByTestId('queue-position')).toHaveText('1 of 4');
  // Closing the window rejects the request it showed; the others stay, and the window opens again.
  const shown = await approval.getByTestId('approval-origin').textContent();
  const reopened = nextApprovalWindow(context);
  await approval.close();
  await expect.poll(() => outcomes.filter((o) => o?.error?.code === 4001).length).toBe(1);
  const queue = await queueOf(popup);
  expect(queue).toHaveLength(3);
  expect(queue.map((r) => r.origin)).not.toContain(shown);
  await expect((await reopened).getByTestId('queue-position')).toHaveText('1 of 3');
});

test('a request ends with 4001 and leaves the queue when its tab navigates away, reloads or closes', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const opened = nextApprovalWindow(context);
  const leaving = await openPage(context, 'evil.test');
  const reloading = await openPage(context, 'reload.test');
  const closing = await openPage(context, 'close.test');
  const waiting = async () => (await queueOf(popup)).map((r) => r.origin);
  askAndForget(leaving);
  const approval = await opened;
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('evil.test'));
  for (const page of [reloading, closing]) {
    const before = (await waiting()).length;
    askAndForget(page);
    await expect.poll(async () => (await waiting()).length).toBe(before + 1);
  }

  // The F6 attack: the page asks, then moves its tab to a trusted site. The queue drops it at once.
  await leaving.goto(server.url('trusted.test'));
  await expect.poll(waiting).toEqual([server.origin('reload.test'), server.origin('close.test')]);
  await expect(approval.getByTestId('approval-site')).toHaveText('reload.test'); // the window moved on
  await expect(approval.getByTestId('queue-position')).toHaveText('1 of 2');
  await reloading.reload();
  await expect(approval.getByTestId('approval-site')).toHaveText('close.test');
  const closed = approval.waitForEvent('close');
  await closing.close();
  await closed; // nothing left to show
  expect(await queueOf(popup)).toEqual([]);
  for (const host of ['evil.test', 'reload.test', 'close.test'] as const)
    await expect
      .poll(
        async () =>
          (await answersTo(serviceWorker, server.origin(host), 'eth_requestAccounts'))[0]?.error?.code,
      )
      .toBe(4001);
  // Nothing was granted: the trusted site's tab now asks for itself.
  expect(await providerRequest(leaving, 'eth_accounts')).toEqual({ result: [] });
});

test('a frame’s request shows the site that embeds it: “widget.test, inside news.test”', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const opened = nextApprovalWindow(context);
  const page = await openPage(
    context,
    'www.news.test',
    `/frames?src=${encodeURIComponent(server.url('app.widget.test', '/ask'))}`,
  );
  const approval = await opened;
  await expect(approval.getByTestId('approval-site')).toHaveText('widget.test');
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('app.widget.test'));
  await expect(approval.getByTestId('approval-embedding')).toHaveText('widget.test, inside news.test');
  await expect(approval.getByRole('note')).toContainText(`inside ${server.origin('www.news.test')}`);
  await approval.screenshot({ path: screenshotPath('approval-frame'), clip: WINDOW });
  await answerApproval(approval, 'Approve');
  const frame = page.frames().find((f) => f.url().startsWith(server.origin('app.widget.test')));
  await expect.poll(async () => (frame ? (await outcomeOf(frame))?.result : undefined)).toHaveLength(1);
});

test('keys pressed right after the window appears, or after a focus change, do not approve', async ({
  context,
  popup,
  stack,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openPage(context, 'app.test');
  const opened = nextApprovalWindow(context);
  let settled = false;
  const asked = providerRequest(dapp, 'eth_requestAccounts').finally(() => {
    settled = true;
  });
  const approval = await opened;
  const approve = approval.getByRole('button', { name: 'Approve' });
  const reject = approval.getByRole('button', { name: 'Reject' });
  await expect(reject).toBeFocused(); // the harmless answer holds the initial focus
  // The review's Tab, Tab, Enter (Approve), while the guard waits: as few keys as the attack needs, so
  // that even a loaded machine presses them within the 500 ms.
  for (const key of ['Tab', 'Enter']) await approval.keyboard.press(key);
  await expect(approve).toBeFocused();
  expect(await approve.getAttribute('data-armed')).toBe('false'); // the keys came before arming
  await expect(approve).toHaveAttribute('data-armed', 'true');
  expect(settled).toBe(false);
  expect(await queueOf(popup)).toHaveLength(1);

  // Armed, then the window loses and regains focus: the guard waits again.
  await approval.evaluate(() => {
    window.dispatchEvent(new FocusEvent('blur'));
    window.dispatchEvent(new FocusEvent('focus'));
  });
  await approval.keyboard.press('Enter');
  expect(await approve.getAttribute('data-armed')).toBe('false');
  await expect(approve).toHaveAttribute('data-armed', 'true');
  expect(settled).toBe(false);
  // A hidden-then-visible window too.
  await approval.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await approval.keyboard.press('Enter');
  expect(await approve.getAttribute('data-armed')).toBe('false');
  await expect(approve).toHaveAttribute('data-armed', 'true');
  expect(settled).toBe(false);

  // A key pressed once the guard is armed does act.
  const closed = approval.waitForEvent('close');
  await approval.keyboard.press('Enter');
  await closed;
  expect((await asked).result).toHaveLength(1);
});

test('the toolbar popup’s Approve ignores a click right after it opens', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const dapp = await openPage(context, 'app.test');
  const opened = nextApprovalWindow(context);
  let settled = false;
  const asked = providerRequest(dapp, 'eth_requestAccounts').finally(() => {
    settled = true;
  });
  const window = await opened;
  await popup.reload();
  const approve = popup.getByRole('button', { name: `Approve ${server.origin('app.test')}` });
  await approve.click({ force: true }); // at once, as a provoked click would be
  expect(await approve.getAttribute('data-armed')).not.toBe('true');
  // Either the guard arms, the click having done nothing, or the click approved at once.
  const armed = expect(approve)
    .toHaveAttribute('data-armed', 'true')
    .then(() => 'armed, the early click ignored');
  expect(await Promise.race([armed, asked.then(() => 'approved by the early click')])).toBe(
    'armed, the early click ignored',
  );
  expect(settled).toBe(false);
  expect(await queueOf(popup)).toHaveLength(1);
  await popup.screenshot({ path: screenshotPath('popup-pending') });
  const closed = window.waitForEvent('close');
  await approve.click();
  expect(await asked).toEqual({ result: [address] });
  await closed;
});

test('a worker stopped while the window shows a queue still knows it: approving both works', async ({
  context,
  popup,
  stack,
  extensionId,
  serviceWorker,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const opened = nextApprovalWindow(context);
  const first = providerRequest(await openPage(context, 'one.test'), 'okto_requestAuthToken');
  const approval = await opened;
  const second = providerRequest(await openPage(context, 'two.test'), 'eth_requestAccounts');
  await expect(approval.getByTestId('queue-position')).toHaveText('1 of 2');

  await stopServiceWorker(context, extensionId);
  await approval.getByRole('button', { name: 'Approve' }).click();
  expect((await first).result).toMatchObject({ userSWA });
  await expect(approval.getByTestId('approval-site')).toHaveText('two.test');
  await answerApproval(approval, 'Approve');
  expect(await second).toEqual({ result: [address] });
});
