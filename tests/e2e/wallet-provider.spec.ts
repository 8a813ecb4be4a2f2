import {
  createPublicClient,
  encodeFunctionData,
  erc20Abi,
  http,
  parseEther,
  parseUnits,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import {
  answerApproval,
  nextApprovalWindow,
  openApprovedDapp,
  pageEvents,
  providerRequest,
  serveDapp,
} from './dappServer.ts';
import { test as base, screenshotPath } from './fixtures.ts';
import { configureExtension, expect, openPopup, signInWithEmail } from './stack.ts';
import { stopServiceWorker } from './swControl.ts';
import { walletAddress } from './walletHelpers.ts';

// A dApp written for MetaMask-style wallets signs and transacts through Okto (issue 11): each request
// approved in the window, signatures verified with viem, transactions mined on the emulator's real
// local chains and read back through the chain's own RPC, and the worker stopped mid-way without a
// request being sent twice.

const test = base.extend<{ stack: LocalStack; popup: import('@playwright/test').Page }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture args.
  stack: async ({}, use) => {
    const stack = await startLocalStack({ relaxedLimits: true, chains: true });
    await use(stack);
    await stack.close();
  },
  popup: async ({ context, extensionId, stack }, use) => {
    await configureExtension(context, extensionId, stack);
    await use(await openPopup(context, extensionId));
  },
});

const server = serveDapp(test);
const BASE = 'eip155:84532';
const AMOY = 'eip155:80002';
const TOKEN = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

function chainClient(stack: LocalStack, caip2Id: string) {
  const chain = stack.chains().find((c) => c.caipId === caip2Id);
  if (!chain) throw new Error(`no chain ${caip2Id}`);
  return createPublicClient({ transport: http(chain.rpcUrl) });
}

/** Asks `method` on `page`, approves (or rejects) it in the window, and answers what the dApp got. */
async function approved(
  context: import('@playwright/test').BrowserContext,
  page: import('@playwright/test').Page,
  method: string,
  params: unknown,
  button: 'Approve' | 'Reject' = 'Approve',
  screenshot?: string,
) {
  const opened = nextApprovalWindow(context);
  const answer = providerRequest(page, method, params);
  const window = await opened;
  await expect(window.getByRole('button', { name: button })).toBeVisible();
  await window.waitForTimeout(600); // the buttons arm 500 ms after the window appears
  if (screenshot)
    await window.screenshot({
      path: screenshotPath(screenshot),
      clip: { x: 0, y: 0, width: 360, height: 600 },
    });
  await answerApproval(window, button);
  return answer;
}

test('accounts, chains and switching: the wallet address on the site network, chainChanged, 4902', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [address] });
  expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x14a34' });
  expect(await providerRequest(dapp, 'net_version')).toEqual({ result: '84532' });
  await dapp.evaluate(() => {
    const w = window as unknown as {
      okto: { on(e: string, f: (d: unknown) => void): void };
      events: unknown[];
    };
    w.okto.on('chainChanged', (id) => w.events.push(['chainChanged', id]));
  });
  expect(await providerRequest(dapp, 'wallet_switchEthereumChain', [{ chainId: '0x13882' }])).toEqual({
    result: null,
  });
  await expect.poll(() => pageEvents(dapp)).toContainEqual(['chainChanged', '0x13882']);
  expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x13882' });
  expect((await providerRequest(dapp, 'wallet_switchEthereumChain', [{ chainId: '0x1' }])).error?.code).toBe(
    4902,
  );
  const added = await providerRequest(dapp, 'wallet_addEthereumChain', [
    { chainId: '0xa4b1', chainName: 'Arbitrum' },
  ]);
  expect(added.error).toMatchObject({
    code: 4902,
    message: expect.stringMatching(/does not support chain 42161/),
  });
  expect((await providerRequest(dapp, 'eth_sign', [address, '0x00'])).error?.code).toBe(4200);
  expect((await providerRequest(dapp, 'eth_signTransaction', [{}])).error?.code).toBe(4200);

  // Two sites on different networks at once.
  const other = await openApprovedDapp(context, server.url('localhost'));
  expect(await providerRequest(other, 'eth_chainId')).toEqual({ result: '0x14a34' });
  expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x13882' });
  // Reads go to the site's chain.
  const block = (await providerRequest(other, 'eth_blockNumber')).result;
  expect(block).toMatch(/^0x[0-9a-f]+$/);
});

test('personal_sign and eth_signTypedData_v4: approved once, verified with viem, rejected with 4001', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = (await walletAddress(serviceWorker, stack)) as `0x${string}`;
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));

  const message = 'Sign in to the test dApp\nNonce: 42';
  const hex = `0x${Buffer.from(message).toString('hex')}`;
  const signed = await approved(
    context,
    dapp,
    'personal_sign',
    [hex, address],
    'Approve',
    'approval-message',
  );
  expect(await verifyMessage({ address, message, signature: signed.result as `0x${string}` })).toBe(true);
  expect((await approved(context, dapp, 'personal_sign', ['hello', address], 'Reject')).error?.code).toBe(
    4001,
  );
  expect((await providerRequest(dapp, 'personal_sign', ['0xffff', address])).error?.code).toBe(-32602);
  expect((await providerRequest(dapp, 'personal_sign', ['hello', RECIPIENT])).error?.code).toBe(4100);

  const typedData = {
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'chainId', type: 'uint256' },
      ],
      Mail: [
        { name: 'to', type: 'address' },
        { name: 'contents', type: 'string' },
      ],
    },
    primaryType: 'Mail',
    domain: { name: 'Test dApp', chainId: 84532 },
    message: { to: RECIPIENT, contents: 'Hello' },
  } as const;
  const typed = await approved(
    context,
    dapp,
    'eth_signTypedData_v4',
    [address, JSON.stringify(typedData)],
    'Approve',
    'approval-typed-data',
  );
  const valid = await verifyTypedData({
    address,
    types: typedData.types,
    primaryType: 'Mail',
    domain: { name: 'Test dApp', chainId: 84532n },
    message: typedData.message,
    signature: typed.result as `0x${string}`,
  });
  expect(valid).toBe(true);
  const wrongChain = { ...typedData, domain: { name: 'Test dApp', chainId: 1 } };
  expect((await providerRequest(dapp, 'eth_signTypedData_v4', [address, wrongChain])).error?.code).toBe(
    -32602,
  );
});

test('eth_sendTransaction: a native and an ERC-20 transfer are mined, with receipts read through the chain RPC', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = (await walletAddress(serviceWorker, stack)) as `0x${string}`;
  await stack.fund({ address, caip2Id: BASE, amount: parseEther('1') });
  await stack.fund({ address, caip2Id: BASE, amount: parseUnits('100', 6), token: TOKEN });
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const client = chainClient(stack, BASE);
  const before = await client.getBalance({ address: RECIPIENT });

  const native = await approved(
    context,
    dapp,
    'eth_sendTransaction',
    [{ from: address, to: RECIPIENT, value: '0x2386f26fc10000' }],
    'Approve',
    'approval-transaction',
  );
  const receipt = await client.waitForTransactionReceipt({ hash: native.result as `0x${string}` });
  expect(receipt.status).toBe('success');
  expect((await client.getBalance({ address: RECIPIENT })) - before).toBe(parseEther('0.01'));

  const data = encodeFunctionData({
    abi: erc20Abi,
    functionName: 'transfer',
    args: [RECIPIENT, parseUnits('2.5', 6)],
  });
  const erc20 = await approved(context, dapp, 'eth_sendTransaction', [{ from: address, to: TOKEN, data }]);
  const tokenReceipt = await client.waitForTransactionReceipt({ hash: erc20.result as `0x${string}` });
  expect(tokenReceipt.status).toBe('success');
  expect(
    await client.readContract({
      address: TOKEN,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [RECIPIENT],
    }),
  ).toBe(parseUnits('2.5', 6));

  expect(
    (await approved(context, dapp, 'eth_sendTransaction', [{ to: RECIPIENT, value: '0x1' }], 'Reject')).error
      ?.code,
  ).toBe(4001);
  expect(
    (await providerRequest(dapp, 'eth_sendTransaction', [{ from: RECIPIENT, to: RECIPIENT }])).error?.code,
  ).toBe(4100);
  expect(
    (await providerRequest(dapp, 'eth_sendTransaction', [{ from: address, data: '0x00' }])).error?.code,
  ).toBe(-32602);

  // The popup's activity lists both, with their hashes.
  await popup.reload();
  await popup.getByRole('tab', { name: 'Activity' }).click();
  await expect(popup.getByText(native.result as string)).toBeVisible({ timeout: 15_000 });
});

test("a failed job is an EIP-1193 error with Okto's reason, and the popup shows the reason", async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = await walletAddress(serviceWorker, stack);
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  await fetch(`${stack.emulatorUrl}/__emulator/orders/fail-next`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'BUNDLER_DISCARDED' }),
  });
  const failed = await approved(context, dapp, 'eth_sendTransaction', [
    { from: address, to: RECIPIENT, value: '0x0' },
  ]);
  expect(failed.error).toMatchObject({
    code: -32603,
    message: expect.stringMatching(/bundler dropped it.*BUNDLER_DISCARDED/),
  });
  await popup.reload();
  await popup.getByRole('tab', { name: 'Activity' }).click();
  await expect(popup.getByText(/bundler dropped it/)).toBeVisible({ timeout: 15_000 });
});

test('wallet_sendCalls: two calls in one atomic job; getCallsStatus reads the receipts from the chain', async ({
  context,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = (await walletAddress(serviceWorker, stack)) as `0x${string}`;
  await stack.fund({ address, caip2Id: BASE, amount: parseUnits('50', 6), token: TOKEN });
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  const capabilities = (await providerRequest(dapp, 'wallet_getCapabilities', [address])).result;
  expect(capabilities).toMatchObject({
    '0x14a34': { atomic: { status: 'supported' }, gasSponsorship: { supported: true } },
    '0x13882': { atomic: { status: 'supported' } },
  });
  const calls = [
    {
      to: TOKEN,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [RECIPIENT, 5n] }),
    },
    {
      to: TOKEN,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [RECIPIENT, 7n] }),
    },
  ];
  const sent = await approved(
    context,
    dapp,
    'wallet_sendCalls',
    [{ version: '2.0.0', chainId: '0x14a34', from: address, atomicRequired: true, calls }],
    'Approve',
    'approval-calls',
  );
  const { id } = sent.result as { id: string };
  let status: { status: number; receipts?: { status: string; transactionHash: string }[] } | undefined;
  await expect
    .poll(async () => {
      status = (await providerRequest(dapp, 'wallet_getCallsStatus', [id])).result as typeof status;
      return status?.status;
    })
    .toBe(200);
  expect(status?.receipts?.map((r) => r.status)).toEqual(['0x1', '0x1']);
  const client = chainClient(stack, BASE);
  expect(
    await client.readContract({
      address: TOKEN,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [address, RECIPIENT],
    }),
  ).toBe(5n);
  expect((await providerRequest(dapp, 'wallet_getCallsStatus', ['unknown'])).error?.code).toBe(5730);
  const shown = context.waitForEvent('page', { predicate: (p) => p.url().includes('popup.html?job=') });
  expect(await providerRequest(dapp, 'wallet_showCallsStatus', [id])).toEqual({ result: null });
  await shown;
});

test('the worker stopped between approval and submission, and while polling: sent once, answered once', async ({
  context,
  extensionId,
  popup,
  stack,
  serviceWorker,
}) => {
  await signInWithEmail(popup, stack);
  const address = (await walletAddress(serviceWorker, stack)) as `0x${string}`;
  await stack.fund({ address, caip2Id: AMOY, amount: parseEther('1') });
  const dapp = await openApprovedDapp(context, server.url('127.0.0.1'));
  expect(await providerRequest(dapp, 'wallet_switchEthereumChain', [{ chainId: '0x13882' }])).toEqual({
    result: null,
  });
  const client = chainClient(stack, AMOY);
  const before = await client.getBalance({ address: RECIPIENT });

  // The companion is down, so the approved job waits to be sent; the worker stops while it waits.
  await stack.stopCompanion();
  const opened = nextApprovalWindow(context);
  const answer = providerRequest(dapp, 'eth_sendTransaction', [
    { from: address, to: RECIPIENT, value: '0x3e8' },
  ]);
  const window = await opened;
  await window.waitForTimeout(600);
  await answerApproval(window, 'Approve');
  await expect
    .poll(() => serviceWorker.evaluate(async () => (await globalThis.__okto.jobs())[0]?.status))
    .toBe('WAITING_TO_SEND');
  await stopServiceWorker(context, extensionId);
  await stack.startCompanion();
  // The bridge sends the request again to the new worker, which finds the job and its result.
  const hash = (await answer).result as `0x${string}`;
  expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
  expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success');
  expect((await client.getBalance({ address: RECIPIENT })) - before).toBe(1000n);
  const jobs = await serviceWorker.evaluate(() => globalThis.__okto.jobs());
  expect(jobs.filter((j) => j.state !== 'done' || j.transactionHashes.length > 0)).toHaveLength(1);

  // Stopped again right after the approval (the job polls Okto): still one transaction, one answer.
  const opened2 = nextApprovalWindow(context);
  const answer2 = providerRequest(dapp, 'eth_sendTransaction', [
    { from: address, to: RECIPIENT, value: '0x7d0' },
  ]);
  const window2 = await opened2;
  await window2.waitForTimeout(600);
  await answerApproval(window2, 'Approve');
  await stopServiceWorker(context, extensionId);
  const hash2 = (await answer2).result as `0x${string}`;
  expect((await client.waitForTransactionReceipt({ hash: hash2 })).status).toBe('success');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect((await client.getBalance({ address: RECIPIENT })) - before).toBe(3000n);
});
