import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EmulatorClock } from './clock.ts';
import type { OrderBook } from './intents/orderBook.ts';
import type { Outbox } from './outbox.ts';

// `GET /__emulator/events`: the inbox page's live feed (server-sent events). `otp` on every delivered
// code, `clock` when the clock moves (and once on connect), `order` when an order is created or changes,
// `ping` every 15 s. Events carry what changed; the page reloads the lists they concern.

export type EventRoutesDependencies = {
  outbox: Outbox;
  clock: EmulatorClock;
  /** Subscribes to clock moves; returns the unsubscribe function. */
  onClock: (listener: () => void) => () => void;
  orders: OrderBook;
  /** `/authenticate` refusals of the social providers, as `authenticate` events (okto-social-login.md §5.4). */
  identity: { subscribe(listener: (refusal: Record<string, unknown>) => void): () => void };
};

/** The event stream route, to mount at the app's root. */
export function createEventRoutes({
  outbox,
  clock,
  onClock,
  orders,
  identity,
}: EventRoutesDependencies): Hono {
  const routes = new Hono();
  routes.get('/__emulator/events', (c) =>
    streamSSE(c, async (stream) => {
      const clockEvent = () => JSON.stringify({ now: clock.nowSeconds() });
      const unsubscribe = [
        outbox.subscribe((message) => void stream.writeSSE({ event: 'otp', data: JSON.stringify(message) })),
        onClock(() => void stream.writeSSE({ event: 'clock', data: clockEvent() })),
        orders.subscribe(
          (order) =>
            void stream.writeSSE({
              event: 'order',
              data: JSON.stringify({ intentId: order.intentId, status: order.status }),
            }),
        ),
        identity.subscribe(
          (refusal) =>
            void stream.writeSSE({ event: 'authenticate', data: JSON.stringify({ ok: false, ...refusal }) }),
        ),
      ];
      const ping = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }), 15_000);
      await stream.writeSSE({ event: 'clock', data: clockEvent() });
      await new Promise<void>((resolve) => {
        const stop = () => {
          clearInterval(ping);
          for (const off of unsubscribe) off();
          resolve();
        };
        if (stream.aborted || c.req.raw.signal.aborted) stop();
        stream.onAbort(stop);
        c.req.raw.signal.addEventListener('abort', stop, { once: true });
      });
    }),
  );
  return routes;
}
