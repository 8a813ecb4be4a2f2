import * as v from 'valibot';
import { type Hex, numberToHex } from 'viem';
import { ProviderErrorCode } from '../../messages/provider.ts';
import { environments, type OktoEnvironment } from '../../okto/environments.ts';
import type { NetworkDirectory, WalletNetwork } from '../wallet/networks.ts';
import type { MethodHandlers, RequestContext, SiteAccount } from './context.ts';
import { invalidParams, ProviderRpcError, unauthorized } from './errors.ts';
import type { EventTargets } from './eventTargets.ts';
import type { Permissions } from './permissions.ts';

// Accounts and chains (EIP-1193, EIP-3326, EIP-3085): a connected site sees the user's wallet address on
// the network it is on, and may switch among the user's EVM networks. A newly connected site starts on
// the first EVM network the user has; the choice is kept per site.

/** `[{ chainId: "0x14a34" }]` of wallet_switchEthereumChain; other keys are ignored, as wallets do. */
const SwitchChainParamsSchema = v.tuple([
  v.looseObject({
    chainId: v.pipe(
      v.string('chainId must be a 0x-hex string'),
      v.regex(/^0x[1-9a-fA-F][0-9a-fA-F]*$/, 'chainId must be 0x-hex without leading zeros'),
    ),
  }),
]);

/** The chain id `eth_chainId` answers when no network can be told: the environment's Okto chain. */
const fallbackChainId = (environment: OktoEnvironment): Hex => numberToHex(environments[environment].chainId);

export type AccountMethodsDependencies = {
  permissions: Permissions;
  networks: Pick<NetworkDirectory, 'list'>;
  targets: Pick<EventTargets, 'send'>;
  /** Whether someone is logged in, and the environment otherwise chosen. */
  signedIn(): Promise<boolean>;
  environment(): Promise<OktoEnvironment>;
};

/** The network of a connected site: the one it chose, else the user's first. */
export async function siteNetwork(
  networks: Pick<NetworkDirectory, 'list'>,
  chainId: number | undefined,
): Promise<WalletNetwork> {
  const list = await networks.list();
  const network = list.find((n) => n.chainId === chainId) ?? list[0];
  if (!network)
    throw new ProviderRpcError(
      ProviderErrorCode.internal,
      'Your Okto wallet has no EVM network for this app. Ask the app to enable one in its Okto dashboard.',
    );
  return network;
}

/** eth_accounts, eth_requestAccounts, eth_chainId, net_version, and the chain switching methods. */
export function createAccountMethods(deps: AccountMethodsDependencies): MethodHandlers {
  const { permissions, networks, targets } = deps;

  async function chainIdOf(ctx: RequestContext): Promise<Hex> {
    const site = await ctx.connected().catch(() => undefined);
    if (site) return numberToHex(site.network.chainId);
    if (await deps.signedIn()) {
      const first = (await networks.list().catch(() => []))[0];
      if (first) return numberToHex(first.chainId);
    }
    return fallbackChainId(await deps.environment());
  }

  async function switchTo(ctx: RequestContext, site: SiteAccount, chainId: number): Promise<null> {
    const list = await networks.list();
    const target = list.find((n) => n.chainId === chainId);
    if (!target)
      throw new ProviderRpcError(
        4902,
        `Your Okto wallet has no account on chain ${chainId}. It has: ${list.map((n) => `${n.label} (${n.chainId})`).join(', ') || 'none'}.`,
      );
    if (target.chainId === site.network.chainId) return null;
    await permissions.setChain(ctx.origin, target.chainId);
    await targets.send(ctx.origin, 'chainChanged', numberToHex(target.chainId));
    if (target.address !== site.network.address)
      await targets.send(ctx.origin, 'accountsChanged', [target.address]);
    return null;
  }

  return {
    async eth_accounts(ctx) {
      const site = await ctx.connected();
      return site ? [site.network.address] : [];
    },
    async eth_requestAccounts(ctx) {
      return [(await ctx.connect()).network.address];
    },
    eth_chainId: chainIdOf,
    async net_version(ctx) {
      return String(Number(await chainIdOf(ctx)));
    },
    async wallet_switchEthereumChain(ctx) {
      const parsed = v.safeParse(SwitchChainParamsSchema, ctx.params);
      if (!parsed.success)
        throw invalidParams(`Invalid params for wallet_switchEthereumChain: ${v.summarize(parsed.issues)}`);
      const site = await ctx.connected();
      if (!site) throw unauthorized('Connect the site first (eth_requestAccounts), then switch its network.');
      return switchTo(ctx, site, Number.parseInt(parsed.output[0].chainId, 16));
    },
    async wallet_addEthereumChain(ctx) {
      const parsed = v.safeParse(SwitchChainParamsSchema, ctx.params);
      if (!parsed.success)
        throw invalidParams(`Invalid params for wallet_addEthereumChain: ${v.summarize(parsed.issues)}`);
      const chainId = Number.parseInt(parsed.output[0].chainId, 16);
      const list = await networks.list();
      if (!list.some((n) => n.chainId === chainId))
        throw new ProviderRpcError(
          4902,
          `Okto does not support chain ${chainId} for this app, and a wallet cannot add networks to Okto. Use one of: ${list.map((n) => `${n.label} (${n.chainId})`).join(', ') || 'none'}.`,
        );
      // A chain Okto already has: nothing to add (EIP-3085 answers null).
      return null;
    },
  };
}
