import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLocalStack } from '../src/cli/localStack.ts';
import {
  answerApproval,
  nextApprovalWindow,
  providerRequest,
  startDappServer,
} from '../tests/e2e/dappServer.ts';
import { EXT_DIR, getServiceWorker, launchExtension, makeUserDataDir } from '../tests/e2e/fixtures.ts';
import { configureExtension, openPopup, signInWithEmail } from '../tests/e2e/stack.ts';
import { stopServiceWorker } from '../tests/e2e/swControl.ts';
import { median, percentile } from './stats.ts';

// The dApp provider part of `npm run bench`: how big the two scripts injected into every page are,
// and what an okto_requestAuthToken round trip costs next to a bare echo (okto_ping) through the
// same path: page → postMessage → bridge → chrome.runtime → worker → back, in real Chromium.

const SAMPLES = 200;
const WARMUP = 20;
/** Round trips with the worker stopped first, per method. */
const COLD_SAMPLES = 15;

const SCRIPTS = [
  ['main-world provider', 'src/inpage/provider.iife.js', 4],
  ['isolated-world bridge', 'src/content/bridge.iife.js', 2],
] as const;

/** Prints the injected scripts' gzip sizes and the token round trip against the echo, with targets. */
export async function benchProvider(): Promise<void> {
  for (const [name, file, targetKb] of SCRIPTS) {
    const bytes = readFileSync(join(EXT_DIR, file));
    const gz = gzipSync(bytes, { level: 9 }).length;
    console.log(
      `  ${name.padEnd(22)} ${(gz / 1024).toFixed(2).padStart(5)} KB gzip (${bytes.length} B raw)   target ≤ ${targetKb} KB: ${gz <= targetKb * 1024 ? 'met' : 'MISSED'}`,
    );
  }

  const stack = await startLocalStack({ relaxedLimits: true });
  const dapps = await startDappServer();
  const context = await launchExtension(makeUserDataDir());
  try {
    const worker = await getServiceWorker(context);
    const extensionId = new URL(worker.url()).host;
    await configureExtension(context, extensionId, stack);
    const popup = await openPopup(context, extensionId);
    await signInWithEmail(popup, stack);
    await popup.close();
    const dapp = await context.newPage();
    await dapp.goto(dapps.url('127.0.0.1', '/isolated'));
    if (!(await dapp.evaluate(() => crossOriginIsolated)))
      throw new Error('the bench page is not cross-origin isolated: timings would be coarsened to 100 µs');
    const opened = nextApprovalWindow(context);
    const approved = providerRequest(dapp, 'eth_requestAccounts');
    await answerApproval(await opened, 'Approve');
    if (!(await approved).result) throw new Error('the bench site was not approved');

    // Alternating token and echo requests, so that drift (GC, other load) hits both alike. No named
    // functions inside: tsx would wrap them in a `__name` helper that the page does not have.
    const { token, echo, failures } = await dapp.evaluate(
      async ({ samples, warmup }) => {
        const okto = (window as unknown as { okto: { request(a: { method: string }): Promise<unknown> } })
          .okto;
        const token: number[] = [];
        const echo: number[] = [];
        let failures = 0;
        for (let i = 0; i < samples + warmup; i++) {
          const t0 = performance.now();
          const minted = await okto.request({ method: 'okto_requestAuthToken' });
          const t1 = performance.now();
          const pong = await okto.request({ method: 'okto_ping' });
          const t2 = performance.now();
          if (!minted || pong !== 'pong') failures++;
          if (i < warmup) continue;
          token.push(t1 - t0);
          echo.push(t2 - t1);
        }
        return { token, echo, failures };
      },
      { samples: SAMPLES, warmup: WARMUP },
    );
    const ratio = median(token) / median(echo);
    const rows: [string, string][] = [
      [
        'okto_requestAuthToken',
        `median ${median(token).toFixed(2)} ms, p90 ${percentile(token, 90).toFixed(2)} ms`,
      ],
      ['echo (okto_ping)', `median ${median(echo).toFixed(2)} ms, p90 ${percentile(echo, 90).toFixed(2)} ms`],
      ['ratio token/echo', `${ratio.toFixed(2)}   target ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'MISSED'}`],
      ['samples', `${SAMPLES} each after ${WARMUP} warm-up, ${failures} failed`],
      ['machine', `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`],
    ];
    for (const [label, value] of rows) console.log(`  ${label.padEnd(22)} ${value}`);

    // Chrome stops an idle worker after 30 s, so most dApp requests find it stopped: the same two
    // requests, each after a CDP stop of the worker, alternating so that drift hits both alike.
    const cold = { token: [] as number[], echo: [] as number[] };
    for (let i = 0; i < COLD_SAMPLES * 2; i++) {
      const method = i % 2 ? 'okto_ping' : 'okto_requestAuthToken';
      await stopServiceWorker(context, extensionId);
      const { ms, ok } = await dapp.evaluate(async (m) => {
        const okto = (window as unknown as { okto: { request(a: { method: string }): Promise<unknown> } })
          .okto;
        const t0 = performance.now();
        const answer = await okto.request({ method: m });
        return { ms: performance.now() - t0, ok: Boolean(answer) };
      }, method);
      if (!ok) throw new Error(`${method} after a worker stop failed`);
      (i % 2 ? cold.echo : cold.token).push(ms);
    }
    const coldRatio = median(cold.token) / median(cold.echo);
    const coldRows: [string, string][] = [
      ['cold token', `median ${median(cold.token).toFixed(1)} ms (worker stopped first)`],
      ['cold echo', `median ${median(cold.echo).toFixed(1)} ms (worker stopped first)`],
      [
        'ratio cold token/echo',
        `${coldRatio.toFixed(2)}   target ≤ 1.15: ${coldRatio <= 1.15 ? 'met' : 'MISSED'}`,
      ],
      ['samples', `${COLD_SAMPLES} each`],
    ];
    for (const [label, value] of coldRows) console.log(`  ${label.padEnd(22)} ${value}`);
  } finally {
    await context.close();
    await dapps.close();
    await stack.close();
  }
}
