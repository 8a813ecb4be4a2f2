import { Hono } from 'hono';
import * as v from 'valibot';
import { answerBadRequest, sendAnswer } from './answers.ts';
import type { EmulatorClock } from './clock.ts';
import { readJsonBody } from './requestBody.ts';

// `GET /__emulator/clock` (the emulator's now, unix seconds) and `POST /__emulator/clock
// {"advanceSeconds": n}`, which moves it forward so that tests expire codes, tokens and sessions
// without waiting, and tells the live views.

const advanceSchema = v.object(
  {
    advanceSeconds: v.pipe(
      v.number('must be a number of seconds'),
      v.finite('must be a finite number of seconds'),
      v.minValue(0, 'must not be negative: the clock only moves forward'),
    ),
  },
  'must be an object',
);

/** The clock routes, to mount at the app's root, and a subscription to the clock's moves. */
export function createClockRoutes({
  clock,
  newTraceId,
}: {
  clock: EmulatorClock;
  newTraceId: () => string;
}): {
  routes: Hono;
  /** Calls `listener` after every move; returns the unsubscribe function. */
  onClock(listener: () => void): () => void;
} {
  const listeners = new Set<() => void>();
  const routes = new Hono();
  routes.get('/__emulator/clock', (c) => c.json({ now: clock.nowSeconds() }));
  routes.post('/__emulator/clock', async (c) => {
    const traceId = newTraceId();
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return sendAnswer(c, answerBadRequest(body.details, traceId));
    const parsed = v.safeParse(advanceSchema, body.value);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = v.getDotPath(issue);
      const details =
        path === null
          ? 'the body must be a JSON object such as {"advanceSeconds": 301}'
          : issue.input === undefined
            ? `${path} is required`
            : `${path} ${issue.message}`;
      return sendAnswer(c, answerBadRequest(details, traceId));
    }
    clock.advance(parsed.output.advanceSeconds);
    for (const listener of listeners) listener();
    return c.json({ now: clock.nowSeconds() });
  });
  return {
    routes,
    onClock(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
