import type { Page } from '@playwright/test';
import {
  answerApproval,
  nextApprovalWindow,
  openApprovedDapp,
  providerRequest,
  serveDapp,
} from './dappServer.ts';
import { expect, signInWithEmail, test } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';
import { walletAddress } from './walletHelpers.ts';

const server = serveDapp(test);

test('1,000 malformed messages from a page leave the wallet working and leak nothing', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  // Approved, so that a leak (a token or the address answered to junk) would show.
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const seen = await dapp.evaluate(async () => {
    const answers: unknown[] = [];
    window.addEventListener('message', (e) => {
      if ((e.data as { channel?: string } | null)?.channel === 'okto:response') answers.push(e.data);
    });
    const big = 'x'.repeat(20_000);
    const shapes: ((i: number) => unknown)[] = [
      (i) => i,
      (i) => `okto:request ${i}`,
      () => null,
      () => [],
      () => ({}),
      (i) => ({ channel: 'okto:request', id: `bad-${i}` }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 42 }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 'okto_requestAuthToken', params: 'all' }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 'okto_requestAuthToken', params: [big] }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: '../../worker' }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 'm'.repeat(100) }),
      (i) => ({ channel: 'okto:request', id: { toString: `bad-${i}` }, method: 'eth_accounts' }),
      (i) => ({ channel: 'okto:request', id: 'i'.repeat(100) + i, method: 'eth_accounts' }),
      (i) => ({ channel: 'okto:request', id: i + 0.5, method: 'eth_accounts' }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 'eth_accounts', params: new Date(i) }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: 'eth_accounts', params: null }),
      (i) => ({ channel: 'okto:response', id: `bad-${i}`, result: 'forged' }),
      (i) => ({ channel: 'okto:request ', id: `bad-${i}`, method: 'okto_requestAuthToken' }),
      (i) => ({ type: 'provider/request', method: 'okto_requestAuthToken', id: `bad-${i}` }),
      (i) => ({ channel: 'okto:request', id: `bad-${i}`, method: '__proto__', __proto__: { method: 'x' } }),
    ];
    for (let i = 0; i < 1000; i++) window.postMessage(shapes[i % shapes.length]?.(i), location.origin);
    // Let every answer arrive: the bridge answers malformed requests at once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return answers;
  });
  const text = JSON.stringify(seen);
  expect(text).not.toContain(userSWA.slice(2).toLowerCase());
  expect(text.toLowerCase()).not.toContain(userSWA.slice(2).toLowerCase());
  expect(text.toLowerCase()).not.toContain(address.slice(2).toLowerCase());
  expect(text).not.toContain('authToken');
  // Only requests with a usable id are answered, each with an error; the forged answers stay forged ones.
  const answers = seen as { id: string; error?: { code: number }; result?: unknown }[];
  const errors = answers.filter((a) => a.error);
  expect(errors.length).toBeGreaterThan(300);
  expect(errors.every((a) => a.error?.code === -32600)).toBe(true);
  expect(answers.filter((a) => 'result' in a).every((a) => a.result === 'forged')).toBe(true);

  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [address] });
  expect((await providerRequest(dapp, 'okto_requestAuthToken')).result).toMatchObject({ userSWA });
  expect(await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }))).toMatchObject({
    ok: true,
  });
});

test('a flooding site is refused while other sites keep working', async ({ context }) => {
  const flood = await context.newPage();
  await flood.goto(server.url('127.0.0.1'));
  const other = await context.newPage();
  await other.goto(server.url('localhost'));
  const codes = await flood.evaluate(async () => {
    const okto = (window as unknown as { okto: { request(a: { method: string }): Promise<unknown> } }).okto;
    const seen: Record<string, number> = {};
    const lanes = Array.from({ length: 100 }, async () => {
      for (let i = 0; i < 40; i++) {
        const code = await okto.request({ method: 'okto_ping' }).then(
          () => 'ok',
          (error: { code: number }) => String(error.code),
        );
        seen[code] = (seen[code] ?? 0) + 1;
      }
    });
    await Promise.all(lanes);
    return seen;
  });
  // All 4,000 answered; past the per-origin budget the answer is -32005 (limit exceeded).
  expect(Object.values(codes).reduce((a, b) => a + b, 0)).toBe(4000);
  expect(codes['-32005']).toBeGreaterThan(0);
  expect(Object.keys(codes).every((code) => code === 'ok' || code === '-32005')).toBe(true);
  expect(await providerRequest(other, 'okto_ping')).toEqual({ result: 'pong' });
  await expect
    .poll(() => providerRequest(flood, 'okto_ping'), { timeout: 5_000 })
    .toEqual({ result: 'pong' });
});

test('concurrent requests from several tabs are all answered, and one approval serves them all', async ({
  context,
  popup,
  stack,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  const tabs = await Promise.all(
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', 'localhost', 'localhost'].map(async (host) => {
      const page = await context.newPage();
      await page.goto(server.url(host as '127.0.0.1' | 'localhost'));
      return page;
    }),
  );
  // First requests of three tabs of one origin join a single approval.
  const windows: Page[] = [];
  context.on('page', (p) => {
    if (p.url().includes('approval.html')) windows.push(p);
  });
  const opened = nextApprovalWindow(context);
  const first = tabs.slice(0, 3).map((tab) => providerRequest(tab, 'okto_requestAuthToken'));
  await answerApproval(await opened, 'Approve');
  const tokens = await Promise.all(first);
  expect(windows).toHaveLength(1);
  for (const token of tokens) expect(token.result).toMatchObject({ userSWA });

  await openApprovedDapp(context, server.url('localhost'));
  const burst = await Promise.all(
    tabs.flatMap((tab) =>
      Array.from({ length: 20 }, (_, i) =>
        providerRequest(
          tab,
          i % 2 ? 'okto_requestAuthToken' : 'eth_accounts',
          i % 2 ? [{ ttlSeconds: 120 }] : [],
        ),
      ),
    ),
  );
  expect(burst).toHaveLength(100);
  for (const outcome of burst) expect(outcome.error).toBeUndefined();
  const minted = burst.flatMap((o) => {
    const token = o.result as { authToken?: string; expiresAt?: number };
    return token.authToken ? [token] : [];
  });
  expect(minted).toHaveLength(50);
  // Tokens minted in the same second are byte-identical (deterministic signature over expire_at): fine.
  const now = Math.floor(Date.now() / 1000);
  for (const token of minted) expect(token.expiresAt).toBeGreaterThan(now + 100);
  const verified = await fetch(`${stack.emulatorUrl}/api/oc/v1/verify-session`, {
    headers: { Authorization: `Bearer ${minted[49]?.authToken}` },
  });
  expect(verified.status).toBe(200);
});

test('a request survives the worker being stopped while its approval is pending', async ({
  context,
  popup,
  stack,
  extensionId,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  const bootBefore = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'okto_requestAuthToken');
  const approval = await opened;
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('127.0.0.1'));

  await stopServiceWorker(context, extensionId);
  const windowsBefore = context.pages().filter((p) => p.url().includes('approval.html')).length;
  await answerApproval(approval, 'Approve');
  expect((await asked).result).toMatchObject({ userSWA, environment: 'local' });
  expect(context.pages().filter((p) => p.url().includes('approval.html')).length).toBeLessThan(windowsBefore);
  const bootAfter = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  expect(bootAfter.bootId).not.toBe(bootBefore.bootId);
});

test('a closed approval window still rejects after the worker was stopped', async ({
  context,
  popup,
  stack,
  extensionId,
}) => {
  await signInWithEmail(popup, stack);
  const bootBefore = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  const opened = nextApprovalWindow(context);
  const asked = providerRequest(dapp, 'eth_requestAccounts');
  const approval = await opened;
  await stopServiceWorker(context, extensionId);
  await approval.close();
  expect((await asked).error?.code).toBe(4001);
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
  const bootAfter = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  expect(bootAfter.bootId).not.toBe(bootBefore.bootId);
});

test('events still reach a site after the worker restarted', async ({
  context,
  popup,
  stack,
  extensionId,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  await stopServiceWorker(context, extensionId);
  await popup.reload(); // wakes the new worker, which knows the site's tab from session storage
  await popup.getByRole('button', { name: `Revoke ${server.origin('127.0.0.1')}` }).click();
  await expect
    .poll(() => dapp.evaluate(() => (window as unknown as { events: unknown[] }).events))
    .toContainEqual(['accountsChanged', []]);
});
