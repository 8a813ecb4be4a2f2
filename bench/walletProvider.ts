import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import { parseEther } from 'viem';
import { startLocalStack } from '../src/cli/localStack.ts';
import {
  buildSignMessageRequest,
  environments,
  nextOrderPollDelay,
  privateKeySigner,
} from '../src/okto/index.ts';
import { nextApprovalWindow, openApprovedDapp, startDappServer } from '../tests/e2e/dappServer.ts';
import { getServiceWorker, launchExtension, makeUserDataDir } from '../tests/e2e/fixtures.ts';
import { configureExtension, openPopup, signInWithEmail } from '../tests/e2e/stack.ts';
import { logIn, prepareUserOp } from '../tests/integration/walletFixtures.ts';
import { median } from './stats.ts';

// What the extension adds to Okto's own work, for a dApp (issue 11), in real Chromium on the local
// stack with its chains:
// 1. personal_sign, from the user's approval to the signature in the page, less Okto's own part (the
//    worker's /signMessage exchange, from the activity log), against okto_requestAuthToken's round trip
//    measured the same way (page.evaluate from node). A node client's /signMessage round trip on the same
//    stack is printed too: the emulator, the companion and the bench share one Node process, so the
//    worker's call waits on a busier event loop than the node client's;
// 2. eth_sendTransaction, from the approval to the hash in the page, against a spec-faithful client's
//    /execute until the order shows the hash, polling on the extension's own schedule (first poll after
//    1 s): the same wait for Okto on both sides, so the ratio is what the extension adds. The emulator's
//    own /execute → SUCCESSFUL time with polls every 5 ms is printed by the wallet section above.

const SAMPLES = 15;
/** The approval queue lets one site prompt 10 times at once, then once every 5 s (approvals.ts). */
const PROMPT_BURST = 10;
const PROMPT_EVERY_MS = 5000;
const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

/** Runs `method` in the page; answers its round trip as node times it, and the result. */
async function timed(page: Page, method: string, params: unknown): Promise<{ ms: number; result: unknown }> {
  const started = performance.now();
  const result = await page.evaluate(
    ({ m, p }) =>
      (window as unknown as { okto: { request(a: unknown): Promise<unknown> } }).okto.request({
        method: m,
        params: p,
      }),
    { m: method, p: params },
  );
  return { ms: performance.now() - started, result };
}

/** Asks `method`, approves it as the Approve button does (`provider/decide`), and times approval → answer. */
async function approvedTime(
  context: import('@playwright/test').BrowserContext,
  page: Page,
  method: string,
  params: unknown,
): Promise<number> {
  const opened = nextApprovalWindow(context);
  const answer = page
    .evaluate(
      ({ m, p }) =>
        (window as unknown as { okto: { request(a: unknown): Promise<unknown> } }).okto.request({
          method: m,
          params: p,
        }),
      { m: method, p: params },
    )
    .then(() => performance.now());
  const approval = await opened;
  const pending = (await approval.evaluate(() =>
    chrome.runtime.sendMessage({ type: 'provider/listPending' }),
  )) as {
    pending: { id: string }[];
  };
  const id = pending.pending[0]?.id;
  if (!id) throw new Error(`${method} did not reach the approval queue`);
  const started = performance.now();
  // The worker closes the window once it is answered, which may cut this evaluate short.
  await approval
    .evaluate((i) => chrome.runtime.sendMessage({ type: 'provider/decide', id: i, approve: true }), id)
    .catch(() => {});
  return (await answer) - started;
}

export async function benchWalletProvider(): Promise<void> {
  const stack = await startLocalStack({ relaxedLimits: true, chains: true });
  const dapps = await startDappServer();
  const context = await launchExtension(makeUserDataDir());
  try {
    const worker = await getServiceWorker(context);
    const extensionId = new URL(worker.url()).host;
    await configureExtension(context, extensionId, stack);
    const popup = await openPopup(context, extensionId);
    await signInWithEmail(popup, stack);
    // One site signs, another sends: each stays within its own prompt budget.
    const dapp = await openApprovedDapp(context, dapps.url('127.0.0.1'));
    const sender = await openApprovedDapp(context, dapps.url('localhost'));
    let prompts = 1; // each site's connection was a prompt
    const paced = async () => {
      if (++prompts > PROMPT_BURST - 1) await new Promise((resolve) => setTimeout(resolve, PROMPT_EVERY_MS));
    };
    const [address] = (await timed(dapp, 'eth_accounts', [])).result as string[];
    await stack.fund({ address: address as string, caip2Id: 'eip155:84532', amount: parseEther('1') });

    // The node client: its own login on the same stack, for Okto's side of each comparison.
    const user = await logIn(stack);
    await stack.fund({ address: user.wallet, caip2Id: 'eip155:84532', amount: parseEther('1') });
    const sign = privateKeySigner(user.sessionKey.privateKey);

    const token: number[] = [];
    const personal: number[] = [];
    const oktoPart: number[] = [];
    const emulatorSign: number[] = [];
    const send: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < SAMPLES + 2; i++) {
      const t = (await timed(dapp, 'okto_requestAuthToken', [])).ms;
      await paced();
      const p = await approvedTime(context, dapp, 'personal_sign', [`bench ${i}`, address]);
      const exchanges = (await worker.evaluate(() => globalThis.__okto.activity())).filter(
        (e) => e.kind === 'okto' && e.url?.endsWith('/signMessage'),
      );
      const o = exchanges.at(-1)?.durationMs ?? 0;
      const body = await buildSignMessageRequest({
        method: 'EIP191',
        message: `bench ${i}`,
        userSWA: user.userSWA,
        sessionPk: user.sessionKey.publicKey,
        ecdsaKeyId: user.userKeys.ecdsaKeyId,
        threshold: environments.local.signMessageThreshold,
        jobId: randomUUID(),
        transactionId: randomUUID(),
        signer: sign,
      });
      const authToken = await user.token();
      const e0 = performance.now();
      await user.okto.signMessage(authToken, body);
      const e = performance.now() - e0;
      const s = await approvedTime(context, sender, 'eth_sendTransaction', [
        { from: address, to: RECIPIENT, value: '0x1' },
      ]);
      const { userOp } = await prepareUserOp(user, {
        intent: 'RAW_TRANSACTION',
        params: {
          caip2Id: 'eip155:84532',
          transactions: [{ from: user.wallet, to: RECIPIENT, data: '0x', value: '0x1' }],
        },
      });
      const d0 = performance.now();
      const { jobId } = await user.okto.execute(await user.token(), userOp);
      for (let attempt = 0; ; attempt++) {
        const delay = nextOrderPollDelay({ attempt, executedAt: d0, now: performance.now() }) ?? 1000;
        await new Promise((resolve) => setTimeout(resolve, delay));
        const order = (await user.okto.getOrders(await user.token(), { intentId: jobId })).items[0];
        if (order && order.downstreamTransactionHash.length > 0) break;
      }
      const d = performance.now() - d0;
      if (i < 2) continue; // warm-up
      token.push(t);
      personal.push(p);
      oktoPart.push(o);
      emulatorSign.push(e);
      send.push(s);
      direct.push(d);
    }
    const signRatio = (median(personal) - median(oktoPart)) / median(token);
    const sendRatio = median(send) / median(direct);
    const rows: [string, string][] = [
      ['okto_requestAuthToken', `median ${median(token).toFixed(1)} ms (page.evaluate round trip from node)`],
      [
        'personal_sign',
        `median ${median(personal).toFixed(1)} ms from approval to the signature in the page`,
      ],
      ['of which Okto', `median ${median(oktoPart).toFixed(1)} ms (the worker's /signMessage exchange)`],
      ['emulator /signMessage', `median ${median(emulatorSign).toFixed(1)} ms (a node client, same stack)`],
      [
        'ratio sign beyond Okto',
        `${signRatio.toFixed(2)}   target ≤ 1.5: ${signRatio <= 1.5 ? 'met' : 'MISSED'}`,
      ],
      ['eth_sendTransaction', `median ${median(send).toFixed(0)} ms from approval to the hash in the page`],
      ['node client', `median ${median(direct).toFixed(0)} ms from /execute to the hash, same poll schedule`],
      ['ratio send/Okto', `${sendRatio.toFixed(2)}   target ≤ 1.2: ${sendRatio <= 1.2 ? 'met' : 'MISSED'}`],
      ['samples', `${SAMPLES} each after 2 warm-up`],
      ['machine', `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`],
    ];
    for (const [label, value] of rows) console.log(`  ${label.padEnd(24)} ${value}`);
  } finally {
    await context.close();
    await dapps.close();
    await stack.close();
  }
}
