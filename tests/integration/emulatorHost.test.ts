import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/emulator/loopbackHost.ts';
import { RemoteBindRefusedError, type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';

// Security review F15: the emulator hands out every login code, so it must not be reachable by DNS
// rebinding (a page whose name resolves to 127.0.0.1 still sends its own name as Host), and it must not
// be bound to a public interface by accident.

const REPO = resolve(import.meta.dirname, '..', '..');

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, chains: false, log: () => {} });
});
afterAll(async () => {
  await emulator.close();
});

/** One HTTP request with an explicit Host header (fetch does not let a caller choose it). */
function requestWithHost(
  target: RunningEmulator,
  options: { host: string; path: string; method?: string; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: { Host: options.host, ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolveAnswer({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the Host check against DNS rebinding', () => {
  it('answers 421 Misdirected Request to a foreign Host on every route', async () => {
    const foreign = ['rebind.attacker.example:18790', 'localhost.attacker.example', '127.0.0.1.nip.io'];
    for (const host of foreign) {
      for (const [method, path, body] of [
        ['GET', '/__emulator/outbox', undefined],
        ['POST', '/__emulator/clock', '{"advanceSeconds":301}'],
        ['GET', '/api/oc/v1/wallets', undefined],
        ['OPTIONS', '/api/oc/v1/authenticate/email', undefined],
        ['GET', '/__emulator/inbox', undefined],
      ] as const) {
        const answer = await requestWithHost(emulator, {
          host,
          path,
          method,
          body,
          headers: body ? { 'Content-Type': 'application/json' } : {},
        });
        expect({ host, path, status: answer.status }).toEqual({ host, path, status: 421 });
        expect(answer.json).toEqual({
          status: 'error',
          error: {
            code: 421,
            errorCode: '421',
            message: 'Misdirected Request',
            trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
            details: expect.stringContaining(JSON.stringify(host)),
          },
        });
      }
    }
    // the refused clock request did not move the clock
    const clock = (await (await fetch(`${emulator.url}/__emulator/clock`)).json()) as { now: number };
    expect(Math.abs(clock.now - Date.now() / 1000)).toBeLessThan(60);
  });

  it('answers loopback names and addresses with any port', async () => {
    for (const host of [
      `127.0.0.1:${emulator.port}`,
      '127.0.0.1',
      '127.5.6.7:9',
      `localhost:${emulator.port}`,
      'LOCALHOST',
      `[::1]:${emulator.port}`,
    ]) {
      const answer = await requestWithHost(emulator, { host, path: '/__emulator/health' });
      expect({ host, status: answer.status, json: answer.json }).toEqual({
        host,
        status: 200,
        json: { ok: true },
      });
    }
  });

  it('recognises only loopback hosts', () => {
    expect(isLoopbackHost('127.255.255.255:1')).toBe(true);
    for (const host of [
      '128.0.0.1',
      '127.0.0.1@evil.example',
      'evil.example#127.0.0.1',
      '',
      '[::2]',
      '0.0.0.0',
    ])
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
  });

  it('with allowRemote also answers IP-literal hosts, but still no foreign names', async () => {
    const remote = await startEmulator({ port: 0, chains: false, allowRemote: true, log: () => {} });
    try {
      expect(
        (await requestWithHost(remote, { host: '192.0.2.7:8790', path: '/__emulator/health' })).status,
      ).toBe(200);
      expect(
        (await requestWithHost(remote, { host: 'rebind.attacker.example', path: '/__emulator/health' }))
          .status,
      ).toBe(421);
    } finally {
      await remote.close();
    }
  });
});

describe('binding to a non-loopback interface', () => {
  it('startEmulator refuses it without allowRemote', async () => {
    await expect(startEmulator({ port: 0, chains: false, host: '0.0.0.0', log: () => {} })).rejects.toThrow(
      RemoteBindRefusedError,
    );
  });

  async function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/emulator.ts', ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // A CLI that wrongly starts serving must not outlive the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stderr };
  }

  it('the CLI refuses --host 0.0.0.0 without --allow-remote (exit 2)', async () => {
    const { code, stderr } = await runCli(['--host', '0.0.0.0', '--port', '0', '--no-chains']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address/);
    expect(stderr).toContain('--allow-remote');
  });

  it('the CLI warns loudly with --allow-remote', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the warning is printed, then the bind fails, so
    // nothing is ever exposed by this test.
    const { code, stderr } = await runCli([
      '--host',
      '192.0.2.1',
      '--allow-remote',
      '--port',
      '0',
      '--no-chains',
    ]);
    expect(stderr).toMatch(/WARNING: the Okto emulator is bound to 192\.0\.2\.1, not to loopback/);
    expect(stderr).toMatch(/cannot bind to host "192\.0\.2\.1"/);
    expect(code).toBe(1);
  });
});
