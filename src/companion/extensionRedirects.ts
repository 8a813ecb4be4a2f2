import { sha1 } from '@noble/hashes/sha1';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

// Where a sign-in may be sent back to (okto-social-login.md §2): the redirect URL of an extension this
// companion allows, and nothing else. Chrome's is `https://<extension id>.chromiumapp.org/<provider>`,
// for each `chrome-extension://<id>` in COMPANION_ALLOWED_ORIGINS. Firefox's
// (`identity.getRedirectURL()`, Firefox's ext-identity.js) is `https://<hash>.extensions.allizom.org/<provider>`,
// the hash being the SHA-1 (hex) of the add-on's gecko id: fixed per add-on, unlike its moz-extension://
// origin, which is random per install. So Firefox redirects are allowed per add-on id
// (COMPANION_FIREFOX_ADDON_IDS), and only with COMPANION_ALLOW_FIREFOX=1.
//
// Both kinds of key share one set: a Chrome id is 32 letters a–p, a Firefox hash 40 hex digits.

/** The part of a redirect host that names the extension: a Chrome id or a Firefox add-on hash. */
const CHROME_REDIRECT = /^https:\/\/([a-p]{32})\.chromiumapp\.org\/([a-z_]+)$/;
const FIREFOX_REDIRECT = /^https:\/\/([0-9a-f]{40})\.extensions\.allizom\.org\/([a-z_]+)$/;
/** A Firefox extension origin: `moz-extension://` and the per-install UUID. */
const FIREFOX_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Chrome extension id or a Firefox add-on's redirect hash, as the relay's `state` prefix carries it. */
export const EXTENSION_KEY = '[a-p]{32}|[0-9a-f]{40}';

/**
 * The host label of a Firefox add-on's `identity.getRedirectURL()`: SHA-1 of its gecko id, lower-case hex.
 * @example firefoxRedirectHash('okto-login@okto.tech') // the <hash> of https://<hash>.extensions.allizom.org/
 */
export function firefoxRedirectHash(addonId: string): string {
  return bytesToHex(sha1(utf8ToBytes(addonId)));
}

/**
 * The extensions that get redirects: the ids of the `chrome-extension://<id>` entries of the allowed
 * origins, plus the redirect hash of each allowed Firefox add-on id.
 */
export function allowedExtensionIds(
  allowedOrigins: readonly string[],
  firefoxAddonIds: readonly string[] = [],
): Set<string> {
  const ids = new Set<string>();
  for (const origin of allowedOrigins) {
    const match = /^chrome-extension:\/\/([a-p]{32})$/.exec(origin);
    if (match) ids.add(match[1] as string);
  }
  for (const addonId of firefoxAddonIds) ids.add(firefoxRedirectHash(addonId));
  return ids;
}

/**
 * The extension key of an allowed redirect for `provider`: a Chrome id or a Firefox add-on hash in `ids`;
 * undefined for anything else.
 */
export function extensionOfRedirect(
  redirectUri: string,
  provider: string,
  ids: ReadonlySet<string>,
): string | undefined {
  const match = CHROME_REDIRECT.exec(redirectUri) ?? FIREFOX_REDIRECT.exec(redirectUri);
  return match && match[2] === provider && ids.has(match[1] as string) ? match[1] : undefined;
}

/** The redirect URL of `provider` for an extension key (no check: callers pass an allowed key). */
export function redirectUrlOf(extensionKey: string, provider: string): string {
  return /^[a-p]{32}$/.test(extensionKey)
    ? `https://${extensionKey}.chromiumapp.org/${provider}`
    : `https://${extensionKey}.extensions.allizom.org/${provider}`;
}

/** Whether `origin` is a Firefox extension's (`moz-extension://<uuid>`). */
export function isFirefoxExtensionOrigin(origin: string): boolean {
  return FIREFOX_ORIGIN.test(origin);
}

/**
 * Whether a request from `origin` may use the redirect of `extensionKey`: a Chrome extension only its own;
 * a Firefox extension (whose origin says nothing about which add-on it is) only a Firefox add-on's.
 * No `Origin` (a server-to-server call) is not a browser's claim, so it passes.
 */
export function originMatchesExtension(origin: string | undefined, extensionKey: string): boolean {
  if (origin === undefined) return true;
  if (/^[a-p]{32}$/.test(extensionKey)) return origin === `chrome-extension://${extensionKey}`;
  return isFirefoxExtensionOrigin(origin);
}
