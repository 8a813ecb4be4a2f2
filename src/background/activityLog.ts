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

type PersistedLog = { nextId: number; entries: ActivityEntry[] };

/**
 * A ring buffer of at most `limit` entries, redacting each as it is recorded. With `storage`, the
 * newest `persistLimit` entries are written behind (batched) and restored when the worker starts again.
 */
export function createActivityLog({
  limit = 10_000,
  now = Date.now,
  storage,
  persistLimit = 2_000,
  persistMaxChars = 2_000_000,
  persistDelayMs = 500,
}: CreateActivityLogParameters = {}): ActivityLog {
  let entries: ActivityEntry[] = [];
  let nextId = 1;
  const listeners = new Set<{ entry: (entry: ActivityEntry) => void; clear?: () => void }>();
  let writeTimer: ReturnType<typeof setTimeout> | undefined;

  function persistSoon(): void {
    if (!storage || writeTimer !== undefined) return;
    writeTimer = setTimeout(() => {
      writeTimer = undefined;
      void persist(persistLimit);
    }, persistDelayMs);
  }

  async function persist(count: number): Promise<void> {
    if (!storage) return;
    const value: PersistedLog = { nextId, entries: newestWithin(entries, count, persistMaxChars) };
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
    const fresh = entries.map((e) => ({ ...e, id: e.id + offset }));
    nextId += offset;
    entries = [...saved.entries, ...fresh].slice(-limit);
  }

  return {
    record(input) {
      const entry: ActivityEntry = {
        ...input,
        id: nextId++,
        at: input.at ?? now(),
        request: redact(input.request),
        response: redact(input.response),
      };
      entries.push(entry);
      if (entries.length > limit * 1.1) entries = entries.slice(entries.length - limit);
      for (const listener of listeners) listener.entry(entry);
      persistSoon();
      return entry;
    },
    list(filter) {
      const kept = entries.length > limit ? entries.slice(entries.length - limit) : entries;
      return filter?.tabId === undefined
        ? [...kept]
        : kept.filter((e) => e.tabId === undefined || e.tabId === filter.tabId);
    },
    clear() {
      entries = [];
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

const jsonSizes = new WeakMap<ActivityEntry, number>();

/** The newest entries, at most `count` of them and at most `maxChars` of JSON in all. */
function newestWithin(entries: readonly ActivityEntry[], count: number, maxChars: number): ActivityEntry[] {
  let chars = 0;
  let start = entries.length;
  while (start > 0 && entries.length - start < count) {
    const entry = entries[start - 1] as ActivityEntry;
    let size = jsonSizes.get(entry);
    if (size === undefined) {
      size = JSON.stringify(entry).length;
      jsonSizes.set(entry, size);
    }
    if (chars + size > maxChars) break;
    chars += size;
    start--;
  }
  return entries.slice(start);
}

function asPersistedLog(value: unknown): PersistedLog | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { nextId, entries } = value as Partial<PersistedLog>;
  if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || !Array.isArray(entries))
    return undefined;
  return { nextId, entries: entries.filter((e) => typeof e?.id === 'number' && e.id < nextId) };
}

const SECRET_KEYS = new Set(['otp', 'code']);
const TOKEN_KEYS = new Set([
  'token',
  'auth_token',
  'authToken',
  'idToken',
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
