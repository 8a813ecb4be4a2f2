import type { Channel } from './contact.ts';

// What the emulator "delivered": every code it sent, as a phone or a mailbox would have received it.
// Read by tests (`GET /__emulator/outbox`) and shown live by the inbox page.

/** One delivered code. */
export type OutboxMessage = {
  channel: Channel;
  /** A lower-case email address or an E.164 number. */
  to: string;
  otp: string;
  token: string;
  /** ISO 8601, on the emulator clock. */
  sentAt: string;
};

export type Outbox = {
  deliver(message: OutboxMessage): void;
  /** Messages newest first; with `to`, only those for that address or number. */
  list(to?: string): OutboxMessage[];
  /** Calls `listener` on every delivery until the returned function is called. */
  subscribe(listener: (message: OutboxMessage) => void): () => void;
};

/**
 * Normalises an outbox filter as a person types it: emails compare without case, and a number whose `+`
 * became a space in a query string (`?to=+91…`) still matches.
 */
export function normalizeRecipient(to: string): string {
  const trimmed = to.trim();
  if (/^\d+$/.test(trimmed)) return `+${trimmed}`;
  return trimmed.toLowerCase();
}

/** An in-memory {@link Outbox}. */
export function createOutbox(): Outbox {
  const messages: OutboxMessage[] = [];
  const listeners = new Set<(message: OutboxMessage) => void>();
  return {
    deliver(message) {
      messages.push(message);
      for (const listener of listeners) listener(message);
    },
    list(to) {
      const newestFirst = [...messages].reverse();
      if (to === undefined) return newestFirst;
      const recipient = normalizeRecipient(to);
      return newestFirst.filter((message) => message.to === recipient);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
