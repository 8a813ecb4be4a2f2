import type { LoginView } from '../../messages/login.ts';
import type { SitesChanged } from '../../messages/provider.ts';
import type { ActivityLog } from '../activityLog.ts';
import type { KeyValueStore } from '../store.ts';
import type { TokenLedger } from '../tokenLedger.ts';
import type { Wallet } from '../wallet/index.ts';
import { createApprovals } from './approvals.ts';
import { createEventTargets } from './eventTargets.ts';
import { createPermissions, type Permissions } from './permissions.ts';
import { createRateLimiter } from './rateLimit.ts';
import { createProviderRouter, type ProviderFlow } from './router.ts';
import { createSiteResolver, PUBLIC_SUFFIX_FILE } from './site.ts';

export type InstallProviderParameters = {
  flow: ProviderFlow;
  activityLog: Pick<ActivityLog, 'record'>;
  store: KeyValueStore;
  ledger: Pick<TokenLedger, 'validUntil'>;
  wallet: Pick<Wallet, 'networks' | 'jobs' | 'signMessage' | 'rpc'>;
};

/** The worker's dApp provider, wired to Chrome. */
export type InstalledProvider = {
  /**
   * Answers a message if it is the provider's (`provider/…` or `sites/…`), else `undefined` so that
   * another handler may take it. `fromExtensionPage` says whether the sender is one of our pages.
   */
  onMessage(
    message: unknown,
    sender: chrome.runtime.MessageSender,
    fromExtensionPage: boolean,
  ): Promise<unknown> | undefined;
  /** To be called with every login view: drives accountsChanged, connect, disconnect. */
  viewChanged(view: LoginView): void;
  /** The approved sites, for the popup's and DevTools' views of them. */
  permissions: Permissions;
};

const FORBIDDEN = { ok: false, error: { code: 'forbidden', message: 'Not allowed.' } } as const;

/**
 * Creates the provider (router, approvals, permissions, per-origin limits) and registers its Chrome
 * listeners. Call it synchronously at the worker's top level, so a restarted worker hears the events
 * that woke it (a closed approval window, a closed tab).
 */
export function installProvider({
  flow,
  activityLog,
  store,
  ledger,
  wallet,
}: InstallProviderParameters): InstalledProvider {
  const sites = createPermissions({ store });
  const approvals = createApprovals({
    siteOf: createSiteResolver(() =>
      fetch(chrome.runtime.getURL(PUBLIC_SUFFIX_FILE)).then((response) => response.text()),
    ),
  });
  const targets = createEventTargets();
  const router = createProviderRouter({
    flow,
    permissions: sites,
    approvals,
    targets,
    // Generous for a dApp (a benchmark does hundreds per second), but a flooding page is cut off.
    limiter: createRateLimiter({ burst: 600, perSecond: 300 }),
    activityLog,
    store,
    ledger,
    wallet,
    // wallet_showCallsStatus: the popup, in a window of its own, on the batch's activity entry.
    showJob: async (jobId) => {
      await chrome.windows.create({
        url: chrome.runtime.getURL(`popup.html?job=${encodeURIComponent(jobId)}`),
        type: 'popup',
        width: 360,
        height: 600,
        focused: true,
      });
    },
  });

  const broadcast = () => {
    const message: SitesChanged = { type: 'sites/changed' };
    chrome.runtime.sendMessage(message).catch(() => {}); // no extension page open: nobody to tell
  };
  /** The toolbar icon shows how many requests wait. */
  const showCount = async () => {
    const count = (await approvals.list()).length;
    await chrome.action.setBadgeText({ text: count > 0 ? String(count) : '' });
    return count;
  };
  // Tab updates wake the worker only while a request waits: the listener is added at the top level
  // (so an update that woke a stopped worker is heard) and removed once the queue is empty.
  const tabUpdated = (tabId: number, change: { status?: string }) => {
    if (change.status) void approvals.tabChanged(tabId).catch(() => {});
  };
  const watchTabs = (watch: boolean) => {
    if (watch === chrome.tabs.onUpdated.hasListener(tabUpdated)) return;
    if (watch) chrome.tabs.onUpdated.addListener(tabUpdated);
    else chrome.tabs.onUpdated.removeListener(tabUpdated);
  };
  const queueChanged = () =>
    void showCount().then(
      (count) => watchTabs(count > 0),
      () => {},
    );

  approvals.subscribe(broadcast);
  approvals.subscribe(queueChanged);
  sites.subscribe(broadcast);
  void chrome.action.setBadgeBackgroundColor({ color: '#5b4cf0' }).catch(() => {});
  chrome.windows.onRemoved.addListener((windowId) => void approvals.windowClosed(windowId).catch(() => {}));
  chrome.tabs.onRemoved.addListener((tabId) => {
    void targets.forgetTab(tabId).catch(() => {});
    void approvals.tabRemoved(tabId).catch(() => {});
  });
  chrome.tabs.onReplaced.addListener((_added, removed) => void approvals.tabRemoved(removed).catch(() => {}));
  watchTabs(true);
  void approvals
    .restore()
    .catch(() => {})
    .then(queueChanged);

  return {
    onMessage(message, sender, fromExtensionPage) {
      if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
      const type = (message as { type: unknown }).type;
      if (type === 'provider/request')
        return fromExtensionPage
          ? Promise.resolve({ error: { code: 4100, message: 'Only web pages use the provider.' } })
          : router.handleRequest(message, sender);
      if (typeof type !== 'string' || !/^(provider|sites)\//.test(type)) return undefined;
      if (type === 'provider/event' || type === 'sites/changed') return undefined; // our own broadcasts
      if (type === 'provider/unload' && !fromExtensionPage)
        return approvals.documentGone(sender).then(
          () => ({ ok: true }),
          () => ({ ok: true }),
        );
      return fromExtensionPage ? router.handlePageRequest(message) : Promise.resolve(FORBIDDEN);
    },
    viewChanged(view) {
      void router.viewChanged(view).catch(() => {});
    },
    permissions: sites,
  };
}
