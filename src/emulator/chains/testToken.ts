import {
  type Address,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hash,
  keccak256,
  toBytes,
} from 'viem';
import { testTokenAbi, testTokenBytecode } from './contracts/testTokenArtifact.ts';
import type { ChainToken, LocalChain } from './localChain.ts';

// The test ERC-20 (contracts/TestToken.sol): deployed at start on every local chain by one deployer
// at nonce 0, hence at the same address everywhere. The deployer is also its only minter: the faucet
// mints by sending as the deployer (impersonated, so there is no key to keep).

/** The account that deploys the test token and mints it: an address nobody holds a key for. */
export const TEST_TOKEN_DEPLOYER: Address = getAddress(
  `0x${keccak256(toBytes('okto-emulator:test-token-deployer')).slice(-40)}`,
);

/** The test token's address on every local chain: the deployer's first contract. */
export const TEST_TOKEN_ADDRESS: Address = getContractAddress({ from: TEST_TOKEN_DEPLOYER, nonce: 0n });

/** The test token as `/supported/tokens` lists it. */
export const TEST_TOKEN: ChainToken = {
  address: TEST_TOKEN_ADDRESS,
  symbol: 'OTUSD',
  name: 'Okto Test USD',
  decimals: 6,
  precision: 2,
};

/** Deploys the test token on a fresh chain and checks it landed at {@link TEST_TOKEN_ADDRESS}. */
export async function deployTestToken(chain: LocalChain): Promise<ChainToken> {
  const nonce = await chain.client.getTransactionCount({ address: TEST_TOKEN_DEPLOYER });
  if (nonce !== 0)
    throw new Error(
      `the test-token deployer already used nonce ${nonce} on ${chain.network.caipId}: the chain is not fresh`,
    );
  const hash = await chain.sendAs({ from: TEST_TOKEN_DEPLOYER, data: testTokenBytecode });
  const receipt = await chain.waitForReceipt(hash);
  if (
    receipt.status !== 'success' ||
    receipt.contractAddress?.toLowerCase() !== TEST_TOKEN_ADDRESS.toLowerCase()
  )
    throw new Error(`deploying the test token on ${chain.network.caipId} failed (${receipt.status})`);
  return TEST_TOKEN;
}

/** The result of a mint: the transaction and the index of its Transfer log. */
export type MintResult = { txHash: Hash; logIndex: number; blockNumber: bigint };

/** Mints `amount` (smallest unit) of the test token to `to`, waits for it to be mined. */
export async function mintTestToken(chain: LocalChain, to: Address, amount: bigint): Promise<MintResult> {
  const hash = await chain.sendAs({
    from: TEST_TOKEN_DEPLOYER,
    to: TEST_TOKEN_ADDRESS,
    data: encodeFunctionData({ abi: testTokenAbi, functionName: 'mint', args: [to, amount] }),
  });
  const receipt = await chain.waitForReceipt(hash);
  const log = receipt.logs.find((entry) => entry.address.toLowerCase() === TEST_TOKEN_ADDRESS.toLowerCase());
  if (receipt.status !== 'success' || !log)
    throw new Error(`minting the test token on ${chain.network.caipId} failed (${receipt.status})`);
  return { txHash: hash, logIndex: log.logIndex, blockNumber: receipt.blockNumber };
}

/** The ERC-20 balance of `owner` (smallest unit). */
export function readTokenBalance(chain: LocalChain, token: Address, owner: Address): Promise<bigint> {
  return chain.client.readContract({
    address: token,
    abi: testTokenAbi,
    functionName: 'balanceOf',
    args: [owner],
  });
}
