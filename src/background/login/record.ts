import type { Address } from 'viem';
import type { AccountView, Contact, LoginView, SocialProvider, UserError } from '../../messages/login.ts';
import type { OktoEnvironment } from '../../okto/environments.ts';

// What the login state machine persists: the view plus what the worker needs to continue. Never a
// secret: those (Okto's id token, a provider's token, the PKCE verifier, the session key) are in the vault.

/** The Okto environment and servers a flow was started against; a flow finishes where it started. */
export type FlowTarget = {
  environment: OktoEnvironment;
  oktoBaseUrl: string;
  companionUrl: string;
  clientSWA: Address;
};

export type CodeSentRecord = {
  contact: Contact;
  token: string;
  sentAt: number;
  expiresAt: number;
  resendAt: number;
  attemptsLeft: number;
  error?: UserError;
  target: FlowTarget;
};

/** A provider's sign-in window is open (okto-social-login.md §4); written before it opens. */
export type WaitingRecord = {
  step: 'waitingForProvider';
  provider: SocialProvider;
  /** The provider's name as shown (Google, Apple, X, the app's label). */
  label: string;
  /** Exactly as sent (Apple: with the extension-id prefix). */
  state: string;
  nonce?: string;
  startedAt: number;
  expiresAt: number;
  target: FlowTarget;
};

export type FlowRecord =
  | { step: 'signedOut'; notice?: string; tokensValidUntil?: number }
  | ({ step: 'codeSent' | 'verifying' } & CodeSentRecord)
  | WaitingRecord
  | { step: 'registering'; contact: Contact; target: FlowTarget }
  | { step: 'failed'; contact: Contact; target: FlowTarget; error: UserError }
  | { step: 'signedIn'; account: AccountView; target: FlowTarget }
  | { step: 'expired'; notice: string; contact?: Contact };

/** The part of a record a page may see. */
export function toView(record: FlowRecord): LoginView {
  switch (record.step) {
    case 'codeSent':
      return {
        step: 'codeSent',
        contact: record.contact,
        sentAt: record.sentAt,
        expiresAt: record.expiresAt,
        resendAt: record.resendAt,
        attemptsLeft: record.attemptsLeft,
        error: record.error,
      };
    case 'waitingForProvider':
      return {
        step: 'waitingForProvider',
        provider: record.provider,
        label: record.label,
        startedAt: record.startedAt,
        expiresAt: record.expiresAt,
      };
    case 'verifying':
    case 'registering':
      return { step: record.step, contact: record.contact };
    case 'failed':
      return { step: 'failed', contact: record.contact, error: record.error };
    case 'signedIn':
      return { step: 'signedIn', account: record.account };
    case 'expired':
      return { step: 'expired', notice: record.notice, contact: record.contact };
    case 'signedOut':
      return { step: 'signedOut', notice: record.notice, tokensValidUntil: record.tokensValidUntil };
  }
}
