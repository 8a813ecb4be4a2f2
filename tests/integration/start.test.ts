import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

// `npm start` for real: it must bring up the emulator and the companion on their fixed ports, build
// the extension, print every URL, and leave nothing running after Ctrl-C.

let child: ChildProcess | undefined;
afterEach(() => {
  // tsx runs the script in a child process: end the whole group, or a failed test leaves ports taken.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  it('starts the local stack, prints its URLs, and stops everything on Ctrl-C', async () => {
    child = spawn('node_modules/.bin/tsx', ['src/cli/start.ts'], {
      env: { ...process.env, OKTO_NO_BROWSER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    await expect.poll(() => output, { timeout: 30_000 }).toContain('Press Ctrl-C to stop everything.');
    expect(output).toContain('Inbox (codes)     http://127.0.0.1:8790/__emulator/inbox');
    expect(output).toContain('Companion         http://127.0.0.1:8791');
    expect(output).toContain('Demo dApp         http://127.0.0.1:8792');
    expect(await (await fetch('http://127.0.0.1:8792/')).text()).toContain('<h1>Okto demo dApp</h1>');
    expect(await (await fetch('http://127.0.0.1:8792/dapp.js')).text()).toContain('eip6963:requestProvider');
    expect(await (await fetch('http://127.0.0.1:8790/__emulator/health')).json()).toEqual({ ok: true });
    expect((await fetch('http://127.0.0.1:8791/healthz')).status).toBe(200);
    // the local chains, one anvil each, answer their chain ids
    const chains = [...output.matchAll(/Chain (eip155:(\d+)) +(http:\/\/127\.0\.0\.1:(\d+))/g)];
    expect(chains.map((m) => m[1])).toEqual(['eip155:84532', 'eip155:80002']);
    for (const [, , chainId, rpcUrl] of chains) {
      const answer = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      expect(Number(((await answer.json()) as { result: string }).result)).toBe(Number(chainId));
    }
    expect(output).toMatch(/Test token +OTUSD \(6 decimals\) at 0x[0-9a-fA-F]{40} on every chain/);

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portOpen(8790)).toBe(false);
    expect(await portOpen(8791)).toBe(false);
    expect(await portOpen(8792)).toBe(false);
    // no anvil left behind
    for (const [, , , , port] of chains) expect(await portOpen(Number(port))).toBe(false);
  }, 60_000);
});
