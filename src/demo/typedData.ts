import { type Config, signTypedData, verifyTypedData } from '@wagmi/core';
import type { Address, Hex, TypedDataDomain } from 'viem';
import { connectedAccount } from './connection.ts';

// EIP-712 typed data: the classic "Mail" example (no token permission in it), signed with
// eth_signTypedData_v4 and verified with viem's verifyTypedData through the chain's RPC.

const types = {
  Person: [
    { name: 'name', type: 'string' },
    { name: 'wallet', type: 'address' },
  ],
  Mail: [
    { name: 'from', type: 'Person' },
    { name: 'to', type: 'Person' },
    { name: 'contents', type: 'string' },
  ],
} as const;

/** The Mail from the connected account to `to`, on the account's chain. */
export function mailTypedData({ from, to, chainId }: { from: Address; to: Address; chainId: number }) {
  const domain: TypedDataDomain = {
    name: 'Okto demo dApp',
    version: '1',
    chainId,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  };
  return {
    domain,
    types,
    primaryType: 'Mail' as const,
    message: {
      from: { name: 'Demo user', wallet: from },
      to: { name: 'Okto', wallet: to },
      contents: 'Hello from the Okto demo dApp!',
    },
  };
}

export type TypedDataResult = {
  typedData: ReturnType<typeof mailTypedData>;
  signature: Hex;
  valid: boolean;
};

/** Has Okto sign the Mail, then verifies the signature against the account. */
export async function signMail(config: Config, to: Address): Promise<TypedDataResult> {
  const { address, chainId } = connectedAccount(config);
  const typedData = mailTypedData({ from: address, to, chainId });
  const signature = await signTypedData(config, { account: address, ...typedData });
  const valid = await verifyTypedData(config, { address, ...typedData, signature, chainId });
  return { typedData, signature, valid };
}
