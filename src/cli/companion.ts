// `npm run companion -- --port 8791`: the companion signing service, configured from the environment
// (see src/companion/README.md). Prints its URL, then one JSON line per request.

import { parseArgs } from 'node:util';
import { CompanionConfigError, loadCompanionConfig } from '../companion/config.ts';
import { startCompanion } from '../companion/server.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let values: { port: string; host: string };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: '8791' }, host: { type: 'string', default: '127.0.0.1' } },
  }));
} catch (error) {
  fail(
    `${error instanceof Error ? error.message : String(error)}\nUsage: npm run companion -- [--port 8791] [--host 127.0.0.1]`,
  );
}
const port = Number(values.port);
if (!/^\d+$/.test(values.port) || port > 65_535)
  fail(`--port must be 0 (any free port) to 65535, got ${JSON.stringify(values.port)}.`);

let config: ReturnType<typeof loadCompanionConfig>;
try {
  config = loadCompanionConfig(process.env);
} catch (error) {
  if (error instanceof CompanionConfigError)
    fail(
      `The companion cannot start: ${error.shortMessage}\nSee src/companion/README.md for every variable.`,
    );
  throw error;
}

const companion = await startCompanion({ config, port, host: values.host }).catch((error: unknown) =>
  fail(
    `The companion cannot listen on ${values.host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
  ),
);
// Signal handlers before the URL: whoever reads it may stop the companion at once.
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void companion.close().then(() => process.exit(0));
  });

console.log(companion.url);
