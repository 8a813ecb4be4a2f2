import { numberToHex } from 'viem';
import { environments } from '../../src/okto/environments.ts';
import { answerApproval, nextApprovalWindow, pageEvents, providerRequest, serveDapp } from './dappServer.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, signInWithEmail, test } from './stack.ts';
import { walletAddress } from './walletHelpers.ts';

const server = serveDapp(test);

const LOCAL_CHAIN_ID = numberToHex(environments.local.chainId);

type Token = {
  authToken: string;
  expiresAt: number;
  userSWA: string;
  clientSWA: string;
  environment: string;
};

test('the provider exists before page scripts and announces itself through EIP-6963', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(server.url('127.0.0.1'));
  expect(
    await page.evaluate(() => (window as unknown as { providerAtFirstScript: string }).providerAtFirstScript),
  ).toBe('object');
  const announced = await page.evaluate(() =>
    (window as unknown as { announced: { info: Record<string, string>; provider: unknown }[] }).announced.map(
      (d) => ({ info: d.info, same: d.provider === (window as unknown as { okto: unknown }).okto }),
    ),
  );
  expect(announced).toHaveLength(1);
  expect(announced[0]).toMatchObject({ info: { name: 'Okto', rdns: 'tech.okto' }, same: true });
  expect(announced[0]?.info.uuid).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  expect(announced[0]?.info.icon).toMatch(/^data:image\/svg\+xml,/);
  expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: LOCAL_CHAIN_ID });
  expect(await providerRequest(page, 'eth_accounts')).toEqual({ result: [] });
  expect((await providerRequest(page, 'eth_sign', [])).error?.code).toBe(4200);
});

test('a site approved once gets fresh tokens without a prompt, and they work at Okto', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  const userSWA = await signInWithEmail(popup, stack);
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));
  expect(await providerRequest(dapp, 'okto_getSession')).toMatchObject({ error: { code: 4100 } });

  const approvalOpened = nextApprovalWindow(context);
  const first = providerRequest(dapp, 'okto_requestAuthToken', [{ ttlSeconds: 60 }]);
  const approval = await approvalOpened;
  await expect(approval.getByTestId('approval-origin')).toHaveText(server.origin('127.0.0.1'));
  await expect(approval.getByRole('button', { name: 'Approve' })).toBeEnabled();
  await approval.screenshot({
    path: screenshotPath('approval'),
    clip: { x: 0, y: 0, width: 360, height: 600 },
  });
  await answerApproval(approval, 'Approve');
  const token = (await first).result as Token;
  expect(token).toMatchObject({ userSWA, environment: 'local' });
  expect(token.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);

  const verified = await fetch(`${stack.emulatorUrl}/api/oc/v1/verify-session`, {
    headers: { Authorization: `Bearer ${token.authToken}` },
  });
  expect(verified.status).toBe(200);
  expect(((await verified.json()) as { data: { user_swa: string } }).data.user_swa).toBe(userSWA);

  let prompted = false;
  context.on('page', (p) => {
    if (p.url().includes('approval.html')) prompted = true;
  });
  const second = (await providerRequest(dapp, 'okto_requestAuthToken')).result as Token;
  expect(second.authToken).not.toBe(token.authToken);
  // Five minutes by default: Okto cannot revoke a token, so a site keeps it after Revoke until then.
  const left = second.expiresAt - Math.floor(Date.now() / 1000);
  expect(left).toBeGreaterThan(250);
  expect(left).toBeLessThanOrEqual(300);
  // dApps see the user's wallet on the site's network, not the smart-wallet address Okto's session names.
  const address = await walletAddress(serviceWorker, stack);
  expect(address).not.toBe(userSWA);
  expect(await providerRequest(dapp, 'eth_requestAccounts')).toEqual({ result: [address] });
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [address] });
  expect(await providerRequest(dapp, 'okto_getSession')).toMatchObject({
    result: { userSWA, clientSWA: token.clientSWA, environment: 'local' },
  });
  expect(prompted).toBe(false);
  // A longer lifetime than 15 minutes is clamped, and expiresAt says so.
  const clamped = (await providerRequest(dapp, 'okto_requestAuthToken', [{ ttlSeconds: 9999 }]))
    .result as Token;
  expect(clamped.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);
  expect((await providerRequest(dapp, 'okto_requestAuthToken', [{ ttlSeconds: 0 }])).error?.code).toBe(
    -32602,
  );
  expect(await pageEvents(dapp)).toEqual([]);

  // Every request is in the activity log for the DevTools panel, with the token cut short.
  type Entry = {
    kind: string;
    origin?: string;
    method: string;
    tabId?: number;
    response?: { authToken?: string };
  };
  const logged = (await serviceWorker.evaluate(() =>
    (globalThis as unknown as { __okto: { activity(): unknown } }).__okto.activity(),
  )) as Entry[];
  const tokens = logged.filter((e) => e.kind === 'provider' && e.method === 'okto_requestAuthToken');
  expect(tokens.length).toBeGreaterThanOrEqual(3);
  expect(tokens.every((e) => e.origin === server.origin('127.0.0.1') && typeof e.tabId === 'number')).toBe(
    true,
  );
  expect(JSON.stringify(logged)).not.toContain(token.authToken);
  expect(tokens[0]?.response?.authToken).toMatch(/^.{8}…$/);
});

test('a rejected or closed approval answers 4001 and grants nothing', async ({ context, popup, stack }) => {
  await signInWithEmail(popup, stack);
  const dapp = await context.newPage();
  await dapp.goto(server.url('127.0.0.1'));

  let opened = nextApprovalWindow(context);
  let pending = providerRequest(dapp, 'eth_requestAccounts');
  await answerApproval(await opened, 'Reject');
  expect((await pending).error).toMatchObject({ code: 4001 });

  opened = nextApprovalWindow(context);
  pending = providerRequest(dapp, 'okto_requestAuthToken');
  await (await opened).close();
  expect((await pending).error).toMatchObject({ code: 4001 });
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
  expect(await providerRequest(dapp, 'wallet_getPermissions')).toEqual({ result: [] });
});
