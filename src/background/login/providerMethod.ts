import type { SocialProvider } from '../../messages/login.ts';
import { FlowError } from '../errors.ts';
import type { LoginMethods } from './config.ts';

// What the four provider methods share (okto-social-login.md §3, §4): the shape of a method module, the
// random values of a flow, reading the answer URL, unverified JWT claims, and the failures a person sees.

/** What a method produces: the token `/authenticate` takes, whose it is, and who the user is. */
export type ProviderLogin = { idToken: string; provider: SocialProvider; label: string };

/** What a flow sent, to check the answer against. */
export type FlowSecrets = {
  /** Exactly as sent (Apple: with the extension-id prefix). */
  state: string;
  nonce?: string;
  /** PKCE (X). */
  codeVerifier?: string;
};

export type AuthorizeUrlParameters<config> = {
  config: config;
  /** `chrome.identity.getRedirectURL(<provider>)`: where the flow ends. */
  redirectUrl: string;
  state: string;
  nonce?: string;
  codeChallenge?: string;
};

export type ReadLoginParameters<config> = {
  config: config;
  /** The answer's parameters, its state and error already checked. */
  params: URLSearchParams;
  secrets: FlowSecrets;
  redirectUrl: string;
  /** Unix ms. */
  now: number;
  /** The companion's X code exchange. */
  exchangeCode?: (p: { code: string; codeVerifier: string; redirectUri: string }) => Promise<{
    accessToken: string;
  }>;
};

/** One provider's part of a sign-in: where to send the user, and what to make of the answer. */
export type ProviderMethod<config> = {
  provider: SocialProvider;
  /** This method's config in the companion's offer, if it is enabled. */
  configOf(methods: LoginMethods): config | undefined;
  /** The provider's name in buttons and messages: Google, Apple, X, or the app's label. */
  nameOf(config: config): string;
  uses: { nonce: boolean; pkce: boolean };
  /** The `state` to send: Apple's carries the extension id for the companion's relay. */
  stateFor(state: string, extensionId: string): string;
  authorizeUrl(p: AuthorizeUrlParameters<config>): string;
  /** The token in the answer, after this provider's checks; throws a {@link ProviderError}. */
  readLogin(p: ReadLoginParameters<config>): Promise<ProviderLogin>;
};

/** 32 random bytes, base64url without padding (43 characters): a `state`, a `nonce`, a PKCE verifier. */
export function randomValue(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** PKCE S256: `base64url(SHA-256(verifier))`, no padding (RFC 7636). */
export async function s256Challenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** `base?a=1&b=2`, with `&` when `base` has a query already; values percent-encoded (spaces as %20). */
export function withQuery(base: string, params: Record<string, string>): string {
  const query = Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

/** The answer's parameters: the fragment's, else the query's, URL-decoded. */
export function answerParams(answerUrl: string): URLSearchParams {
  const url = new URL(answerUrl);
  return new URLSearchParams(url.hash.length > 1 ? url.hash.slice(1) : url.search);
}

/** A compact JWS's header and claims, decoded without checking the signature (Okto checks it). */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  const header = decodeJsonPart(parts[0] as string);
  const claims = decodeJsonPart(parts[1] as string);
  return header && claims ? { header, claims } : undefined;
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const base64 = part.replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
      c.charCodeAt(0),
    );
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A token must still be good this long when it reaches Okto. */
export const MIN_TOKEN_LIFETIME_SECONDS = 60;

/** Whether `aud` is `expected`, or an array holding it. */
export function hasAudience(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

/** Whether a numeric `exp` is at least {@link MIN_TOKEN_LIFETIME_SECONDS} ahead of `now` (ms). */
export function isFreshEnough(exp: unknown, now: number): boolean {
  return (
    typeof exp === 'number' && Number.isFinite(exp) && exp * 1000 >= now + MIN_TOKEN_LIFETIME_SECONDS * 1000
  );
}

/** The answer's `error` values that mean the user declined (Google, X, the app; Apple). */
const DECLINED = new Set(['access_denied', 'user_cancelled_authorize']);

/**
 * The answer's own checks, before its token is read: it must carry this flow's `state`, and an `error`
 * is a cancellation or a refusal.
 * @throws {ProviderCancelled} when the user declined.
 * @throws {ProviderError} `state_mismatch`, `provider_error`.
 */
export function checkAnswer(params: URLSearchParams, state: string, name: string): void {
  if (params.get('state') !== state) throw providerError('state_mismatch', name);
  const error = params.get('error');
  if (error === null) return;
  if (DECLINED.has(error)) throw new ProviderCancelled(name);
  throw providerError('provider_error', name, error);
}

/** The failures of a provider sign-in (okto-social-login.md §4), by code. */
export type ProviderFailureCode =
  | 'provider_page_failed'
  | 'provider_error'
  | 'state_mismatch'
  | 'provider_token_invalid'
  | 'provider_rejected'
  | 'provider_unavailable'
  | 'method_unavailable'
  | 'flow_in_progress'
  | 'okto_rejected';

const FAILURE_MESSAGES: Record<ProviderFailureCode, (name: string, detail: string) => string> = {
  provider_page_failed: (name) =>
    `${name}'s sign-in page could not be loaded. Check your connection and try again.`,
  provider_error: (name, detail) => `${name} refused the sign-in (${detail}). Try again.`,
  state_mismatch: (name) => `The answer from ${name} did not match this sign-in and was refused. Try again.`,
  provider_token_invalid: (name) =>
    `${name}'s answer could not be used (expired, or meant for another app). Try again.`,
  provider_rejected: (name) => `${name} did not accept the sign-in. Try again.`,
  provider_unavailable: (name) => `${name} could not be reached. Try again in a moment.`,
  method_unavailable: (name) => `Sign-in with ${name} is not enabled for this app.`,
  flow_in_progress: (name) => `A sign-in with ${name} is already open. Finish or cancel it first.`,
  okto_rejected: (name) => `Okto did not accept the ${name} sign-in. Try again, or use another method.`,
};

/** A provider sign-in failed in a way the popup shows as is. */
export class ProviderError extends FlowError {
  override name = 'ProviderError';
  declare readonly code: ProviderFailureCode;
}

/** The failure `code` for the provider called `name`; `detail` is the provider's `error` value. */
export function providerError(code: ProviderFailureCode, name: string, detail = ''): ProviderError {
  // The provider's error code is shown as text: keep it short and to RFC 6749's characters.
  const shown = detail.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '').slice(0, 64);
  return new ProviderError(code, FAILURE_MESSAGES[code](name, shown));
}

/** The user declined, closed the window or pressed Cancel: a notice, not a failure. */
export class ProviderCancelled extends Error {
  override name = 'ProviderCancelled';
  constructor(readonly providerName: string) {
    super(`Sign-in with ${providerName} was cancelled.`);
  }
}

/** The notices of a flow that ended without a failure (okto-social-login.md §4). */
export const providerNotices = {
  cancelled: (name: string, byPopup = false) =>
    `Sign-in with ${name} was cancelled.${byPopup ? ' You can close its window.' : ''}`,
  timeout: (name: string) =>
    `Sign-in with ${name} took over 5 minutes and was stopped. Close its window and try again.`,
  interrupted: (name: string) =>
    `Sign-in with ${name} was interrupted: the extension restarted. Close its window and try again.`,
};

/** How long a provider sign-in may take. */
export const PROVIDER_FLOW_MS = 300_000;

/** Chrome's rejection when the user closed the flow's window. */
export const WINDOW_CLOSED_MESSAGE = 'The user did not approve access.';
/** Firefox's (its ext-identity.js, when the sign-in window unloads before the redirect). */
export const FIREFOX_WINDOW_CLOSED_MESSAGE = 'User cancelled or denied access.';

/** Whether a launchWebAuthFlow rejection means the user closed the window, in Chrome or Firefox. */
export const isWindowClosed = (message: string): boolean =>
  message === WINDOW_CLOSED_MESSAGE || message === FIREFOX_WINDOW_CLOSED_MESSAGE;
