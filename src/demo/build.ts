import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

// The demo page is an ES module app (wagmi, viem): vite bundles it in memory when the demo server
// starts, from node_modules alone (no network), and the server answers from that bundle. Nothing is
// written to disk, so two servers building at once (a test and `npm start`) never race on a folder.

const DEMO_DIR = dirname(fileURLToPath(import.meta.url));

/** One built file: its bytes and its Content-Type. */
export type DemoFile = { body: Uint8Array; type: string };

/** The built page by URL path (`/index.html`, `/dapp.js`, `/assets/…`). */
export type DemoBundle = ReadonlyMap<string, DemoFile>;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  map: 'application/json',
};

const typeOf = (fileName: string) =>
  TYPES[fileName.slice(fileName.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

/** Bundles src/demo/index.html and everything it imports; the entry script is always `/dapp.js`. */
export async function buildDemoDapp(): Promise<DemoBundle> {
  const result = await build({
    configFile: false,
    root: DEMO_DIR,
    base: '/',
    publicDir: false,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'chrome120',
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
      rolldownOptions: {
        input: { index: `${DEMO_DIR}/index.html` },
        // viem/chains names every chain, Tempo's too, whose module reaches node:worker_threads; the
        // bundle keeps only the chains the page uses, so that warning is about code that is never shipped.
        onLog(level, log, handler) {
          if (log.message.includes('node:worker_threads') && log.message.includes('externalized')) return;
          handler(level, log);
        },
        output: {
          entryFileNames: 'dapp.js',
          chunkFileNames: 'assets/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      },
    },
  });
  if (!Array.isArray(result) && !('output' in result))
    throw new Error('vite answered a watcher, not a bundle');
  const files = new Map<string, DemoFile>();
  const encoder = new TextEncoder();
  for (const output of Array.isArray(result) ? result : [result])
    for (const item of output.output) {
      const body =
        item.type === 'chunk'
          ? encoder.encode(item.code)
          : typeof item.source === 'string'
            ? encoder.encode(item.source)
            : item.source;
      files.set(`/${item.fileName}`, { body, type: typeOf(item.fileName) });
    }
  if (!files.has('/index.html') || !files.has('/dapp.js'))
    throw new Error(`the demo bundle lacks index.html or dapp.js (it has ${[...files.keys()].join(', ')})`);
  return files;
}

let cached: Promise<DemoBundle> | undefined;

/** {@link buildDemoDapp} once per process: every demo server of this process shares the bundle. */
export function demoBundle(): Promise<DemoBundle> {
  cached ??= buildDemoDapp().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
