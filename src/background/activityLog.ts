// A bounded log of what the worker did: its HTTP calls to Okto and the companion, and the provider
// requests of dApps. The DevTools panel shows it. Everything is redacted when recorded, so no code,
// no full token and no full contact is ever kept, let alone shown.

export type ActivityEntry = {
  id: number;
  /** Unix ms. */
  at: number;
  kind: 'okto' | 'companion' | 'provider';
  /** Provider requests: the tab and origin that asked. */
  tabId?: number;
  origin?: string;
  /** HTTP method, or the provider method (`okto_requestAuthToken`). */
  method: string;
  url?: string;
  status?: number;
  durationMs: number;
  traceId?: string;
  /** Redacted request body or provider params. */
  request?: unknown;
  /** Redacted response body or provider result. */
  response?: unknown;
  error?: { message: string; code?: string | number };
};

export type ActivityLog = {
  record(entry: Omit<ActivityEntry, 'id' | 'at'> & { at?: number }): ActivityEntry;
  list(filter?: { tabId?: number }): ActivityEntry[];
  clear(): void;
  subscribe(listener: (entry: ActivityEntry) => void): () => void;
};

/** A ring buffer of at most `limit` entries, redacting each as it is recorded. */
export function createActivityLog({ limit = 10_000, now = Date.now } = {}): ActivityLog {
  let entries: ActivityEntry[] = [];
  let nextId = 1;
  const listeners = new Set<(entry: ActivityEntry) => void>();
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
      if (entries.length > limit) entries = entries.slice(entries.length - limit);
      for (const listener of listeners) listener(entry);
      return entry;
    },
    list: (filter) =>
      filter?.tabId === undefined
        ? [...entries]
        : entries.filter((e) => e.tabId === undefined || e.tabId === filter.tabId),
    clear() {
      entries = [];
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
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
