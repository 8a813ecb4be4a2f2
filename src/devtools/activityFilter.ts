import type { ActivityEntry } from '../messages/devtools.ts';

// What the request log shows of an entry, and which entries a filter keeps.

export type ActivityKind = ActivityEntry['kind'];
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['provider', 'okto', 'companion', 'job'];

export type ActivityFilter = {
  /** Case-insensitive; matched against method, URL, origin, status, trace id, error and bodies. */
  text: string;
  kinds: ReadonlySet<ActivityKind>;
};

/**
 * The target column: the URL's path for HTTP calls (the kind says which server), the origin for provider
 * requests, the job's title for job changes.
 */
export function entryTarget(entry: ActivityEntry): string {
  if (entry.kind === 'job') return jobField(entry.request, 'title') ?? entry.origin ?? '';
  if (entry.url) {
    try {
      const url = new URL(entry.url);
      return `${url.pathname}${url.search}`;
    } catch {
      return entry.url;
    }
  }
  return entry.origin ?? '';
}

/** The outcome column: the HTTP status, `error`, the job's status, or `ok`. */
export function entryOutcome(entry: ActivityEntry): string {
  if (entry.kind === 'job') return jobField(entry.response, 'status') ?? 'ok';
  if (entry.error) return entry.status ? `${entry.status} error` : 'error';
  if (entry.status !== undefined) return String(entry.status);
  return 'ok';
}

/** Whether the entry failed: an error, an HTTP status of 400 or more, or a job that ended failed. */
export function isFailure(entry: ActivityEntry): boolean {
  if (entry.kind === 'job') return jobField(entry.response, 'outcome') === 'failed';
  return entry.error !== undefined || (entry.status ?? 0) >= 400;
}

function jobField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

const searchText = new WeakMap<ActivityEntry, string>();

/** Everything a text filter looks at, lower-cased; computed once per entry. */
function haystack(entry: ActivityEntry): string {
  let text = searchText.get(entry);
  if (text === undefined) {
    text = [
      entry.kind,
      entry.method,
      entry.url,
      entry.origin,
      entry.status,
      entry.traceId,
      entry.error?.message,
      entry.error?.code,
      JSON.stringify(entry.request ?? null),
      JSON.stringify(entry.response ?? null),
    ]
      .filter((part) => part !== undefined)
      .join('\n')
      .toLowerCase();
    searchText.set(entry, text);
  }
  return text;
}

/** The entries that `filter` keeps, in their order. */
export function filterEntries(entries: readonly ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
  const needle = filter.text.trim().toLowerCase();
  const allKinds = ACTIVITY_KINDS.every((kind) => filter.kinds.has(kind));
  if (!needle && allKinds) return [...entries];
  return entries.filter(
    (entry) => filter.kinds.has(entry.kind) && (!needle || haystack(entry).includes(needle)),
  );
}
