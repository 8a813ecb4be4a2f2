import type { Address, Hex } from 'viem';

// The development client that the local emulator registers by default and that `npm start` hands
// to the companion. This key is PUBLIC (it is in this repository): it is a development key for the
// emulator only, derived as keccak256("okto-extension-login: public development client key, never
// for real use"). Okto's sandbox and production know nothing of it; use your dashboard credentials there.

/** The development client's private key: a public, well-known development key. Never use it for real. */
export const DEV_CLIENT_PRIVATE_KEY: Hex =
  '0x12bafad56e0b0c8310f5024380a118de14f7832c0b6fd2cbcf7552efb4261d27';
/** The address of {@link DEV_CLIENT_PRIVATE_KEY}: the signer the emulator expects for the dev client SWA. */
export const DEV_CLIENT_SIGNER: Address = '0xd7a0bcd96a3E40f6c5CB049A068419be13A7aE12';
/** The development client's smart-wallet address (not the key's address, as with real Okto clients). */
export const DEV_CLIENT_SWA: Address = '0xC8F4eeFe09cFe9d0aBf94c16F11B31d9a2a70841';
