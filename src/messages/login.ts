import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import type { OktoEnvironment } from '../okto/environments.ts';
import type { AuthProvider } from '../okto/session.ts';

// The contract between extension pages (popup, options, devtools) and the service worker for login,
// session and settings. Pages see views, never secrets: no session private key, no Okto token.

/** The four login methods that go through a provider's page (okto-social-login.md §3), by Okto's names. */
export const SOCIAL_PROVIDERS = [
  'google',
  'apple',
  'twitter',
  'client_jwt',
] as const satisfies readonly Exclude<AuthProvider, 'okto'>[];
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

/** Who the user logs in as with a code: a WhatsApp number is national digits plus its ISO country code. */
export type OtpContact =
  | { method: 'email'; email: string }
  | { method: 'whatsapp'; countryShortName: string; whatsappNumber: string };

/**
 * Who the user is logging in as, and how. After a provider's sign-in, `label` is what the provider says
 * of the account (Google's and Apple's `email`, the app's `user_id`), or "Apple ID", "X account" when it
 * says nothing a person would recognise.
 */
export type Contact = OtpContact | { method: SocialProvider; label: string };

/** A failure a person can act on: what happened and what to do next. */
export type UserError = {
  message: string;
  /** A stable machine code, e.g. `invalid_otp`, `companion_unreachable`. */
  code: string;
  /** Seconds to wait before trying again, when the server said so. */
  retryAfter?: number;
};

/** The signed-in account, as pages may see it. */
export type AccountView = {
  userSWA: Address;
  clientSWA: Address;
  /** Unix seconds. */
  sessionExpiry: number;
  sessionAddress: Address;
  sessionPublicKey: Hex;
  environment: OktoEnvironment;
  oktoBaseUrl: string;
  contact: Contact;
  /** Unix ms. */
  signedInAt: number;
  /** Unix ms of the last successful verify-session, if any. */
  verifiedAt?: number;
  /** The user's Okto signing key (`/user-keys`), read at login; older sessions read it when first needed. */
  ecdsaKeyId?: string;
  ecdsaPublicKey?: Hex;
};

/** Where the login is, for the popup to render. Times are unix milliseconds. */
export type LoginView =
  | {
      step: 'signedOut';
      notice?: string;
      /**
       * After a logout: unix seconds until which tokens already handed to sites (or minted in DevTools)
       * stay valid at Okto, which cannot revoke them. Absent when none is valid any more.
       */
      tokensValidUntil?: number;
    }
  | {
      step: 'codeSent';
      contact: Contact;
      sentAt: number;
      expiresAt: number;
      resendAt: number;
      attemptsLeft: number;
      error?: UserError;
    }
  | {
      step: 'waitingForProvider';
      provider: SocialProvider;
      /** The provider's name as shown: Google, Apple, X, or the app's own label. */
      label: string;
      startedAt: number;
      /** The flow is abandoned at this time (5 minutes after the start). */
      expiresAt: number;
    }
  | { step: 'verifying'; contact: Contact }
  | { step: 'registering'; contact: Contact }
  | { step: 'signedIn'; account: AccountView }
  | { step: 'expired'; notice: string; contact?: Contact }
  | { step: 'failed'; error: UserError; contact: Contact };

/**
 * The login methods the companion offers (`GET /v1/config`'s `login`, checked), in the order the popup
 * shows them: the providers (Google, Apple, X, the app's own login), then the code methods.
 */
export type LoginMethodsView = {
  providers: { provider: SocialProvider; label: string }[];
  otp: { whatsapp: boolean; email: boolean };
};

export type LoginMethodsResponse =
  | { ok: true; methods: LoginMethodsView }
  | { ok: false; error: UserError; view: LoginView };

/** Settings the user controls on the options page. */
export type Settings = {
  environment: OktoEnvironment;
  /** Used when `environment` is `local`: the emulator's URL. */
  localBaseUrl: string;
  companionUrl: string;
};

const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('Enter a full URL, like https://companion.example.com.'),
  v.check((u) => /^https?:\/\//i.test(u), 'The URL must start with https:// (or http:// on this computer).'),
);

/** Whether a URL's host is this computer (127.0.0.0/8, localhost, [::1]): no network observer sees it. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Why `url` may not be used in `environment`, or `undefined` if it may. The companion receives the
 * user's contact and code and Okto the session, so whoever can read or change that traffic can take
 * over the account: plain `http:` is allowed only on this computer, and never for production.
 */
export function insecureUrlProblem(url: string, environment: OktoEnvironment): string | undefined {
  if (!/^http:/i.test(url)) return undefined;
  if (environment === 'production')
    return 'Production needs https://: over plain http, anyone on the network path could read your login code and take over your wallet.';
  if (!isLoopbackUrl(url))
    return 'Use https:// for a server on another computer: over plain http, anyone on the network path could read your login code and take over your wallet. Plain http:// is only allowed on this computer (127.0.0.1, localhost).';
  return undefined;
}

export const SettingsSchema = v.pipe(
  v.strictObject({
    environment: v.picklist(['local', 'sandbox', 'production'], 'Choose local, sandbox or production.'),
    localBaseUrl: httpUrl,
    companionUrl: httpUrl,
  }),
  v.forward(
    v.check(
      (s) => s.environment !== 'local' || insecureUrlProblem(s.localBaseUrl, s.environment) === undefined,
      (issue) => insecureUrlProblem(issue.input.localBaseUrl, issue.input.environment) ?? '',
    ),
    ['localBaseUrl'],
  ),
  v.forward(
    v.check(
      (s) => insecureUrlProblem(s.companionUrl, s.environment) === undefined,
      (issue) => insecureUrlProblem(issue.input.companionUrl, issue.input.environment) ?? '',
    ),
    ['companionUrl'],
  ),
);

export const ContactSchema = v.variant('method', [
  v.strictObject({
    method: v.literal('email'),
    email: v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('Enter a valid email address.')),
  }),
  v.strictObject({
    method: v.literal('whatsapp'),
    countryShortName: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'Choose a country.')),
    whatsappNumber: v.pipe(v.string(), v.regex(/^\d{4,17}$/, 'Enter the number without its country code.')),
  }),
]);

/** Requests an extension page may send to the worker. */
export const LoginRequestSchema = v.variant('type', [
  v.strictObject({ type: v.literal('login/getView') }),
  v.strictObject({ type: v.literal('login/getMethods') }),
  v.strictObject({ type: v.literal('login/startProvider'), provider: v.picklist(SOCIAL_PROVIDERS) }),
  v.strictObject({ type: v.literal('login/sendCode'), contact: ContactSchema }),
  v.strictObject({ type: v.literal('login/resendCode') }),
  v.strictObject({
    type: v.literal('login/verifyCode'),
    otp: v.pipe(v.string(), v.regex(/^\d{6}$/, 'The code is 6 digits.')),
  }),
  v.strictObject({ type: v.literal('login/retry') }),
  v.strictObject({ type: v.literal('login/cancel') }),
  v.strictObject({ type: v.literal('login/logout') }),
  v.strictObject({ type: v.literal('session/verifyNow') }),
  v.strictObject({ type: v.literal('settings/get') }),
  v.strictObject({ type: v.literal('settings/save'), settings: SettingsSchema, confirmLogout: v.boolean() }),
]);
export type LoginRequest = v.InferOutput<typeof LoginRequestSchema>;

/** Every answer carries the current view, so a page never renders stale state after an action. */
export type LoginResponse = { ok: true; view: LoginView } | { ok: false; error: UserError; view: LoginView };

export type SettingsResponse =
  | { ok: true; settings: Settings; view: LoginView }
  | { ok: false; error: UserError; settings: Settings; view: LoginView };

/** Broadcast by the worker to extension pages whenever the login view changes. */
export type LoginViewChanged = { type: 'login/viewChanged'; view: LoginView };
