import { type Config, signMessage, verifyMessage } from '@wagmi/core';
import type { Hex } from 'viem';
import { createSiweMessage, generateSiweNonce, parseSiweMessage, validateSiweMessage } from 'viem/siwe';
import { connectedAccount } from './connection.ts';

// Sign-In with Ethereum (EIP-4361): the dApp writes the message, the wallet signs it (personal_sign),
// and the dApp checks both the message's fields and the signature. Here the page checks; a real dApp
// checks on its server (viem's `verifySiweMessage` there) with the nonce it issued.

export type SignInResult = {
  message: string;
  signature: Hex;
  /** The fields match this site, this account and this nonce, and the message is within its time. */
  fieldsValid: boolean;
  /** The signature is the account's (viem's verifyMessage through the chain's RPC). */
  signatureValid: boolean;
};

/** Builds an EIP-4361 message for the connected account, has Okto sign it, and verifies it. */
export async function signInWithEthereum(
  config: Config,
  { now = new Date() }: { now?: Date } = {},
): Promise<SignInResult> {
  const { address, chainId } = connectedAccount(config);
  const domain = window.location.host;
  const nonce = generateSiweNonce();
  const message = createSiweMessage({
    address,
    chainId,
    domain,
    nonce,
    uri: window.location.origin,
    version: '1',
    statement: 'Sign in to the Okto demo dApp.',
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 10 * 60_000),
  });
  const signature = await signMessage(config, { account: address, message });
  const fieldsValid = validateSiweMessage({ message: parseSiweMessage(message), address, domain, nonce });
  const signatureValid = await verifyMessage(config, { address, message, signature, chainId });
  return { message, signature, fieldsValid, signatureValid };
}
