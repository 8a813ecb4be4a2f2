import { randomUUID } from 'node:crypto';
import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hash,
  type Hex,
  type PublicClient,
  parseEther,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { environments, type IntentCall, type Order, toQuantity, userOpHash } from '../../src/okto/index.ts';
import { chainReader, logIn, postAs, sendIntent, type WalletUser, waitForOrder } from './walletFixtures.ts';

// Issue 10's "Done when", end to end over real HTTP: the emulator with its anvil chains and the real
// companion, driven by a spec-faithful client made of src/okto alone (login, networks, gas values,
// callData, the companion's paymasterData, buildUserOp, signUserOp, /execute, /orders polling). Every
// outcome is then read back from the chain itself, with viem, at the rpc_url the emulator lists.

const BASE = 'eip155:84532';
const AMOY = 'eip155:80002';
/** Someone outside the emulator: receives value, holds nothing. */
const STRANGER: Address = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

let stack: LocalStack;
let alice: WalletUser;
let bob: WalletUser;
let base: PublicClient;
let token: Address;

beforeAll(async () => {
  stack = await startLocalStack({ chains: true, relaxedLimits: true });
  [alice, bob] = await Promise.all([logIn(stack), logIn(stack)]);
  base = await chainReader(alice, BASE);
  const tokens = await alice.okto.getSupportedTokens(await alice.token());
  token = getAddress(tokens.find((t) => t.caipId === BASE && t.symbol === 'OTUSD')?.address as string);
  await stack.fund({ address: alice.wallet, caip2Id: BASE, amount: parseEther('10') });
  await stack.fund({ address: alice.wallet, caip2Id: AMOY, amount: parseEther('10') });
  await stack.fund({ address: alice.wallet, caip2Id: BASE, amount: 1_000_000_000n, token });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const raw = (transactions: { to: Address; data?: Hex; value?: bigint }[], caip2Id = BASE): IntentCall => ({
  intent: 'RAW_TRANSACTION',
  params: {
    caip2Id,
    transactions: transactions.map((tx) => ({
      from: alice.wallet,
      to: tx.to,
      data: tx.data ?? '0x',
      value: toQuantity(tx.value ?? 0n),
    })),
  },
});
const transferData = (to: Address, amount: bigint) =>
  encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] });
const tokenBalance = (owner: Address) =>
  base.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });

/** Every downstream hash has a mined receipt on the chain with the expected status; answers them. */
async function receipts(client: PublicClient, order: Order, status: 'success' | 'reverted' = 'success') {
  const found = await Promise.all(
    order.downstreamTransactionHash.map((hash) => client.getTransactionReceipt({ hash: hash as Hash })),
  );
  for (const receipt of found) expect(receipt.status).toBe(status);
  return found;
}

describe('orders that succeed on the local chain', () => {
  it('a native transfer (RAW_TRANSACTION) moves the value from the /wallets address, gas-free, with a receipt', async () => {
    const before = {
      alice: await base.getBalance({ address: alice.wallet }),
      stranger: await base.getBalance({ address: STRANGER }),
    };
    const { jobId, userOp } = await sendIntent(alice, raw([{ to: STRANGER, value: 1_000_000_000_000n }]));
    const order = await waitForOrder(alice, jobId);
    expect(order).toMatchObject({
      intentId: jobId,
      intentType: 'RAW_TRANSACTION',
      status: 'SUCCESSFUL',
      reason: '',
      networkName: 'OKTO_SANDBOX',
      caipId: 'eip155:1802466136',
      transactionHash: [
        userOpHash(userOp, {
          entryPoint: environments.local.entryPoint,
          chainId: environments.local.chainId,
        }),
      ],
    });
    expect(order.downstreamTransactionHash).toHaveLength(1);
    const [receipt] = await receipts(base, order);
    expect(getAddress(receipt.from)).toBe(alice.wallet);
    expect(receipt.to && getAddress(receipt.to)).toBe(STRANGER);
    expect(receipt.effectiveGasPrice).toBe(0n);
    expect(await base.getBalance({ address: STRANGER })).toBe(before.stranger + 1_000_000_000_000n);
    expect(await base.getBalance({ address: alice.wallet })).toBe(before.alice - 1_000_000_000_000n);
  });

  it('an ERC-20 transfer (RAW_TRANSACTION calling the test token) moves the tokens', async () => {
    const before = await tokenBalance(bob.wallet);
    const { jobId } = await sendIntent(
      alice,
      raw([{ to: token, data: transferData(bob.wallet, 2_500_000n) }]),
    );
    const order = await waitForOrder(alice, jobId);
    expect(order.status).toBe('SUCCESSFUL');
    const [receipt] = await receipts(base, order);
    expect(receipt.logs).toHaveLength(1);
    expect(await tokenBalance(bob.wallet)).toBe(before + 2_500_000n);
  });

  it('TOKEN_TRANSFER of the native currency and of the token reach SUCCESSFUL, details echoing the intent', async () => {
    const nativeBefore = await base.getBalance({ address: bob.wallet });
    const tokenBefore = await tokenBalance(bob.wallet);
    const native = await sendIntent(alice, {
      intent: 'TOKEN_TRANSFER',
      params: { caip2Id: BASE, recipientWalletAddress: bob.wallet, tokenAddress: '', amount: 12_345n },
    });
    const erc20 = await sendIntent(alice, {
      intent: 'TOKEN_TRANSFER',
      params: {
        caip2Id: BASE,
        recipientWalletAddress: bob.wallet.toLowerCase(),
        tokenAddress: token,
        amount: 7n,
      },
    });
    const [nativeOrder, tokenOrder] = await Promise.all([
      waitForOrder(alice, native.jobId),
      waitForOrder(alice, erc20.jobId),
    ]);
    expect(nativeOrder.status).toBe('SUCCESSFUL');
    expect(tokenOrder.status).toBe('SUCCESSFUL');
    await receipts(base, nativeOrder);
    await receipts(base, tokenOrder);
    expect(nativeOrder.details).toEqual({
      caip2Id: BASE,
      networkId: BASE,
      recipientWalletAddress: bob.wallet,
      tokenAddress: '',
      amount: '12345',
    });
    expect(tokenOrder.details).toEqual({
      caip2Id: BASE,
      networkId: BASE,
      recipientWalletAddress: bob.wallet.toLowerCase(),
      tokenAddress: token,
      amount: '7',
    });
    expect(await base.getBalance({ address: bob.wallet })).toBe(nativeBefore + 12_345n);
    expect(await tokenBalance(bob.wallet)).toBe(tokenBefore + 7n);
  });

  it('a two-call RAW_TRANSACTION (approve, then transferFrom spending it) runs both in order', async () => {
    const before = await tokenBalance(STRANGER);
    const approve = encodeFunctionData({
      abi: erc20Abi,
      functionName: 'approve',
      args: [alice.wallet, 300n],
    });
    const transferFrom = encodeFunctionData({
      abi: erc20Abi,
      functionName: 'transferFrom',
      args: [alice.wallet, STRANGER, 300n],
    });
    const { jobId } = await sendIntent(
      alice,
      raw([
        { to: token, data: approve },
        { to: token, data: transferFrom },
      ]),
    );
    const order = await waitForOrder(alice, jobId);
    expect(order.status).toBe('SUCCESSFUL');
    expect(order.downstreamTransactionHash).toHaveLength(2);
    const [first, second] = await receipts(base, order);
    expect(first.blockNumber).toBeLessThan(second.blockNumber);
    expect(order.details.transactions).toEqual([
      [
        { Key: 'from', Value: alice.wallet },
        { Key: 'to', Value: token },
        { Key: 'data', Value: approve },
        { Key: 'value', Value: '0x0' },
      ],
      [
        { Key: 'from', Value: alice.wallet },
        { Key: 'to', Value: token },
        { Key: 'data', Value: transferFrom },
        { Key: 'value', Value: '0x0' },
      ],
    ]);
    expect(await tokenBalance(STRANGER)).toBe(before + 300n);
    expect(
      await base.readContract({
        address: token,
        abi: erc20Abi,
        functionName: 'allowance',
        args: [alice.wallet, alice.wallet],
      }),
    ).toBe(0n);
  });

  it('runs on the chain the intent names (Polygon Amoy too)', async () => {
    const amoy = await chainReader(alice, AMOY);
    const before = await amoy.getBalance({ address: STRANGER });
    const { jobId } = await sendIntent(alice, raw([{ to: STRANGER, value: 5n }], AMOY));
    const order = await waitForOrder(alice, jobId);
    expect(order.status).toBe('SUCCESSFUL');
    await receipts(amoy, order);
    expect(await amoy.getBalance({ address: STRANGER })).toBe(before + 5n);
  });

  it('several jobs at once, from two users on two chains, all succeed with distinct on-chain nonces', async () => {
    await stack.fund({ address: bob.wallet, caip2Id: BASE, amount: parseEther('1') });
    const before = await base.getBalance({ address: STRANGER });
    const bobRaw = (value: bigint): IntentCall => ({
      intent: 'RAW_TRANSACTION',
      params: {
        caip2Id: BASE,
        transactions: [{ from: bob.wallet, to: STRANGER, data: '0x', value: toQuantity(value) }],
      },
    });
    const sent = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        sendIntent(alice, raw([{ to: STRANGER, value: BigInt(i + 1) }])),
      ),
      ...Array.from({ length: 4 }, (_, i) => sendIntent(bob, bobRaw(BigInt(100 + i)))),
      ...Array.from({ length: 3 }, () => sendIntent(alice, raw([{ to: STRANGER, value: 1n }], AMOY))),
      sendIntent(
        alice,
        raw([
          { to: token, data: transferData(STRANGER, 1n) },
          { to: STRANGER, value: 50n },
        ]),
      ),
    ]);
    const orders = await Promise.all(
      sent.map(({ jobId }, i) => waitForOrder(i >= 6 && i < 10 ? bob : alice, jobId)),
    );
    for (const order of orders) expect(order.status, order.reason).toBe('SUCCESSFUL');
    const baseHashes = orders
      .filter((o) => o.details.caip2Id === BASE)
      .flatMap((o) => o.downstreamTransactionHash);
    const transactions = await Promise.all(
      baseHashes.map((hash) => base.getTransaction({ hash: hash as Hash })),
    );
    const nonces = transactions.map((tx) => `${tx.from}:${tx.nonce}`);
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(await base.getBalance({ address: STRANGER })).toBe(before + 21n + 406n + 50n);
  });
});

describe('orders that fail', () => {
  it('a reverting call ends FAILED_ON_CHAIN "execution reverted", mined with status 0, and later calls are not sent', async () => {
    const strangerBefore = await base.getBalance({ address: STRANGER });
    const { jobId } = await sendIntent(
      alice,
      raw([
        { to: token, data: transferData(STRANGER, 10n ** 30n) },
        { to: STRANGER, value: 1n },
      ]),
    );
    const order = await waitForOrder(alice, jobId);
    expect(order).toMatchObject({ status: 'FAILED_ON_CHAIN', reason: 'execution reverted' });
    expect(order.downstreamTransactionHash).toHaveLength(1);
    const [receipt] = await receipts(base, order, 'reverted');
    expect(receipt.gasUsed).toBeGreaterThan(0n);
    expect(await base.getBalance({ address: STRANGER })).toBe(strangerBefore);
  });

  it('a transaction the node refuses (more value than the wallet holds) ends FAILED with the node message', async () => {
    const poor = await logIn(stack);
    const { jobId } = await sendIntent(poor, {
      intent: 'TOKEN_TRANSFER',
      params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1n },
    });
    const order = await waitForOrder(poor, jobId);
    expect(order.status).toBe('FAILED');
    expect(order.reason).toMatch(/insufficient funds/i);
    expect(order.downstreamTransactionHash).toEqual([]);
  });

  it('a TOKEN_TRANSFER or NFT_TRANSFER whose contract has no code ends FAILED "no contract at <address>"', async () => {
    const nowhere = getAddress(`0x${'ab'.repeat(20)}`);
    const blockBefore = await base.getBlockNumber();
    const tokenJob = await sendIntent(alice, {
      intent: 'TOKEN_TRANSFER',
      params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: nowhere, amount: 1n },
    });
    const nftJob = await sendIntent(alice, {
      intent: 'NFT_TRANSFER',
      params: {
        caip2Id: BASE,
        nftId: '7',
        recipientWalletAddress: STRANGER,
        collectionAddress: nowhere,
        nftType: 'ERC721',
        amount: 1n,
      },
    });
    for (const job of [tokenJob, nftJob]) {
      const order = await waitForOrder(alice, job.jobId);
      expect(order).toMatchObject({ status: 'FAILED', reason: `no contract at ${nowhere}` });
      expect(order.downstreamTransactionHash).toEqual([]);
    }
    expect(await base.getBlockNumber()).toBe(blockBefore);
  });

  it('an NFT_TRANSFER on a contract without safeTransferFrom is sent and reverts', async () => {
    const { jobId } = await sendIntent(alice, {
      intent: 'NFT_TRANSFER',
      params: {
        caip2Id: BASE,
        nftId: '3',
        recipientWalletAddress: STRANGER,
        collectionAddress: token,
        nftType: 'ERC1155',
        amount: 2n,
      },
    });
    const order = await waitForOrder(alice, jobId);
    expect(order).toMatchObject({ status: 'FAILED_ON_CHAIN', reason: 'execution reverted' });
    await receipts(base, order, 'reverted');
  });

  for (const status of ['BUNDLER_DISCARDED', 'EXPIRED', 'FAILED'] as const)
    it(`fail-next ${status}: the next order goes INITIATED → IN_PROGRESS → ${status}, "forced by test", chain untouched`, async () => {
      const forced = await postAs(undefined, stack, '/__emulator/orders/fail-next', { status });
      expect(forced.status).toBe(200);
      expect(forced.json).toEqual({ status: 'success', data: {} });
      const blockBefore = await base.getBlockNumber();
      const balanceBefore = await base.getBalance({ address: alice.wallet });
      const { jobId } = await sendIntent(alice, raw([{ to: STRANGER, value: 1n }]));
      const order = await waitForOrder(alice, jobId);
      expect(order).toMatchObject({
        status,
        reason: 'forced by test',
        transactionHash: [],
        downstreamTransactionHash: [],
      });
      expect(await base.getBlockNumber()).toBe(blockBefore);
      expect(await base.getBalance({ address: alice.wallet })).toBe(balanceBefore);
      const all = (await (await fetch(`${stack.emulatorUrl}/__emulator/orders`)).json()) as {
        intentId: string;
        history: { status: string }[];
      }[];
      expect(all.find((o) => o.intentId === jobId)?.history.map((h) => h.status)).toEqual([
        'INITIATED',
        'IN_PROGRESS',
        status,
      ]);
      // Only the next one: the order after it runs normally.
      const next = await sendIntent(alice, raw([{ to: STRANGER, value: 1n }]));
      expect((await waitForOrder(alice, next.jobId)).status).toBe('SUCCESSFUL');
    });
});

describe('POST /__emulator/orders/fail-next', () => {
  it('refuses anything but one of the three statuses, naming the problem', async () => {
    const cases: [unknown, string][] = [
      [{ status: 'SUCCESSFUL' }, 'status must be one of BUNDLER_DISCARDED, EXPIRED, FAILED'],
      [{ status: 1 }, 'status must be one of BUNDLER_DISCARDED, EXPIRED, FAILED'],
      [{}, 'status is required'],
      [{ status: 'FAILED', extra: true }, 'extra is not an accepted field'],
      [['FAILED'], 'the body must be a JSON object'],
      ['{', 'the body is not valid JSON'],
    ];
    for (const [body, details] of cases) {
      const answer = await postAs(undefined, stack, '/__emulator/orders/fail-next', body);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.json).toMatchObject({ status: 'error', error: { code: 400, details } });
    }
    // Nothing was armed: the next order runs.
    const { jobId } = await sendIntent(alice, raw([{ to: STRANGER, value: 1n }]));
    expect((await waitForOrder(alice, jobId)).status).toBe('SUCCESSFUL');
  });
});

describe('GET /orders', () => {
  it('answers the caller’s orders newest first, filtered and paged, with count = all matches', async () => {
    const carol = await logIn(stack);
    await stack.fund({ address: carol.wallet, caip2Id: BASE, amount: parseEther('1') });
    const send = (value: bigint) =>
      sendIntent(carol, {
        intent: 'TOKEN_TRANSFER',
        params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: value },
      });
    const jobs: string[] = [];
    for (const value of [1n, 2n, 3n]) {
      const { jobId } = await send(value);
      await waitForOrder(carol, jobId);
      jobs.push(jobId);
    }
    const { jobId: rawJob } = await sendIntent(carol, {
      intent: 'RAW_TRANSACTION',
      params: {
        caip2Id: BASE,
        transactions: [{ from: carol.wallet, to: STRANGER, data: '0x', value: '0x4' }],
      },
    });
    await waitForOrder(carol, rawJob);
    const token_ = await carol.token();
    const all = await carol.okto.getOrders(token_);
    expect(all.count).toBe(4);
    expect(all.items.map((o) => o.intentId)).toEqual([rawJob, ...[...jobs].reverse()]);
    for (const order of all.items) {
      expect(order.blockTimestamp).toBeGreaterThan(1e12);
      expect(Math.abs(order.blockTimestamp - stack.now())).toBeLessThan(120_000);
    }
    expect((await carol.okto.getOrders(token_, { intentType: 'TOKEN_TRANSFER' })).count).toBe(3);
    expect((await carol.okto.getOrders(token_, { status: 'SUCCESSFUL' })).count).toBe(4);
    expect((await carol.okto.getOrders(token_, { status: 'FAILED' })).items).toEqual([]);
    const page = await carol.okto.getOrders(token_, { page: 2, size: 3 });
    expect(page.count).toBe(4);
    expect(page.items.map((o) => o.intentId)).toEqual([jobs[0]]);
    // Another user's jobs are not the caller's.
    expect(await alice.okto.getOrders(await alice.token(), { intentId: jobs[0] })).toEqual({
      count: 0,
      items: [],
    });

    // The wire keys, exactly.
    const response = await fetch(`${stack.emulatorUrl}/api/oc/v1/orders?intent_id=${jobs[1].toUpperCase()}`, {
      headers: { Authorization: `Bearer ${await carol.token()}` },
    });
    const body = (await response.json()) as { status: string; data: { count: number; items: object[] } };
    expect(body.data.count).toBe(1);
    expect(Object.keys(body.data.items[0])).toEqual([
      'downstream_transaction_hash',
      'transaction_hash',
      'status',
      'intent_id',
      'intent_type',
      'network_name',
      'caip_id',
      'details',
      'reason',
      'block_timestamp',
    ]);
  });

  it('an unknown intent_id answers {"count":0,"items":[]}; a bad page or size is a 400 naming it', async () => {
    const get = async (query: string) => {
      const response = await fetch(`${stack.emulatorUrl}/api/oc/v1/orders?${query}`, {
        headers: { Authorization: `Bearer ${await alice.token()}` },
      });
      return {
        status: response.status,
        json: (await response.json()) as { data?: unknown; error?: { details: string } },
      };
    };
    expect(await get(`intent_id=${randomUUID()}`)).toEqual({
      status: 200,
      json: { status: 'success', data: { count: 0, items: [] } },
    });
    for (const [query, name] of [
      ['page=0', 'page'],
      ['size=-1', 'size'],
      ['page=1e3', 'page'],
      ['size=99999999999999999999', 'size'],
    ]) {
      const answer = await get(query);
      expect(answer.status).toBe(400);
      expect(answer.json.error?.details).toBe(`${name} must be a positive integer`);
    }
    const unauthenticated = await fetch(`${stack.emulatorUrl}/api/oc/v1/orders`);
    expect(unauthenticated.status).toBe(401);
  });
});

describe('activity shows both sides of an order', () => {
  it('the sender sees a WITHDRAWAL, the recipient a DEPOSIT, for native value and for the token', async () => {
    const dave = await logIn(stack);
    const native = await sendIntent(alice, {
      intent: 'TOKEN_TRANSFER',
      params: {
        caip2Id: BASE,
        recipientWalletAddress: dave.wallet,
        tokenAddress: '',
        amount: parseEther('0.25'),
      },
    });
    const erc20 = await sendIntent(alice, raw([{ to: token, data: transferData(dave.wallet, 1_500_000n) }]));
    const [nativeOrder, tokenOrder] = await Promise.all([
      waitForOrder(alice, native.jobId),
      waitForOrder(alice, erc20.jobId),
    ]);
    const nativeHash = nativeOrder.downstreamTransactionHash[0];
    const tokenHash = tokenOrder.downstreamTransactionHash[0];

    const sent = await alice.okto.getPortfolioActivity(await alice.token(), { size: 100 });
    const withdrawals = sent.activity.filter((a) => a.txHash === nativeHash || a.txHash === tokenHash);
    expect(withdrawals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          transferType: 'WITHDRAWAL',
          symbol: 'ETH',
          amount: '0.250000000000000000',
          txHash: nativeHash,
          caipId: BASE,
        }),
        expect.objectContaining({
          transferType: 'WITHDRAWAL',
          symbol: 'OTUSD',
          amount: '1.500000000000000000',
          txHash: tokenHash,
        }),
      ]),
    );
    expect(withdrawals).toHaveLength(2);

    const received = await dave.okto.getPortfolioActivity(await dave.token());
    expect(received.activity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          transferType: 'DEPOSIT',
          symbol: 'ETH',
          amount: '0.250000000000000000',
          txHash: nativeHash,
        }),
        expect.objectContaining({
          transferType: 'DEPOSIT',
          symbol: 'OTUSD',
          amount: '1.500000000000000000',
          txHash: tokenHash,
        }),
      ]),
    );
    expect(received.count).toBe(2);
  });

  it('a failed order leaves no WITHDRAWAL', async () => {
    const { jobId } = await sendIntent(alice, raw([{ to: token, data: transferData(STRANGER, 10n ** 30n) }]));
    const order = await waitForOrder(alice, jobId);
    const activity = await alice.okto.getPortfolioActivity(await alice.token(), { size: 100 });
    expect(activity.activity.filter((a) => a.txHash === order.downstreamTransactionHash[0])).toEqual([]);
  });
});

describe('the inbox page’s Activity view', () => {
  it('is served under the strict CSP, lists every job at /__emulator/orders and hears each change on /__emulator/events', async () => {
    const page = await fetch(`${stack.emulatorUrl}/__emulator/inbox`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'; script-src 'nonce-[0-9a-f]{32}'/);
    expect(csp).not.toMatch(/unsafe/);
    const html = await page.text();
    expect(html).toContain('Activity');
    expect(html).toContain("fetch('/__emulator/orders'");

    const controller = new AbortController();
    const events = await fetch(`${stack.emulatorUrl}/__emulator/events`, { signal: controller.signal });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const { jobId } = await sendIntent(alice, raw([{ to: STRANGER, value: 1n }]));
    while (!seen.includes(`"intentId":"${jobId}","status":"SUCCESSFUL"`)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value);
    }
    controller.abort();
    expect(seen).toContain(`event: order\ndata: {"intentId":"${jobId}","status":"INITIATED"}`);
    expect(seen).toContain(`{"intentId":"${jobId}","status":"IN_PROGRESS"}`);

    const listed = (await (await fetch(`${stack.emulatorUrl}/__emulator/orders`)).json()) as Record<
      string,
      unknown
    >[];
    expect(listed[0]).toMatchObject({
      intentId: jobId,
      status: 'SUCCESSFUL',
      caip2Id: BASE,
      networkName: 'BASE_TESTNET',
      contact: alice.email,
      wallet: alice.wallet,
      userSWA: alice.userSWA,
    });
    expect(listed[0].downstreamTransactionHash).toHaveLength(1);
  });
});

describe('an emulator without chains', () => {
  it('accepts a valid UserOp and fails the order, saying there is no chain', async () => {
    const bare = await startLocalStack({ chains: false, relaxedLimits: true });
    try {
      const user = await logIn(bare);
      const { jobId } = await sendIntent(user, {
        intent: 'TOKEN_TRANSFER',
        params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1n },
      });
      expect(await waitForOrder(user, jobId)).toMatchObject({
        status: 'FAILED',
        reason: `no local chain for ${BASE}: the emulator runs without chains`,
        downstreamTransactionHash: [],
      });
    } finally {
      await bare.close();
    }
  });
});
