import { createPublicClient, http, parseEther, verifyMessage } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginFlow } from '../../src/background/loginFlow.ts';
import { type KeyValueStore, memoryStore, type StoreWrite } from '../../src/background/store.ts';
import { createVault } from '../../src/background/vault.ts';
import { createWallet, type Wallet } from '../../src/background/wallet/index.ts';
import type { JobRecord } from '../../src/background/wallet/jobs.ts';
import { fetchWithReconnect, type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';

// The worker's wallet in node, against the real emulator (real anvil chains) and companion on
// loopback: balances, a send from the popup, message signing, and a job that survives the worker
// being stopped at every step without being sent twice. A "worker restart" is a new LoginFlow and
// wallet over the same store.

let stack: LocalStack;
let counter = 0;
const BASE = 'eip155:84532';
const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

beforeAll(async () => {
  stack = await startLocalStack({ relaxedLimits: true, chains: true });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

function worker(store: KeyValueStore) {
  const flow = new LoginFlow({
    store,
    vault: createVault(store),
    now: () => stack.now(),
    fetch: fetchWithReconnect,
    timeoutMs: 5000,
  });
  const wallet = createWallet({ session: () => flow.session(), store, fetch: fetchWithReconnect });
  return { flow, wallet };
}

async function signedIn(map = new Map<string, unknown>()) {
  const w = worker(memoryStore(map));
  await w.flow.saveSettings(
    { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
    true,
  );
  const email = `wallet-${Date.now()}-${++counter}@example.com`;
  await w.flow.sendCode({ method: 'email', email });
  expect((await w.flow.verifyCode(await stack.latestCode(email))).view.step).toBe('signedIn');
  return { ...w, map };
}

async function finished(wallet: Wallet, id: string): Promise<JobRecord> {
  return wallet.jobs.waitFor(id, (j) => j.state === 'done');
}

const rpcOf = (caip2Id: string) => {
  const chain = stack.chains().find((c) => c.caipId === caip2Id);
  if (!chain) throw new Error(`no chain ${caip2Id}`);
  return createPublicClient({ transport: http(chain.rpcUrl) });
};

describe('the wallet in the worker', () => {
  it("shows the user's networks and the balances the chains hold", async () => {
    const { wallet } = await signedIn();
    const networks = await wallet.networks.list();
    expect(networks.map((n) => n.caip2Id)).toEqual(['eip155:84532', 'eip155:80002']);
    const address = networks[0]?.address as `0x${string}`;
    await stack.fund({ address, caip2Id: BASE, amount: parseEther('0.5').toString() });
    const overview = await wallet.overview({ refresh: true });
    const base = overview.networks.find((n) => n.caip2Id === BASE);
    expect(base?.label).toBe('Base Sepolia');
    expect(base?.tokens.find((t) => t.address === '')).toMatchObject({
      symbol: 'ETH',
      balance: parseEther('0.5').toString(),
    });
    expect(base?.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('sends native tokens as a TOKEN_TRANSFER that reaches SUCCESSFUL, and the balances move', async () => {
    const { wallet } = await signedIn();
    const [base] = await wallet.networks.list();
    if (!base) throw new Error('no network');
    await stack.fund({ address: base.address, caip2Id: BASE, amount: parseEther('1').toString() });
    const client = rpcOf(BASE);
    const before = await client.getBalance({ address: RECIPIENT });
    const job = await wallet.send({
      caip2Id: BASE,
      token: '',
      recipient: RECIPIENT,
      amount: parseEther('0.25'),
    });
    expect(job.title).toBe('Send 0.25 ETH to 0x88be…3eF2');
    const done = await finished(wallet, job.id);
    expect(done).toMatchObject({ outcome: 'succeeded', status: 'SUCCESSFUL' });
    const receipt = await client.getTransactionReceipt({ hash: done.transactionHashes[0] as `0x${string}` });
    expect(receipt.status).toBe('success');
    expect((await client.getBalance({ address: RECIPIENT })) - before).toBe(parseEther('0.25'));
    const activity = await wallet.activity();
    expect(activity[0]).toMatchObject({ id: job.id, outcome: 'succeeded' });
    expect(activity.filter((a) => a.transactionHashes[0] === done.transactionHashes[0])).toHaveLength(1);
  });

  it('a send the chain refuses ends failed with the reason, and nothing is retried behind the user', async () => {
    const { wallet } = await signedIn();
    // An empty wallet cannot pay the value.
    const job = await wallet.send({
      caip2Id: BASE,
      token: '',
      recipient: RECIPIENT,
      amount: parseEther('5'),
    });
    const done = await finished(wallet, job.id);
    expect(done.outcome).toBe('failed');
    expect(done.reason).toBeTruthy();
  });

  it('signs an EIP-191 message through Okto that verifies against the wallet address', async () => {
    const { wallet } = await signedIn();
    const [base] = await wallet.networks.list();
    const signature = await wallet.signMessage('EIP191', 'hello okto');
    expect(
      await verifyMessage({ address: base?.address as `0x${string}`, message: 'hello okto', signature }),
    ).toBe(true);
  });

  it('a job whose worker stops at any write is sent once, and finishes after the restart', async () => {
    const { map, wallet: first } = await signedIn();
    const [base] = await first.networks.list();
    if (!base) throw new Error('no network');
    await stack.fund({ address: base.address, caip2Id: BASE, amount: parseEther('10').toString() });
    const client = rpcOf(BASE);
    for (let killAt = 1; killAt <= 4; killAt++) {
      const before = await client.getBalance({ address: RECIPIENT });
      let writes = 0;
      let dead = false;
      const base0 = memoryStore(map);
      const dying: KeyValueStore = {
        ...base0,
        get: async (k) => {
          if (dead) throw new Error('stopped');
          return base0.get(k);
        },
        write: async (batch: readonly StoreWrite[]) => {
          if (dead) throw new Error('stopped');
          if (batch.some((w) => w.key.startsWith('wallet/job/')) && ++writes === killAt) {
            dead = true; // this write is lost: the worker stopped before it landed
            throw new Error('stopped');
          }
          return base0.write(batch);
        },
      };
      const { wallet } = worker(dying);
      const started = await wallet
        .send({ caip2Id: BASE, token: '', recipient: RECIPIENT, amount: parseEther('0.01') })
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      dead = true;
      // A new worker over what was stored.
      const restarted = worker(memoryStore(map)).wallet;
      await restarted.jobs.resume({ includeStale: true });
      const jobs = (await restarted.jobs.list()).filter((j) => started === undefined || j.id === started.id);
      for (const job of jobs.filter((j) => j.state !== 'done')) await finished(restarted, job.id);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const moved = (await client.getBalance({ address: RECIPIENT })) - before;
      // Sent exactly once, or (if the stop came before anything was stored) not at all.
      expect([0n, parseEther('0.01')]).toContain(moved);
      if (started && writes >= 2) expect(moved).toBe(parseEther('0.01'));
    }
  }, 120_000);
});
