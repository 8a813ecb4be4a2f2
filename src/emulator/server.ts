import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Address } from 'viem';
import { createEmulatorApp } from './app.ts';
import { type LocalChains, type StartLocalChainsParameters, startLocalChains } from './chains/localChains.ts';
import { DEV_CLIENT } from './clients.ts';
import { isLoopbackBindAddress } from './loopbackHost.ts';

export type StartEmulatorOptions = {
  /** Default 8790; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`: the emulator hands out login codes, so it stays on loopback unless told otherwise. */
  host?: string;
  /**
   * Required to bind a non-loopback `host`: anyone who reaches the port can read every login code. Also
   * makes the emulator answer requests whose `Host` is an IP literal.
   */
  allowRemote?: boolean;
  /** Registered clients; default: the development client of `devClient.ts`. */
  clients?: { clientSWA: Address; signer: Address }[];
  /** Where delivered codes are printed, one line each; default `console.log`. */
  log?: (line: string) => void;
  /**
   * The local chains: default true (one anvil per network, test token deployed); false for none (fast
   * tests of the login API); or the parameters of `startLocalChains`.
   */
  chains?: boolean | StartLocalChainsParameters;
  /** Secret of the users' Okto keys; default the fixed development secret. */
  emulatorSecret?: string;
  /** Also trust the real Google, Apple and X at `/authenticate` (okto-social-login.md §5.4). Default false. */
  realProviders?: boolean;
};

export type RunningEmulator = {
  /** `http://127.0.0.1:<real port>`. */
  url: string;
  port: number;
  /** The running chains (RPC URLs, clients), or undefined when started without them. */
  chains: LocalChains | undefined;
  /** Stops listening, drops open connections (the inbox's event stream included) and stops the chains. */
  close(): Promise<void>;
};

export const DEFAULT_EMULATOR_PORT = 8790;

/**
 * Starts the local Okto emulator on a Node HTTP server, with its local chains unless `chains: false`.
 * State is in memory: codes, sessions, the outbox and the chains are gone when it closes.
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const okto = createOktoClient({ baseUrl: emulator.url });
 * await emulator.close();
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const {
    port = DEFAULT_EMULATOR_PORT,
    host = '127.0.0.1',
    clients = [DEV_CLIENT],
    log = console.log,
    allowRemote = false,
    emulatorSecret,
    realProviders,
  } = options;
  if (!allowRemote && !isLoopbackBindAddress(host)) throw new RemoteBindRefusedError(host);
  const chainOptions = options.chains ?? true;
  const chains =
    chainOptions === false ? undefined : await startLocalChains(chainOptions === true ? {} : chainOptions);
  // The app is made once the port is known: its identity stand-ins' issuers are under its own URL.
  let app: ReturnType<typeof createEmulatorApp> | undefined;
  const server = createAdaptorServer({
    fetch: (request, env) => (app as NonNullable<typeof app>).fetch(request, env),
    hostname: host,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  } catch (error) {
    await chains?.stop();
    throw error;
  }

  const realPort = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${realPort}`;
  app = createEmulatorApp({ clients, log, allowRemote, chains, emulatorSecret, origin: url, realProviders });
  let closing: Promise<void> | undefined;
  return {
    url,
    port: realPort,
    chains,
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
        chains?.stop(),
      ]).then(() => {});
      return closing;
    },
  };
}

/** Thrown by {@link startEmulator} for a non-loopback `host` without `allowRemote`. */
export class RemoteBindRefusedError extends Error {
  constructor(host: string) {
    super(
      `refusing to bind the emulator to ${host}: it is not a loopback address, and anyone who reaches it can read every login code. Use 127.0.0.1, or allow it explicitly (--allow-remote).`,
    );
    this.name = 'RemoteBindRefusedError';
  }
}

/** The host part of a URL clients can use: a wildcard bind is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
