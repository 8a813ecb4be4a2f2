import type { Contact } from '../messages/login.ts';

// Who logged in, in words, for the contacts that need no phone-number formatting (the signed-in popup
// does not load the phone library up front).

const PROVIDER_NAMES = { google: 'Google', apple: 'Apple', twitter: 'X', client_jwt: 'the app’s login' };
/** Labels a provider gives when it names no account (login/apple.ts, login/twitter.ts). */
const UNNAMED_ACCOUNTS = new Set(['Apple ID', 'X account', 'Google account']);

/**
 * The account of a provider's sign-in with the provider ("alice@example.com (Google)", "your X
 * account"), or the email address; `undefined` for a WhatsApp number, which the caller formats.
 */
export function describeAccountContact(contact: Contact): string | undefined {
  if (contact.method === 'email') return contact.email;
  if (contact.method === 'whatsapp') return undefined;
  if (UNNAMED_ACCOUNTS.has(contact.label)) return `your ${contact.label}`;
  return `${contact.label} (${PROVIDER_NAMES[contact.method]})`;
}
