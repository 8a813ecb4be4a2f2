import { Hono } from 'hono';
import type { ActivityLog } from '../activity.ts';
import type { Catalog } from '../catalog.ts';
import type { LocalChains } from '../chains/localChains.ts';
import type { ClientRegistry } from '../clients.ts';
import type { EmulatorClock } from '../clock.ts';
import type { OktoUserKeys } from '../oktoKeys.ts';
import type { SessionAuth } from '../sessionAuth.ts';
import { createEstimateRoute } from './estimate.ts';
import { createExecuteRoute } from './execute.ts';
import type { OrderBook } from './orderBook.ts';
import { createOrderRunner } from './orderRunner.ts';
import { createOrderRoutes } from './orders.ts';
import { createSigningLimit } from './signingLimit.ts';
import { createSignMessageRoute } from './signMessage.ts';

// The wallet's write side (shared/okto-wallet-protocol.md §3, §4, §7.1–7.5): /execute, /estimate,
// /signMessage and /orders, sharing one signing rate limit and one order book, and the local-only order
// tools under /__emulator.

export type IntentRoutesDependencies = {
  authenticate: SessionAuth;
  clients: ClientRegistry;
  catalog: Catalog;
  chains?: LocalChains;
  activity: ActivityLog;
  oktoKeys: (userId: string) => OktoUserKeys;
  orders: OrderBook;
  clock: EmulatorClock;
  newTraceId: () => string;
  log: (line: string) => void;
  maxBodyBytes: number;
};

/** Every intent route, to mount at the app's root. */
export function createIntentRoutes(deps: IntentRoutesDependencies): Hono {
  const { chains, orders, activity, clock, log } = deps;
  const signingLimit = createSigningLimit(clock);
  const runner = createOrderRunner({ chains, orders, activity, clock, log });
  const routes = new Hono();
  routes.route('/', createExecuteRoute({ ...deps, signingLimit, runner }));
  routes.route('/', createEstimateRoute({ ...deps, signingLimit }));
  routes.route('/', createSignMessageRoute({ ...deps, signingLimit }));
  routes.route('/', createOrderRoutes({ ...deps, runner }));
  return routes;
}
