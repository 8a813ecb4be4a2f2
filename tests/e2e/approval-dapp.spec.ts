import { encodeFunctionData, erc20Abi, type Hex, verifyMessage, verifyTypedData } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import {
  answerApproval,
  nextApprovalWindow,
  openApprovedDapp,
  providerRequest,
  serveDapp,
} from './dappServer.ts';
import { screenshotPath } from './fixtures.ts';
import { expect, openPopup, signInWithEmail, chainsTest as test } from './stack.ts';

// A dApp's signing and sending requests through the real worker, as the approval window shows them:
// what the worker puts in each request is what the view reads (network, account, tokens, calls).

const server = serveDapp(test);
const OTUSD = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
const FRIEND = '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6';

test('a sign-in for the site itself and typed data are shown, then signed by the account', async ({
  popup,
  stack,
  context,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const [account] = (await providerRequest(dapp, 'eth_accounts')).result as Hex[];
  const chainId = Number.parseInt(String((await providerRequest(dapp, 'eth_chainId')).result), 16);
  if (!account) throw new Error('no account');

  const origin = new URL(server.origin('127.0.0.1'));
  const text = createSiweMessage({
    domain: origin.host,
    address: account,
    chainId,
    uri: origin.href,
    nonce: 'e2enonce42',
    version: '1',
    statement: 'Sign in to the test dApp.',
    issuedAt: new Date(),
  });
  let opened = nextApprovalWindow(context);
  const signed = providerRequest(dapp, 'personal_sign', [text, account]);
  let window = await opened;
  // The toolbar popup offers to review it, not to approve it unseen.
  await popup.reload();
  await expect(popup.getByRole('button', { name: `Review the request of ${origin.origin}` })).toBeVisible();
  await expect(popup.getByRole('button', { name: `Approve ${origin.origin}` })).toHaveCount(0);
  await expect(window.getByText('Signature request')).toBeVisible();
  await expect(window.getByTestId('message-text')).toHaveText(text);
  await expect(window.getByRole('definition').filter({ hasText: 'Sign in to the test dApp.' })).toBeVisible();
  await expect(window.getByTestId('warning')).toHaveCount(0); // its own domain, account and chain
  await answerApproval(window, 'Approve');
  const signature = (await signed).result as Hex;
  expect(await verifyMessage({ address: account, message: text, signature })).toBe(true);

  const typedData = {
    domain: { name: 'Test dApp', version: '1', chainId, verifyingContract: FRIEND },
    types: {
      Greeting: [
        { name: 'from', type: 'address' },
        { name: 'text', type: 'string' },
      ],
    },
    primaryType: 'Greeting',
    message: { from: account, text: 'hello okto' },
  } as const;
  opened = nextApprovalWindow(context);
  const typed = providerRequest(dapp, 'eth_signTypedData_v4', [account, JSON.stringify(typedData)]);
  window = await opened;
  await expect(window.getByText('Typed data signature')).toBeVisible();
  await expect(window.getByTestId('typed-message')).toContainText('hello okto');
  await expect(window.getByTestId('warning')).toHaveCount(0);
  await answerApproval(window, 'Approve');
  expect(
    await verifyTypedData({ address: account, ...typedData, signature: (await typed).result as Hex }),
  ).toBe(true);
});

test('a token transfer and a batch are shown decoded, then sent; Activity names the site', async ({
  popup,
  stack,
  context,
  extensionId,
}) => {
  await signInWithEmail(popup, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const [account] = (await providerRequest(dapp, 'eth_accounts')).result as Hex[];
  if (!account) throw new Error('no account');
  const chainId = String((await providerRequest(dapp, 'eth_chainId')).result);
  const caip2Id = `eip155:${Number.parseInt(chainId, 16)}`;
  await stack.fund({ address: account, caip2Id, amount: 10_000_000n, token: OTUSD });
  await stack.fund({ address: account, caip2Id, amount: 10n ** 18n });

  const transfer = encodeFunctionData({
    abi: erc20Abi,
    functionName: 'transfer',
    args: [FRIEND, 1_500_000n],
  });
  let opened = nextApprovalWindow(context);
  const sent = providerRequest(dapp, 'eth_sendTransaction', [{ from: account, to: OTUSD, data: transfer }]);
  let window = await opened;
  await expect(window.getByTestId('approval-network')).toContainText(/on (Base Sepolia|Polygon Amoy)/);
  await expect(window.getByTestId('call-title')).toHaveText('Send 1.5 OTUSD');
  await expect(window.getByText('Gas paid by Okto')).toBeVisible();
  await answerApproval(window, 'Approve');
  expect((await sent).result).toMatch(/^0x[0-9a-f]{64}$/);

  opened = nextApprovalWindow(context);
  const batch = providerRequest(dapp, 'wallet_sendCalls', [
    {
      version: '2.0.0',
      chainId,
      from: account,
      atomicRequired: true,
      calls: [
        { to: OTUSD, data: transfer },
        { to: FRIEND, value: '0x2386f26fc10000' }, // 0.01
      ],
    },
  ]);
  window = await opened;
  await expect(window.getByTestId('atomic-notice')).toHaveText(
    'All 2 calls run together: if one fails, none happens.',
  );
  await expect(window.getByTestId('call-title')).toHaveText(['Send 1.5 OTUSD', 'Send 0.01 ETH']);
  await answerApproval(window, 'Approve');
  expect((await batch).result).toMatchObject({ id: expect.any(String) });

  const activity = await openPopup(context, extensionId);
  // Below the balances on Home: the account and the connected sites.
  await activity.getByRole('heading', { name: 'Account' }).scrollIntoViewIfNeeded();
  await expect(activity.getByTestId('connected-sites')).toContainText(server.origin('127.0.0.1'));
  await activity.getByTestId('connected-sites').scrollIntoViewIfNeeded();
  await activity.screenshot({ path: screenshotPath('popup-account') });
  await activity.getByRole('tab', { name: 'Activity' }).click();
  const jobs = activity.getByTestId('job').filter({ hasText: `asked by ${server.origin('127.0.0.1')}` });
  await expect(jobs).toHaveCount(2);
  await expect(jobs.getByTestId('job-outcome')).toHaveText(['Succeeded', 'Succeeded'], { timeout: 30_000 });
});
