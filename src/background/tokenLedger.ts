import type { KeyValueStore } from './store.ts';

// Okto has no token revocation: a token handed to a site (or minted in DevTools) stays valid at Okto
// until its `expire_at`, whatever the extension does afterwards. The ledger remembers, per audience,
// until when the tokens already handed out stay valid, so that Revoke and Log out can say so truthfully
// ("tokens it already has stay valid until 14:05").

const KEY = 'tokens/handedOut';

/** Who received a token: a site's origin, or `devtools` for the panel's test tokens. */
export type TokenAudience = string;

export type TokenLedger = {
  /** Records a token handed to `audience` that expires at `expiresAt` (unix seconds). */
  handedOut(audience: TokenAudience, expiresAt: number): Promise<void>;
  /** Unix seconds until which tokens handed to `audience` stay valid; `undefined` if none are valid now. */
  validUntil(audience: TokenAudience): Promise<number | undefined>;
  /** The latest such time over every audience; `undefined` if no handed-out token is valid now. */
  latest(): Promise<number | undefined>;
  /** Starts reading the ledger, so that a stopped worker's first token does not wait for it. */
  warm(): void;
};

/**
 * The ledger over the worker's store. Times are rounded up to the next minute (what the user is told
 * is minute-precise anyway), so a site asking for a token per request writes at most once a minute.
 */
export function createTokenLedger({
  store,
  now = Date.now,
}: {
  store: KeyValueStore;
  /** Unix milliseconds. */
  now?: () => number;
}): TokenLedger {
  let entries: Promise<Map<TokenAudience, number>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = () => {
    entries ??= store.get<Record<string, number>>(KEY).then((value) => {
      const map = new Map<TokenAudience, number>();
      if (typeof value === 'object' && value !== null)
        for (const [audience, until] of Object.entries(value))
          if (typeof until === 'number' && Number.isFinite(until)) map.set(audience, until);
      return map;
    });
    entries.catch(() => {
      entries = undefined;
    });
    return entries;
  };
  const nowSeconds = () => Math.floor(now() / 1000);
  const valid = (until: number | undefined) =>
    until !== undefined && until > nowSeconds() ? until : undefined;

  return {
    async handedOut(audience, expiresAt) {
      const until = Math.ceil(expiresAt / 60) * 60;
      if (((await load()).get(audience) ?? 0) >= until) return;
      const next = queue.then(async () => {
        const map = await load();
        if ((map.get(audience) ?? 0) >= until) return;
        map.set(audience, until);
        for (const [key, value] of map) if (value <= nowSeconds()) map.delete(key);
        await store.set(KEY, Object.fromEntries(map));
      });
      queue = next.catch(() => {});
      await next;
    },
    async validUntil(audience) {
      return valid((await load()).get(audience));
    },
    async latest() {
      return valid(Math.max(0, ...(await load()).values()));
    },
    warm() {
      load().catch(() => {});
    },
  };
}
