import { timingSafeEqual } from 'node:crypto';
import { OTP_LIFETIME_SECONDS } from '../okto/index.ts';
import type { EmulatorClock } from './clock.ts';
import type { Contact } from './contact.ts';
import { type RandomBytes, randomDigits, randomUuid } from './random.ts';

// The OTP policy of §7: one token per send, reused by resend with a new code; a code lives 300 s; five
// wrong codes kill the token; a token that logged someone in is spent.

/** Wrong codes a token survives; the fifth kills it. */
export const MAX_WRONG_OTP_ATTEMPTS = 5;
/** The shortest gap between two sends for one token. */
export const RESEND_COOLDOWN_SECONDS = 30;

/** The `details` of each refusal, exactly as the emulator answers them. */
export type OtpRefusal = 'invalid token' | 'invalid otp' | 'otp attempts exceeded' | 'otp expired';

/** A code to deliver. */
export type IssuedOtp = { token: string; code: string };

export type OtpChallenges = {
  /** A new token and a first code for a contact. */
  send(p: { contact: Contact; clientKey: string }): IssuedOtp;
  /** A new code for an existing token, which stays the same; the previous code stops working. */
  resend(p: {
    token: string;
    contact: Contact;
    clientKey: string;
  }):
    | ({ ok: true } & IssuedOtp)
    | { ok: false; refusal: OtpRefusal }
    | { ok: false; retryAfterSeconds: number };
  /** Checks a code; on success the token is spent. */
  verify(p: {
    token: string;
    contact: Contact;
    clientKey: string;
    otp: string;
  }): { ok: true } | { ok: false; refusal: OtpRefusal };
};

type Challenge = {
  contact: Contact;
  clientKey: string;
  code: string;
  /** When the current code was sent, ms on the emulator clock. */
  sentAtMs: number;
  wrongAttempts: number;
  state: 'pending' | 'spent' | 'dead';
};

/**
 * The OTP tokens the emulator has handed out, in memory.
 * `clientKey` is the lower-case client SWA: a token belongs to one contact of one client.
 */
export function createOtpChallenges({
  clock,
  randomBytes,
}: {
  clock: EmulatorClock;
  randomBytes: RandomBytes;
}): OtpChallenges {
  const challenges = new Map<string, Challenge>();
  const newCode = () => randomDigits(randomBytes, 6);

  /** The challenge of a token, if it was issued to this contact of this client. */
  function find(token: string, contact: Contact, clientKey: string): Challenge | undefined {
    const challenge = challenges.get(token);
    if (!challenge || challenge.clientKey !== clientKey) return undefined;
    if (challenge.contact.channel !== contact.channel || challenge.contact.to !== contact.to)
      return undefined;
    return challenge;
  }

  return {
    send({ contact, clientKey }) {
      let token = randomUuid(randomBytes);
      while (challenges.has(token)) token = randomUuid(randomBytes);
      const code = newCode();
      challenges.set(token, {
        contact,
        clientKey,
        code,
        sentAtMs: clock.nowMs(),
        wrongAttempts: 0,
        state: 'pending',
      });
      return { token, code };
    },

    resend({ token, contact, clientKey }) {
      const challenge = find(token, contact, clientKey);
      if (!challenge || challenge.state === 'spent') return { ok: false, refusal: 'invalid token' };
      if (challenge.state === 'dead') return { ok: false, refusal: 'otp attempts exceeded' };
      const waitedMs = clock.nowMs() - challenge.sentAtMs;
      if (waitedMs < RESEND_COOLDOWN_SECONDS * 1000)
        return {
          ok: false,
          retryAfterSeconds: Math.ceil((RESEND_COOLDOWN_SECONDS * 1000 - waitedMs) / 1000),
        };
      const previous = challenge.code;
      do challenge.code = newCode();
      while (challenge.code === previous);
      challenge.sentAtMs = clock.nowMs();
      return { ok: true, token, code: challenge.code };
    },

    verify({ token, contact, clientKey, otp }) {
      const challenge = find(token, contact, clientKey);
      if (!challenge || challenge.state === 'spent') return { ok: false, refusal: 'invalid token' };
      if (challenge.state === 'dead') return { ok: false, refusal: 'otp attempts exceeded' };
      if (clock.nowMs() - challenge.sentAtMs > OTP_LIFETIME_SECONDS * 1000)
        return { ok: false, refusal: 'otp expired' };
      if (!isSameCode(otp, challenge.code)) {
        challenge.wrongAttempts += 1;
        if (challenge.wrongAttempts < MAX_WRONG_OTP_ATTEMPTS) return { ok: false, refusal: 'invalid otp' };
        challenge.state = 'dead';
        return { ok: false, refusal: 'otp attempts exceeded' };
      }
      challenge.state = 'spent';
      return { ok: true };
    },
  };
}

/** Compares codes in constant time, so that timing tells nothing about how many digits were right. */
function isSameCode(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
