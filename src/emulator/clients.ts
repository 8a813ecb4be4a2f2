import { type Address, getAddress, isAddress } from 'viem';
import { DEV_CLIENT_SIGNER, DEV_CLIENT_SWA } from './devClient.ts';

// Okto keeps a table `clientSWA → authorised signer`: the key that signs for a client is not its SWA.

/**
 * One registered Okto client: its smart-wallet address, the address of the key that signs for it, the
 * fee payers its intents may name (`_feePayerAddress`; none by default: only the zero address), and its
 * social-login settings.
 */
export type EmulatorClient = {
  clientSWA: Address;
  signer: Address;
  feePayers?: readonly Address[];
  /** Where `/authenticate` verifies a `client_jwt` (okto-social-login.md §5.4); default the example app's. */
  jwtVerifyUrl?: string;
  /** The `aud` a Google or Apple id_token must have for this client; unchecked when absent (Okto's default). */
  audiences?: { google?: readonly string[]; apple?: readonly string[] };
};

/** The clients the emulator knows. Lookups ignore case; answers keep the spelling the client was registered with. */
export type ClientRegistry = {
  /** The registered client of an address, in any case; `undefined` for an unknown client. */
  find(clientSWA: string): EmulatorClient | undefined;
  list(): EmulatorClient[];
};

/** The development client of `devClient.ts`, which the emulator registers when told nothing else. */
export const DEV_CLIENT: EmulatorClient = { clientSWA: DEV_CLIENT_SWA, signer: DEV_CLIENT_SIGNER };

/** A registry of clients; a later entry for the same SWA replaces an earlier one. Throws on a non-address. */
export function createClientRegistry(clients: readonly EmulatorClient[] = [DEV_CLIENT]): ClientRegistry {
  const byAddress = new Map<string, EmulatorClient>();
  for (const { clientSWA, signer, feePayers = [], ...social } of clients) {
    if (!isAddress(clientSWA, { strict: false }))
      throw new TypeError(`clientSWA is not an address: ${clientSWA}`);
    if (!isAddress(signer, { strict: false })) throw new TypeError(`signer is not an address: ${signer}`);
    for (const payer of feePayers)
      if (!isAddress(payer, { strict: false })) throw new TypeError(`fee payer is not an address: ${payer}`);
    byAddress.set(clientSWA.toLowerCase(), {
      clientSWA,
      signer: getAddress(signer),
      feePayers: feePayers.map((payer) => getAddress(payer)),
      ...social,
    });
  }
  return {
    find: (clientSWA) => byAddress.get(clientSWA.toLowerCase()),
    list: () => [...byAddress.values()],
  };
}
