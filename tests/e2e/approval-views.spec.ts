import type { Page } from '@playwright/test';
import { encodeFunctionData, erc20Abi, maxUint256 } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import type {
  CallSummary,
  ChainSummary,
  PendingRequestKind,
  PendingRequestPayloads,
  PendingRequestView,
} from '../../src/messages/provider.ts';
import { expect, screenshotPath, test } from './fixtures.ts';

// The approval window's views for signing and sending, one per kind, in real Chromium. The page talks
// to a stand-in for the worker's queue (its runtime messages are answered in the page), so each view is
// shown with exactly the request a test gives it; the worker's queue itself is tested in approvals.spec.

const ACCOUNT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const SPENDER = '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6';
const TOKEN = '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC';
const ORIGIN = 'https://app.example.com';

const chain: ChainSummary = {
  caip2Id: 'eip155:84532',
  chainId: 84532,
  label: 'Base Sepolia',
  logo: '',
  sponsored: true,
  nativeSymbol: 'ETH',
  nativeDecimals: 18,
  tokens: [{ address: TOKEN, symbol: 'OTUSD', decimals: 6 }],
};

let counter = 0;
function pending<K extends PendingRequestKind>(
  kind: K,
  payload: PendingRequestPayloads[K],
): PendingRequestView {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    kind,
    origin: ORIGIN,
    site: 'example.com',
    embeddedIn: [],
    createdAt: Date.now(),
    payload,
  } as PendingRequestView;
}

const call = (to: string, data: `0x${string}`, value = '0'): CallSummary =>
  ({ from: ACCOUNT, to, value, data }) as CallSummary;

/** Opens approval.html with `queue` as the worker's queue; `provider/decide` answers are recorded. */
async function openWithQueue(page: Page, extensionId: string, queue: PendingRequestView[]): Promise<void> {
  await page.setViewportSize({ width: 360, height: 600 });
  await page.addInitScript((initial: PendingRequestView[]) => {
    const state = { queue: initial, decided: [] as unknown[] };
    Object.assign(window, { approvalStub: state });
    const answer = (message: { type?: string; id?: string }) => {
      if (message.type === 'provider/listPending') return { ok: true, pending: state.queue };
      if (message.type === 'provider/decide') {
        state.decided.push(message);
        state.queue = state.queue.filter((r) => r.id !== message.id);
        return { ok: true };
      }
      return { ok: false, error: { code: 'stub', message: `not stubbed: ${message.type}` } };
    };
    // Chromium's own promise-based `browser` (which the polyfill then uses) shares this function.
    chrome.runtime.sendMessage = ((message: { type?: string }, callback?: (reply: unknown) => void) => {
      const reply = new Promise((resolve) => setTimeout(() => resolve(answer(message)), 0));
      if (callback) void reply.then(callback);
      else return reply;
    }) as typeof chrome.runtime.sendMessage;
  }, queue);
  await page.goto(`chrome-extension://${extensionId}/approval.html`);
}

const decided = (page: Page) =>
  page.evaluate(() => (window as unknown as { approvalStub: { decided: unknown[] } }).approvalStub.decided);

test('a sign-in message for another site shows its fields and a loud warning', async ({
  context,
  extensionId,
}) => {
  const page = await context.newPage();
  const text = createSiweMessage({
    address: ACCOUNT,
    chainId: 84532,
    domain: 'bank.example',
    nonce: 'n0nce1234',
    uri: 'https://bank.example/login',
    version: '1',
    statement: 'Sign in to Bank.',
    issuedAt: new Date(),
  });
  await openWithQueue(page, extensionId, [pending('message', { chain, account: ACCOUNT, text })]);
  await expect(page.getByText('Signature request')).toBeVisible();
  await expect(page.getByTestId('approval-network')).toContainText('Base Sepolia');
  await expect(page.getByTestId('message-text')).toHaveText(text);
  const details = page.getByRole('definition');
  await expect(details.filter({ hasText: 'bank.example' }).first()).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(
    'This sign-in is for bank.example, but app.example.com is asking',
  );
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveAttribute('data-armed', 'true');
  await page.screenshot({ path: screenshotPath('approval-siwe') });
});

test('a message with characters that do not show marks them, and a hash is called out', async ({
  context,
  extensionId,
}) => {
  const page = await context.newPage();
  const hidden = pending('message', { chain, account: ACCOUNT, text: 'Pay 1\u202E0 OTUSD' });
  const hash = pending('message', { chain, account: ACCOUNT, text: `0x${'ab'.repeat(32)}` });
  await openWithQueue(page, extensionId, [hidden, hash]);
  await expect(page.getByTestId('message-text').locator('mark')).toHaveText('U+202E');
  await expect(page.getByRole('alert')).toContainText('characters that do not show (U+202E)');
  await page.getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByTestId('message-text')).toHaveText(`0x${'ab'.repeat(32)}`);
  await expect(page.getByRole('alert')).toContainText('looks like a hash');
  expect(await decided(page)).toEqual([{ type: 'provider/decide', id: hidden.id, approve: false }]);
});

test('typed data shows the domain, the message tree and an unlimited-permit warning', async ({
  context,
  extensionId,
}) => {
  const page = await context.newPage();
  const request = pending('typedData', {
    chain,
    account: ACCOUNT,
    primaryType: 'Permit',
    domain: { name: 'Okto Test USD', version: '1', chainId: 84532, verifyingContract: TOKEN },
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    message: {
      owner: ACCOUNT,
      spender: SPENDER,
      value: maxUint256.toString(),
      nonce: 0,
      deadline: 1_900_000_000,
    },
  });
  await openWithQueue(page, extensionId, [request]);
  await expect(page.getByText('Typed data signature')).toBeVisible();
  const domain = page.getByRole('definition');
  await expect(domain.filter({ hasText: 'Okto Test USD' })).toBeVisible();
  await expect(domain.filter({ hasText: `${TOKEN} (OTUSD)` })).toBeVisible();
  const tree = page.getByTestId('typed-message');
  await expect(tree).toContainText('spender');
  await expect(tree).toContainText(SPENDER);
  await expect(tree).toContainText('uint256');
  await expect(tree).toContainText('unlimited');
  const alerts = page.getByRole('alert');
  await expect(alerts.first()).toContainText(
    'Permit (EIP-2612): lets 0x8aaf…B8F6 spend an unlimited amount of OTUSD',
  );
  await expect(alerts.nth(1)).toContainText('Unlimited amount (value)');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveAttribute('data-armed', 'true');
  await page.screenshot({ path: screenshotPath('approval-permit') });
});

test('a transaction shows the decoded token call, an unlimited approve, and who pays the gas', async ({
  context,
  extensionId,
}) => {
  const page = await context.newPage();
  const approve = pending('transaction', {
    chain,
    call: call(
      TOKEN,
      encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [SPENDER, maxUint256] }),
    ),
  });
  const transfer = pending('transaction', {
    chain,
    call: call(
      TOKEN,
      encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [SPENDER, 1_500_000n] }),
    ),
  });
  const unknown = pending('transaction', {
    chain,
    call: call(SPENDER, '0xdeadbeef00000001', '10000000000000000'),
  });
  await openWithQueue(page, extensionId, [approve, transfer, unknown]);
  await expect(page.getByTestId('call-title')).toHaveText('Allow 0x8aaf…B8F6 to spend unlimited OTUSD');
  await expect(page.getByRole('alert')).toContainText('Unlimited approval');
  await expect(page.getByText('Gas paid by Okto')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveAttribute('data-armed', 'true');
  await page.screenshot({ path: screenshotPath('approval-approve') });

  await page.getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByTestId('call-title')).toHaveText('Send 1.5 OTUSD');
  await expect(page.getByRole('definition').filter({ hasText: SPENDER })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('raw-data')).toBeHidden(); // collapsed for a call the wallet reads

  await page.getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByTestId('call-title')).toHaveText('Contract call');
  await expect(page.getByRole('definition').filter({ hasText: '0xdeadbeef' }).first()).toBeVisible();
  await expect(page.getByTestId('raw-data')).toHaveText('0xdeadbeef00000001'); // open for one it cannot read
  await expect(page.getByText('0.01 ETH')).toBeVisible();
});

test('a batch lists each call and says they run together; Approve answers only once armed', async ({
  context,
  extensionId,
}) => {
  const page = await context.newPage();
  const batch = pending('calls', {
    chain,
    calls: [
      call(
        TOKEN,
        encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [SPENDER, 2_000_000n] }),
      ),
      call(SPENDER, '0x12345678', '1000000000000000'),
    ],
  });
  const next = pending('transaction', { chain, call: call(SPENDER, '0x', '1') });
  await openWithQueue(page, extensionId, [batch, next]);
  await expect(page.getByText('Batch of calls')).toBeVisible();
  await expect(page.getByTestId('atomic-notice')).toHaveText(
    'All 2 calls run together: if one fails, none happens.',
  );
  await expect(page.getByTestId('call-title')).toHaveText([
    'Allow 0x8aaf…B8F6 to spend 2 OTUSD',
    'Contract call',
  ]);
  await expect(page.getByText('Call 2 of 2')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveAttribute('data-armed', 'true');
  await page.screenshot({ path: screenshotPath('approval-calls') });

  // The harmless answer holds the focus; Approve acts once the window has been still for 500 ms.
  await expect(page.getByRole('button', { name: 'Reject' })).toBeFocused();
  const approve = page.getByRole('button', { name: 'Approve' });
  await expect(approve).toHaveAttribute('data-armed', 'true');
  await approve.click();
  await expect(page.getByText('Transaction request')).toBeVisible();
  await expect(page.getByTestId('call-title')).toHaveText('Send 0.000000000000000001 ETH');
  expect(await decided(page)).toEqual([{ type: 'provider/decide', id: batch.id, approve: true }]);
});
