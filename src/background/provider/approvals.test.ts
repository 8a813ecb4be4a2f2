import { describe, expect, it } from 'vitest';
import {
  type ApprovalWindows,
  type CreateApprovalsParameters,
  createApprovals,
  type RequesterFrames,
} from './approvals.ts';
import { createRateLimiter } from './rateLimit.ts';

/** chrome.storage.session's interface over a Map, shared by "restarted" instances. */
function sessionStorage() {
  const data = new Map<string, unknown>();
  return {
    get: async (key: string) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
    },
  } as unknown as Pick<chrome.storage.StorageArea, 'get' | 'set'>;
}

/** Windows as the browser would keep them: they outlive any worker instance. */
function browserWindows() {
  const open = new Map<number, string>();
  let next = 1;
  const windows: ApprovalWindows & { urls: () => string[]; ids: () => number[]; opened: () => number } = {
    async open(url) {
      const id = next++;
      open.set(id, url);
      return { windowId: id, tabId: id + 1000 };
    },
    async close(windowId) {
      open.delete(windowId);
    },
    async navigate(tabId, url) {
      open.set(tabId - 1000, url);
    },
    async exists(windowId) {
      return open.has(windowId);
    },
    urls: () => [...open.values()],
    ids: () => [...open.keys()],
    opened: () => next - 1,
  };
  return windows;
}

/** The web pages: which documents exist, and what each tab's top frame shows. */
function webPages() {
  const alive = new Set<string>();
  const tops = new Map<number, string>();
  const frames: RequesterFrames & {
    load(origin: string, tabId: number, frameId?: number): chrome.runtime.MessageSender;
    leave(sender: chrome.runtime.MessageSender): void;
  } = {
    async isAlive({ documentId }) {
      return alive.has(documentId);
    },
    async topOrigin(tabId) {
      return tops.get(tabId);
    },
    load(origin, tabId, frameId = 0) {
      const documentId = crypto.randomUUID();
      alive.add(documentId);
      if (frameId === 0) tops.set(tabId, origin);
      return {
        tab: { id: tabId } as chrome.tabs.Tab,
        frameId,
        documentId,
        origin,
        documentLifecycle: 'active',
      };
    },
    leave(sender) {
      if (sender.documentId) alive.delete(sender.documentId);
    },
  };
  return frames;
}

/** Sites by the last two labels: enough for these names (the real list is tested in site.test.ts). */
const siteOf = async (origin: string) => new URL(origin).hostname.split('.').slice(-2).join('.');
const pageUrl = (path: string) => `chrome-extension://id/${path}`;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(overrides: Partial<CreateApprovalsParameters> = {}) {
  const storage = sessionStorage();
  const windows = browserWindows();
  const frames = webPages();
  const make = () => createApprovals({ storage, windows, frames, siteOf, pageUrl, ...overrides });
  return { storage, windows, frames, approvals: make(), restart: make };
}

const connect = (origin: string, sender: chrome.runtime.MessageSender, needsLogin = false) => ({
  kind: 'connect' as const,
  origin,
  sender,
  payload: {},
  needsLogin,
});

describe('the approval queue', () => {
  it('shows every request in one window, oldest first, and closes it after the last answer', async () => {
    const { windows, frames, approvals } = setup();
    const a = approvals.request(connect('https://a.example', frames.load('https://a.example', 1)));
    const b = approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    const c = approvals.request(connect('https://c.example', frames.load('https://c.example', 3)));
    await flush();
    expect(windows.urls()).toEqual(['chrome-extension://id/approval.html']);
    const queue = await approvals.list();
    expect(queue.map((r) => r.origin)).toEqual([
      'https://a.example',
      'https://b.example',
      'https://c.example',
    ]);
    expect(queue[0]).toMatchObject({ kind: 'connect', site: 'a.example', embeddedIn: [], payload: {} });

    await approvals.decide(queue[0]?.id ?? '', true);
    expect(await a).toBe(true);
    expect(windows.urls()).toHaveLength(1); // still open: two wait
    await approvals.decide(queue[1]?.id ?? '', false);
    await approvals.decide(queue[2]?.id ?? '', true);
    expect([await b, await c]).toEqual([false, true]);
    expect(windows.urls()).toEqual([]);
    expect(windows.opened()).toBe(1);
  });

  it('joins connection requests of one origin into one entry, from any tab, answered together', async () => {
    const { frames, approvals } = setup();
    const decisions = [1, 2, 2].map((tab) =>
      approvals.request(connect('https://app.example', frames.load('https://app.example', tab))),
    );
    await flush();
    const queue = await approvals.list();
    expect(queue).toHaveLength(1);
    await approvals.decide(queue[0]?.id ?? '', true);
    expect(await Promise.all(decisions)).toEqual([true, true, true]);
  });

  it('closing the window rejects the request it showed; the others stay and the window opens again', async () => {
    const { windows, frames, approvals } = setup();
    const a = approvals.request(connect('https://a.example', frames.load('https://a.example', 1)));
    const b = approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    await flush();
    await windows.close(1);
    await approvals.windowClosed(1);
    expect(await a).toBe(false);
    expect((await approvals.list()).map((r) => r.origin)).toEqual(['https://b.example']);
    expect(windows.ids()).toEqual([2]);
    await approvals.windowClosed(2);
    expect(await b).toBe(false);
    expect(await approvals.list()).toEqual([]);
  });

  it('closing the login window rejects every request, since the login lists them all', async () => {
    const { windows, frames, approvals } = setup();
    const a = approvals.request(connect('https://a.example', frames.load('https://a.example', 1), true));
    const b = approvals.request(connect('https://b.example', frames.load('https://b.example', 2), true));
    await flush();
    expect(windows.urls()).toEqual(['chrome-extension://id/popup.html?pending=queue']);
    await approvals.windowClosed(1);
    expect([await a, await b]).toEqual([false, false]);
    expect(windows.opened()).toBe(1);
  });

  it('limits requests per tab and per site, counting frames against the site embedding them', async () => {
    const { frames, approvals } = setup();
    // One tab whose frames come from many sites.
    frames.load('https://news.example', 1);
    for (const s of ['a', 'b', 'c'])
      void approvals.request(connect(`https://${s}.test`, frames.load(`https://${s}.test`, 1, 9)));
    await flush();
    await expect(
      approvals.request(connect('https://d.test', frames.load('https://d.test', 1, 9))),
    ).rejects.toMatchObject({ code: -32005, message: expect.stringContaining('This tab already has 3') });
    // news.example embeds three waiting requests already: a tab of its own may not add a fourth.
    await expect(
      approvals.request(connect('https://news.example', frames.load('https://news.example', 2))),
    ).rejects.toMatchObject({ code: -32005, message: expect.stringContaining('news.example already has') });
    // One site with many subdomains, each in its own tab.
    for (const tab of [3, 4, 5])
      void approvals.request(
        connect(`https://x${tab}.shop.test`, frames.load(`https://x${tab}.shop.test`, tab)),
      );
    await flush();
    await expect(
      approvals.request(connect('https://x6.shop.test', frames.load('https://x6.shop.test', 6))),
    ).rejects.toMatchObject({ code: -32005, message: expect.stringContaining('shop.test already has') });
    // Any other site still gets in.
    void approvals.request(connect('https://other.example', frames.load('https://other.example', 7)));
    await flush();
    expect((await approvals.list()).map((r) => r.origin)).toContain('https://other.example');
  });

  it('refuses a tab that keeps asking after being rejected, and too many requests at once', async () => {
    const { frames, approvals } = setup({
      promptLimiter: createRateLimiter({ burst: 2, perSecond: 0.001 }),
      maxPending: 2,
    });
    const sender = frames.load('https://app.example', 1);
    for (let i = 0; i < 2; i++) {
      const decision = approvals.request(connect('https://app.example', sender));
      await flush();
      const [pending] = await approvals.list();
      await approvals.decide(pending?.id ?? '', false);
      expect(await decision).toBe(false);
    }
    await expect(approvals.request(connect('https://app.example', sender))).rejects.toMatchObject({
      code: -32005,
      message: expect.stringContaining('too often'),
    });
    void approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    void approvals.request(connect('https://c.example', frames.load('https://c.example', 3)));
    await flush();
    await expect(
      approvals.request(connect('https://d.example', frames.load('https://d.example', 4))),
    ).rejects.toMatchObject({ code: -32005, message: expect.stringContaining('Too many requests') });
  });

  it('binds a request to the documents that asked: one going away rejects its wait only', async () => {
    const { windows, frames, approvals } = setup();
    const first = frames.load('https://app.example', 1);
    const second = frames.load('https://app.example', 2);
    const a = approvals.request(connect('https://app.example', first));
    const b = approvals.request(connect('https://app.example', second));
    await flush();
    frames.leave(first);
    await approvals.documentGone(first); // its bridge said so on pagehide
    expect(await a).toBe(false);
    expect(await approvals.list()).toHaveLength(1);
    await approvals.tabRemoved(2);
    expect(await b).toBe(false);
    expect(await approvals.list()).toEqual([]);
    expect(windows.urls()).toEqual([]); // nothing left to show
  });

  it('drops a request whose tab navigated or reloaded, when the tab updates or when the user approves', async () => {
    const { frames, approvals } = setup();
    const sender = frames.load('https://evil.example', 1);
    const asked = approvals.request(connect('https://evil.example', sender));
    const other = approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    await flush();
    await approvals.tabChanged(1); // loading, still the same document: kept
    expect(await approvals.list()).toHaveLength(2);
    frames.leave(sender);
    frames.load('https://trusted.example', 1); // the tab moved on, and no event was heard
    const [evil] = await approvals.list();
    expect(await approvals.confirm(evil?.id ?? '')).toBeUndefined();
    expect(await asked).toBe(false);
    expect((await approvals.list()).map((r) => r.origin)).toEqual(['https://b.example']);
    void other;
  });

  it('shows which page embeds a frame that asks, as the tab’s top frame reports it', async () => {
    const { frames, approvals } = setup();
    frames.load('https://www.news.example', 1);
    void approvals.request(connect('https://widget.example', frames.load('https://widget.example', 1, 4)));
    // A same-origin frame is the page itself.
    void approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    void approvals.request(connect('https://b.example', frames.load('https://b.example', 2, 5)));
    await flush();
    const queue = await approvals.list();
    const framed = queue.find((r) => r.origin === 'https://widget.example');
    const plain = queue.find((r) => r.origin === 'https://b.example');
    expect(framed).toMatchObject({
      origin: 'https://widget.example',
      site: 'widget.example',
      embeddedIn: [{ origin: 'https://www.news.example', site: 'news.example' }],
    });
    expect(plain?.embeddedIn).toEqual([]);
  });

  it('refuses frames whose embedding page cannot be told, and pages not on screen', async () => {
    const { frames, approvals } = setup();
    const orphan = frames.load('https://widget.example', 8, 3); // tab 8 has no top frame with a bridge
    await expect(approvals.request(connect('https://widget.example', orphan))).rejects.toMatchObject({
      code: 4100,
    });
    const prerendered = { ...frames.load('https://app.example', 9), documentLifecycle: 'prerender' as const };
    await expect(approvals.request(connect('https://app.example', prerendered))).rejects.toMatchObject({
      code: 4100,
    });
    expect(await approvals.list()).toEqual([]);
  });

  it('survives a worker restart: the re-sent request joins its entry, no second window', async () => {
    const { windows, frames, approvals, restart } = setup();
    const sender = frames.load('https://app.example', 1);
    void approvals.request(connect('https://app.example', sender));
    void approvals.request(connect('https://b.example', frames.load('https://b.example', 2)));
    await flush();
    const restarted = restart();
    await restarted.restore();
    const decision = restarted.request(connect('https://app.example', sender));
    await flush();
    expect(windows.opened()).toBe(1);
    const [pending] = await restarted.list();
    await restarted.decide(pending?.id ?? '', true);
    expect(await decision).toBe(true);
    expect(windows.urls()).toHaveLength(1); // b.example still waits
  });

  it('an answer given after a restart but before the re-send arrives reaches that re-send (Firefox event pages)', async () => {
    const { windows, frames, approvals, restart } = setup();
    const sender = frames.load('https://app.example', 1);
    const sign = (requestKey: string) => ({
      kind: 'message' as const,
      origin: 'https://app.example',
      sender,
      payload: { message: 'hi' } as never,
      needsLogin: false,
      requestKey,
    });
    void approvals.request(sign('doc:1'));
    await flush();
    const restarted = restart();
    await restarted.restore();
    const [pending] = await restarted.list();
    await restarted.decide(pending?.id ?? '', true); // nobody waits here yet
    expect(await restarted.request(sign('doc:1'))).toBe(true); // the late re-send gets the answer
    expect(windows.opened()).toBe(1);
    expect(await restarted.list()).toEqual([]);
    // Used once: the same key again is a new request.
    void restarted.request(sign('doc:1'));
    await flush();
    expect(await restarted.list()).toHaveLength(1);
  });

  it('on a worker start, forgets requests whose documents are gone and handles a window closed meanwhile', async () => {
    const { windows, frames, approvals, restart } = setup();
    const gone = frames.load('https://gone.example', 1);
    void approvals.request(connect('https://gone.example', gone));
    void approvals.request(connect('https://a.example', frames.load('https://a.example', 2)));
    void approvals.request(connect('https://b.example', frames.load('https://b.example', 3)));
    await flush();
    frames.leave(gone);
    await windows.close(1); // closed while no worker listened: it was showing a.example once gone.example left
    const restarted = restart();
    await restarted.restore();
    expect((await restarted.list()).map((r) => r.origin)).toEqual(['https://b.example']);
    expect(windows.ids()).toEqual([2]);
  });

  it('after a login, approves what is answered already and shows the rest on the approval page', async () => {
    const { windows, frames, approvals } = setup();
    const approvedSite = approvals.request(
      connect('https://app.example', frames.load('https://app.example', 1), true),
    );
    void approvals.request(connect('https://new.example', frames.load('https://new.example', 2), true));
    await flush();
    expect(windows.urls()).toEqual(['chrome-extension://id/popup.html?pending=queue']);
    await approvals.loggedIn(async (request) => request.origin === 'https://app.example');
    expect(await approvedSite).toBe(true);
    expect((await approvals.list()).map((r) => r.origin)).toEqual(['https://new.example']);
    expect(windows.urls()).toEqual(['chrome-extension://id/approval.html']);
    await approvals.loggedOut();
    expect(windows.urls()).toEqual(['chrome-extension://id/popup.html?pending=queue']);
  });
});
