import {
  type BridgeProbe,
  type EmbeddingView,
  type PendingRequestKind,
  type PendingRequestPayloads,
  type PendingRequestView,
  ProviderErrorCode,
} from '../../messages/provider.ts';
import { ProviderRpcError, unauthorized } from './errors.ts';
import { createRateLimiter, type RateLimiter } from './rateLimit.ts';
import type { SiteOf } from './site.ts';

// The approval queue: every request that waits for the user (connect a site now; sign a message, typed
// data, a transaction or EIP-5792 calls next), oldest first, shown in ONE window: the approval page
// (src/approval/, one view per kind) or the popup's login first when nobody is logged in. The window
// shows the first request and how many wait; answering it shows the next; the last answer closes it.
//
// Each request is bound to the documents that asked (Chrome's tab, frame and document ids): when one
// goes away (navigated, reloaded, closed) its wait ends with a rejection, and a request nobody waits
// for leaves the queue. Approving re-checks that a requester still exists. Limits per tab and per site
// (registrable domain, which also counts requests of frames a site embeds) keep one page from filling
// the queue, so other sites can still ask.
//
// Closing the window rejects what it was showing: the first request (or, on the login page, which
// lists them all, every request). Other requests stay queued and the window opens again for them.
//
// Kept in chrome.storage.session, so a worker stopped while the window is open still knows the queue
// (the dApp's bridge re-sends its request, which joins its entry), and a worker start forgets entries
// whose documents are gone, and reopens the window if it was closed meanwhile.

const KEY = 'provider/queue';

/** One document waiting for a request: the sender Chrome reported, and the page embedding it. */
export type Requester = {
  tabId: number;
  frameId: number;
  documentId: string;
  /** For a frame whose top-level page is another origin: that page, as its bridge reported it. */
  topOrigin?: string;
  topSite?: string;
};

/** `requestKey`: the request of one document a re-send (after a worker restart) is known by. */
type PendingRecord = PendingRequestView & { requesters: Requester[]; requestKey?: string };
type WindowRecord = { windowId: number; tabId?: number; page: 'login' | 'approval' };
/**
 * A request answered while no document waited for it in this worker: its asker's wait died with the
 * previous worker (or Firefox event page), and its re-send may still be on the way.
 */
type AnsweredRecord = { requestKey: string; origin: string; approved: boolean; at: number };
type QueueRecord = { requests: PendingRecord[]; window?: WindowRecord; answered?: AnsweredRecord[] };

/** How long, and how many, answers wait for a late re-send (the bridge gives up after about 3 s). */
const ANSWERED_KEEP_MS = 60_000;
const ANSWERED_MAX = 20;

/** How the approval window is opened and closed; the default uses chrome.windows. */
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

/** How the worker reaches the documents that asked; the default asks their bridges (`provider/probe`). */
export type RequesterFrames = {
  /** Whether the document still exists in its tab. */
  isAlive(requester: { tabId: number; documentId: string }): Promise<boolean>;
  /** The origin of the top frame of `tabId`, from the bridge there; `undefined` if none answers. */
  topOrigin(tabId: number): Promise<string | undefined>;
};

const PROBE: BridgeProbe = { type: 'provider/probe' };
const isWebOrigin = (value: unknown): value is string =>
  typeof value === 'string' && /^https?:\/\/[^/]+$/.test(value);

export const chromeFrames: RequesterFrames = {
  isAlive: ({ tabId, documentId }) =>
    chrome.tabs.sendMessage(tabId, PROBE, { documentId }).then(isWebOrigin, () => false),
  topOrigin: (tabId) =>
    chrome.tabs.sendMessage(tabId, PROBE, { frameId: 0 }).then(
      (origin: unknown) => (isWebOrigin(origin) ? origin : undefined),
      () => undefined,
    ),
};

export type RequestApprovalParameters<kind extends PendingRequestKind> = {
  kind: kind;
  /** The origin Chrome reported for the sender. */
  origin: string;
  sender: chrome.runtime.MessageSender;
  payload: PendingRequestPayloads[kind];
  /** Nobody is logged in: the window shows the login first. */
  needsLogin: boolean;
  /** The document's request id: a re-send of the same request joins its entry instead of queueing twice. */
  requestKey?: string;
};

export type Approvals = {
  /**
   * Queues a request and resolves with the user's decision: true when approved, false when rejected,
   * when the window showing it was closed, or when the document that asked went away. Connection
   * requests of one origin join one entry. Throws -32005 past the limits, 4100 for a document that
   * cannot ask (prerendered, or a frame whose embedding page cannot be told).
   */
  request<kind extends PendingRequestKind>(params: RequestApprovalParameters<kind>): Promise<boolean>;
  /**
   * The request `id`, once the documents that asked are checked again: those gone are dropped (their
   * waits end as rejected). `undefined` if no document waits for it any more.
   */
  confirm(id: string): Promise<PendingRequestView | undefined>;
  /** Settles a request; answers it, if it was pending. The window moves on, or closes after the last. */
  decide(id: string, approve: boolean): Promise<PendingRequestView | undefined>;
  get(id: string): Promise<PendingRequestView | undefined>;
  /** The queue, oldest first: the window shows the first. */
  list(): Promise<PendingRequestView[]>;
  /** chrome.windows.onRemoved: rejects what the window showed; reopens it for the rest. */
  windowClosed(windowId: number): Promise<void>;
  /** The bridge of `sender`'s document reported it is going away. */
  documentGone(sender: chrome.runtime.MessageSender): Promise<void>;
  /** chrome.tabs.onUpdated: checks that the tab's requesters still exist. */
  tabChanged(tabId: number): Promise<void>;
  /** chrome.tabs.onRemoved / onReplaced: the tab's requesters are gone. */
  tabRemoved(tabId: number): Promise<void>;
  /** Whether a requester waits in `tabId` (cheap: for filtering tab events). */
  hasTab(tabId: number): Promise<boolean>;
  /**
   * After a login: requests that are answered already (`isSatisfied`, e.g. a connection of a site
   * approved before) are approved; the window moves from the login on to the approval page.
   */
  loggedIn(isSatisfied: (request: PendingRequestView) => Promise<boolean>): Promise<void>;
  /** After a logout: the window shows the login first. */
  loggedOut(): Promise<void>;
  /** On a worker start: forgets requests whose documents are gone; a window closed meanwhile counts as closed. */
  restore(): Promise<void>;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
};

export type CreateApprovalsParameters = {
  storage?: Pick<chrome.storage.StorageArea, 'get' | 'set'>;
  windows?: ApprovalWindows;
  frames?: RequesterFrames;
  siteOf: SiteOf;
  /** The URL of an extension page, e.g. `approval.html`. */
  pageUrl?: (path: string) => string;
  /** How often one tab, and one site, may add a request to the queue. */
  promptLimiter?: RateLimiter;
  /** Requests waiting at most: over all sites, per tab, per site. */
  maxPending?: number;
  maxPerTab?: number;
  maxPerSite?: number;
  /** Documents at most that wait for one request. */
  maxRequesters?: number;
  now?: () => number;
};

const limitExceeded = (message: string) => new ProviderRpcError(ProviderErrorCode.limitExceeded, message);

/** The worker's approval queue. */
export function createApprovals({
  storage = chrome.storage.session,
  windows = chromeWindows,
  frames = chromeFrames,
  siteOf,
  pageUrl = (path) => chrome.runtime.getURL(path),
  // A dApp asks in bursts (connect, sign in, a transaction): ten at once, then one every 5 s, so a page
  // that re-asks after every rejection cannot keep the window up; the queue caps bound the rest.
  promptLimiter = createRateLimiter({ burst: 10, perSecond: 1 / 5 }),
  maxPending = 20,
  maxPerTab = 3,
  maxPerSite = 3,
  maxRequesters = 32,
  now = Date.now,
}: CreateApprovalsParameters): Approvals {
  /** Who waits in this worker, per request and document; a restarted worker learns them from re-sends. */
  const waiters = new Map<string, Map<string, Set<(approved: boolean) => void>>>();
  const listeners = new Set<() => void>();
  let lock: Promise<unknown> = Promise.resolve();

  const load = async (): Promise<QueueRecord> => {
    const value = (await storage.get(KEY))[KEY] as QueueRecord | undefined;
    return value && Array.isArray(value.requests) ? value : { requests: [] };
  };
  const save = (queue: QueueRecord) => storage.set({ [KEY]: queue });
  /** Runs `task` after every earlier one, so the queue is never read and written at the same time. */
  const exclusive = <result>(task: () => Promise<result>): Promise<result> => {
    const next = lock.then(task);
    lock = next.catch(() => {});
    return next;
  };
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const wait = (id: string, documentId: string) =>
    new Promise<boolean>((resolve) => {
      const byDocument = waiters.get(id) ?? new Map<string, Set<(approved: boolean) => void>>();
      waiters.set(id, byDocument);
      const set = byDocument.get(documentId) ?? new Set();
      byDocument.set(documentId, set);
      set.add(resolve);
    });
  /** Ends the waits for request `id`: all of them, or those of `documentId` only. */
  const settle = (id: string, approved: boolean, documentId?: string) => {
    const byDocument = waiters.get(id);
    if (!byDocument) return;
    for (const [document, set] of byDocument) {
      if (documentId !== undefined && document !== documentId) continue;
      for (const resolve of set) resolve(approved);
      byDocument.delete(document);
    }
    if (documentId === undefined || byDocument.size === 0) waiters.delete(id);
  };
  const urlOf = (page: WindowRecord['page']) =>
    pageUrl(page === 'login' ? 'popup.html?pending=queue' : 'approval.html');
  const view = ({ requesters: _, requestKey: _key, ...request }: PendingRecord): PendingRequestView =>
    request as PendingRequestView;
  const embeddingOf = (requesters: Requester[]): EmbeddingView[] => {
    const seen = new Map<string, EmbeddingView>();
    for (const { topOrigin, topSite } of requesters)
      if (topOrigin && topSite) seen.set(topOrigin, { origin: topOrigin, site: topSite });
    return [...seen.values()];
  };
  /** The sites a request counts against: its own, and those of the pages embedding the frames that asked. */
  const sitesOf = (request: PendingRecord) =>
    new Set([request.site, ...request.embeddedIn.map((e) => e.site)]);

  /** Opens the window unless one is open; inside `exclusive`, saves the queue. */
  async function ensureWindow(queue: QueueRecord, page: WindowRecord['page']): Promise<void> {
    if (queue.window && (await windows.exists(queue.window.windowId))) return;
    const opened = await windows.open(urlOf(page));
    queue.window =
      opened.windowId === undefined ? undefined : { windowId: opened.windowId, tabId: opened.tabId, page };
    await save(queue);
  }

  /**
   * Removes requests and requesters, inside `exclusive`: `dropRequester` drops documents (a request
   * left with none leaves the queue too), `removeRequest` whole requests. Then the waits end, an empty
   * queue closes the window, and listeners hear of it.
   */
  async function remove({
    dropRequester = () => false,
    removeRequest = () => false,
    approve = false,
  }: {
    dropRequester?: (requester: Requester) => boolean;
    removeRequest?: (request: PendingRecord, queue: QueueRecord) => boolean;
    approve?: boolean;
  }): Promise<PendingRecord[]> {
    const { removed, dropped, closing } = await exclusive(async () => {
      const queue = await load();
      const removed: PendingRecord[] = [];
      const dropped: [string, string][] = [];
      const kept: PendingRecord[] = [];
      for (const request of queue.requests) {
        if (removeRequest(request, queue)) {
          removed.push(request);
          continue;
        }
        const requesters = request.requesters.filter((r) => {
          if (!dropRequester(r)) return true;
          dropped.push([request.id, r.documentId]);
          return false;
        });
        if (requesters.length === 0) removed.push({ ...request, requesters });
        else kept.push({ ...request, requesters, embeddedIn: embeddingOf(requesters) });
      }
      if (removed.length === 0 && dropped.length === 0) return { removed, dropped, closing: undefined };
      queue.requests = kept;
      // An answer nobody here waits for is kept for the re-send that a restart left in flight.
      const late = removed
        .filter((r) => r.requestKey !== undefined && r.requesters.length > 0 && !waiters.has(r.id))
        .map((r) => ({ requestKey: r.requestKey as string, origin: r.origin, approved: approve, at: now() }));
      if (late.length > 0 || queue.answered)
        queue.answered = [...(queue.answered ?? []), ...late]
          .filter((a) => now() - a.at < ANSWERED_KEEP_MS)
          .slice(-ANSWERED_MAX);
      const closing = kept.length === 0 ? queue.window : undefined;
      if (closing) queue.window = undefined;
      await save(queue);
      return { removed, dropped, closing };
    });
    for (const [id, documentId] of dropped) settle(id, false, documentId);
    for (const request of removed) settle(request.id, approve && request.requesters.length > 0);
    if (closing) windows.close(closing.windowId).catch(() => {});
    if (removed.length > 0 || dropped.length > 0) changed();
    return removed;
  }

  /** Drops the requesters among `candidates` whose documents are gone. */
  async function prune(candidates: Requester[]): Promise<void> {
    const alive = await Promise.all(candidates.map((r) => frames.isAlive(r)));
    const gone = new Set(candidates.filter((_, i) => !alive[i]).map((r) => r.documentId));
    if (gone.size > 0) await remove({ dropRequester: (r) => gone.has(r.documentId) });
  }

  /** The requester behind `sender`, with the page that embeds it when it is a frame. */
  async function requesterOf(origin: string, sender: chrome.runtime.MessageSender): Promise<Requester> {
    const tabId = sender.tab?.id;
    const { frameId, documentId } = sender;
    if (tabId === undefined || frameId === undefined || !documentId)
      throw unauthorized('Okto could not tell which page asked. Reload the page, then try again.');
    if (sender.documentLifecycle && sender.documentLifecycle !== 'active')
      throw unauthorized('Only a page on screen can ask for approval.');
    if (frameId === 0) return { tabId, frameId, documentId };
    // Asked of the tab's top frame, then the frame is checked again: had the top navigated in
    // between, the frame would be gone with it, so a live frame proves the answer is its embedder.
    const top = await frames.topOrigin(tabId);
    if (!top || !(await frames.isAlive({ tabId, documentId })))
      throw unauthorized(
        'Okto could not tell which page embeds this frame, so the frame cannot ask for approval.',
      );
    return top === origin
      ? { tabId, frameId, documentId }
      : { tabId, frameId, documentId, topOrigin: top, topSite: await siteOf(top) };
  }

  /** Throws if a new request of `requester` for `site` does not fit the queue. */
  function checkLimits(queue: QueueRecord, requester: Requester, site: string): void {
    if (queue.requests.length >= maxPending)
      throw limitExceeded('Too many requests are waiting for approval. Answer those first, then try again.');
    const ofTab = queue.requests.filter((r) => r.requesters.some((q) => q.tabId === requester.tabId));
    if (ofTab.length >= maxPerTab)
      throw limitExceeded(
        `This tab already has ${ofTab.length} requests waiting for approval. Answer those first, then try again.`,
      );
    const sites = [...new Set([site, ...(requester.topSite ? [requester.topSite] : [])])];
    for (const s of sites)
      if (queue.requests.filter((r) => sitesOf(r).has(s)).length >= maxPerSite)
        throw limitExceeded(
          `${s} already has requests waiting for approval. Answer those first, then try again.`,
        );
    if (!promptLimiter.take(`tab:${requester.tabId}`) || !sites.every((s) => promptLimiter.take(`site:${s}`)))
      throw limitExceeded('This page asked for approval too often. Wait a minute, then try again.');
  }

  const self: Approvals = {
    async request({ kind, origin, sender, payload, needsLogin, requestKey }) {
      const requester = await requesterOf(origin, sender);
      const site = await siteOf(origin);
      let created = false;
      // The decision is wrapped: returning the bare promise would hold the lock until the user decides.
      const { decision } = await exclusive(async () => {
        const queue = await load();
        const answered = queue.answered?.find(
          (a) => a.requestKey === requestKey && a.origin === origin && now() - a.at < ANSWERED_KEEP_MS,
        );
        if (requestKey !== undefined && answered) {
          queue.answered = queue.answered?.filter((a) => a !== answered);
          await save(queue);
          return { decision: Promise.resolve(answered.approved) };
        }
        const joined =
          kind === 'connect'
            ? queue.requests.find((r) => r.kind === kind && r.origin === origin)
            : requestKey === undefined
              ? undefined
              : queue.requests.find((r) => r.requestKey === requestKey && r.origin === origin);
        if (joined) {
          if (!joined.requesters.some((r) => r.documentId === requester.documentId)) {
            if (joined.requesters.length >= maxRequesters)
              throw limitExceeded(
                'Too many pages of this site wait for approval. Answer it, then try again.',
              );
            joined.requesters.push(requester);
            joined.embeddedIn = embeddingOf(joined.requesters);
            await save(queue);
          }
          return { decision: wait(joined.id, requester.documentId) };
        }
        checkLimits(queue, requester, site);
        const requesters = [requester];
        const record = {
          id: crypto.randomUUID(),
          kind,
          origin,
          site,
          embeddedIn: embeddingOf(requesters),
          createdAt: now(),
          payload,
          requesters,
          ...(requestKey === undefined ? {} : { requestKey }),
        } as PendingRecord;
        const decided = wait(record.id, requester.documentId);
        queue.requests.push(record);
        // Saved before the window opens, so a worker stopped in between still knows it.
        await save(queue);
        try {
          await ensureWindow(queue, needsLogin ? 'login' : 'approval');
        } catch (error) {
          queue.requests = queue.requests.filter((r) => r.id !== record.id);
          await save(queue);
          waiters.delete(record.id);
          throw new ProviderRpcError(
            ProviderErrorCode.internal,
            `The approval window could not be opened (${String(error)}). Try again.`,
          );
        }
        created = true;
        return { decision: decided };
      });
      if (created) changed();
      return decision;
    },

    async confirm(id) {
      const found = (await load()).requests.find((r) => r.id === id);
      if (!found) return undefined;
      await prune(found.requesters);
      return self.get(id);
    },

    async decide(id, approve) {
      const [removed] = await remove({ removeRequest: (r) => r.id === id, approve });
      return removed && view(removed);
    },

    async get(id) {
      const found = (await load()).requests.find((r) => r.id === id);
      return found && view(found);
    },

    async list() {
      return (await load()).requests.map(view);
    },

    async windowClosed(windowId) {
      const reopen = await exclusive(async () => {
        const queue = await load();
        if (queue.window?.windowId !== windowId) return undefined;
        const { page } = queue.window;
        queue.window = undefined;
        await save(queue);
        return {
          page,
          shown:
            page === 'login' ? queue.requests.map((r) => r.id) : queue.requests.slice(0, 1).map((r) => r.id),
        };
      });
      if (!reopen) return;
      await remove({ removeRequest: (r) => reopen.shown.includes(r.id) });
      await exclusive(async () => {
        const queue = await load();
        if (queue.requests.length > 0) await ensureWindow(queue, reopen.page);
      }).catch(() => {});
    },

    async documentGone(sender) {
      const { documentId } = sender;
      if (documentId) await remove({ dropRequester: (r) => r.documentId === documentId });
    },

    async tabChanged(tabId) {
      await prune((await load()).requests.flatMap((r) => r.requesters.filter((q) => q.tabId === tabId)));
    },

    async tabRemoved(tabId) {
      await remove({ dropRequester: (r) => r.tabId === tabId });
    },

    async hasTab(tabId) {
      return (await load()).requests.some((r) => r.requesters.some((q) => q.tabId === tabId));
    },

    async loggedIn(isSatisfied) {
      const satisfied = new Set<string>();
      for (const request of await self.list()) if (await isSatisfied(request)) satisfied.add(request.id);
      if (satisfied.size > 0) await remove({ removeRequest: (r) => satisfied.has(r.id), approve: true });
      await moveTo('approval');
    },

    async loggedOut() {
      await moveTo('login');
    },

    async restore() {
      await prune((await load()).requests.flatMap((r) => r.requesters));
      const { window } = await load();
      if (window && !(await windows.exists(window.windowId))) await self.windowClosed(window.windowId);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  /** Switches the window between the login and the approval page. */
  async function moveTo(page: WindowRecord['page']) {
    const target = await exclusive(async () => {
      const queue = await load();
      if (!queue.window || queue.window.page === page) return undefined;
      queue.window.page = page;
      await save(queue);
      return queue.window;
    });
    if (target?.tabId !== undefined) await windows.navigate(target.tabId, urlOf(page)).catch(() => {});
    if (target) changed();
  }

  return self;
}
