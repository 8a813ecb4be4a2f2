import { type Hex, isAddressEqual } from 'viem';
import { ProviderErrorCode } from '../../messages/provider.ts';
import { InvalidParamsError } from '../../okto/errors.ts';
import { personalSignText } from '../../okto/personalMessage.ts';
import { normalizeTypedData } from '../../okto/typedData.ts';
import type { Wallet } from '../wallet/index.ts';
import { chainSummary, type MethodHandlers, type RequestContext, type SiteAccount } from './context.ts';
import { invalidParams, ProviderRpcError, unauthorized, userRejected } from './errors.ts';

// Message signing (wallet spec §4.5): Okto signs with the user's key, after the user approves the exact
// text or typed data in the approval window. Each request is asked once, and never answered with "0x".

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The site's account, checked against the address the site named (case ignored). */
async function signerFor(ctx: RequestContext, address: unknown): Promise<SiteAccount> {
  if (typeof address !== 'string' || !ADDRESS.test(address))
    throw invalidParams(`${ctx.method} needs the account address to sign with.`);
  const site = await ctx.connect();
  if (!isAddressEqual(address as Hex, site.network.address))
    throw unauthorized(
      `${address} is not this site's account. Sign with ${site.network.address} (eth_accounts[0]).`,
    );
  return site;
}

function paramsArray(ctx: RequestContext, length: number): unknown[] {
  if (!Array.isArray(ctx.params) || ctx.params.length < length)
    throw invalidParams(
      `${ctx.method} takes [${ctx.method === 'personal_sign' ? 'message, address' : 'address, typedData'}].`,
    );
  return ctx.params;
}

/** personal_sign, eth_signTypedData_v4; eth_sign and eth_signTransaction are refused with the reason. */
export function createSigningMethods({ wallet }: { wallet: Pick<Wallet, 'signMessage'> }): MethodHandlers {
  return {
    async personal_sign(ctx) {
      const [message, address] = paramsArray(ctx, 2);
      const text = personalSignText(message);
      const site = await signerFor(ctx, address);
      const approved = await ctx.approve('message', {
        chain: chainSummary(site.network),
        account: site.network.address,
        text,
      });
      if (!approved) throw userRejected();
      return wallet.signMessage('EIP191', text);
    },
    async eth_signTypedData_v4(ctx) {
      const [address, typedData] = paramsArray(ctx, 2);
      const site = await signerFor(ctx, address);
      let normalized: ReturnType<typeof normalizeTypedData>;
      try {
        normalized = normalizeTypedData({ typedData, chainId: site.network.chainId });
      } catch (error) {
        if (error instanceof InvalidParamsError) throw error;
        throw invalidParams(`The typed data is not valid EIP-712: ${(error as Error).message}`);
      }
      const { typedData: doc, text } = normalized;
      const approved = await ctx.approve('typedData', {
        chain: chainSummary(site.network),
        account: site.network.address,
        primaryType: doc.primaryType,
        domain: doc.domain as Record<string, unknown>,
        message: doc.message as Record<string, unknown>,
        types: doc.types as Record<string, { name: string; type: string }[]>,
      });
      if (!approved) throw userRejected();
      return wallet.signMessage('EIP712', text);
    },
    async eth_sign() {
      throw new ProviderRpcError(
        ProviderErrorCode.unsupportedMethod,
        'eth_sign signs a raw hash, which can be a transaction the user cannot see: Okto does not offer it. Use personal_sign or eth_signTypedData_v4.',
      );
    },
    async eth_signTransaction() {
      throw new ProviderRpcError(
        ProviderErrorCode.unsupportedMethod,
        'Okto executes transactions itself (as sponsored UserOps) and cannot sign one for you to send. Use eth_sendTransaction.',
      );
    },
  };
}
