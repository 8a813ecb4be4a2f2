// One manifest source (manifest.json), one output per browser: pure, so tests check it without building.

/** The browsers the extension is built for; each build goes to `dist/<browser>/`. */
export const BROWSERS = ['chrome', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];

/** The parts of manifest.json that differ per browser. */
export type ManifestSource = {
  key?: string;
  minimum_chrome_version?: string;
  background: { service_worker: string; type?: string };
  browser_specific_settings?: { gecko?: { id?: string; strict_min_version?: string } };
  [field: string]: unknown;
};

/**
 * The browser a build is for, from `OKTO_BROWSER` (default chrome).
 * @throws {Error} naming the accepted values, for anything else.
 */
export function targetBrowser(env: Readonly<Record<string, string | undefined>>): Browser {
  const value = env.OKTO_BROWSER?.trim() || 'chrome';
  if (!(BROWSERS as readonly string[]).includes(value))
    throw new Error(`OKTO_BROWSER is ${JSON.stringify(value)}: expected ${BROWSERS.join(' or ')}.`);
  return value as Browser;
}

/**
 * The manifest crxjs builds for `browser`.
 *
 * Chrome keeps its module service worker, its `key` (the development id) and `minimum_chrome_version`, and
 * loses `browser_specific_settings`, which it does not know. Firefox has no service-worker background: it
 * gets the same entry as an event page (`background.scripts`, type module), keeps
 * `browser_specific_settings.gecko` (its stable id, its minimum version, its data-collection consent), and
 * loses `key` and `minimum_chrome_version`, which it ignores with a warning.
 */
export function browserManifest<manifest extends ManifestSource>(
  source: manifest,
  browser: Browser,
): manifest {
  const { key, minimum_chrome_version, browser_specific_settings, background, ...common } = source;
  if (browser === 'chrome')
    return {
      ...common,
      ...(key === undefined ? {} : { key }),
      ...(minimum_chrome_version === undefined ? {} : { minimum_chrome_version }),
      background,
    } as unknown as manifest;
  if (!browser_specific_settings?.gecko?.id)
    throw new Error(
      'manifest.json has no browser_specific_settings.gecko.id: Firefox needs a stable add-on id.',
    );
  return {
    ...common,
    background: { scripts: [background.service_worker], type: 'module' },
    browser_specific_settings,
  } as unknown as manifest;
}

/** The entry module of the background (service worker on Chrome, event page on Firefox). */
export function backgroundEntry(source: ManifestSource): string {
  return source.background.service_worker;
}
