// The development clients of the identity stand-ins (okto-social-login.md §5.1): public, for the
// emulator only, like the development Okto client of ../devClient.ts. No real provider knows them.

/** The four login providers of Okto's `/authenticate`, besides `okto` (the OTP logins). */
export const SOCIAL_PROVIDERS = ['google', 'apple', 'twitter', 'client_jwt'] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

/** Whether a string is exactly one of {@link SOCIAL_PROVIDERS} (case matters: `Google` and `x` are not). */
export function isSocialProvider(value: string): value is SocialProvider {
  return (SOCIAL_PROVIDERS as readonly string[]).includes(value);
}

/** The Google-like stand-in's Web application client. */
export const GOOGLE_DEV_CLIENT_ID = 'emulator-google-client.apps.googleusercontent.com';
/** The Apple-like stand-in's Services ID. */
export const APPLE_DEV_CLIENT_ID = 'dev.okto.emulator';
/** The X-like stand-in's public (Native App) client: PKCE, no secret. */
export const X_DEV_CLIENT_ID = 'emulator-x-client';
/** The X-like stand-in's confidential (Web App) client: PKCE and Basic auth with {@link X_DEV_CONFIDENTIAL_SECRET}. */
export const X_DEV_CONFIDENTIAL_CLIENT_ID = 'emulator-x-confidential';
/** Public: the secret of {@link X_DEV_CONFIDENTIAL_CLIENT_ID}, for the emulator only. */
export const X_DEV_CONFIDENTIAL_SECRET = 'emulator-x-secret';

/** The example app's label for `client_jwt` ("Continue with Example app"). */
export const EXAMPLE_APP_LABEL = 'Example app';

/** The X-like clients, with the secret a confidential one must present at the token endpoint. */
export const X_DEV_CLIENTS: ReadonlyMap<string, { secret?: string }> = new Map([
  [X_DEV_CLIENT_ID, {}],
  [X_DEV_CONFIDENTIAL_CLIENT_ID, { secret: X_DEV_CONFIDENTIAL_SECRET }],
]);

const EXTENSION_REDIRECT = /^https:\/\/([a-p]{32})\.chromiumapp\.org\/([a-z_]+)$/;
const FIREFOX_REDIRECT = /^https:\/\/([0-9a-f]{40})\.extensions\.allizom\.org\/([a-z_]+)$/;

/**
 * Whether `redirectUri` is an extension's redirect for `provider`: `https://<32 letters a–p>.chromiumapp.org/<provider>`,
 * exactly, as `chrome.identity.getRedirectURL(provider)` makes it, or Firefox's
 * `https://<40 hex: SHA-1 of the add-on id>.extensions.allizom.org/<provider>` (the development clients have both
 * registered, as a real client for both browsers would).
 */
export function isExtensionRedirect(redirectUri: string, provider: SocialProvider): boolean {
  const match = EXTENSION_REDIRECT.exec(redirectUri) ?? FIREFOX_REDIRECT.exec(redirectUri);
  return match !== null && match[2] === provider;
}

const LOOPBACK_RELAY = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?\/v1\/oauth\/apple\/callback$/;

/**
 * The Apple-like stand-in's registered Return URLs: an extension's `…/apple` redirect, or a companion's relay on
 * loopback (`http://127.0.0.1:<port>/v1/oauth/apple/callback`, as `npm start` runs it).
 */
export function isAppleRedirect(redirectUri: string): boolean {
  return isExtensionRedirect(redirectUri, 'apple') || LOOPBACK_RELAY.test(redirectUri);
}
