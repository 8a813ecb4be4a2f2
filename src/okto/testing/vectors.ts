// Test vectors of shared/okto-protocol.md §8. These keys are public TEST keys, never used for real.
import type { Address, Hex } from 'viem';

export const TEST_CLIENT_PRIVATE_KEY: Hex = `0x${'11'.repeat(32)}`;
export const TEST_CLIENT_SIGNER: Address = '0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A';
export const TEST_CLIENT_SWA: Address = '0x1234567890AbcdEF1234567890aBcdef12345678';
export const TEST_SESSION_PRIVATE_KEY: Hex = `0x${'22'.repeat(32)}`;
export const TEST_SESSION_PK: Hex =
  '0x04466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276728176c3c6431f8eeda4538dc37c865e2784f3a9e77d044f33e407797e1278a';
export const TEST_SESSION_ADDRESS: Address = '0x1563915e194D8CfBA1943570603F7606A3115508';
