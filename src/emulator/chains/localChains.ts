import { startAnvilNode } from './anvilNode.ts';
import { createLocalChain, type LocalChain } from './localChain.ts';
import { DEFAULT_NETWORKS, type EmulatedNetwork } from './networks.ts';
import { deployTestToken } from './testToken.ts';
import { createTransferFeed, type TransferFeed } from './transfers.ts';

// All of the emulator's chains: one anvil node per emulated network, each with the test token deployed.
// `createEmulatorApp` takes this as a dependency (or nothing, for tests that need no chain).

export type StartLocalChainsParameters = {
  /** Default {@link DEFAULT_NETWORKS}: Base Sepolia and Polygon Amoy. */
  networks?: readonly EmulatedNetwork[];
  /** Interval mining instead of automine (see `startAnvilNode`). */
  blockTimeSeconds?: number;
  /** Default: the installed `@foundry-rs/anvil` binary. */
  anvilBinary?: string;
  /** anvil's output, prefixed with the network; default dropped. */
  log?: (line: string) => void;
};

/** The running chains. */
export type LocalChains = {
  list: readonly LocalChain[];
  /** The chain of a CAIP-2 id (case ignored). */
  find(caipId: string): LocalChain | undefined;
  /** Transfers seen on any chain, for the activity feed. */
  transfers: TransferFeed;
  /** Stops every node; resolves once all have exited. Idempotent. */
  stop(): Promise<void>;
};

/**
 * Starts one anvil per network (in parallel), deploys the test token on each, and resolves when all are
 * ready. If any fails, the others are stopped before it rejects.
 * @example
 * const chains = await startLocalChains();
 * chains.find('eip155:84532')?.rpcUrl; // http://127.0.0.1:<port>
 * await chains.stop();
 */
export async function startLocalChains(p: StartLocalChainsParameters = {}): Promise<LocalChains> {
  const networks = p.networks ?? DEFAULT_NETWORKS;
  const started = await Promise.allSettled(
    networks.map((network) =>
      startAnvilNode({
        chainId: network.chainId,
        binary: p.anvilBinary,
        blockTimeSeconds: p.blockTimeSeconds,
        log: p.log && ((line) => p.log?.(`[anvil ${network.caipId}] ${line}`)),
      }),
    ),
  );
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stopAll = () => Promise.all(nodes.map((node) => node.stop())).then(() => {});
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }

  try {
    const list = networks.map((network, i) => createLocalChain(network, nodes[i]));
    await Promise.all(
      list.map(async (chain) => {
        chain.tokens.push(await deployTestToken(chain));
      }),
    );
    const transfers = await createTransferFeed(list);
    let stopping: Promise<void> | undefined;
    return {
      list,
      find: (caipId) => list.find((chain) => chain.network.caipId.toLowerCase() === caipId.toLowerCase()),
      transfers,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What a person needs to use the chains: one line per chain (RPC URL, anvil pid), the token, the faucet. */
export function describeLocalChains(chains: LocalChains, emulatorUrl: string): string[] {
  const token = chains.list[0]?.tokens[0];
  return [
    ...chains.list.map(
      ({ network, rpcUrl, node }) =>
        `Chain ${network.caipId} ${network.networkName} (${network.native.symbol}): RPC ${rpcUrl} (anvil pid ${node.pid})`,
    ),
    ...(token
      ? [
          `Test token ${token.symbol} "${token.name}", ${token.decimals} decimals, at ${token.address} on every chain`,
        ]
      : []),
    `Faucet: POST ${emulatorUrl}/__emulator/fund {"address":"0x…","caip2Id":"${chains.list[0]?.network.caipId ?? 'eip155:84532'}","amount":"1000000000000000000"} (add "token":"<address>" for a token)`,
  ];
}
