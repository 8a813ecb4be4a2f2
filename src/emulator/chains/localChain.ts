import {
  type Address,
  type Chain,
  createTestClient,
  defineChain,
  type Hash,
  type Hex,
  http,
  publicActions,
  type TransactionReceipt,
  walletActions,
} from 'viem';
import type { AnvilNode } from './anvilNode.ts';
import type { EmulatedNetwork } from './networks.ts';

// One emulated network on its anvil node, with the few things the emulator does on a chain: read
// balances, credit them, and send transactions as any account (anvil impersonation, gas price 0: the
// emulator sponsors gas, as Okto's paymaster does). The order runner (intents/orderRunner.ts) sends UserOps' calls through `sendAs`.

/** Gas used when `eth_estimateGas` fails, so that a reverting call is mined (and fails on chain), not refused. */
export const FALLBACK_GAS = 3_000_000n;

/** An ERC-20 deployed on a chain, as `/supported/tokens` lists it. */
export type ChainToken = {
  address: Address;
  symbol: string;
  name: string;
  decimals: number;
  precision: number;
};

/** A transaction the emulator sends on behalf of `from`. */
export type SendAsParameters = {
  from: Address;
  /** Absent: contract creation. */
  to?: Address;
  data?: Hex;
  value?: bigint;
  /** Default: `eth_estimateGas`, or {@link FALLBACK_GAS} when estimation fails. */
  gas?: bigint;
};

/** The viem client of a local chain: public, wallet and anvil test actions over its RPC. */
export function createLocalChainClient(chain: Chain, rpcUrl: string) {
  return createTestClient({ chain, mode: 'anvil', cacheTime: 0, transport: http(rpcUrl, { retryCount: 0 }) })
    .extend(publicActions)
    .extend(walletActions);
}
export type LocalChainClient = ReturnType<typeof createLocalChainClient>;

/** One running emulated network. */
export type LocalChain = {
  network: EmulatedNetwork;
  rpcUrl: string;
  /** viem's chain object for this network, pointing at `rpcUrl`. */
  chain: Chain;
  client: LocalChainClient;
  /** The ERC-20s the emulator deployed here (the test token). */
  tokens: ChainToken[];
  node: AnvilNode;
  /** The native balance of `address`, in wei. */
  getNativeBalance(address: Address): Promise<bigint>;
  /** Sets the native balance of `address` (anvil_setBalance): no transaction, no block. */
  setNativeBalance(address: Address, wei: bigint): Promise<void>;
  /** Sends a transaction from `from` without its key (anvil_impersonateAccount), gas price 0. */
  sendAs(p: SendAsParameters): Promise<Hash>;
  waitForReceipt(hash: Hash): Promise<TransactionReceipt>;
  /**
   * Runs `work` alone on this chain: one piece of work at a time, in call order. Whatever reads then
   * writes chain state (a balance credit) or lets anvil pick a nonce (a send) goes through here, so
   * concurrent orders and faucet credits never interleave.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
};

/** Wraps a started anvil node as the chain of `network`. */
export function createLocalChain(network: EmulatedNetwork, node: AnvilNode): LocalChain {
  const chain = defineChain({
    id: network.chainId,
    name: network.networkName,
    nativeCurrency: network.native,
    rpcUrls: { default: { http: [node.rpcUrl] } },
  });
  const client = createLocalChainClient(chain, node.rpcUrl);
  const impersonated = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    network,
    rpcUrl: node.rpcUrl,
    chain,
    client,
    tokens: [],
    node,
    getNativeBalance: (address) => client.getBalance({ address }),
    setNativeBalance: (address, wei) => client.setBalance({ address, value: wei }),
    async sendAs({ from, to, data, value = 0n, gas }) {
      if (!impersonated.has(from.toLowerCase())) {
        await client.impersonateAccount({ address: from });
        impersonated.add(from.toLowerCase());
      }
      let gasLimit = gas;
      if (gasLimit === undefined) {
        try {
          gasLimit = await client.estimateGas({ account: from, to, data, value, gasPrice: 0n });
        } catch {
          gasLimit = FALLBACK_GAS;
        }
      }
      return client.sendTransaction({
        account: from,
        chain,
        to: to ?? null,
        data,
        value,
        gas: gasLimit,
        gasPrice: 0n,
      });
    },
    waitForReceipt: (hash) => client.waitForTransactionReceipt({ hash, pollingInterval: 50 }),
    exclusive(work) {
      const next = queue.catch(() => {}).then(work);
      queue = next;
      return next;
    },
  };
}
