import type { LoginView } from '../../messages/login.ts';
import type { SitesChanged } from '../../messages/provider.ts';
import type { ActivityLog } from '../activityLog.ts';
import type { KeyValueStore } from '../store.ts';
import type { TokenLedger } from '../tokenLedger.ts';
import { createApprovals } from './approvals.ts';
import { createEventTargets } from './eventTargets.ts';
import { createPermissions, type Permissions } from './permissions.ts';
import { createRateLimiter } from './rateLimit.ts';
import { createProviderRouter, type ProviderFlow } from './router.ts';

export type InstallProviderParameters = {
  flow: ProviderFlow;
  activityLog: Pick<ActivityLog, 'record'>;
  store: KeyValueStore;
  ledger: Pick<TokenLedger, 'validUntil'>;
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
}: InstallProviderParameters): InstalledProvider {
  const sites = createPermissions({ store });
  const approvals = createApprovals();
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
  });

  const broadcast = () => {
    const message: SitesChanged = { type: 'sites/changed' };
    chrome.runtime.sendMessage(message).catch(() => {}); // no extension page open: nobody to tell
  };
  approvals.subscribe(broadcast);
  sites.subscribe(broadcast);
  chrome.windows.onRemoved.addListener((windowId) => void approvals.windowClosed(windowId));
  chrome.tabs.onRemoved.addListener((tabId) => void targets.forgetTab(tabId).catch(() => {}));
  void approvals.restore().catch(() => {});

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
      return fromExtensionPage ? router.handlePageRequest(message) : Promise.resolve(FORBIDDEN);
    },
    viewChanged(view) {
      void router.viewChanged(view).catch(() => {});
    },
    permissions: sites,
  };
}
