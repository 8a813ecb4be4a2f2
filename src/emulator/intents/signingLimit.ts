import { type Answer, answerWalletRateLimited } from '../answers.ts';
import type { EmulatorClock } from '../clock.ts';
import { createRateLimiter } from '../rateLimiter.ts';
import type { EmulatorSession } from '../sessions.ts';

// Check #2 of /execute, /signMessage and /estimate (shared/okto-wallet-protocol.md §2, §7.1): Okto allows
// 120 message-signing and intent calls per minute per client SWA, counted apart from the auth calls.

/** Signing and intent calls allowed per client SWA per minute. */
export const SIGNING_CALLS_PER_MINUTE = 120;

/** Counts one call for the session's client; the 429 to answer when it is over the limit. */
export type SigningLimit = (session: EmulatorSession, traceId: string) => Answer | undefined;

/** A sliding-window {@link SigningLimit} on the emulator clock (advancing it a minute lifts the limit). */
export function createSigningLimit(clock: EmulatorClock): SigningLimit {
  const limiter = createRateLimiter({ limit: SIGNING_CALLS_PER_MINUTE, windowSeconds: 60, clock });
  return (session, traceId) => {
    const { clientSWA } = session.user;
    const taken = limiter.take(clientSWA.toLowerCase());
    if (taken.ok) return undefined;
    return answerWalletRateLimited(
      taken.retryAfterSeconds,
      `more than ${SIGNING_CALLS_PER_MINUTE} signing and intent calls in a minute for client ${clientSWA}`,
      traceId,
    );
  };
}
