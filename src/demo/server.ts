import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { TEST_TOKEN } from '../emulator/chains/testToken.ts';
import { environments } from '../okto/environments.ts';
import { type DemoBundle, demoBundle } from './build.ts';
import {
  type DemoChain,
  type DemoPageConfig,
  PAGE_CONFIG_PLACEHOLDER,
  pageConfigJson,
} from './pageConfig.ts';

// Serves the demo dApp (src/demo/, bundled by vite in memory at start: see build.ts) on loopback, so a
// developer sees the provider work end to end through wagmi and viem: EIP-6963 discovery, connect,
// network switch, SIWE, typed data, transfers and an EIP-5792 batch on the local chains, and the Okto
// auth token. `POST /fund` is the local faucet for the page's "Get test funds" button.

export type StartDemoDappParameters = {
  /** Default 8792; 0 takes a free port. */
  port?: number;
  /** The emulator's URL, which the page calls for the `local` environment (and the faucet). */
  emulatorUrl: string;
  /**
   * The chains the page uses, with their RPC URLs, asked at every page load (a restarted emulator's
   * chains listen on new ports). Default: none, and the page says its chain parts need them.
   */
  chains?: () => DemoChain[];
};

export type RunningDemoDapp = { url: string; port: number; close(): Promise<void> };

/** What "Get test funds" credits: 1 of the native currency and 1,000 of the test token. */
export const DEMO_FUNDS = { native: 10n ** 18n, token: 1_000n * 10n ** BigInt(TEST_TOKEN.decimals) };

const FundRequestSchema = v.object({
  address: v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address')),
  chainId: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

const originOf = (url: string) => new URL(url).origin;

/** The page may run only its own scripts and styles, and talk only to Okto, the emulator and its chains. */
function contentSecurityPolicy(config: DemoPageConfig): string {
  const okto = Object.values(environments).flatMap((e) => (e.baseUrl ? [originOf(e.baseUrl)] : []));
  const connect = new Set([
    "'self'",
    originOf(config.emulatorUrl),
    ...config.chains.map((c) => originOf(c.rpcUrl)),
    ...okto,
  ]);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${[...connect].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Builds the page (once per process) and starts the demo dApp on `http://127.0.0.1:<port>`.
 *
 * @example
 * const demo = await startDemoDapp({ emulatorUrl: stack.emulatorUrl, chains: () => stack.chains() });
 * console.log(`demo dApp: ${demo.url}`);
 */
export async function startDemoDapp({
  port = 8792,
  emulatorUrl,
  chains = () => [],
}: StartDemoDappParameters): Promise<RunningDemoDapp> {
  const bundle = await demoBundle();
  /** The page's origins: the server answers on 127.0.0.1, and localhost names it too. */
  const ownOrigins = new Set<string>();

  const pageConfig = (): DemoPageConfig => ({
    emulatorUrl,
    chains: chains().map(({ chainId, name, rpcUrl }) => ({ chainId, name, rpcUrl })),
    token: { address: TEST_TOKEN.address, symbol: TEST_TOKEN.symbol, decimals: TEST_TOKEN.decimals },
  });

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/fund') {
      void fund(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
      return;
    }
    serveFile(bundle, path === '/' ? '/index.html' : path, request, response);
  });

  function serveFile(files: DemoBundle, path: string, request: IncomingMessage, response: ServerResponse) {
    const file = files.get(path);
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('Not found');
      return;
    }
    const config = pageConfig();
    const body =
      path === '/index.html'
        ? new TextDecoder().decode(file.body).replace(PAGE_CONFIG_PLACEHOLDER, pageConfigJson(config))
        : file.body;
    response.writeHead(200, {
      'Content-Type': file.type,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': contentSecurityPolicy(config),
      ...SECURITY_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  /** `POST /fund {address, chainId}`: the emulator's faucet credits native currency and the test token. */
  async function fund(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) =>
      response
        .writeHead(status, {
          'Content-Type': 'application/json',
          'Cache-Control': 'no-store',
          ...SECURITY_HEADERS,
        })
        .end(JSON.stringify(body));
    // JSON only (a cross-site form cannot send it without a CORS preflight, which this server refuses),
    // and from this page only.
    if (request.method !== 'POST') return void answer(405, { error: 'Use POST.' });
    if (!request.headers['content-type']?.startsWith('application/json'))
      return void answer(415, { error: 'Send JSON (Content-Type: application/json).' });
    if (request.headers.origin !== undefined && !ownOrigins.has(request.headers.origin))
      return void answer(403, { error: 'Only the demo page may ask for test funds.' });
    let json: unknown;
    try {
      json = JSON.parse(await readBody(request, 1024));
    } catch (error) {
      return void answer(400, { error: `The body is not JSON: ${(error as Error).message}` });
    }
    const parsed = v.safeParse(FundRequestSchema, json);
    if (!parsed.success) return void answer(400, { error: `Invalid request: ${v.summarize(parsed.issues)}` });
    const { address, chainId } = parsed.output;
    const caip2Id = `eip155:${chainId}`;
    try {
      const native = await faucet({ address, caip2Id, amount: DEMO_FUNDS.native });
      const token = await faucet({ address, caip2Id, amount: DEMO_FUNDS.token, token: TEST_TOKEN.address });
      answer(200, { native, token });
    } catch (error) {
      answer(502, { error: (error as Error).message });
    }
  }

  async function faucet(body: { address: string; caip2Id: string; amount: bigint; token?: string }) {
    const response = await fetch(`${emulatorUrl}/__emulator/fund`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, amount: body.amount.toString() }),
    }).catch((error: unknown) => {
      throw new Error(`The emulator at ${emulatorUrl} did not answer: ${(error as Error).message}`);
    });
    const answer = (await response.json().catch(() => ({}))) as {
      data?: { balance?: string };
      error?: { details?: string; message?: string };
    };
    if (!response.ok || typeof answer.data?.balance !== 'string')
      throw new Error(
        `The emulator's faucet refused (HTTP ${response.status}): ${answer.error?.details ?? answer.error?.message ?? 'no details'}`,
      );
    return answer.data.balance;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  ownOrigins.add(`http://127.0.0.1:${actualPort}`).add(`http://localhost:${actualPort}`);
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's body as text, refused past `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`larger than ${limit} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
