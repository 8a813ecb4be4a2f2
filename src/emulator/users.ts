import { type Address, getAddress, type Hex, keccak256, toBytes } from 'viem';
import type { EmulatorClient } from './clients.ts';
import type { Contact } from './contact.ts';
import type { SocialProvider } from './identity/devClients.ts';

// Okto users: one per contact per client. Identities are derived, not random, so that a developer who
// restarts the emulator logs in to the same user id and the same smart-wallet address.

/**
 * Whom a user is keyed by: an OTP contact, or, for a social login without a verified email, the provider
 * and the subject it names (okto-social-login.md §5.5). A verified email is an `email` contact.
 */
export type UserIdentity = Contact | { channel: SocialProvider; to: string };

/** A user as the emulator knows them. */
export type EmulatorUser = {
  userId: string;
  /** Checksummed smart-wallet address of the user. */
  userSWA: Address;
  /** The client's SWA, spelled exactly as it was registered. */
  clientSWA: Address;
  contact: UserIdentity;
};

/** A hash of a labelled string, so that the derivations below never collide with one another. */
function hashOf(label: string, value: string): Hex {
  return keccak256(toBytes(`okto-emulator:${label}:${value}`));
}

/** A UUID (version 8, "custom") made from the first 16 bytes of a hash. */
function uuidFromHash(hash: Hex): string {
  const hex = hash.slice(2, 34).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** The user of a contact (or a social identity) at a client: a stable user id and a checksummed SWA. */
export function deriveUser(contact: UserIdentity, client: EmulatorClient): EmulatorUser {
  const key = `${client.clientSWA.toLowerCase()}:${contact.channel}:${contact.to}`;
  return {
    userId: uuidFromHash(hashOf('user-id', key)),
    userSWA: getAddress(`0x${hashOf('user-swa', key).slice(-40)}`),
    clientSWA: client.clientSWA,
    contact,
  };
}

/** A client's stable id (`client_id` / `vendor_id` of verify-session). */
export function deriveClientId(clientSWA: Address): string {
  return uuidFromHash(hashOf('client-id', clientSWA.toLowerCase()));
}

/** Users who verified a code since the emulator started, by user id. */
export type UserDirectory = {
  /** Records a user (idempotent) and returns them. */
  add(user: EmulatorUser): EmulatorUser;
  find(userId: string): EmulatorUser | undefined;
};

/** An in-memory {@link UserDirectory}. */
export function createUserDirectory(): UserDirectory {
  const users = new Map<string, EmulatorUser>();
  return {
    add(user) {
      users.set(user.userId, user);
      return user;
    },
    find: (userId) => users.get(userId),
  };
}
