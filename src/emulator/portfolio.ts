import { type Address, formatUnits } from 'viem';
import type { Catalog, CatalogToken } from './catalog.ts';
import type { LocalChains } from './chains/localChains.ts';
import { readTokenBalance } from './chains/testToken.ts';

// `GET /api/oc/v1/aggregated-portfolio` (v1, §2, §7.5): the wallet's balances read from the chains
// (`eth_getBalance`, ERC-20 `balanceOf`), in human units, one "token" entry per non-zero balance, no prices.

/** A balance of one listed token. */
export type Holding = { token: CatalogToken; balance: bigint };

/** Reads every listed token's balance of `address` on the running chains; none without chains. */
export async function readHoldings(
  chains: LocalChains | undefined,
  catalog: Catalog,
  address: Address,
): Promise<Holding[]> {
  if (!chains) return [];
  return Promise.all(
    catalog.tokens.flatMap((token) => {
      const chain = chains.find(token.caipId);
      if (!chain) return [];
      const balance =
        token.address === ''
          ? chain.getNativeBalance(address)
          : readTokenBalance(chain, token.address, address);
      return [balance.then((value) => ({ token, balance: value }))];
    }),
  );
}

/** The aggregated-portfolio data for some holdings; zero balances are left out. */
export function aggregatedPortfolioData(holdings: readonly Holding[]) {
  const held = holdings.filter((holding) => holding.balance > 0n);
  return {
    aggregated_data: {
      holdings_count: String(held.length),
      holdings_price_inr: '0',
      holdings_price_usdt: '0',
      total_holding_price_inr: '0',
      total_holding_price_usdt: '0',
    },
    group_tokens: held.map(({ token, balance }) => ({
      id: token.tokenId,
      name: token.name,
      symbol: token.symbol,
      short_name: token.symbol,
      token_image: '',
      token_address: token.address,
      group_id: token.groupId,
      network_id: token.networkId,
      precision: String(token.precision),
      network_name: token.networkName,
      is_primary: token.isPrimary,
      balance: formatUnits(balance, token.decimals),
      holdings_price_usdt: '0',
      holdings_price_inr: '0',
      aggregation_type: 'token',
      tokens: null,
    })),
  };
}
