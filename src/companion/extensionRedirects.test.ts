import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import {
  allowedExtensionIds,
  extensionOfRedirect,
  firefoxRedirectHash,
  isFirefoxExtensionOrigin,
  originMatchesExtension,
  redirectUrlOf,
} from './extensionRedirects.ts';

const CHROME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const ADDON_ID = 'okto-login@okto.tech';
const UUID_ORIGIN = 'moz-extension://0e8a14a1-5b7c-4d2e-9f00-1a2b3c4d5e6f';

test("a Firefox add-on's redirect host is the SHA-1 of its gecko id, as Firefox's getRedirectURL makes it", () => {
  const hash = createHash('sha1').update(ADDON_ID).digest('hex');
  expect(firefoxRedirectHash(ADDON_ID)).toBe(hash);
  expect(redirectUrlOf(hash, 'google')).toBe(`https://${hash}.extensions.allizom.org/google`);
  expect(redirectUrlOf(CHROME_ID, 'google')).toBe(`https://${CHROME_ID}.chromiumapp.org/google`);
});

test('only allowed Chrome ids and allowed Firefox add-ons get redirects, for the named provider', () => {
  const hash = firefoxRedirectHash(ADDON_ID);
  const ids = allowedExtensionIds([`chrome-extension://${CHROME_ID}`, UUID_ORIGIN], [ADDON_ID]);
  expect([...ids]).toEqual([CHROME_ID, hash]);
  expect(extensionOfRedirect(`https://${hash}.extensions.allizom.org/twitter`, 'twitter', ids)).toBe(hash);
  expect(
    extensionOfRedirect(`https://${hash}.extensions.allizom.org/google`, 'twitter', ids),
  ).toBeUndefined();
  const other = firefoxRedirectHash('someone-else@example.com');
  expect(
    extensionOfRedirect(`https://${other}.extensions.allizom.org/twitter`, 'twitter', ids),
  ).toBeUndefined();
  expect(
    extensionOfRedirect(`https://${hash}.extensions.allizom.org.evil.example/twitter`, 'twitter', ids),
  ).toBe(undefined);
  // Without Firefox add-ons listed, no allizom redirect at all.
  const chromeOnly = allowedExtensionIds([`chrome-extension://${CHROME_ID}`]);
  expect(extensionOfRedirect(`https://${hash}.extensions.allizom.org/twitter`, 'twitter', chromeOnly)).toBe(
    undefined,
  );
});

test("a request's origin may use only its own kind of redirect", () => {
  const hash = firefoxRedirectHash(ADDON_ID);
  expect(isFirefoxExtensionOrigin(UUID_ORIGIN)).toBe(true);
  expect(isFirefoxExtensionOrigin('moz-extension://abc')).toBe(false);
  expect(isFirefoxExtensionOrigin(`${UUID_ORIGIN}/`)).toBe(false);
  expect(originMatchesExtension(`chrome-extension://${CHROME_ID}`, CHROME_ID)).toBe(true);
  expect(originMatchesExtension(UUID_ORIGIN, CHROME_ID)).toBe(false);
  expect(originMatchesExtension(UUID_ORIGIN, hash)).toBe(true);
  expect(originMatchesExtension(`chrome-extension://${CHROME_ID}`, hash)).toBe(false);
  expect(originMatchesExtension(undefined, hash)).toBe(true);
});
