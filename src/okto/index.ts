// The Okto v2 protocol (shared/okto-protocol.md for login, shared/okto-wallet-protocol.md for the
// wallet): pure functions, types and two HTTP clients over one request path. Imported by the extension,
// the companion and the emulator alike.

export * from './authToken.ts';
export * from './client.ts';
export * from './environments.ts';
export * from './errors.ts';
export * from './intents.ts';
export * from './intentValidation.ts';
export * from './nonce.ts';
export * from './orders.ts';
export * from './otp.ts';
export * from './paymaster.ts';
export * from './personalMessage.ts';
export * from './quantity.ts';
export * from './rawTransaction.ts';
export * from './session.ts';
export * from './sessionKey.ts';
export * from './signer.ts';
export * from './signMessage.ts';
export * from './typedData.ts';
export * from './userOp.ts';
export * from './walletClient.ts';
