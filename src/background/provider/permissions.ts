import * as v from 'valibot';
import type { Address } from 'viem';
import type { KeyValueStore } from '../store.ts';

// Which web origins the user approved: they may read the wallet address and get Okto auth tokens.
// An approval belongs to the Okto user who gave it; when another user logs in, earlier approvals lapse.

const KEY = 'provider/permissions';

/** One approved site. */
export type SitePermission = {
  /** `https://app.example` – scheme, host and port, exactly as Chrome reported the sender. */
  origin: string;
  /** Unix ms. */
  approvedAt: number;
  /** The chain the site is on (its `eth_chainId`): set when it switches; until then the user's first network. */
  chainId?: number;
};

/** What is persisted: the approvals and the user (userSWA) who gave them. */
type PermissionsRecord = { owner?: Address; sites: SitePermission[] };

const RecordSchema = v.object({
  owner: v.optional(v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/))),
  sites: v.array(
    v.object({
      origin: v.string(),
      approvedAt: v.number(),
      chainId: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
    }),
  ),
});

/** Why the approved sites changed, for listeners that tell those sites' tabs. */
export type PermissionsChange = { kind: 'granted'; origin: string } | { kind: 'revoked'; origins: string[] };

export type Permissions = {
  /** Whether `origin` is approved. */
  isConnected(origin: string): Promise<boolean>;
  /** The approval of `origin`, if any. */
  get(origin: string): Promise<SitePermission | undefined>;
  /** All approved sites, most recent first. */
  list(): Promise<SitePermission[]>;
  /** Approves `origin` (keeps the first approval date if it was approved already). */
  grant(origin: string): Promise<SitePermission>;
  /** Puts an approved site on `chainId`; answers whether the site is approved. */
  setChain(origin: string, chainId: number): Promise<boolean>;
  /** Removes the approval of `origin`; answers whether there was one. */
  revoke(origin: string): Promise<boolean>;
  /**
   * Makes `userSWA` the owner of the approvals: if they were given by another user, they are all
   * dropped (a different person must approve sites again). Called when a user logs in.
   */
  claimFor(userSWA: Address): Promise<void>;
  /** Calls `listener` after every grant or revoke; returns the unsubscribe function. */
  subscribe(listener: (change: PermissionsChange) => void): () => void;
};

/** The approved-sites store over a key-value store (IndexedDB in the worker). */
export function createPermissions({
  store,
  now = Date.now,
}: {
  store: KeyValueStore;
  now?: () => number;
}): Permissions {
  const listeners = new Set<(change: PermissionsChange) => void>();
  let queue: Promise<unknown> = Promise.resolve();

  // Read once, then kept in memory: every dApp request checks its site, and all writes go through here.
  let cached: Promise<PermissionsRecord> | undefined;
  function load(): Promise<PermissionsRecord> {
    cached ??= store.get(KEY).then((value) => {
      const parsed = v.safeParse(RecordSchema, value);
      return parsed.success ? (parsed.output as PermissionsRecord) : { sites: [] };
    });
    cached.catch(() => {
      cached = undefined;
    });
    return cached.then((record) => structuredClone(record));
  }
  /** Read-modify-write in order, so two grants at once never lose one. */
  function update<result>(change: (record: PermissionsRecord) => result): Promise<result> {
    const next = queue.then(async () => {
      const record = await load();
      const result = change(record);
      await store.set(KEY, record);
      cached = Promise.resolve(structuredClone(record));
      return result;
    });
    queue = next.catch(() => {});
    return next;
  }
  const emit = (change: PermissionsChange) => {
    for (const listener of listeners) listener(change);
  };

  const self: Permissions = {
    async isConnected(origin) {
      return (await self.get(origin)) !== undefined;
    },
    async get(origin) {
      await queue;
      return (await load()).sites.find((site) => site.origin === origin);
    },
    async list() {
      await queue;
      return [...(await load()).sites].sort((a, b) => b.approvedAt - a.approvedAt);
    },
    async grant(origin) {
      const { site, added } = await update((record) => {
        const existing = record.sites.find((s) => s.origin === origin);
        if (existing) return { site: existing, added: false };
        const created = { origin, approvedAt: now() };
        record.sites.push(created);
        return { site: created, added: true };
      });
      if (added) emit({ kind: 'granted', origin });
      return site;
    },
    async setChain(origin, chainId) {
      return update((record) => {
        const site = record.sites.find((s) => s.origin === origin);
        if (site) site.chainId = chainId;
        return site !== undefined;
      });
    },
    async revoke(origin) {
      const removed = await update((record) => {
        const before = record.sites.length;
        record.sites = record.sites.filter((s) => s.origin !== origin);
        return record.sites.length < before;
      });
      if (removed) emit({ kind: 'revoked', origins: [origin] });
      return removed;
    },
    async claimFor(userSWA) {
      const dropped = await update((record) => {
        if (record.owner?.toLowerCase() === userSWA.toLowerCase()) return [];
        const origins = record.owner ? record.sites.map((s) => s.origin) : [];
        record.owner = userSWA;
        if (origins.length > 0) record.sites = [];
        return origins;
      });
      if (dropped.length > 0) emit({ kind: 'revoked', origins: dropped });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return self;
}
