// The release build (`npm run package`): what differs from the development build, as pure functions
// so that tests check them without building.

/** The parts of the manifest the release build changes. */
export type ManifestSource = {
  key?: string;
  host_permissions?: string[];
  [field: string]: unknown;
};

/** A host permission for this computer only: the emulator and the companion of `npm start`. */
const LOOPBACK_PERMISSION = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/\*$/;

/**
 * The companion URL a release is built for, from `COMPANION_URL`.
 * @throws {Error} with what to do, when it is missing or is not an https URL of another computer.
 */
export function releaseCompanionUrl(env: Readonly<Record<string, string | undefined>>): string {
  const value = env.COMPANION_URL?.trim();
  if (!value)
    throw new Error(
      'COMPANION_URL is missing: a release talks to your companion signing service, so say where it is, e.g. COMPANION_URL=https://companion.example.com npm run package',
    );
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `COMPANION_URL is not a URL: ${JSON.stringify(value)}. Give one like https://companion.example.com`,
    );
  }
  if (url.protocol !== 'https:')
    throw new Error(
      'COMPANION_URL must start with https://: the companion receives login codes, and over plain http anyone on the network path could take over your users’ wallets.',
    );
  if (LOOPBACK_PERMISSION.test(`${url.origin}/*`))
    throw new Error('COMPANION_URL points at this computer: a release must use your deployed companion.');
  if (url.search || url.hash) throw new Error('COMPANION_URL must not have a query or a fragment.');
  return url.href.replace(/\/+$/, '');
}

/**
 * The release manifest: no development `key` (the store assigns the id), no loopback host
 * permissions, and the companion's origin, so that the worker reaches it.
 */
export function releaseManifest<manifest extends ManifestSource>(
  source: manifest,
  companionUrl: string,
): manifest {
  const { key: _developmentKey, ...rest } = source;
  const hosts = (source.host_permissions ?? []).filter((host) => !LOOPBACK_PERMISSION.test(host));
  const companion = `${new URL(companionUrl).origin}/*`;
  return { ...rest, host_permissions: hosts.includes(companion) ? hosts : [...hosts, companion] } as manifest;
}
