// A bounded log of what the worker did: its HTTP calls to Okto and the companion, and the provider
// requests of dApps. The DevTools panel shows it. Everything is redacted when recorded, so no code,
// no full token and no full contact is ever kept, let alone shown.

import type { ActivityEntry } from '../messages/devtools.ts';

export type { ActivityEntry };

export type ActivityLog = {
  record(entry: Omit<ActivityEntry, 'id' | 'at'> & { at?: number }): ActivityEntry;
  /** Oldest first; with `tabId`, that tab's entries plus the worker-wide ones (which have no tab). */
  list(filter?: { tabId?: number }): ActivityEntry[];
  clear(): void;
  /** Calls `listener` with every new entry and `onClear` after every `clear()`; returns the unsubscribe function. */
  subscribe(listener: (entry: ActivityEntry) => void, onClear?: () => void): () => void;
  /** Settles once the persisted entries (if any) are back in the log. */
  ready: Promise<void>;
};

/** Where the log survives a worker restart: `chrome.storage.session` in the extension, a Map in tests. */
export type ActivityStorage = {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
};

export type CreateActivityLogParameters = {
  /** The most entries kept in memory. */
  limit?: number;
  /**
   * The most entries one origin's provider requests keep (its oldest go first): a flooding page only
   * ever pushes out its own entries, never Okto and companion calls or other sites' requests.
   */
  perOriginLimit?: number;
  /** The most JSON characters of an entry's request, response and error each; longer ones are cut. */
  maxFieldChars?: number;
  now?: () => number;
  /** Write-behind persistence of the newest entries; none when omitted. */
  storage?: ActivityStorage;
  /** The most entries persisted. */
  persistLimit?: number;
  /**
   * The most JSON characters persisted: storage.session holds 10 MB in all, and the provider keeps its
   * approvals and event targets there too, so the log must never crowd them out.
   */
  persistMaxChars?: number;
  /** How long writes are batched. */
  persistDelayMs?: number;
};

const STORAGE_KEY = 'activityLog';
/** The most JSON characters of a field of the worker's own entries (Okto, companion, jobs). */
const WORKER_FIELD_CHARS = 16_000;

type PersistedLog = { nextId: number; entries: ActivityEntry[] };

/** Entries are grouped by who caused them: the worker itself (Okto, companion), or one site's origin. */
const WORKER_GROUP = '';
const groupOf = (entry: ActivityEntry) =>
  entry.kind === 'provider' ? `o:${entry.origin ?? ''}` : WORKER_GROUP;

/**
 * A bounded log of at most `limit` entries, redacting each as it is recorded. Each origin keeps at most
 * `perOriginLimit` entries; past `limit` in all, the origin with the most entries loses its oldest (the
 * worker's own Okto and companion calls go last). With `storage`, the newest `persistLimit` entries (under
 * the same per-origin share) are written behind, batched, and restored when the worker starts again.
 */
export function createActivityLog({
  limit = 10_000,
  perOriginLimit = Math.max(1, Math.floor(limit / 10)),
  maxFieldChars = 1_000,
  now = Date.now,
  storage,
  persistLimit = 2_000,
  persistMaxChars = 2_000_000,
  persistDelayMs = 500,
}: CreateActivityLogParameters = {}): ActivityLog {
  /** Every entry in id order; evicted ones stay until the next compaction, marked in `evicted`. */
  let entries: ActivityEntry[] = [];
  let evicted = new Set<ActivityEntry>();
  /** Each group's live entries, oldest first (a queue: `head` is the index of its oldest). */
  let groups = new Map<string, { queue: ActivityEntry[]; head: number }>();
  let live = 0;
  let nextId = 1;
  const listeners = new Set<{ entry: (entry: ActivityEntry) => void; clear?: () => void }>();
  let writeTimer: ReturnType<typeof setTimeout> | undefined;

  const sizeOf = (group: { queue: ActivityEntry[]; head: number }) => group.queue.length - group.head;

  function add(entry: ActivityEntry): void {
    entries.push(entry);
    live++;
    const key = groupOf(entry);
    let group = groups.get(key);
    if (!group) {
      group = { queue: [], head: 0 };
      groups.set(key, group);
    }
    group.queue.push(entry);
    if (key !== WORKER_GROUP && sizeOf(group) > perOriginLimit) evictOldest(key);
    while (live > limit) evictOldest(largestGroup());
  }

  /** The origin with the most entries, or the worker's own group when no site has any. */
  function largestGroup(): string {
    let best = WORKER_GROUP;
    let bestSize = 0;
    for (const [key, group] of groups)
      if (key !== WORKER_GROUP && sizeOf(group) > bestSize) {
        best = key;
        bestSize = sizeOf(group);
      }
    return best;
  }

  function evictOldest(key: string): void {
    const group = groups.get(key);
    if (!group || sizeOf(group) === 0) return;
    const oldest = group.queue[group.head++] as ActivityEntry;
    evicted.add(oldest);
    live--;
    if (sizeOf(group) === 0) groups.delete(key);
    else if (group.head > 1024 && group.head * 2 > group.queue.length) {
      group.queue = group.queue.slice(group.head);
      group.head = 0;
    }
    if (evicted.size > 1024 && evicted.size * 2 > entries.length) {
      entries = entries.filter((e) => !evicted.has(e));
      evicted = new Set();
    }
  }

  function reset(list: ActivityEntry[]): void {
    entries = [];
    evicted = new Set();
    groups = new Map();
    live = 0;
    for (const entry of list) add(entry);
  }

  const current = () => (evicted.size === 0 ? [...entries] : entries.filter((e) => !evicted.has(e)));

  function persistSoon(): void {
    if (!storage || writeTimer !== undefined) return;
    writeTimer = setTimeout(() => {
      writeTimer = undefined;
      void persist(persistLimit);
    }, persistDelayMs);
  }

  async function persist(count: number): Promise<void> {
    if (!storage) return;
    const value: PersistedLog = {
      nextId,
      entries: newestWithin(current(), count, persistMaxChars, Math.max(1, Math.floor(count / 10))),
    };
    try {
      await storage.set({ [STORAGE_KEY]: value });
    } catch {
      // Over the quota (large bodies): keep fewer rather than none.
      if (count > 50) await persist(Math.floor(count / 2));
    }
  }

  async function restore(): Promise<void> {
    if (!storage) return;
    let saved: PersistedLog | undefined;
    try {
      saved = asPersistedLog((await storage.get(STORAGE_KEY))[STORAGE_KEY]);
    } catch {
      return;
    }
    if (!saved) return;
    // Entries recorded while the storage was read come after the restored ones, with ids after theirs.
    const offset = saved.nextId - 1;
    const fresh = current().map((e) => ({ ...e, id: e.id + offset }));
    nextId += offset;
    reset([...saved.entries, ...fresh]);
  }

  return {
    record(input) {
      // Pages' requests are cut short (a flooding page must not cost the worker memory); the worker's own
      // calls keep what the panel shows, a UserOp's callData included.
      const fieldLimit = input.kind === 'provider' ? maxFieldChars : WORKER_FIELD_CHARS;
      const entry: ActivityEntry = {
        ...input,
        id: nextId++,
        at: input.at ?? now(),
        request: cap(redact(input.request), fieldLimit),
        response: cap(redact(input.response), fieldLimit),
        ...(input.error && { error: cap(input.error, fieldLimit) as ActivityEntry['error'] }),
      };
      add(entry);
      for (const listener of listeners) listener.entry(entry);
      persistSoon();
      return entry;
    },
    list(filter) {
      const kept = current();
      return filter?.tabId === undefined
        ? kept
        : kept.filter((e) => e.tabId === undefined || e.tabId === filter.tabId);
    },
    clear() {
      reset([]);
      for (const listener of listeners) listener.clear?.();
      persistSoon();
    },
    subscribe(entry, clear) {
      const listener = { entry, clear };
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: restore(),
  };
}

/**
 * `value`, or a stand-in when its JSON is longer than `maxChars`: the size and the beginning of it, so
 * that a page sending big params cannot make each entry cost kilobytes of the worker's memory.
 */
export function cap(value: unknown, maxChars: number): unknown {
  if (value === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    return { truncated: true, reason: 'not JSON' };
  }
  if (json.length <= maxChars) return value;
  return { truncated: true, chars: json.length, preview: json.slice(0, Math.max(0, maxChars - 80)) };
}

const jsonSizes = new WeakMap<ActivityEntry, number>();

/**
 * The newest entries, at most `count` of them, at most `maxChars` of JSON in all, and at most
 * `perOrigin` of any one origin's provider requests (so a flood does not crowd out the rest).
 */
function newestWithin(
  entries: readonly ActivityEntry[],
  count: number,
  maxChars: number,
  perOrigin: number,
): ActivityEntry[] {
  let chars = 0;
  const taken: ActivityEntry[] = [];
  const perGroup = new Map<string, number>();
  for (let i = entries.length - 1; i >= 0 && taken.length < count; i--) {
    const entry = entries[i] as ActivityEntry;
    const group = groupOf(entry);
    const inGroup = perGroup.get(group) ?? 0;
    if (group !== WORKER_GROUP && inGroup >= perOrigin) continue;
    let size = jsonSizes.get(entry);
    if (size === undefined) {
      size = JSON.stringify(entry).length;
      jsonSizes.set(entry, size);
    }
    if (chars + size > maxChars) break;
    chars += size;
    perGroup.set(group, inGroup + 1);
    taken.push(entry);
  }
  return taken.reverse();
}

function asPersistedLog(value: unknown): PersistedLog | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { nextId, entries } = value as Partial<PersistedLog>;
  if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || !Array.isArray(entries))
    return undefined;
  return { nextId, entries: entries.filter((e) => typeof e?.id === 'number' && e.id < nextId) };
}

// `code` and `codeVerifier`: an X authorization code and its PKCE verifier (the X code exchange).
const SECRET_KEYS = new Set(['otp', 'code', 'codeVerifier']);
const TOKEN_KEYS = new Set([
  'token',
  'auth_token',
  'authToken',
  'idToken',
  'accessToken',
  'refresh_auth_token',
  'device_token',
  'client_signature',
  'data_signature',
  'sessionPkClientSignature',
  'sessionDataUserSignature',
  'paymasterData',
]);
const EMAIL_KEYS = new Set(['email', 'to']);
const PHONE_KEYS = new Set(['whatsapp_number', 'whatsappNumber']);

/** A copy of `value` with codes removed, tokens cut to 8 characters and contacts masked. */
export function redact(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  if (typeof value !== 'string') return value;
  if (SECRET_KEYS.has(key)) return '••••••';
  if (TOKEN_KEYS.has(key)) return value.length > 8 ? `${value.slice(0, 8)}…` : value;
  if (PHONE_KEYS.has(key)) return maskPhone(value);
  if (EMAIL_KEYS.has(key) && value.includes('@')) return maskEmail(value);
  if (EMAIL_KEYS.has(key) && /^\+?\d{6,}$/.test(value)) return maskPhone(value);
  return value;
}

/** `alice@example.com` → `a•••@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** `9876543210` → `••••••3210`. */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, '');
  return `${'•'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}
