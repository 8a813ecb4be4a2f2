import { loadCompanionConfig } from '../companion/config.ts';
import { type RunningCompanion, startCompanion } from '../companion/server.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../emulator/server.ts';
import { DEV_EXTENSION_ID } from '../extensionId.ts';

// The local stack: the Okto emulator plus a companion signing for the emulator's development client,
// and, when asked, the emulator's local chains. The companion runs with OKTO_ENVIRONMENT=local, so it
// offers every login method against the emulator's Google, Apple, X and example-app stand-ins. `npm start` runs it on fixed ports with chains; tests run
// it on free ports, without chains unless they need them, and drive it (outbox, clock, faucet).

export type OutboxMessage = {
  channel: 'email' | 'whatsapp';
  to: string;
  otp: string;
  token: string;
  sentAt: string;
};

/** One of the emulator's local chains. */
export type LocalStackChain = { caipId: string; networkName: string; chainId: number; rpcUrl: string };

/** The next answer of an identity stand-in (`POST /__emulator/idp`, okto-social-login.md §5.2). */
export type IdpAnswer = {
  provider: 'google' | 'apple' | 'twitter' | 'app';
  next: 'page' | 'approve' | 'deny' | 'http401' | 'badState' | 'badNonce';
  /** The account `approve` signs in as; default alice@example.com. */
  account?: string;
};

/** A faucet request (`POST /__emulator/fund`): `amount` in the smallest unit; no `token` = native. */
export type FundParameters = { address: string; caip2Id: string; amount: bigint | string; token?: string };

export type LocalStack = {
  emulatorUrl: string;
  companionUrl: string;
  inboxUrl: string;
  /** Messages "sent" to an email address or `+E164` number, newest first. */
  outbox(to: string): Promise<OutboxMessage[]>;
  /** The newest code sent to `to`, waiting briefly for it to arrive. */
  latestCode(to: string): Promise<string>;
  /** Unix ms on the stack's clock: real time plus every `advanceClock`. */
  now(): number;
  /** The running chains (empty without `chains: true`); new URLs after `startEmulator`. */
  chains(): LocalStackChain[];
  /** Credits an address through the emulator's faucet; answers the new balance (smallest unit). */
  fund(p: FundParameters): Promise<bigint>;
  /** Sets the next answer of a Google-, Apple-, X-like stand-in or of the example app (one-shot). */
  setIdpAnswer(answer: IdpAnswer): Promise<void>;
  /** Replaces the Google- or Apple-like issuer's signing key; answers the new `kid`. */
  rotateIdpKeys(provider: 'google' | 'apple'): Promise<string>;
  /** Moves the emulator's clock, and the companion's with it, forward. */
  advanceClock(seconds: number): Promise<void>;
  stopCompanion(): Promise<void>;
  /** Starts the companion again on the same port. */
  startCompanion(): Promise<void>;
  stopEmulator(): Promise<void>;
  /** Starts the emulator again on the same port (its state is new: in memory only). */
  startEmulator(): Promise<void>;
  close(): Promise<void>;
};

export type StartLocalStackParameters = {
  /** Default 0 (a free port); `npm start` uses 8790. */
  emulatorPort?: number;
  /** Default 0 (a free port); `npm start` uses 8791. */
  companionPort?: number;
  /** Browser origins the companion accepts; default the development extension id. */
  allowedOrigins?: string[];
  /** Raise the companion's per-network and overall limits (every test request comes from 127.0.0.1). */
  relaxedLimits?: boolean;
  /**
   * Start the emulator's local chains (one anvil per network, the test token); default false, so that
   * tests that need no chain stay fast. `npm start` passes true.
   */
  chains?: boolean;
  emulatorLog?: (line: string) => void;
  companionLog?: (line: string) => void;
};

/**
 * Node's `fetch`, retried once when a pooled keep-alive connection turns out to be closed (a server
 * restarted on the same port), as browsers do for a request that failed on a reused connection.
 */
export const fetchWithReconnect: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    return fetch(input, init);
  }
};

/** Starts the emulator and a companion for its development client. */
export async function startLocalStack(p: StartLocalStackParameters = {}): Promise<LocalStack> {
  const quiet = () => {};
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  const bootEmulator = (port: number) =>
    startEmulator({ port, log: p.emulatorLog ?? quiet, chains: p.chains ?? false });
  let emulator: RunningEmulator | undefined = await bootEmulator(p.emulatorPort ?? 0);
  const emulatorPort = emulator.port;
  const emulatorUrl = emulator.url;
  const config = loadCompanionConfig({
    OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
    OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
    OKTO_ENVIRONMENT: 'local',
    OKTO_BASE_URL: emulatorUrl,
    COMPANION_ALLOWED_ORIGINS: (p.allowedOrigins ?? [`chrome-extension://${DEV_EXTENSION_ID}`]).join(','),
    // The Firefox build calls from moz-extension://<random uuid>, and signs in through its add-on id's redirect.
    COMPANION_ALLOW_FIREFOX: '1',
  });
  const open = { limit: 100_000, windowSeconds: 60 };
  const limits = p.relaxedLimits
    ? {
        ...config.limits,
        ip: { address: open, ipv6Slash56: open, ipv6Slash48: open },
        overall: { send: open, verify: open, session: open, paymaster: open },
        paymasterPerUser: open,
      }
    : config.limits;
  let companionPort = p.companionPort ?? 0;
  let companion: RunningCompanion | undefined;
  const bootCompanion = async () => {
    companion = await startCompanion({
      config,
      port: companionPort,
      limits,
      clock,
      log: p.companionLog ?? quiet,
    });
    companionPort = companion.port;
  };
  try {
    await bootCompanion();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const companionUrl = (companion as RunningCompanion | undefined)?.url ?? '';

  async function outbox(to: string): Promise<OutboxMessage[]> {
    const response = await fetchWithReconnect(
      `${emulatorUrl}/__emulator/outbox?to=${encodeURIComponent(to)}`,
    );
    if (!response.ok) throw new Error(`outbox answered HTTP ${response.status}`);
    return (await response.json()) as OutboxMessage[];
  }

  async function idpControl(body: unknown): Promise<unknown> {
    const response = await fetchWithReconnect(`${emulatorUrl}/__emulator/idp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`/__emulator/idp answered HTTP ${response.status}`);
    return response.json();
  }

  async function advanceEmulatorClock(seconds: number): Promise<void> {
    const response = await fetchWithReconnect(`${emulatorUrl}/__emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: seconds }),
    });
    if (!response.ok) throw new Error(`clock answered HTTP ${response.status}`);
  }

  return {
    emulatorUrl,
    companionUrl,
    inboxUrl: `${emulatorUrl}/__emulator/inbox`,
    outbox,
    now: clock,
    chains: () =>
      (emulator?.chains?.list ?? []).map(({ network, rpcUrl }) => ({
        caipId: network.caipId,
        networkName: network.networkName,
        chainId: network.chainId,
        rpcUrl,
      })),
    async fund({ address, caip2Id, amount, token }) {
      const response = await fetchWithReconnect(`${emulatorUrl}/__emulator/fund`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          address,
          caip2Id,
          amount: String(amount),
          ...(token === undefined ? {} : { token }),
        }),
      });
      const body = (await response.json()) as { data?: { balance: string }; error?: { details?: string } };
      if (!response.ok || !body.data)
        throw new Error(`fund answered HTTP ${response.status}: ${body.error?.details ?? 'no details'}`);
      return BigInt(body.data.balance);
    },
    async latestCode(to) {
      for (let i = 0; i < 50; i++) {
        const [newest] = await outbox(to);
        if (newest) return newest.otp;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no code was sent to ${to}`);
    },
    async setIdpAnswer(answer) {
      await idpControl(answer);
    },
    async rotateIdpKeys(provider) {
      return ((await idpControl({ rotateKeys: provider })) as { kid: string }).kid;
    },
    async advanceClock(seconds) {
      await advanceEmulatorClock(seconds);
      offsetMs += seconds * 1000;
    },
    async stopCompanion() {
      await companion?.close();
      companion = undefined;
    },
    startCompanion: bootCompanion,
    async stopEmulator() {
      await emulator?.close();
      emulator = undefined;
    },
    async startEmulator() {
      emulator = await bootEmulator(emulatorPort);
      // A new emulator starts at real time: bring it to the stack's clock.
      if (offsetMs > 0) await advanceEmulatorClock(offsetMs / 1000);
    },
    async close() {
      await Promise.all([companion?.close(), emulator?.close()]);
    },
  };
}
