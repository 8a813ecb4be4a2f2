import { Hono } from 'hono';
import { type ActivityLog, activityItem } from './activity.ts';
import { answerSuccess, answerWalletError, sendAnswer } from './answers.ts';
import { type Catalog, supportedNetworksData, supportedTokensData } from './catalog.ts';
import type { LocalChains } from './chains/localChains.ts';
import type { OktoUserKeys } from './oktoKeys.ts';
import { positiveInteger } from './pageQuery.ts';
import { aggregatedPortfolioData, readHoldings } from './portfolio.ts';
import type { SessionAuth } from './sessionAuth.ts';
import { listWallets } from './wallets.ts';

// The read endpoints after login (shared/okto-wallet-protocol.md §2, §7.5), all `GET` and Bearer-checked.

/** The gas values the emulator quotes (§1): equal fees, so the SDK's fee-order quirk never shows. */
export const EMULATOR_GAS_VALUES = { maxFeePerGas: '0x2255100', maxPriorityFeePerGas: '0x2255100' } as const;

export type ReadRoutesDependencies = {
  authenticate: SessionAuth;
  catalog: Catalog;
  chains?: LocalChains;
  activity: ActivityLog;
  oktoKeys: (userId: string) => OktoUserKeys;
  newTraceId: () => string;
};

/** The read routes under `/api/oc/v1`, to mount with `app.route('/api/oc/v1', …)`. */
export function createReadRoutes(deps: ReadRoutesDependencies): Hono {
  const { authenticate, catalog, chains, activity, oktoKeys, newTraceId } = deps;
  const routes = new Hono();

  /** A Bearer-checked GET whose answer is computed from the session's user and Okto keys. */
  const read = (
    path: string,
    answer: (p: {
      keys: OktoUserKeys;
      userId: string;
      userSWA: string;
      query: (name: string) => string | undefined;
    }) => unknown,
  ) =>
    routes.get(path, async (c) => {
      const found = await authenticate(c);
      if (!found.ok) return sendAnswer(c, found.answer);
      const { user } = found.session;
      const result = await answer({
        keys: oktoKeys(user.userId),
        userId: user.userId,
        userSWA: user.userSWA,
        query: (name) => c.req.query(name),
      });
      return sendAnswer(c, result instanceof BadQuery ? result.answer : answerSuccess(result));
    });

  read('/wallets', ({ keys }) => listWallets(catalog, keys.address));
  read('/supported/networks', () => supportedNetworksData(catalog));
  read('/supported/tokens', () => supportedTokensData(catalog));
  read('/gas-values', () => EMULATOR_GAS_VALUES);
  read('/portfolio/nft', () => ({ count: 0, details: [] }));
  read('/user-keys', ({ keys, userId, userSWA }) => ({
    userId,
    userSWA,
    ecdsaPublicKey: keys.ecdsaPublicKey,
    eddsaPublicKey: keys.eddsaPublicKey,
    ecdsaKeyId: keys.ecdsaKeyId,
    eddsaKeyId: keys.eddsaKeyId,
  }));
  read('/aggregated-portfolio', async ({ keys }) =>
    aggregatedPortfolioData(await readHoldings(chains, catalog, keys.address)),
  );
  read('/portfolio/activity', async ({ keys, query }) => {
    const page = positiveInteger(query('page'), 1);
    const size = positiveInteger(query('size'), 10);
    if (page === undefined || size === undefined)
      return new BadQuery(
        answerWalletError(
          400,
          'ER-TECH-0005',
          `${page === undefined ? 'page' : 'size'} must be a positive integer`,
          newTraceId(),
        ),
      );
    // Transfers mined since the last read become DEPOSITs before the page is cut.
    await chains?.transfers.sync();
    const { count, records } = activity.list(keys.address, { page, size });
    return { count, activity: records.flatMap((record) => activityItem(record, catalog) ?? []) };
  });

  return routes;
}

/** A refused query string, answered instead of data. */
class BadQuery {
  constructor(readonly answer: ReturnType<typeof answerWalletError>) {}
}
