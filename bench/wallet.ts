import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { type Address, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startLocalStack } from '../src/cli/localStack.ts';
import { EMULATOR_GAS_VALUES } from '../src/emulator/reads.ts';
import {
  buildUserOp,
  createSessionKey,
  encodeIntentCallData,
  environments,
  isTerminalOrderStatus,
  privateKeySigner,
  signUserOp,
  userOpHash,
} from '../src/okto/index.ts';
import { TEST_CLIENT_SWA } from '../src/okto/testing/vectors.ts';
import { logIn, prepareUserOp } from '../tests/integration/walletFixtures.ts';
import { median, percentile } from './stats.ts';

// The wallet's two costs the next issue (the extension sending UserOps) compares itself with:
// 1. building and signing a UserOp (src/okto: buildUserOp + signUserOp, hash included) against raw
//    signing of the same hash, in one process, alternating rounds so that drift hits both alike;
// 2. the time from `POST /execute` to the order reading SUCCESSFUL on the local chain (emulator with
//    its anvils and the real companion), polled every 5 ms, and the emulator's own part of it (the
//    order's INITIATED → SUCCESSFUL history).

export type BenchWalletParameters = {
  /** Length of each signing round. */
  roundMs?: number;
  rounds?: number;
  /** Orders timed end to end (at least 15). */
  orders?: number;
};

const STRANGER: Address = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

/** Runs both measurements and prints them; resolves with the figures. */
export async function benchWallet(p: BenchWalletParameters = {}) {
  const signing = await benchSigning(p.roundMs ?? 500, p.rounds ?? 6);
  const orders = await benchOrders(Math.max(15, p.orders ?? 20));
  const rows: [string, string][] = [
    ['UserOp build+sign/s', signing.buildSignPerSecond.toFixed(0)],
    ['raw sign of the hash/s', signing.rawPerSecond.toFixed(0)],
    ['ratio build+sign/raw', signing.ratio.toFixed(2)],
    [
      '/execute → SUCCESSFUL',
      `median ${median(orders.endToEnd).toFixed(1)} ms, p90 ${percentile(orders.endToEnd, 90).toFixed(1)} ms (polled every 5 ms)`,
    ],
    [
      'of which in the emulator',
      `median ${median(orders.inEmulator).toFixed(1)} ms (INITIATED → SUCCESSFUL in the order's history)`,
    ],
    ['/execute answer', `median ${median(orders.executeAnswer).toFixed(1)} ms (checks + order created)`],
    [
      'samples',
      `${orders.endToEnd.length} orders (native RAW_TRANSACTION on eip155:84532), ${orders.failed} failed`,
    ],
    ['machine', `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`],
  ];
  for (const [label, value] of rows) console.log(`  ${label.padEnd(26)} ${value}`);
  return { ...signing, orders };
}

/** UserOps built and signed per second vs raw `personal_sign`s of the same hash per second. */
async function benchSigning(roundMs: number, rounds: number) {
  const session = createSessionKey();
  const account = privateKeyToAccount(session.privateKey);
  const signer = privateKeySigner(session.privateKey);
  const jobId = randomUUID();
  const sender = '0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD';
  const callData = encodeIntentCallData({
    intent: 'TOKEN_TRANSFER',
    params: { caip2Id: 'eip155:84532', recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1n },
    jobId,
    clientSWA: TEST_CLIENT_SWA,
    userSWA: sender,
    policy: { gsnEnabled: false, sponsorshipEnabled: true },
    environment: 'local',
  });
  const paymasterData = `0x${'00'.repeat(256)}` as const;
  const build = () =>
    buildUserOp({
      sender,
      nonce: jobId,
      callData,
      paymasterData,
      gas: EMULATOR_GAS_VALUES,
      environment: 'local',
    });
  const hash = userOpHash(build(), {
    entryPoint: environments.local.entryPoint,
    chainId: environments.local.chainId,
  });

  // Both are synchronous under their promise (viem signs with noble in-thread); await keeps them honest.
  const timeRound = async (work: () => Promise<unknown>) => {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < roundMs) {
      await work();
      count++;
    }
    return (count * 1000) / (performance.now() - started);
  };
  const buildSign = () => signUserOp(build(), { signer, environment: 'local' });
  const raw = () => account.signMessage({ message: { raw: hash } });
  const results = { buildSign: [] as number[], raw: [] as number[] };
  await timeRound(buildSign);
  await timeRound(raw);
  for (let i = 0; i < rounds; i++) {
    results.buildSign.push(await timeRound(buildSign));
    results.raw.push(await timeRound(raw));
  }
  const buildSignPerSecond = median(results.buildSign);
  const rawPerSecond = median(results.raw);
  return { buildSignPerSecond, rawPerSecond, ratio: buildSignPerSecond / rawPerSecond };
}

/** End-to-end order times on the local stack, one order at a time. */
async function benchOrders(count: number) {
  const stack = await startLocalStack({ chains: true, relaxedLimits: true });
  try {
    const user = await logIn(stack);
    await stack.fund({ address: user.wallet, caip2Id: 'eip155:84532', amount: parseEther('1') });
    const endToEnd: number[] = [];
    const inEmulator: number[] = [];
    const executeAnswer: number[] = [];
    let failed = 0;
    for (let i = 0; i < count + 2; i++) {
      const { userOp } = await prepareUserOp(user, {
        intent: 'RAW_TRANSACTION',
        params: {
          caip2Id: 'eip155:84532',
          transactions: [{ from: user.wallet, to: STRANGER, data: '0x', value: '0x1' }],
        },
      });
      const token = await user.token();
      const started = performance.now();
      const { jobId } = await user.okto.execute(token, userOp);
      const answered = performance.now();
      let status = '';
      while (!isTerminalOrderStatus(status)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        status = (await user.okto.getOrders(token, { intentId: jobId })).items[0]?.status ?? '';
      }
      const done = performance.now();
      if (i < 2) continue; // warm-up
      if (status !== 'SUCCESSFUL') failed++;
      endToEnd.push(done - started);
      executeAnswer.push(answered - started);
      const all = (await (await fetch(`${stack.emulatorUrl}/__emulator/orders`)).json()) as {
        intentId: string;
        history: { status: string; at: string }[];
      }[];
      const history = all.find((o) => o.intentId === jobId)?.history ?? [];
      const at = (s: string) => Date.parse(history.find((h) => h.status === s)?.at ?? '');
      inEmulator.push(at('SUCCESSFUL') - at('INITIATED'));
    }
    return { endToEnd, inEmulator, executeAnswer, failed };
  } finally {
    await stack.close();
  }
}
