import type { LoginMethodsView } from '../../messages/login.ts';

// `GET /v1/config`'s `login` (okto-social-login.md §2), as the worker trusts it: every method checked
// field by field, a malformed one hidden (with the reason in the worker's DevTools console), unknown keys
// ignored. The popup offers exactly what this leaves, and a start checks it again.

export type GoogleConfig = { clientId: string; authorizeUrl: string; issuer: string };
export type AppleConfig = { clientId: string; authorizeUrl: string; issuer: string; relayUrl: string };
export type TwitterConfig = { clientId: string; authorizeUrl: string; scope: string };
export type ClientJwtConfig = { loginUrl: string; label: string };

/** The login methods a companion offers, checked. */
export type LoginMethods = {
  otp: { email: boolean; whatsapp: boolean };
  google?: GoogleConfig;
  apple?: AppleConfig;
  twitter?: TwitterConfig;
  clientJwt?: ClientJwtConfig;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Absolute, no fragment or credentials, `https:` (`http:` only on this computer). */
export function isLoginUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

const isClientId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21-\x7E]{1,256}$/.test(value);
const isLabel = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && [...value].length <= 40 && !/\p{Cc}/u.test(value);
const isScope = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(value);

type Field = [name: string, check: (value: unknown) => boolean, what: string];
const URL_FIELD = 'an absolute https:// URL (http:// only on this computer) without a fragment';

/** The fields of `value` named by `fields` when all pass, else why not. */
function pick<shape>(
  value: unknown,
  fields: Field[],
): { ok: true; value: shape } | { ok: false; why: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, why: 'is not an object' };
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, check, what] of fields) {
    if (!check(record[name])) return { ok: false, why: `has no ${name} that is ${what}` };
    out[name] = record[name];
  }
  return { ok: true, value: out as shape };
}

const METHODS = {
  google: [
    ['clientId', isClientId, '1 to 256 printable characters'],
    ['authorizeUrl', isLoginUrl, URL_FIELD],
    ['issuer', isLoginUrl, URL_FIELD],
  ],
  apple: [
    ['clientId', isClientId, '1 to 256 printable characters'],
    ['authorizeUrl', isLoginUrl, URL_FIELD],
    ['issuer', isLoginUrl, URL_FIELD],
    ['relayUrl', isLoginUrl, URL_FIELD],
  ],
  twitter: [
    ['clientId', isClientId, '1 to 256 printable characters'],
    ['authorizeUrl', isLoginUrl, URL_FIELD],
    ['scope', isScope, 'scopes separated by single spaces'],
  ],
  clientJwt: [
    ['loginUrl', isLoginUrl, URL_FIELD],
    ['label', isLabel, '1 to 40 characters'],
  ],
} satisfies Record<Exclude<keyof LoginMethods, 'otp'>, Field[]>;

/**
 * Reads `login` of `/v1/config`. A companion that predates it offers both code methods; a method
 * that fails a check is left out, and `warn` says why.
 */
export function readLoginMethods(login: unknown, warn: (reason: string) => void = () => {}): LoginMethods {
  const record =
    typeof login === 'object' && login !== null && !Array.isArray(login)
      ? (login as Record<string, unknown>)
      : {};
  const otp = (typeof record.otp === 'object' && record.otp !== null ? record.otp : {}) as Record<
    string,
    unknown
  >;
  const methods: LoginMethods = { otp: { email: otp.email !== false, whatsapp: otp.whatsapp !== false } };
  for (const [name, fields] of Object.entries(METHODS) as [keyof typeof METHODS, Field[]][]) {
    if (record[name] === undefined) continue;
    const picked = pick<never>(record[name], fields);
    if (picked.ok) Object.assign(methods, { [name]: picked.value });
    else warn(`The signing service's login method ${name} ${picked.why}: it is not offered.`);
  }
  return methods;
}

/** The providers' names as buttons and messages show them. */
export const PROVIDER_NAMES = { google: 'Google', apple: 'Apple', twitter: 'X' } as const;

/** What the popup shows: the providers in the order Google, Apple, X, the app's own login. */
export function toMethodsView(methods: LoginMethods): LoginMethodsView {
  const providers: LoginMethodsView['providers'] = [];
  if (methods.google) providers.push({ provider: 'google', label: PROVIDER_NAMES.google });
  if (methods.apple) providers.push({ provider: 'apple', label: PROVIDER_NAMES.apple });
  if (methods.twitter) providers.push({ provider: 'twitter', label: PROVIDER_NAMES.twitter });
  if (methods.clientJwt) providers.push({ provider: 'client_jwt', label: methods.clientJwt.label });
  return { providers, otp: { ...methods.otp } };
}
