import type { BrowserContext, Page } from '@playwright/test';
import { type Address, createPublicClient, erc20Abi, type Hash, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { LocalStack } from '../../src/cli/localStack.ts';
import { type RunningDemoDapp, startDemoDapp } from '../../src/demo/server.ts';
import { TEST_TOKEN } from '../../src/emulator/chains/testToken.ts';
import { answerApproval, nextApprovalWindow } from './dappServer.ts';
import { expect, signInWithEmail, test } from './stack.ts';

// The demo dApp as a developer tries it: wagmi's injected connector for Okto (EIP-6963, rdns tech.okto)
// and viem, against the built extension and the local stack with its anvil chains. What the page shows
// is checked against the chain itself, read here through the same RPC URLs.

test.use({ stackChains: true });
test.describe.configure({ timeout: 120_000 });

let demo: RunningDemoDapp | undefined;
test.afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

const BASE_SEPOLIA = 84532;
const POLYGON_AMOY = 80002;

/** A viem public client on one of the stack's chains: the test's own view of that chain. */
function chainClient(stack: LocalStack, chainId: number) {
  const chain = stack.chains().find((c) => c.chainId === chainId);
  if (!chain) throw new Error(`the stack runs no chain ${chainId}`);
  return createPublicClient({ transport: http(chain.rpcUrl) });
}

/** Logs in, opens the demo (served with the stack's chains) and connects Okto through wagmi. */
async function openConnectedDemo(
  context: BrowserContext,
  popup: Page,
  stack: LocalStack,
): Promise<{ page: Page; account: Address; userSWA: string }> {
  const userSWA = await signInWithEmail(popup, stack);
  demo = await startDemoDapp({
    port: 0,
    emulatorUrl: stack.emulatorUrl,
    chains: () => stack.chains().map((c) => ({ chainId: c.chainId, name: c.networkName, rpcUrl: c.rpcUrl })),
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(demo.url);
  await expect(page.getByTestId('providers')).toContainText('Okto (tech.okto)');
  const opened = nextApprovalWindow(context);
  await page.getByRole('button', { name: 'Connect Okto' }).click();
  await answerApproval(await opened, 'Approve');
  await expect(page.getByTestId('connect-status')).toContainText('Connected 0x');
  await expect(page.getByTestId('account')).toHaveText(/^0x[0-9a-fA-F]{40}$/);
  await expect(page.getByTestId('chain')).toHaveText(`Base Sepolia (${BASE_SEPOLIA})`);
  expect(pageErrors).toEqual([]);
  return { page, account: (await page.getByTestId('account').textContent()) as Address, userSWA };
}

/** The page ran under its CSP without a single violation (every script, style and request allowed). */
async function expectNoCspViolation(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual(
    [],
  );
}

/** Funds the account through the page's faucet button; waits for the balances it shows. */
async function getTestFunds(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Get test funds' }).click();
  await expect(page.getByTestId('fund-status')).toHaveText(/^✓ Funded/);
  await expect(page.getByTestId('balances')).toHaveText('1 ETH · 1000 OTUSD on Base Sepolia');
}

/** Clicks `button` and approves the request it makes in the Okto approval window. */
async function clickAndApprove(context: BrowserContext, page: Page, button: string): Promise<void> {
  const opened = nextApprovalWindow(context);
  await page.getByRole('button', { name: button }).click();
  await answerApproval(await opened, 'Approve');
}

test('the demo connects through wagmi, switches network with chainChanged, gets an Okto token, funds and disconnects', async ({
  context,
  popup,
  stack,
}) => {
  const { page, account, userSWA } = await openConnectedDemo(context, popup, stack);
  await page.getByRole('button', { name: 'Switch to Polygon Amoy' }).click();
  await expect(page.getByTestId('switch-status')).toHaveText(`✓ Now on Polygon Amoy (${POLYGON_AMOY}).`);
  await expect(page.getByTestId('chain')).toHaveText(`Polygon Amoy (${POLYGON_AMOY})`);
  await expect(page.getByTestId('events')).toContainText('chainChanged "0x13882"');
  await expect(page.getByTestId('account')).toHaveText(account);
  await page.getByRole('button', { name: 'Switch to Base Sepolia' }).click();
  await expect(page.getByTestId('chain')).toHaveText(`Base Sepolia (${BASE_SEPOLIA})`);
  await expect(page.getByTestId('events')).toContainText('chainChanged "0x14a34"');

  // the site is approved already: the token comes with no second approval
  await page.getByRole('button', { name: 'Get an Okto auth token' }).click();
  await expect(page.getByTestId('token-status')).toContainText(`Got a token for ${userSWA}`);
  await expect(page.getByTestId('verify')).toContainText('"status": 200');
  await expect(page.getByTestId('verify')).toContainText(`"user_swa": "${userSWA}"`);
  await expect(page.getByTestId('wallets')).toContainText('"status": 200');
  // the account wagmi shows is the user's wallet address at Okto
  await expect(page.getByTestId('wallets')).toContainText(`"address": "${account}"`);

  // the faucet and the balances read through the chain's RPC
  await getTestFunds(page);
  const chain = chainClient(stack, BASE_SEPOLIA);
  expect(await chain.getBalance({ address: account })).toBe(parseEther('1'));

  // wagmi's disconnect revokes the site in Okto (wallet_revokePermissions): connecting asks again
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await expect(page.getByTestId('account')).toHaveText('–');
  await expect(page.getByTestId('connect-status')).toContainText('Okto revoked this site');
  // a refusal is shown in words, with its EIP-1193 code
  const opened = nextApprovalWindow(context);
  await page.getByRole('button', { name: 'Connect Okto' }).click();
  await answerApproval(await opened, 'Reject');
  await expect(page.getByTestId('connect-status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('connect-status')).toContainText(/rejected.*\(code 4001\)$/);
  await clickAndApprove(context, page, 'Connect Okto');
  await expect(page.getByTestId('account')).toHaveText(account);
  await expectNoCspViolation(page);
});

test('the demo signs in with Ethereum (EIP-4361) and signs typed data, both verified by viem', async ({
  context,
  popup,
  stack,
}) => {
  const { page, account } = await openConnectedDemo(context, popup, stack);

  await clickAndApprove(context, page, 'Sign in with Ethereum');
  await expect(page.getByTestId('siwe-verified')).toHaveText(/^✓ Signed in/);
  await expect(page.getByTestId('siwe-message')).toContainText(
    `${new URL(demo?.url ?? '').host} wants you to sign in with your Ethereum account:\n${account}`,
  );
  await expect(page.getByTestId('siwe-message')).toContainText(`Chain ID: ${BASE_SEPOLIA}`);
  await expect(page.getByTestId('siwe-signature')).toHaveText(/^0x[0-9a-f]{130}$/);

  await clickAndApprove(context, page, 'Sign typed data');
  await expect(page.getByTestId('typed-verified')).toHaveText(/^✓ Verified/);
  await expect(page.getByTestId('typed-data')).toContainText('"primaryType": "Mail"');
  await expect(page.getByTestId('typed-signature')).toHaveText(/^0x[0-9a-f]{130}$/);
  await expectNoCspViolation(page);
});

test('the demo sends a native and an OTUSD transfer, mined on the local chain, receipts read through its RPC', async ({
  context,
  popup,
  stack,
}) => {
  const { page, account } = await openConnectedDemo(context, popup, stack);
  await getTestFunds(page);
  const recipient = privateKeyToAccount(generatePrivateKey()).address;
  await page.getByLabel('Recipient').fill(recipient);
  const chain = chainClient(stack, BASE_SEPOLIA);

  await clickAndApprove(context, page, 'Send 0.001 native');
  await expect(page.getByTestId('native-receipt')).toHaveText(/^✓ success in block \d+/, { timeout: 30_000 });
  const nativeHash = (await page.getByTestId('native-hash').textContent()) as Hash;
  const nativeReceipt = await chain.getTransactionReceipt({ hash: nativeHash });
  expect(nativeReceipt.status).toBe('success');
  expect(nativeReceipt.from.toLowerCase()).toBe(account.toLowerCase());
  await expect(page.getByTestId('native-receipt')).toContainText(`block ${nativeReceipt.blockNumber}`);
  expect(await chain.getBalance({ address: recipient })).toBe(parseEther('0.001'));

  await clickAndApprove(context, page, 'Send 1 OTUSD');
  await expect(page.getByTestId('erc20-receipt')).toHaveText(/^✓ success in block \d+/, { timeout: 30_000 });
  await expect(page.getByTestId('erc20-receipt')).toContainText('Transfer event: 1000000 base units');
  const tokenHash = (await page.getByTestId('erc20-hash').textContent()) as Hash;
  const tokenReceipt = await chain.getTransactionReceipt({ hash: tokenHash });
  expect(tokenReceipt.status).toBe('success');
  expect(tokenReceipt.to?.toLowerCase()).toBe(TEST_TOKEN.address.toLowerCase());
  await expect(page.getByTestId('erc20-receipt')).toContainText(`block ${tokenReceipt.blockNumber}`);
  const balanceOf = (address: Address) =>
    chain.readContract({
      address: TEST_TOKEN.address,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [address],
    });
  expect(await balanceOf(recipient)).toBe(parseUnits('1', 6));
  await expect(page.getByTestId('balances')).toHaveText('0.999 ETH · 999 OTUSD on Base Sepolia');
  await expectNoCspViolation(page);
});

test('the demo sends approve + transfer as one EIP-5792 batch and shows it confirmed with its receipts', async ({
  context,
  popup,
  stack,
}) => {
  const { page, account } = await openConnectedDemo(context, popup, stack);
  await getTestFunds(page);
  const recipient = privateKeyToAccount(generatePrivateKey()).address;
  await page.getByLabel('Recipient').fill(recipient);
  const chain = chainClient(stack, BASE_SEPOLIA);

  await page.getByRole('button', { name: 'Get capabilities' }).click();
  await expect(page.getByTestId('capabilities')).toContainText(`"${BASE_SEPOLIA}"`);
  await expect(page.getByTestId('capabilities')).toContainText('"atomic"');

  await clickAndApprove(context, page, 'Send approve + transfer');
  await expect(page.getByTestId('batch-id')).not.toHaveText('–');
  await expect(page.getByTestId('batch-status')).toHaveText('✓ Confirmed (status 200): 2 receipts.', {
    timeout: 30_000,
  });
  for (const i of [0, 1]) {
    const line = (await page.getByTestId(`batch-receipt-${i}`).textContent()) ?? '';
    const [hash] = line.split(':') as [Hash];
    const receipt = await chain.getTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(line).toBe(`${hash}: success in block ${receipt.blockNumber}`);
  }
  const allowance = await chain.readContract({
    address: TEST_TOKEN.address,
    abi: erc20Abi,
    functionName: 'allowance',
    args: [account, recipient],
  });
  expect(allowance).toBe(parseUnits('1', 6));
  expect(
    await chain.readContract({
      address: TEST_TOKEN.address,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [recipient],
    }),
  ).toBe(parseUnits('1', 6));
  await expectNoCspViolation(page);
});
