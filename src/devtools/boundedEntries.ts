import type { ActivityEntry } from '../messages/devtools.ts';

// The panel's copy of the log, kept to the worker's bounds by the worker's rule (createActivityLog in
// src/background/activityLog.ts): each site's origin keeps at most its share, and past the limit the
// origin with the most entries loses its oldest; the worker's own entries (Okto, companion, jobs) go
// last. Dropping simply the oldest instead would lose a job's entries to a flooding page in the panel
// while the worker still has them.

export type BoundParameters = {
  /** The most entries in all. */
  limit: number;
  /** The most entries of one origin's provider requests; the worker's default is a tenth of `limit`. */
  perOriginLimit: number;
};

/** The group createActivityLog evicts by: `''` for the worker's own entries, else the provider's origin. */
const WORKER = '';
const groupOf = (entry: ActivityEntry) => (entry.kind === 'provider' ? `o:${entry.origin ?? ''}` : WORKER);

/**
 * `current` (already within the bounds) followed by `added`, with what the worker's log would have
 * evicted while recording `added` left out. Oldest first, as given.
 * @example appendBounded(entries, batch, { limit: 10_000, perOriginLimit: 1_000 })
 */
export function appendBounded(
  current: readonly ActivityEntry[],
  added: readonly ActivityEntry[],
  { limit, perOriginLimit }: BoundParameters,
): ActivityEntry[] {
  const all = [...current, ...added];
  if (all.length <= limit && added.every((e) => e.kind !== 'provider')) return all;
  /** Each group's entries as indices into `all`, oldest first; `head` is its oldest live one. */
  const groups = new Map<string, { queue: number[]; head: number }>();
  const dropped = new Set<number>();
  let live = 0;
  const add = (index: number) => {
    const key = groupOf(all[index] as ActivityEntry);
    let group = groups.get(key);
    if (!group) {
      group = { queue: [], head: 0 };
      groups.set(key, group);
    }
    group.queue.push(index);
    live++;
    return key;
  };
  const sizeOf = (group: { queue: number[]; head: number }) => group.queue.length - group.head;
  const evictOldest = (key: string) => {
    const group = groups.get(key);
    if (!group || sizeOf(group) === 0) return;
    dropped.add(group.queue[group.head++] as number);
    live--;
    if (sizeOf(group) === 0) groups.delete(key);
  };
  const largest = () => {
    let best = WORKER;
    let bestSize = 0;
    for (const [key, group] of groups)
      if (key !== WORKER && sizeOf(group) > bestSize) {
        best = key;
        bestSize = sizeOf(group);
      }
    return best;
  };

  for (let i = 0; i < current.length; i++) add(i);
  for (let i = current.length; i < all.length; i++) {
    const key = add(i);
    const group = groups.get(key);
    if (key !== WORKER && group && sizeOf(group) > perOriginLimit) evictOldest(key);
    while (live > limit) evictOldest(largest());
  }
  return dropped.size === 0 ? all : all.filter((_, i) => !dropped.has(i));
}
