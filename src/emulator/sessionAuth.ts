import type { Context } from 'hono';
import type { Address } from 'viem';
import { AuthTokenError, verifyAuthToken } from '../okto/index.ts';
import { type Answer, answerUnauthorized } from './answers.ts';
import type { EmulatorClock } from './clock.ts';
import type { EmulatorSession, SessionRegistry } from './sessions.ts';

// The Bearer check every endpoint after login shares (shared/okto-protocol.md §5): a valid auth token,
// signed by a session key that /authenticate registered and whose session has not expired.

/** The session behind a request, or the 401 to answer. */
export type SessionAuthResult = { ok: true; session: EmulatorSession } | { ok: false; answer: Answer };

/** Finds the session of a request's `Authorization: Bearer <auth token>`. */
export type SessionAuth = (c: Context) => Promise<SessionAuthResult>;

/** The Bearer check over a session registry and the emulator clock. */
export function createSessionAuth({
  sessions,
  clock,
}: {
  sessions: SessionRegistry;
  clock: EmulatorClock;
}): SessionAuth {
  return async (c) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match)
      return { ok: false, answer: answerUnauthorized('missing Authorization: Bearer <auth token> header') };
    const now = clock.nowSeconds();
    let sessionAddress: Address;
    try {
      ({ sessionAddress } = await verifyAuthToken(match[1], { now }));
    } catch (error) {
      const details =
        error instanceof AuthTokenError
          ? `auth token ${error.reason}: ${error.details}`
          : 'auth token malformed';
      return { ok: false, answer: answerUnauthorized(details) };
    }
    const session = sessions.find(sessionAddress);
    if (!session)
      return {
        ok: false,
        answer: answerUnauthorized(
          'session not registered: register the session key with /api/oc/v1/authenticate (the emulator forgets sessions on restart)',
        ),
      };
    if (session.expiresAt <= now)
      return {
        ok: false,
        answer: answerUnauthorized(`session expired at ${new Date(session.expiresAt * 1000).toISOString()}`),
      };
    return { ok: true, session };
  };
}
