import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { send } from './api.ts';
import { hostPermissionsFor, settingsHosts } from './hostPermissions.ts';

// Firefox lets the user take host permissions back at any time (about:addons → Permissions, or the
// extensions menu), and then the background's calls to Okto and the companion fail. Chrome grants them at
// install for good, so there `permissions.contains` is always true and nothing here shows.

export type HostAccess = {
  /** The permissions that are declared but not granted now; empty when all is well (always on Chrome). */
  missing: string[];
  /** Asks the browser for them; call it straight from a click (Firefox needs the user's gesture). */
  request(): Promise<boolean>;
};

/** Whether the extension may reach Okto and the companion now, rechecked when permissions change. */
export function useHostAccess(): HostAccess {
  const [origins, setOrigins] = useState<string[]>([]);
  const [missing, setMissing] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    const declared = browser.runtime.getManifest().host_permissions ?? [];
    const check = async (wanted: string[]) => {
      const granted = await Promise.all(
        wanted.map((origin) => browser.permissions.contains({ origins: [origin] }).catch(() => true)),
      );
      if (live) setMissing(wanted.filter((_, i) => !granted[i]));
    };
    let wanted: string[] = [];
    send({ type: 'settings/get' })
      .then((answer) => {
        wanted = hostPermissionsFor(settingsHosts(answer.settings), declared);
        if (live) setOrigins(wanted);
        return check(wanted);
      })
      .catch(() => {});
    const changed = () => void check(wanted);
    browser.permissions.onAdded.addListener(changed);
    browser.permissions.onRemoved.addListener(changed);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(changed);
      browser.permissions.onRemoved.removeListener(changed);
    };
  }, []);

  return {
    missing,
    async request() {
      // The first await of the click handler: Firefox still sees the user's gesture.
      const granted = await browser.permissions.request({ origins: origins.length > 0 ? origins : missing });
      if (granted) setMissing([]);
      return granted;
    },
  };
}
