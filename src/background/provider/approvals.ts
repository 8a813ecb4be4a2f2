import { type PendingApprovalView, ProviderErrorCode } from '../../messages/provider.ts';
import { ProviderRpcError } from './errors.ts';
import { createRateLimiter, type RateLimiter } from './rateLimit.ts';

// Sites waiting for the user to approve them. Each pending approval has its own small window: the
// approval page, or the popup's login first when nobody is logged in. They are kept in
// chrome.storage.session, so a worker that was stopped while a window is open still knows them when
// it starts again (the dApp's bridge re-sends its request, which joins the pending approval). Closing
// the window rejects. At most one approval per origin is pending: more requests join it.

const KEY = 'provider/pending';

type PendingRecord = PendingApprovalView & { windowId?: number; tabId?: number };

/** How approval windows are opened and closed; the default uses chrome.windows. */
export type ApprovalWindows = {
  open(url: string): Promise<{ windowId?: number; tabId?: number }>;
  close(windowId: number): Promise<void>;
  navigate(tabId: number, url: string): Promise<void>;
  exists(windowId: number): Promise<boolean>;
};

export const chromeWindows: ApprovalWindows = {
  async open(url) {
    const window = await chrome.windows.create({
      url,
      type: 'popup',
      width: 360,
      height: 600,
      focused: true,
    });
    return { windowId: window?.id, tabId: window?.tabs?.[0]?.id };
  },
  async close(windowId) {
    await chrome.windows.remove(windowId);
  },
  async navigate(tabId, url) {
    await chrome.tabs.update(tabId, { url });
  },
  async exists(windowId) {
    return chrome.windows.get(windowId).then(
      () => true,
      () => false,
    );
  },
};

export type Approvals = {
  /**
   * Resolves with the user's decision about `origin`: true when approved, false when rejected or
   * when the window was closed. Opens a window unless one is pending for `origin` already.
   * Throws -32005 when the site asks too often or too many sites wait at once.
   */
  request(origin: string, options: { needsLogin: boolean }): Promise<boolean>;
  /** Settles a pending approval and closes its window; answers the record, if it was pending. */
  decide(id: string, approve: boolean): Promise<PendingApprovalView | undefined>;
  get(id: string): Promise<PendingApprovalView | undefined>;
  list(): Promise<PendingApprovalView[]>;
  /** chrome.windows.onRemoved: a closed approval window rejects. */
  windowClosed(windowId: number): Promise<void>;
  /** After a login: approvals that waited for it continue (approved sites at once, others to the approval page). */
  loggedIn(isApproved: (origin: string) => Promise<boolean>): Promise<void>;
  /** After a logout: pending approvals ask for a login first. */
  loggedOut(): Promise<void>;
  /** On a worker start: forgets approvals whose window is gone. */
  restore(): Promise<void>;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
};

export type CreateApprovalsParameters = {
  storage?: Pick<chrome.storage.StorageArea, 'get' | 'set'>;
  windows?: ApprovalWindows;
  /** The URL of an extension page, e.g. `approval.html?id=…`. */
  pageUrl?: (path: string) => string;
  /** How often one origin may open an approval window. */
  promptLimiter?: RateLimiter;
  /** Approvals pending at most, over all origins. */
  maxPending?: number;
  now?: () => number;
};

/** The pending approvals of the worker. */
export function createApprovals({
  storage = chrome.storage.session,
  windows = chromeWindows,
  pageUrl = (path) => chrome.runtime.getURL(path),
  promptLimiter = createRateLimiter({ burst: 3, perSecond: 1 / 20 }),
  maxPending = 5,
  now = Date.now,
}: CreateApprovalsParameters = {}): Approvals {
  const waiters = new Map<string, Set<(approved: boolean) => void>>();
  const listeners = new Set<() => void>();
  let queue: Promise<unknown> = Promise.resolve();

  const load = async (): Promise<PendingRecord[]> => {
    const value = (await storage.get(KEY))[KEY];
    return Array.isArray(value) ? (value as PendingRecord[]) : [];
  };
  const save = (records: PendingRecord[]) => storage.set({ [KEY]: records });
  /** Runs `task` after every earlier one, so records are never read and written at the same time. */
  const exclusive = <result>(task: () => Promise<result>): Promise<result> => {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  };
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const wait = (id: string) =>
    new Promise<boolean>((resolve) => {
      if (!waiters.has(id)) waiters.set(id, new Set());
      waiters.get(id)?.add(resolve);
    });
  const urlOf = (r: PendingApprovalView) =>
    pageUrl(r.needsLogin ? `popup.html?pending=${r.id}` : `approval.html?id=${r.id}`);
  const view = ({ id, origin, createdAt, needsLogin }: PendingRecord): PendingApprovalView => ({
    id,
    origin,
    createdAt,
    needsLogin,
  });

  const self: Approvals = {
    async request(origin, { needsLogin }) {
      let created = false;
      // The decision is wrapped: returning the bare promise would hold the queue until the user decides.
      const { decision } = await exclusive(async () => {
        const records = await load();
        const existing = records.find((r) => r.origin === origin);
        if (existing) return { decision: wait(existing.id) };
        if (records.length >= maxPending)
          throw new ProviderRpcError(
            ProviderErrorCode.limitExceeded,
            'Too many sites are waiting for approval. Answer those first, then try again.',
          );
        if (!promptLimiter.take(origin))
          throw new ProviderRpcError(
            ProviderErrorCode.limitExceeded,
            'This site asked for approval too often. Wait a minute, then try again.',
          );
        const record: PendingRecord = { id: crypto.randomUUID(), origin, createdAt: now(), needsLogin };
        const decided = wait(record.id);
        // Saved before the window opens, so a worker stopped in between still knows it.
        await save([...records, record]);
        const opened = await windows.open(urlOf(record)).catch(async (error: unknown) => {
          await save(records);
          throw new ProviderRpcError(
            ProviderErrorCode.internal,
            `The approval window could not be opened (${String(error)}). Try again.`,
          );
        });
        await save([...records, { ...record, ...opened }]);
        created = true;
        return { decision: decided };
      });
      if (created) changed();
      return decision;
    },

    async decide(id, approve) {
      const record = await exclusive(async () => {
        const records = await load();
        const found = records.find((r) => r.id === id);
        if (found) await save(records.filter((r) => r.id !== id));
        return found;
      });
      if (!record) return undefined;
      for (const resolve of waiters.get(id) ?? []) resolve(approve);
      waiters.delete(id);
      if (record.windowId !== undefined) windows.close(record.windowId).catch(() => {});
      changed();
      return view(record);
    },

    async get(id) {
      const found = (await load()).find((r) => r.id === id);
      return found && view(found);
    },

    async list() {
      return (await load()).map(view);
    },

    async windowClosed(windowId) {
      const found = (await load()).find((r) => r.windowId === windowId);
      if (found) await self.decide(found.id, false);
    },

    async loggedIn(isApproved) {
      for (const record of await load()) {
        if (!record.needsLogin) continue;
        if (await isApproved(record.origin)) await self.decide(record.id, true);
        else await moveTo(record.id, false);
      }
    },

    async loggedOut() {
      for (const record of await load()) if (!record.needsLogin) await moveTo(record.id, true);
    },

    async restore() {
      for (const record of await load())
        if (record.windowId === undefined || !(await windows.exists(record.windowId)))
          await self.decide(record.id, false);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  /** Switches a pending approval between the login and the approval page, in the same window. */
  async function moveTo(id: string, needsLogin: boolean) {
    const record = await exclusive(async () => {
      const records = await load();
      const found = records.find((r) => r.id === id);
      if (!found || found.needsLogin === needsLogin) return undefined;
      found.needsLogin = needsLogin;
      await save(records);
      return found;
    });
    if (!record) return;
    if (record.tabId !== undefined) await windows.navigate(record.tabId, urlOf(record)).catch(() => {});
    changed();
  }

  return self;
}
