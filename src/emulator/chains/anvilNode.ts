import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolveAnvilBinary } from './anvilBinary.ts';

// One anvil process: a real EVM chain on loopback, on a port the OS picks. It must never outlive the
// emulator: `stop()` ends it, a process-exit hook kills it when Node exits without stopping it, and a
// tiny watchdog shell kills it when Node dies without running any hook (SIGKILL, a crash).

export type StartAnvilNodeParameters = {
  chainId: number;
  /** Default: the binary of the installed `@foundry-rs/anvil` ({@link resolveAnvilBinary}). */
  binary?: string;
  /** Mine a block every this many seconds instead of one per transaction (to watch pending states). */
  blockTimeSeconds?: number;
  /** How long to wait for the RPC to answer; default 20 s. */
  startTimeoutMs?: number;
  /** anvil's own output, line by line; default: dropped (it logs every RPC call). */
  log?: (line: string) => void;
};

/** A running anvil node. */
export type AnvilNode = {
  chainId: number;
  /** `http://127.0.0.1:<port>`. */
  rpcUrl: string;
  port: number;
  pid: number;
  /** Whether the process is still running. */
  isRunning(): boolean;
  /** Ends the process (SIGTERM, SIGKILL after 5 s); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
};

/** anvil did not start or did not answer: the message carries its last output lines. */
export class AnvilStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnvilStartError';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every anvil still running when this process exits (synchronously: exit hooks cannot wait). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Starts `anvil --chain-id <id> --host 127.0.0.1 --port 0 --block-base-fee-per-gas 0` (automine unless
 * a block time is given) and resolves once its RPC answers `eth_chainId` with that id.
 * @example
 * const node = await startAnvilNode({ chainId: 84532 });
 * // … node.rpcUrl …
 * await node.stop();
 */
export async function startAnvilNode(p: StartAnvilNodeParameters): Promise<AnvilNode> {
  const binary = p.binary ?? resolveAnvilBinary();
  const args = [
    '--chain-id',
    String(p.chainId),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--block-base-fee-per-gas',
    '0',
  ];
  if (p.blockTimeSeconds !== undefined) args.push('--block-time', String(p.blockTimeSeconds));
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  running.add(child);

  const recent: string[] = [];
  let listening: ((address: string) => void) | undefined;
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    p.log?.(line);
    const match = /Listening on (127\.0\.0\.1:\d+)/.exec(line);
    if (match) listening?.(match[1]);
  };
  readLines(child.stdout, onLine);
  readLines(child.stderr, onLine);

  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  void exited.then(() => stopWatchdog(watchdog));
  // Neither the node nor its watchdog keeps this process alive on its own.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    stopWatchdog(watchdog);
  };

  const timeoutMs = p.startTimeoutMs ?? 20_000;
  const startFailure = (why: string) =>
    new AnvilStartError(
      `anvil for chain ${p.chainId} ${why}${recent.length ? `; its last output:\n${recent.join('\n')}` : ''}`,
    );
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(startFailure(`printed no address in ${timeoutMs} ms`)),
        timeoutMs,
      );
      listening = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(startFailure(`could not be started (${error.message})`));
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(startFailure(`exited early (${child.exitCode ?? child.signalCode})`));
      });
    });
    const rpcUrl = `http://${address}`;
    await waitForChainId(rpcUrl, p.chainId, Date.now() + timeoutMs, startFailure);
    return {
      chainId: p.chainId,
      rpcUrl,
      port: Number(address.split(':')[1]),
      pid: child.pid as number,
      isRunning: () => child.exitCode === null && child.signalCode === null,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `eth_chainId` until the node answers with `chainId`. */
async function waitForChainId(
  rpcUrl: string,
  chainId: number,
  deadline: number,
  failure: (why: string) => Error,
): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      const body = (await response.json()) as { result?: string };
      if (body.result !== undefined && Number(body.result) === chainId) return;
      last = `eth_chainId answered ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw failure(`did not answer eth_chainId ${chainId} (${last})`);
}

/**
 * A shell that reads a pipe from this process and kills `pid` when the pipe closes, which happens
 * whenever this process ends, however it ends. Not available on Windows (no /bin/sh): there the exit
 * hook and `stop()` remain.
 */
function startWatchdog(pid: number): ChildProcess | undefined {
  if (process.platform === 'win32' || !existsSync('/bin/sh')) return undefined;
  const watchdog = spawn(
    '/bin/sh',
    ['-c', 'while read -r _; do :; done; kill -TERM "$1" 2>/dev/null', 'okto-anvil-watchdog', String(pid)],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.on('error', () => {});
  watchdog.stdin?.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

/** Ends a watchdog without letting it signal anything (its pid may be reused once anvil is gone). */
function stopWatchdog(watchdog: ChildProcess | undefined): void {
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  watchdog.kill('SIGKILL');
  watchdog.stdin?.destroy();
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}
