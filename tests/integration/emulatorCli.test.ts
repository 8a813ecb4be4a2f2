import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import {
  buildEmailSendData,
  createOktoClient,
  privateKeySigner,
  signOtpRequest,
} from '../../src/okto/index.ts';
import {
  TEST_CLIENT_PRIVATE_KEY,
  TEST_CLIENT_SIGNER,
  TEST_CLIENT_SWA,
} from '../../src/okto/testing/vectors.ts';

// `npm run emulator` as a separate process: it prints its URL, serves, and exits cleanly on a signal.

const REPO = resolve(import.meta.dirname, '..', '..');
/** `tsx src/cli/emulator.ts` in one process (the tsx binary would add a parent process that relays signals). */
const EMULATOR_CLI = ['--import', 'tsx', 'src/cli/emulator.ts'];

type Running = {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * Once the process has exited and its output pipes have closed: with `npx`, the emulator is a
   * grandchild that holds them until it too has exited, so its last lines are in `output` by then.
   */
  exit: Promise<[number | null, string | null]>;
};

/** Spawns a command and resolves once it prints the emulator's URL. */
async function spawnEmulator(
  command: string,
  args: string[],
  options: { detached?: boolean } = {},
): Promise<Running> {
  const child = spawn(command, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
  });
  const exit = once(child, 'close') as Promise<[number | null, string | null]>;
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed in 15 s:\n${output}`)), 15_000);
    const onData = () => {
      const match = /Okto emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n.*Inbox/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolveUrl(match[1]);
    };
    child.stdout?.on('data', onData);
    void exit.then(([code, signal]) => reject(new Error(`exited early (${code ?? signal}):\n${output}`)));
  });
  return { child, url, output: () => output, exit };
}

/** Resolves with the exit, or rejects if the process is still running after `ms`. */
function exitWithin(running: Running, ms: number) {
  return Promise.race([
    running.exit,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        running.child.kill('SIGKILL');
        reject(new Error(`still running ${ms} ms after the signal:\n${running.output()}`));
      }, ms),
    ),
  ]);
}

/** Runs the CLI to completion and answers its exit code and stderr. */
async function runToExit(args: string[]) {
  const child = spawn(process.execPath, [...EMULATOR_CLI, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('npm run emulator', () => {
  it.concurrent('prints its URL and inbox on --port 0, registers --client, and exits 0 on SIGINT', async () => {
    const running = await spawnEmulator(process.execPath, [
      ...EMULATOR_CLI,
      '--port',
      '0',
      '--client',
      `${TEST_CLIENT_SWA}=${TEST_CLIENT_SIGNER}`,
    ]);
    expect(Number(new URL(running.url).port)).toBeGreaterThan(0);
    expect(running.output()).toContain(`${running.url}/__emulator/inbox`);
    expect(await (await fetch(`${running.url}/__emulator/health`)).json()).toEqual({ ok: true });

    const okto = createOktoClient({ baseUrl: running.url });
    const data = buildEmailSendData({
      email: 'cli@example.com',
      clientSWA: TEST_CLIENT_SWA,
      timestamp: Date.now() - 1000,
    });
    expect(
      (await okto.sendEmailOtp(await signOtpRequest(data, privateKeySigner(TEST_CLIENT_PRIVATE_KEY)))).code,
    ).toBe(200);
    expect(running.output()).toMatch(/Email code for cli@example\.com: \d{6}/);
    // the development client stays registered
    expect(running.output()).toContain(`Client ${DEV_CLIENT_SWA}`);

    // an open inbox event stream must not hold the process up
    const events = await fetch(`${running.url}/__emulator/events`);
    expect(events.status).toBe(200);

    running.child.kill('SIGINT');
    const [code, signal] = await exitWithin(running, 5000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain('[okto-emulator] stopped');
  });

  it.concurrent('exits 0 on SIGTERM', async () => {
    const running = await spawnEmulator(process.execPath, [...EMULATOR_CLI, '--port', '0']);
    running.child.kill('SIGTERM');
    const [code, signal] = await exitWithin(running, 5000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it.concurrent('runs through npx tsx and stops on Ctrl-C (SIGINT to the process group)', async () => {
    const running = await spawnEmulator('npx', ['tsx', 'src/cli/emulator.ts', '--port', '0'], {
      detached: true,
    });
    expect(await (await fetch(`${running.url}/__emulator/health`)).json()).toEqual({ ok: true });
    process.kill(-(running.child.pid as number), 'SIGINT');
    // npm re-raises the signal on itself once its children are gone, so npx's own status is not the
    // emulator's: what counts is that the emulator closed cleanly and everything exited.
    await exitWithin(running, 5000);
    expect(running.output()).toContain('[okto-emulator] stopped');
    await expect(fetch(`${running.url}/__emulator/health`)).rejects.toThrow();
  });

  it.concurrent('refuses bad arguments with a clear message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', 'abc'], /--port must be an integer from 0 to 65535/],
      [['--client', 'nonsense'], /--client must be <clientSWA>=<signerAddress>/],
      [['--verbose'], /Unknown option '--verbose'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runToExit(args)));
    results.forEach(({ code, stderr }, i) => {
      expect(code).toBe(2);
      expect(stderr).toMatch(cases[i][1]);
      expect(stderr).toContain('Usage: npm run emulator');
    });
  });
});
