import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemoDapp, startDemoDapp } from './server.ts';

// The demo server for real (its vite bundle built in memory): what it serves, with which policy, and
// what its faucet route refuses. The faucet's success is driven in tests/e2e/provider-demo.spec.ts.

let demo: RunningDemoDapp;
beforeAll(async () => {
  demo = await startDemoDapp({
    port: 0,
    emulatorUrl: 'http://127.0.0.1:1',
    chains: () => [{ chainId: 84532, name: 'Base Sepolia', rpcUrl: 'http://127.0.0.1:2/' }],
  });
}, 60_000);
afterAll(() => demo.close());

describe('the demo dApp server', () => {
  it('serves the built page with the chains and the emulator written in, under a strict CSP', async () => {
    const response = await fetch(`${demo.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<h1>Okto demo dApp</h1>');
    expect(html).toContain('"rpcUrl":"http://127.0.0.1:2/"');
    expect(html).toContain('<script type="module" crossorigin src="/dapp.js">');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toMatch(
      /connect-src 'self' http:\/\/127\.0\.0\.1:1 http:\/\/127\.0\.0\.1:2 https:\/\/sandbox-api\.okto\.tech/,
    );
    expect(csp).not.toContain('unsafe');
    const script = await fetch(`${demo.url}/dapp.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('tech.okto');
    expect((await fetch(`${demo.url}/nothing.js`)).status).toBe(404);
  });

  it('funds only on a JSON POST from its own page, and says why otherwise', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${demo.url}/fund`, { method: 'POST', headers, body });
    const valid = JSON.stringify({ address: `0x${'11'.repeat(20)}`, chainId: 84532 });
    expect((await fetch(`${demo.url}/fund`)).status).toBe(405);
    expect((await post({ 'Content-Type': 'text/plain' }, valid)).status).toBe(415);
    const foreign = await post({ 'Content-Type': 'application/json', Origin: 'https://evil.example' }, valid);
    expect(foreign.status).toBe(403);
    const invalid = await post({ 'Content-Type': 'application/json' }, JSON.stringify({ address: '0x12' }));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toContain('Invalid request');
    // the emulator at 127.0.0.1:1 is not there: the page hears that, in words
    const unreachable = await post({ 'Content-Type': 'application/json', Origin: demo.url }, valid);
    expect(unreachable.status).toBe(502);
    expect(((await unreachable.json()) as { error: string }).error).toContain('did not answer');
  });
});
