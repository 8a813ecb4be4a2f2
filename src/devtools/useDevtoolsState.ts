import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import {
  ACTIVITY_LIMIT,
  type ActivityEntry,
  DEVTOOLS_PORT,
  type DevtoolsPortMessage,
  type DevtoolsPortRequest,
  type DevtoolsRequest,
  type DevtoolsResponse,
} from '../messages/devtools.ts';
import type { LoginView, LoginViewChanged } from '../messages/login.ts';
import { appendBounded } from './boundedEntries.ts';
import type { InspectedTab } from './inspectedTab.ts';

/** Sends a `devtools/*` request to the worker and returns its typed answer. */
export function sendDevtools<request extends DevtoolsRequest>(
  request: request,
): Promise<DevtoolsResponse<request>> {
  return browser.runtime.sendMessage(request) as Promise<DevtoolsResponse<request>>;
}

export type DevtoolsPanelState = {
  view?: LoginView;
  origin?: string;
  connected?: boolean;
  /** Oldest first, at most `ACTIVITY_LIMIT`. */
  entries: ActivityEntry[];
  /** Why the worker could not be reached, if it could not. */
  error?: string;
  /** Re-reads the view and the connection state (not the log). */
  refresh(): Promise<void>;
  /** Clears the worker's log and this panel's copy. */
  clearLog(): Promise<void>;
};

const RECONNECT_DELAY_MS = 300;

/**
 * The worker's view of the inspected tab, kept live: a snapshot from `devtools/getState` plus the
 * entries streamed over the `okto-devtools` port. When the worker stops (it does, in MV3), the port
 * disconnects; the panel connects again, which starts the worker, and takes a new snapshot.
 */
export function useDevtoolsState(tab: InspectedTab): DevtoolsPanelState {
  const [view, setView] = useState<LoginView>();
  const [meta, setMeta] = useState<{ origin?: string; connected?: boolean }>({});
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [error, setError] = useState<string>();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Reads the view and connection state, and with `withEntries` returns the log's snapshot. */
  const load = useCallback(
    async (withEntries: boolean): Promise<ActivityEntry[] | undefined> => {
      try {
        const answer = await sendDevtools({
          type: 'devtools/getState',
          tabId: tab.tabId,
          origin: tab.origin,
          withEntries,
        });
        if (!answer.ok) {
          setError(answer.error.message);
          return undefined;
        }
        setError(undefined);
        setView(answer.view);
        setMeta({ origin: answer.origin, connected: answer.connected });
        return withEntries ? answer.entries : undefined;
      } catch (cause) {
        setError(`The extension's service worker did not answer: ${String(cause)}`);
        return undefined;
      }
    },
    [tab.tabId, tab.origin],
  );

  useEffect(() => {
    let stopped = false;
    let port: browser.Runtime.Port | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    setEntries([]);

    const connect = () => {
      // Until this connection's snapshot arrives, streamed entries wait here: the snapshot replaces
      // everything the panel had (a restarted worker may have lost, or renumbered, the newest entries).
      let early: ActivityEntry[] | undefined = [];
      port = browser.runtime.connect({ name: DEVTOOLS_PORT });
      port.onMessage.addListener((message: unknown) => {
        const update = message as DevtoolsPortMessage;
        if (update.type === 'cleared') {
          if (early) early = [];
          setEntries([]);
        }
        if (update.type === 'entries' && update.entries.length > 0) {
          if (early) early.push(...update.entries);
          else
            setEntries((current) => {
              const lastId = current.at(-1)?.id ?? 0;
              return bounded(
                current,
                update.entries.filter((e) => e.id > lastId),
              );
            });
          // A provider request may have connected the site: refresh that, at most every second.
          if (update.entries.some((e) => e.kind === 'provider') && refreshTimer.current === undefined)
            refreshTimer.current = setTimeout(() => {
              refreshTimer.current = undefined;
              void load(false);
            }, 1000);
        }
      });
      port.onDisconnect.addListener(() => {
        port = undefined;
        if (!stopped) retry = setTimeout(connect, RECONNECT_DELAY_MS);
      });
      port.postMessage({ type: 'subscribe', tabId: tab.tabId } satisfies DevtoolsPortRequest);
      // After subscribing, so that no entry falls between the snapshot and the stream.
      void load(true).then((snapshot) => {
        const streamed = early ?? [];
        early = undefined;
        if (snapshot) {
          const lastId = snapshot.at(-1)?.id ?? 0;
          setEntries(
            bounded(
              snapshot,
              streamed.filter((e) => e.id > lastId),
            ),
          );
        } else
          setEntries((current) => {
            const lastId = current.at(-1)?.id ?? 0;
            return bounded(
              current,
              streamed.filter((e) => e.id > lastId),
            );
          });
      });
    };
    connect();

    const onMessage = (message: unknown) => {
      const type = (message as { type?: unknown } | undefined)?.type;
      if (type === 'login/viewChanged') setView((message as LoginViewChanged).view);
      // A site was approved or revoked (`sites/changed`, from the provider), or the login changed.
      if (type === 'login/viewChanged' || type === 'sites/changed') void load(false);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(refreshTimer.current);
      port?.disconnect();
      browser.runtime.onMessage.removeListener(onMessage);
    };
  }, [tab.tabId, load]);

  const clearLog = useCallback(async () => {
    const answer = await sendDevtools({ type: 'devtools/clearLog' });
    if (answer.ok) setEntries([]);
    else setError(answer.error.message);
  }, []);

  return {
    view,
    origin: meta.origin,
    connected: meta.connected,
    entries,
    error,
    refresh: async () => {
      await load(false);
    },
    clearLog,
  };
}

/** A tenth of the limit per origin: the share createActivityLog gives each site by default, as the worker's log uses it. */
const PER_ORIGIN_LIMIT = Math.max(1, Math.floor(ACTIVITY_LIMIT / 10));

/** `current` then `added`, without what the worker's log evicted meanwhile (a flood never pushes out jobs). */
function bounded(current: readonly ActivityEntry[], added: readonly ActivityEntry[]): ActivityEntry[] {
  return appendBounded(current, added, { limit: ACTIVITY_LIMIT, perOriginLimit: PER_ORIGIN_LIMIT });
}
