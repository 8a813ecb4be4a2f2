import type { Settings } from '../messages/login.ts';
import { environments } from '../okto/environments.ts';

// Which of the manifest's host permissions the extension needs for its settings: pure, for the popup's
// host-access check (hostAccess.ts) and its tests.

/** The hosts the extension talks to for these settings: Okto (or the emulator) and the companion. */
export function settingsHosts(settings: Settings): string[] {
  const okto =
    settings.environment === 'local' ? settings.localBaseUrl : environments[settings.environment].baseUrl;
  return [okto, settings.companionUrl].filter((url): url is string => Boolean(url));
}

/**
 * The manifest's host permissions (`scheme://host/*`) that cover `urls`, without repeats. A URL no
 * declared permission covers is left out: the extension could not ask for it anyway.
 * @example hostPermissionsFor(['http://127.0.0.1:8790'], ['http://127.0.0.1/*']) // ['http://127.0.0.1/*']
 */
export function hostPermissionsFor(urls: readonly string[], declared: readonly string[]): string[] {
  const needed = new Set<string>();
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    const pattern = declared.find((p) => p === `${parsed.protocol}//${parsed.hostname}/*`);
    if (pattern) needed.add(pattern);
  }
  return [...needed];
}
