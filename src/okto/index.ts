// The Okto v2 authentication protocol (shared/okto-protocol.md): pure functions, types and one HTTP client.
// Imported by the extension, the companion and the emulator alike.

export * from './authToken.ts';
export * from './client.ts';
export * from './environments.ts';
export * from './errors.ts';
export * from './nonce.ts';
export * from './otp.ts';
export * from './paymaster.ts';
export * from './session.ts';
export * from './sessionKey.ts';
export * from './signer.ts';
