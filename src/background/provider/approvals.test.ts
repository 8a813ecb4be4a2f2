import { describe, expect, it } from 'vitest';
import { type ApprovalWindows, createApprovals } from './approvals.ts';
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
  const windows: ApprovalWindows & { open: ApprovalWindows['open']; urls: () => string[] } = {
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
  };
  return windows;
}

const site = 'https://app.example';
const pageUrl = (path: string) => `chrome-extension://id/${path}`;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('approvals', () => {
  it('opens one window per origin: more requests from the site join it and get the same answer', async () => {
    const windows = browserWindows();
    const approvals = createApprovals({ storage: sessionStorage(), windows, pageUrl });
    const decisions = [1, 2, 3].map(() => approvals.request(site, { needsLogin: false }));
    await flush();
    expect(windows.urls()).toHaveLength(1);
    const [pending] = await approvals.list();
    expect(windows.urls()[0]).toBe(`chrome-extension://id/approval.html?id=${pending?.id}`);
    await approvals.decide(pending?.id ?? '', true);
    expect(await Promise.all(decisions)).toEqual([true, true, true]);
    expect(windows.urls()).toEqual([]);
  });

  it('rejects when the user closes the window', async () => {
    const windows = browserWindows();
    const approvals = createApprovals({ storage: sessionStorage(), windows, pageUrl });
    const decision = approvals.request(site, { needsLogin: false });
    await flush();
    await approvals.windowClosed(1);
    expect(await decision).toBe(false);
    expect(await approvals.list()).toEqual([]);
  });

  it('survives a worker restart: the new worker joins the approval still pending, no second window', async () => {
    const storage = sessionStorage();
    const windows = browserWindows();
    void createApprovals({ storage, windows, pageUrl }).request(site, { needsLogin: false });
    await flush();
    const restarted = createApprovals({ storage, windows, pageUrl });
    await restarted.restore();
    const decision = restarted.request(site, { needsLogin: false });
    await flush();
    expect(windows.urls()).toHaveLength(1);
    const [pending] = await restarted.list();
    await restarted.decide(pending?.id ?? '', true);
    expect(await decision).toBe(true);
  });

  it('forgets on restart an approval whose window is gone', async () => {
    const storage = sessionStorage();
    const windows = browserWindows();
    void createApprovals({ storage, windows, pageUrl }).request(site, { needsLogin: false });
    await flush();
    await windows.close(1); // closed while no worker listened
    const restarted = createApprovals({ storage, windows, pageUrl });
    await restarted.restore();
    expect(await restarted.list()).toEqual([]);
  });

  it('refuses a site that keeps asking after being rejected, and too many sites at once', async () => {
    const windows = browserWindows();
    const approvals = createApprovals({
      storage: sessionStorage(),
      windows,
      pageUrl,
      promptLimiter: createRateLimiter({ burst: 2, perSecond: 0.001 }),
      maxPending: 2,
    });
    for (let i = 0; i < 2; i++) {
      const decision = approvals.request(site, { needsLogin: false });
      await flush();
      const [pending] = await approvals.list();
      await approvals.decide(pending?.id ?? '', false);
      expect(await decision).toBe(false);
    }
    await expect(approvals.request(site, { needsLogin: false })).rejects.toMatchObject({ code: -32005 });
    void approvals.request('https://b.example', { needsLogin: false });
    void approvals.request('https://c.example', { needsLogin: false });
    await flush();
    await expect(approvals.request('https://d.example', { needsLogin: false })).rejects.toMatchObject({
      code: -32005,
    });
  });

  it('after a login, continues: an approved site is answered, another one moves on to the approval page', async () => {
    const windows = browserWindows();
    const approvals = createApprovals({ storage: sessionStorage(), windows, pageUrl });
    const approvedSite = approvals.request(site, { needsLogin: true });
    void approvals.request('https://new.example', { needsLogin: true });
    await flush();
    expect(windows.urls().every((url) => url.includes('popup.html?pending='))).toBe(true);
    await approvals.loggedIn(async (origin) => origin === site);
    expect(await approvedSite).toBe(true);
    const [waiting] = await approvals.list();
    expect(waiting).toMatchObject({ origin: 'https://new.example', needsLogin: false });
    expect(windows.urls()).toEqual([`chrome-extension://id/approval.html?id=${waiting?.id}`]);
  });
});
