import { describe, expect, it } from 'vitest';
import { createActivityLog } from '../background/activityLog.ts';
import type { ActivityEntry } from '../messages/devtools.ts';
import { appendBounded } from './boundedEntries.ts';

// The panel's copy must drop what the worker's log drops: both are fed the same entries here, and the
// panel's bounded copy must equal the worker's list.

const LIMIT = 100;
const bounds = { limit: LIMIT, perOriginLimit: LIMIT / 10 };

type Input = Pick<ActivityEntry, 'kind' | 'origin' | 'method'>;

function both(first: Input[], then: Input[][]) {
  const worker = createActivityLog({ limit: LIMIT });
  const record = (input: Input) => worker.record({ ...input, durationMs: 0 });
  let panel: ActivityEntry[] = first.map(record);
  panel = appendBounded([], panel, bounds);
  for (const batch of then) panel = appendBounded(panel, batch.map(record), bounds);
  return { panel: panel.map((e) => e.id), worker: worker.list().map((e) => e.id), entries: panel };
}

const provider = (origin: string, n: number): Input[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'provider', origin, method: `m${i}` }));
const okto = (n: number): Input[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'okto', method: `GET ${i}` }));
const job = (n: number): Input[] => Array.from({ length: n }, () => ({ kind: 'job', method: 'job done' }));

describe('appendBounded', () => {
  it("keeps the worker's own entries (jobs, Okto calls) when a page floods the log", () => {
    const spread = Array.from({ length: 10 }, (_, k) => provider(`https://load-${k}.test`, 10)).flat();
    const { panel, worker, entries } = both(
      [...okto(5), ...job(3)],
      [spread, provider('https://late.test', 5)],
    );
    expect(panel).toEqual(worker);
    expect(entries.filter((e) => e.kind === 'job')).toHaveLength(3);
    expect(entries.filter((e) => e.kind === 'okto')).toHaveLength(5);
    expect(panel).toHaveLength(LIMIT);
  });

  it("keeps each origin to its share, as the worker does, whatever the batches' sizes", () => {
    const { panel, worker, entries } = both(okto(2), [
      provider('https://flood.test', 25),
      provider('https://flood.test', 7),
      job(1),
    ]);
    expect(panel).toEqual(worker);
    expect(entries.filter((e) => e.origin === 'https://flood.test')).toHaveLength(LIMIT / 10);
  });

  it('evicts the biggest origin first, in the same order as the worker', () => {
    const many = Array.from({ length: 12 }, (_, k) => provider(`https://site-${k}.test`, 9)).flat();
    const { panel, worker } = both(
      [],
      [many.slice(0, 50), many.slice(50), okto(4), provider('https://site-0.test', 3)],
    );
    expect(panel).toEqual(worker);
  });

  it('drops the oldest worker entries only when nothing else is left', () => {
    const { panel, worker } = both(okto(60), [job(60)]);
    expect(panel).toEqual(worker);
    expect(panel).toHaveLength(LIMIT);
  });
});
