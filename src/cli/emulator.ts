import { parseArgs } from 'node:util';
import type { Address } from 'viem';
import { DEV_CLIENT_SIGNER, DEV_CLIENT_SWA } from '../emulator/devClient.ts';
import { isLoopbackBindAddress } from '../emulator/loopbackHost.ts';
import type { RunningEmulator } from '../emulator/server.ts';

// `npm run emulator -- [--port 8790] [--host 127.0.0.1] [--no-chains] [--client <clientSWA>=<signerAddress> ...]`
// Starts the local Okto emulator and its chains until SIGINT or SIGTERM. The server is imported only once the arguments
// are known to be good, so that a typo is answered at once.

/** `startEmulator`'s default too; repeated here so that the usage text needs no import. */
const DEFAULT_EMULATOR_PORT = 8790;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const USAGE = `Usage: npm run emulator -- [--port <port>] [--host <host> [--allow-remote]] [--no-chains | --block-time <s>]
                            [--client <clientSWA>=<signerAddress> ...] [--real-providers]

  --port          port to listen on (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free port)
  --host          interface to bind (default 127.0.0.1, loopback only)
  --allow-remote  allow a non-loopback --host: anyone who reaches it can read every login code
  --no-chains     start no local chains (no anvil): login only, no balances, no faucet
  --block-time    mine a block every <s> seconds instead of one per transaction
  --client        register an Okto client: its smart-wallet address and the address of the key that
                  signs for it (repeatable; the development client is always registered)
  --real-providers  /authenticate also trusts the real Google, Apple and X (their keys and users/me),
                  besides the local stand-ins

Environment: EMULATOR_SECRET overrides the secret the users' Okto keys are derived from.`;

/** A bad command line: the message says what is wrong. */
class UsageError extends Error {}

type EmulatorCommand = {
  port: number;
  host: string;
  allowRemote: boolean;
  chains: boolean | { blockTimeSeconds: number };
  clients: { clientSWA: Address; signer: Address }[];
  realProviders: boolean;
};

/** Reads the command line; throws {@link UsageError} with a readable message when it is wrong. */
function parseCommand(args: string[]): EmulatorCommand | 'help' {
  let values: {
    port?: string;
    host?: string;
    'allow-remote'?: boolean;
    'no-chains'?: boolean;
    'block-time'?: string;
    client?: string[];
    'real-providers'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        'no-chains': { type: 'boolean' },
        'block-time': { type: 'string' },
        client: { type: 'string', multiple: true },
        'real-providers': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  const port = values.port === undefined ? DEFAULT_EMULATOR_PORT : Number(values.port);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65_535))
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);

  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  const allowRemote = values['allow-remote'] ?? false;
  if (!allowRemote && !isLoopbackBindAddress(host))
    throw new UsageError(
      `--host ${host} is not a loopback address: anyone who reaches it could read every login code. Pass --allow-remote as well if you mean it.`,
    );

  const blockTime = values['block-time'];
  if (blockTime !== undefined && (!/^\d+(\.\d+)?$/.test(blockTime) || Number(blockTime) <= 0))
    throw new UsageError(`--block-time must be a positive number of seconds, got "${blockTime}"`);
  if (blockTime !== undefined && values['no-chains'])
    throw new UsageError('--block-time needs chains: drop --no-chains');
  const chains = values['no-chains']
    ? false
    : blockTime === undefined
      ? true
      : { blockTimeSeconds: Number(blockTime) };

  const clients: EmulatorCommand['clients'] = [{ clientSWA: DEV_CLIENT_SWA, signer: DEV_CLIENT_SIGNER }];
  for (const entry of values.client ?? []) {
    const [clientSWA, signer, ...rest] = entry.split('=');
    if (rest.length > 0 || !clientSWA || !signer)
      throw new UsageError(`--client must be <clientSWA>=<signerAddress>, got "${entry}"`);
    if (!ADDRESS.test(clientSWA))
      throw new UsageError(`--client: "${clientSWA}" is not a 0x-prefixed 20-byte address`);
    if (!ADDRESS.test(signer))
      throw new UsageError(`--client: signer "${signer}" is not a 0x-prefixed 20-byte address`);
    clients.push({ clientSWA: clientSWA as Address, signer: signer as Address });
  }
  return { port, host, allowRemote, chains, clients, realProviders: values['real-providers'] ?? false };
}

async function main(): Promise<void> {
  let command: EmulatorCommand | 'help';
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`okto-emulator: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (command === 'help') {
    console.log(USAGE);
    return;
  }

  if (command.allowRemote && !isLoopbackBindAddress(command.host))
    console.error(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        `!! WARNING: the Okto emulator is bound to ${command.host}, not to loopback (--allow-remote).`,
        '!! Anyone who can reach this port can read every login code and move the emulator clock.',
        '!! It also answers requests for any IP address as Host. Never run it like this on a shared network.',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );

  // Signal handlers first: a signal while the chains start must still stop them, and whoever reads the
  // URL below may stop the emulator at once.
  let emulator: RunningEmulator | undefined;
  let stopping = false;
  const finish = (running: RunningEmulator) =>
    running.close().then(
      () => {
        console.log('[okto-emulator] stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(
          `okto-emulator: failed to close cleanly: ${error instanceof Error ? error.message : error}`,
        );
        process.exit(1);
      },
    );
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[okto-emulator] ${signal}: shutting down`);
    if (emulator) void finish(emulator);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const { startEmulator } = await import('../emulator/server.ts');
  const { describeLocalChains } = await import('../emulator/chains/localChains.ts');
  try {
    emulator = await startEmulator({ ...command, emulatorSecret: process.env.EMULATOR_SECRET || undefined });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${command.port} is already in use: stop the other process or pass --port 0`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `cannot bind to host "${command.host}"`
          : error instanceof Error
            ? error.message
            : String(error);
    console.error(`okto-emulator: ${reason}`);
    process.exit(1);
  }
  if (stopping) {
    await finish(emulator);
    return;
  }

  // One write, so that a reader of the first line also has the rest.
  console.log(
    [
      `[okto-emulator] Okto emulator listening on ${emulator.url}`,
      `[okto-emulator] Inbox (codes sent by WhatsApp and email): ${emulator.url}/__emulator/inbox`,
      ...command.clients.map(
        ({ clientSWA, signer }) => `[okto-emulator] Client ${clientSWA} signed by ${signer}`,
      ),
      `[okto-emulator] Sign-in stand-ins: Google ${emulator.url}/idp/google, Apple ${emulator.url}/idp/apple, X ${emulator.url}/idp/x, client_jwt app ${emulator.url}/app/okto/extension-login (control: POST /__emulator/idp)`,
      ...(emulator.chains
        ? describeLocalChains(emulator.chains, emulator.url).map((line) => `[okto-emulator] ${line}`)
        : ['[okto-emulator] No local chains (--no-chains).']),
      '[okto-emulator] State is in memory: a restart forgets codes, sessions, the outbox and the chains.',
    ].join('\n'),
  );
}

await main();
