import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Serves the demo dApp (src/demo/index.html + dapp.js, no build step) on loopback, so a developer
// sees the provider work end to end: EIP-6963 discovery, approval, token, Okto calls.

export type StartDemoDappParameters = {
  /** Default 8792; 0 takes a free port. */
  port?: number;
  /** The emulator's URL, which the page calls for the `local` environment. */
  emulatorUrl: string;
};

export type RunningDemoDapp = { url: string; port: number; close(): Promise<void> };

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dapp.js': { file: 'dapp.js', type: 'text/javascript; charset=utf-8' },
};

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Starts the demo dApp on `http://127.0.0.1:<port>`.
 *
 * @example
 * const demo = await startDemoDapp({ emulatorUrl: 'http://127.0.0.1:8790' });
 * console.log(`demo dApp: ${demo.url}`);
 */
export async function startDemoDapp({
  port = 8792,
  emulatorUrl,
}: StartDemoDappParameters): Promise<RunningDemoDapp> {
  const server = createServer(async (request, response) => {
    const entry = FILES[new URL(request.url ?? '/', 'http://127.0.0.1').pathname];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!entry) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    try {
      let body = await readFile(new URL(entry.file, import.meta.url), 'utf8');
      if (entry.file === 'index.html') body = body.replace('__EMULATOR_URL__', escapeAttribute(emulatorUrl));
      response.writeHead(200, {
        'Content-Type': entry.type,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy':
          "default-src 'self'; connect-src 'self' http: https:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      response
        .writeHead(500, { 'Content-Type': 'text/plain' })
        .end(`Could not read ${entry.file}: ${String(error)}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
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
