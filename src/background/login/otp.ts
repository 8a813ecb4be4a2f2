import type { OtpContact, UserError } from '../../messages/login.ts';
import type { OktoClient } from '../../okto/client.ts';
import { OTP_LIFETIME_SECONDS } from '../../okto/environments.ts';
import type { CompanionClient } from '../companionClient.ts';
import type { CodeSentRecord, FlowTarget } from './record.ts';

// Email and WhatsApp codes (okto-protocol.md §2–§3): the companion signs each body, the worker posts it
// to Okto. Verify answers Okto's own id token, whose provider is `okto`.

/** Okto allows 5 wrong codes per token. */
export const OTP_ATTEMPTS = 5;
export const RESEND_COOLDOWN_MS = 30_000;
export const EXPIRED_MESSAGE = 'The code expired after 5 minutes. Send a new code.';

type Clients = { okto: OktoClient; companion: CompanionClient };

/** Sends a code to `contact` (a resend with Okto's `token`); answers the code step it starts. */
export async function sendOtp({
  contact,
  target,
  token,
  clients: { okto, companion },
  now,
}: {
  contact: OtpContact;
  target: FlowTarget;
  token: string | undefined;
  clients: Clients;
  now: () => number;
}): Promise<CodeSentRecord & { step: 'codeSent' }> {
  const sent =
    contact.method === 'email'
      ? await okto.sendEmailOtp(await companion.signEmailSend({ email: contact.email, token }))
      : await okto.sendWhatsAppOtp(
          await companion.signWhatsAppSend({
            whatsappNumber: contact.whatsappNumber,
            countryShortName: contact.countryShortName,
            token,
          }),
        );
  const at = now();
  return {
    step: 'codeSent',
    contact,
    token: sent.token,
    sentAt: at,
    expiresAt: at + OTP_LIFETIME_SECONDS * 1000,
    resendAt: at + RESEND_COOLDOWN_MS,
    attemptsLeft: OTP_ATTEMPTS,
    target,
  };
}

/** Checks the code with Okto; answers the login it completes: Okto's id token, provider `okto`. */
export async function verifyOtp({
  contact,
  token,
  otp,
  clients: { okto, companion },
}: {
  contact: OtpContact;
  token: string;
  otp: string;
  clients: Clients;
}): Promise<{ idToken: string; provider: 'okto' }> {
  const verified =
    contact.method === 'email'
      ? await okto.verifyEmailOtp(await companion.signEmailVerify({ email: contact.email, token, otp }))
      : await okto.verifyWhatsAppOtp(
          await companion.signWhatsAppVerify({
            whatsappNumber: contact.whatsappNumber,
            countryShortName: contact.countryShortName,
            token,
            otp,
          }),
        );
  return { idToken: verified.auth_token, provider: 'okto' };
}

/** What a failed verify does to the code step: count the attempt, or mark the code unusable. */
export function codeFailure(
  record: CodeSentRecord,
  error: UserError,
  now: number,
): Pick<CodeSentRecord, 'attemptsLeft' | 'expiresAt'> & { error: UserError } {
  switch (error.code) {
    case 'invalid_otp': {
      const attemptsLeft = Math.max(0, record.attemptsLeft - 1);
      const message =
        attemptsLeft > 0
          ? `That code is not right. ${attemptsLeft} ${attemptsLeft === 1 ? 'attempt' : 'attempts'} left.`
          : 'That code is not right, and that was the last attempt. Send a new code.';
      return { attemptsLeft, expiresAt: record.expiresAt, error: { code: 'invalid_otp', message } };
    }
    case 'otp_expired':
      return { attemptsLeft: record.attemptsLeft, expiresAt: Math.min(record.expiresAt, now), error };
    case 'otp_attempts_exceeded':
    case 'invalid_token':
      return { attemptsLeft: 0, expiresAt: record.expiresAt, error };
    default:
      return { attemptsLeft: record.attemptsLeft, expiresAt: record.expiresAt, error };
  }
}

/** Whether a contact is one of the code methods'. */
export function isOtpContact(contact: { method: string }): contact is OtpContact {
  return contact.method === 'email' || contact.method === 'whatsapp';
}
