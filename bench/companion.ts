import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Hex } from 'viem';
import { loadCompanionConfig } from '../src/companion/config.ts';
import type { CompanionRateLimits } from '../src/companion/rateLimit.ts';
import { startCompanion } from '../src/companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../src/emulator/devClient.ts';
import { signSessionAsClient } from '../src/okto/session.ts';
import { createSessionKey } from '../src/okto/sessionKey.ts';
import { privateKeySigner } from '../src/okto/signer.ts';
import { percentile } from './stats.ts';

// The companion's cost over raw signing: POST /v1/session over loopback HTTP at a fixed concurrency,
// and the same signing work (signSessionAsClient) called directly, in the same process and run.
// The companion serves on the main thread, as `npm run companion` does; the load generator runs in a
// worker thread, as a separate load tool would.

export type BenchCompanionParameters = {
  /** Length of each measured phase. */
  durationMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  warmupMs?: number;
};

export type BenchCompanionResult = {
  concurrency: number;
  requests: number;
  failures: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rawSignaturesPerSecond: number;
  /** requestsPerSecond / rawSignaturesPerSecond; the target is ≥ 0.6. */
  ratio: number;
  /**
   * The same comparison in CPU time of the companion's thread (raw µs per signing / companion µs per
   * request): what the ratio would be on an otherwise idle machine. Undefined without Linux's /proc.
   */
  cpuRatio?: number;
  companionCpuUsPerRequest?: number;
  rawCpuUsPerSigning?: number;
};

/** Bench-only limits: high enough that no request of the run is refused, still counted as in production. */
const BENCH_LIMITS: CompanionRateLimits = {
  contactSend: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 600 },
  contactVerify: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 600 },
  ip: {
    address: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
    ipv6Slash56: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
    ipv6Slash48: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
  },
  overall: {
    send: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
    verify: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
    session: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
    paymaster: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
  },
  paymasterPerUser: { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 },
  sessionsPerIdToken: 2,
};

/** Distinct session public keys, made before timing starts so that making them is not measured; cycled. */
function createSessionPks(count: number): Hex[] {
  return Array.from({ length: count }, () => createSessionKey().publicKey);
}

/**
 * CPU time (ms) the main thread has used, from Linux's /proc: unlike wall time, it does not count the
 * time other processes on a shared machine take from us. Undefined where /proc is not available.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** Linux's USER_HZ, 100 on every common build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Adds up wall and CPU time of the measured phases of one kind. */
function createStopwatch() {
  let wallMs = 0;
  let cpuMs: number | undefined = 0;
  return {
    async time<result>(run: () => Promise<result>): Promise<result> {
      const wall = performance.now();
      const cpu = mainThreadCpuMs();
      const result = await run();
      const cpuAfter = mainThreadCpuMs();
      wallMs += performance.now() - wall;
      cpuMs =
        cpu === undefined || cpuAfter === undefined || cpuMs === undefined
          ? undefined
          : cpuMs + cpuAfter - cpu;
      return result;
    },
    get wallMs() {
      return wallMs;
    },
    get cpuMs() {
      return cpuMs;
    },
  };
}

/**
 * The load generator, as a worker thread of its own (plain JS, evaluated): it plays the extensions, so
 * that its own HTTP and JSON work does not run on the companion's thread and count against it.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomUUID } = require('node:crypto');
const http = require('node:http');
const { url, sessionPks, concurrency } = workerData;
// Every request completes its own login: a fresh JWT-shaped id token, as OTP verify answers (the
// companion reads its claims and counts its sessions; only Okto can check its signature).
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const idToken = () => {
  const now = Math.floor(Date.now() / 1000);
  return b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url({ user_id: randomUUID(), iat: now, exp: now + 864000 }) + '.c2ln';
};
// node:http with keep-alive, not fetch: undici's fetch costs several times more CPU per request, and on a
// 2-core machine that CPU is taken from the companion it is measuring.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const post = (body) =>
  new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        response.on('data', () => {});
        response.on('end', () => resolve(response.statusCode));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
let next = 0;
async function drive(durationMs) {
  const until = performance.now() + durationMs;
  const latencies = [];
  let failures = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const body = JSON.stringify({
        sessionPk: sessionPks[next++ % sessionPks.length],
        nonce: randomUUID(),
        authData: { idToken: idToken(), provider: 'okto' },
      });
      const started = performance.now();
      const status = await post(body).catch(() => 0);
      latencies.push(performance.now() - started);
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, failures };
}
parentPort.on('message', async ({ durationMs }) => parentPort.postMessage(await drive(durationMs)));
`;

type LoadRun = { latencies: number[]; failures: number };

/** Runs the companion bench and prints its figures. */
export async function benchCompanion({
  durationMs = 3000,
  concurrency = 16,
  warmupMs = 1000,
}: BenchCompanionParameters = {}): Promise<BenchCompanionResult> {
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: 'http://127.0.0.1:8790',
  });
  let logLines = 0;
  const companion = await startCompanion({
    config,
    port: 0,
    limits: BENCH_LIMITS,
    // Each line is still built and serialised; only the write to stdout is left out.
    log: () => {
      logLines++;
    },
  });
  const sessionPks = createSessionPks(2048);
  const loadGenerator = new Worker(LOAD_GENERATOR, {
    eval: true,
    workerData: { url: `${companion.url}/v1/session`, sessionPks, concurrency },
  });
  const load = (ms: number) => {
    const done = once(loadGenerator, 'message') as Promise<[LoadRun]>;
    loadGenerator.postMessage({ durationMs: ms });
    return done.then(([run]) => run);
  };

  // The same work the route does once validated, called directly, one after another.
  const sign = privateKeySigner(DEV_CLIENT_PRIVATE_KEY);
  let raw = 0;
  async function signRaw(ms: number) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      await signSessionAsClient({
        sessionPk: sessionPks[raw % sessionPks.length] as Hex,
        nonce: randomUUID(),
        clientSWA: DEV_CLIENT_SWA,
        now: Date.now() / 1000,
        sign,
      });
      raw++;
    }
  }

  try {
    await load(warmupMs);
    await signRaw(warmupMs / 2);
    raw = 0;
    // Alternate short rounds of both, so that a change in the machine's load hits both alike.
    const rounds = 3;
    const http = createStopwatch();
    const direct = createStopwatch();
    const runs: LoadRun[] = [];
    for (let round = 0; round < rounds; round++) {
      await direct.time(() => signRaw(durationMs / rounds));
      runs.push(await http.time(() => load(durationMs / rounds)));
    }
    const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
    const failures = runs.reduce((sum, run) => sum + run.failures, 0);
    const served = latencies.length - failures;
    const requestsPerSecond = served / (http.wallMs / 1000);
    const rawSignaturesPerSecond = raw / (direct.wallMs / 1000);
    const cpu =
      http.cpuMs === undefined || direct.cpuMs === undefined || served === 0 || raw === 0
        ? undefined
        : { request: (http.cpuMs * 1000) / served, signing: (direct.cpuMs * 1000) / raw };
    const result: BenchCompanionResult = {
      concurrency,
      requests: latencies.length,
      failures,
      requestsPerSecond,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      rawSignaturesPerSecond,
      ratio: requestsPerSecond / rawSignaturesPerSecond,
      ...(cpu && {
        cpuRatio: cpu.signing / cpu.request,
        companionCpuUsPerRequest: cpu.request,
        rawCpuUsPerSigning: cpu.signing,
      }),
    };
    if (logLines < latencies.length)
      throw new Error('the companion logged fewer lines than it answered requests');
    printResult(result, durationMs);
    return result;
  } finally {
    await loadGenerator.terminate();
    await companion.close();
  }
}

function printResult(r: BenchCompanionResult, durationMs: number) {
  const [load1] = loadavg();
  const rows: [string, string][] = [
    [
      'POST /v1/session',
      `${r.requests} requests in ${durationMs / 1000} s at concurrency ${r.concurrency}, ${r.failures} failed`,
    ],
    ['requests/s', r.requestsPerSecond.toFixed(0)],
    ['latency p50', `${r.p50Ms.toFixed(2)} ms`],
    ['latency p99', `${r.p99Ms.toFixed(2)} ms`],
    ['raw signSessionAsClient/s', r.rawSignaturesPerSecond.toFixed(0)],
    ['ratio companion/raw', `${r.ratio.toFixed(2)} (target ≥ 0.60: ${r.ratio >= 0.6 ? 'met' : 'NOT met'})`],
  ];
  if (r.cpuRatio !== undefined)
    rows.push([
      'in CPU time of the thread',
      `${r.companionCpuUsPerRequest?.toFixed(0)} µs per request vs ${r.rawCpuUsPerSigning?.toFixed(0)} µs per raw signing: ratio ${r.cpuRatio.toFixed(2)}`,
    ]);
  rows.push([
    'machine',
    `${availableParallelism()} cores, load average ${load1?.toFixed(2)} (other work skews wall times)`,
  ]);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(26)} ${value}`);
}
