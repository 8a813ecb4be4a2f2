import type { Address, Hex } from 'viem';
import type { EmulatorUser } from './users.ts';

// Session keys registered by /authenticate, keyed by session address, and the nonces they used:
// a nonce sponsors one session, once.

/** A registered session key. */
export type EmulatorSession = {
  sessionAddress: Address;
  sessionPk: Hex;
  user: EmulatorUser;
  /** Unix seconds on the emulator clock. */
  expiresAt: number;
};

export type SessionRegistry = {
  register(session: EmulatorSession, nonce: string): void;
  /** The session of an address in any case, expired or not. */
  find(sessionAddress: string): EmulatorSession | undefined;
  /** Whether `/authenticate` already accepted this nonce (UUIDs compare case-insensitively). */
  isNonceUsed(nonce: string): boolean;
};

/** An in-memory {@link SessionRegistry}. */
export function createSessionRegistry(): SessionRegistry {
  const sessions = new Map<string, EmulatorSession>();
  const usedNonces = new Set<string>();
  return {
    register(session, nonce) {
      sessions.set(session.sessionAddress.toLowerCase(), session);
      usedNonces.add(nonce.toLowerCase());
    },
    find: (sessionAddress) => sessions.get(sessionAddress.toLowerCase()),
    isNonceUsed: (nonce) => usedNonces.has(nonce.toLowerCase()),
  };
}
