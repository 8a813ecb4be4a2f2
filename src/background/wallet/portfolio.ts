import { parseUnits } from 'viem';
import type { TokenBalanceView, WalletOverview } from '../../messages/wallet.ts';
import type { Portfolio, PortfolioToken } from '../../okto/walletClient.ts';
import type { WalletNetwork } from './networks.ts';

// The popup's home: each network the user has a wallet on, with the balance of its native token and
// of every listed token, from Okto's aggregated portfolio (human units) joined with the networks.

/** Every holding of the portfolio, groups unfolded. */
function holdings(portfolio: Portfolio): PortfolioToken[] {
  return portfolio.groupTokens.flatMap((g) => (g.tokens && g.tokens.length > 0 ? g.tokens : [g]));
}

/** `"0.0009597269983221"` in smallest units; a malformed or over-precise amount is cut, never thrown. */
function toSmallest(amount: string, decimals: number): string {
  const clean = amount.trim();
  if (!/^\d+(\.\d+)?$/.test(clean)) return '0';
  const [whole, fraction = ''] = clean.split('.');
  return parseUnits(`${whole}.${fraction.slice(0, decimals) || '0'}`, decimals).toString();
}

/** The overview: networks in `/wallets` order, each with its listed tokens (native first) and balances. */
export function buildOverview(
  networks: readonly WalletNetwork[],
  portfolio: Portfolio,
  at: number,
): WalletOverview {
  const held = holdings(portfolio);
  return {
    totalUsdt: portfolio.aggregatedData.totalHoldingPriceUsdt || '0',
    fetchedAt: at,
    networks: networks.map(({ tokens, gsnEnabled: _gsn, networkId, ...network }) => {
      const balances: TokenBalanceView[] = tokens.map((token) => {
        const decimals = Number(token.decimals) || 0;
        const holding = held.find(
          (h) =>
            h.networkId === networkId &&
            (h.tokenAddress.toLowerCase() === token.address.toLowerCase() ||
              (token.address === '' && h.tokenAddress === '' && h.symbol === token.symbol)),
        );
        return {
          caip2Id: network.caip2Id,
          address: token.address,
          symbol: token.symbol,
          name: token.name,
          image: token.image,
          decimals,
          precision: Number(token.precision) || 4,
          balance: holding ? toSmallest(holding.balance, decimals) : '0',
          valueUsdt: holding?.holdingsPriceUsdt ?? '0',
        };
      });
      balances.sort((a, b) => Number(b.address === '') - Number(a.address === ''));
      return { ...network, tokens: balances };
    }),
  };
}
