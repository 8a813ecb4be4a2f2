import { Hono } from 'hono';
import * as v from 'valibot';
import { answerBadRequest, answerSuccess, answerWalletError, sendAnswer } from '../answers.ts';
import type { Catalog } from '../catalog.ts';
import { positiveInteger } from '../pageQuery.ts';
import { parseWithSchema, readJsonBody } from '../requestBody.ts';
import type { SessionAuth } from '../sessionAuth.ts';
import { type EmulatorOrder, type OrderBook, orderItem } from './orderBook.ts';
import { FORCED_STATUSES, type OrderRunner } from './orderRunner.ts';

// `GET /api/oc/v1/orders` (shared/okto-wallet-protocol.md §2, §7.4): the caller's orders, newest first,
// filtered and paged. And the local-only views of them: `GET /__emulator/orders` (every user's, for the
// inbox page's Activity view) and `POST /__emulator/orders/fail-next` (§7.5).

export type OrderRoutesDependencies = {
  authenticate: SessionAuth;
  orders: OrderBook;
  runner: OrderRunner;
  catalog: Catalog;
  newTraceId: () => string;
};

const FailNextSchema = v.strictObject({
  status: v.picklist(FORCED_STATUSES, `must be one of ${FORCED_STATUSES.join(', ')}`),
});

/** The order routes, to mount at the app's root. */
export function createOrderRoutes(deps: OrderRoutesDependencies): Hono {
  const { authenticate, orders, runner, catalog, newTraceId } = deps;
  const routes = new Hono();

  routes.get('/api/oc/v1/orders', async (c) => {
    const found = await authenticate(c);
    if (!found.ok) return sendAnswer(c, found.answer);
    const page = positiveInteger(c.req.query('page'), 1);
    const size = positiveInteger(c.req.query('size'), 10);
    if (page === undefined || size === undefined)
      return sendAnswer(
        c,
        answerWalletError(
          400,
          'ER-TECH-0005',
          `${page === undefined ? 'page' : 'size'} must be a positive integer`,
          newTraceId(),
        ),
      );
    const { count, items } = orders.list(
      found.session.user.userId,
      {
        intentId: nonEmpty(c.req.query('intent_id')),
        intentType: nonEmpty(c.req.query('intent_type')),
        status: nonEmpty(c.req.query('status')),
      },
      { page, size },
    );
    return sendAnswer(c, answerSuccess({ count, items: items.map(orderItem) }));
  });

  routes.get('/__emulator/orders', (c) => c.json(orders.all().map((order) => activityView(order, catalog))));

  routes.post('/__emulator/orders/fail-next', async (c) => {
    const traceId = newTraceId();
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return sendAnswer(c, answerBadRequest(body.details, traceId));
    const parsed = parseWithSchema(FailNextSchema, body.value);
    if (!parsed.ok) return sendAnswer(c, answerBadRequest(parsed.details, traceId));
    runner.failNext(parsed.value.status);
    return sendAnswer(c, answerSuccess({}));
  });

  return routes;
}

/** An order as the inbox page's Activity view shows it: the wire item's facts plus owner and history. */
function activityView(order: EmulatorOrder, catalog: Catalog) {
  return {
    intentId: order.intentId,
    intentType: order.intentType,
    status: order.status,
    reason: order.reason,
    caip2Id: order.caip2Id,
    networkName: catalog.findNetwork(order.caip2Id)?.networkName ?? '',
    contact: order.contact,
    wallet: order.wallet,
    userSWA: order.userSWA,
    userOpHash: order.userOpHash,
    transactionHash: order.transactionHash,
    downstreamTransactionHash: order.downstreamTransactionHash,
    details: order.details,
    createdAt: new Date(order.createdAtMs).toISOString(),
    history: order.history.map(({ status, atMs }) => ({ status, at: new Date(atMs).toISOString() })),
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
