import { type Hex, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { cap, redact } from '../background/activityLog.ts';
import { environments } from '../okto/environments.ts';
import { encodeIntentCallData, type IntentCall } from '../okto/intents.ts';
import { privateKeySigner } from '../okto/signer.ts';
import {
  TEST_CLIENT_SWA,
  TEST_GAS_PRICE,
  TEST_JOB_UUID,
  TEST_NONCE,
  TEST_PAYMASTER_DATA,
  TEST_SESSION_PRIVATE_KEY,
  TEST_USER_SWA,
} from '../okto/testing/vectors.ts';
import { TOKEN_TRANSFER_EXECUTE_BODY } from '../okto/testing/walletVectors.ts';
import { buildUserOp, type SignedUserOperation, signUserOp } from '../okto/userOp.ts';
import { decodeCallData, decodeUserOp, validityAt } from './decodeUserOp.ts';

// Vectors of shared/okto-wallet-protocol.md §8 (sandbox constants), decoded as the panel reads them:
// whole, and as the worker's log keeps them (redacted, maybe cut).

const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const PAYMASTER = environments.sandbox.paymaster;
/** §8.1's userOpHash. */
const TOKEN_TRANSFER_HASH = '0x17a911109a9be39e0f2aa493c0bc57423cd33ab8a694bbd1f8b2b194512bd311';

async function signedOp(call: IntentCall): Promise<SignedUserOperation> {
  const callData = encodeIntentCallData({
    ...call,
    jobId: TEST_JOB_UUID,
    clientSWA: TEST_CLIENT_SWA,
    userSWA: TEST_USER_SWA,
    feePayer: zeroAddress,
    policy: { gsnEnabled: false, sponsorshipEnabled: false },
    environment: 'sandbox',
  });
  const op = buildUserOp({
    sender: TEST_USER_SWA,
    nonce: TEST_JOB_UUID,
    callData,
    paymasterData: TEST_PAYMASTER_DATA,
    gas: { maxFeePerGas: TEST_GAS_PRICE, maxPriorityFeePerGas: TEST_GAS_PRICE },
    environment: 'sandbox',
  });
  return signUserOp(op, { signer: privateKeySigner(TEST_SESSION_PRIVATE_KEY), environment: 'sandbox' });
}

describe('decodeUserOp', () => {
  it('reads the whole §8.1 /execute body: its hash, sender, nonce and job UUID, gas, paymaster, validity and a TOKEN_TRANSFER', () => {
    const decoded = decodeUserOp(JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY));
    expect(decoded).toMatchObject({
      hash: { value: TOKEN_TRANSFER_HASH, source: 'computed' },
      sender: TEST_USER_SWA,
      nonce: TEST_NONCE,
      jobUuid: TEST_JOB_UUID,
      paymaster: PAYMASTER,
      paymasterOf: ['local', 'sandbox'],
      paymasterData: { state: 'decoded', clientSWA: TEST_CLIENT_SWA, validUntil: 1700021600, validAfter: 0 },
      validity: { validUntil: 1700021600, validAfter: 0, source: 'paymasterData' },
      gas: {
        callGasLimit: 0x927c0n,
        verificationGasLimit: 0x61a80n,
        preVerificationGas: 0x186a0n,
        paymasterVerificationGasLimit: 0x30d40n,
        paymasterPostOpGasLimit: 0x30d40n,
        maxFeePerGas: 0x2255100n,
        maxPriorityFeePerGas: 0x2255100n,
        maxCostWei: (0x927c0n + 0x61a80n + 0x186a0n + 0x30d40n + 0x30d40n) * 0x2255100n,
      },
      signature:
        '0x4addfbe55351b49672a11cbdd7652ed9eefc73b1d40fc482e711a41320dd583e02ec52add514226b61e2ab359fdae4b4b4c1a763037d985509110b6cb24ff7801b',
    });
    expect(decoded?.callData).toEqual({
      ok: true,
      call: {
        intent: 'TOKEN_TRANSFER',
        params: {
          caip2Id: 'eip155:84532',
          recipientWalletAddress: RECIPIENT,
          tokenAddress: '',
          amount: 1000000000000n,
        },
        jobId: TEST_JOB_UUID,
        clientSWA: TEST_CLIENT_SWA,
        userSWA: TEST_USER_SWA,
        feePayer: zeroAddress,
        policy: { gsnEnabled: false, sponsorshipEnabled: false },
        environment: 'sandbox',
      },
    });
  });

  it('as the worker logs it (paymasterData cut to 8 characters) says so, and takes the hash and validity from the job and the companion', () => {
    const logged = redact(JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY));
    expect((logged as { paymasterData: string }).paymasterData).toBe('0x000000…');

    const alone = decodeUserOp(logged);
    expect(alone?.paymasterData).toEqual({ state: 'redacted', shown: '0x000000…' });
    expect(alone?.hash).toBeUndefined();
    expect(alone?.validity).toBeUndefined();
    // The callData is not redacted: it still decodes.
    expect(alone?.callData).toMatchObject({ ok: true, call: { intent: 'TOKEN_TRANSFER' } });

    const fromJob = decodeUserOp(logged, {
      userOpHash: TOKEN_TRANSFER_HASH,
      paymasterValidUntil: 1700021600,
    });
    expect(fromJob?.hash).toEqual({ value: TOKEN_TRANSFER_HASH, source: 'job' });
    expect(fromJob?.validity).toEqual({ validUntil: 1700021600, source: 'job' });

    // The companion's answer has validAfter too, so it is preferred to the job's record.
    const withCompanion = decodeUserOp(logged, {
      paymasterValidUntil: 1700021600,
      companion: { validUntil: 1700021600, validAfter: 0 },
    });
    expect(withCompanion?.validity).toEqual({ validUntil: 1700021600, validAfter: 0, source: 'companion' });
  });

  it('decodes a RAW_TRANSACTION (§8.3) to each transaction, and hashes it to the vector', async () => {
    const op = await signedOp({
      intent: 'RAW_TRANSACTION',
      params: {
        caip2Id: 'eip155:84532',
        transactions: [
          {
            from: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
            to: RECIPIENT,
            data: '0x',
            value: '0xe8d4a51000',
          },
        ],
      },
    });
    const decoded = decodeUserOp(JSON.parse(JSON.stringify(op)));
    expect(decoded?.hash).toEqual({
      value: '0xf546d86447dc74c4450b368ba4a2872e76ecc2145d30d1d8f456941e2a687fb5',
      source: 'computed',
    });
    expect(decoded?.callData).toMatchObject({
      ok: true,
      call: {
        intent: 'RAW_TRANSACTION',
        params: {
          caip2Id: 'eip155:84532',
          transactions: [
            {
              from: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
              to: RECIPIENT,
              data: '0x',
              value: '0xe8d4a51000',
            },
          ],
        },
      },
    });
  });

  it('decodes an NFT_TRANSFER (§8.4) and hashes it to the vector', async () => {
    const op = await signedOp({
      intent: 'NFT_TRANSFER',
      params: {
        caip2Id: 'eip155:84532',
        nftId: '7',
        recipientWalletAddress: '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6',
        collectionAddress: '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea',
        nftType: 'ERC721',
        amount: 1n,
      },
    });
    const decoded = decodeUserOp(op);
    expect(decoded?.hash?.value).toBe('0x278535e96534871e568369d1ff57b31d06e03f5a6c1ec494e98e15e98e109987');
    expect(decoded?.callData).toMatchObject({
      ok: true,
      call: { intent: 'NFT_TRANSFER', params: { nftId: '7', nftType: 'ERC721', amount: 1n } },
    });
  });

  it('a body the log cut keeps the fields its preview holds whole, and says how long it was', () => {
    const logged = cap(redact(JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY)), 600);
    const decoded = decodeUserOp(logged);
    expect(decoded).toMatchObject({
      sender: TEST_USER_SWA,
      nonce: TEST_NONCE,
      jobUuid: TEST_JOB_UUID,
      paymaster: PAYMASTER,
      gas: { callGasLimit: 0x927c0n, maxFeePerGas: 0x2255100n },
      paymasterData: { state: 'missing' },
    });
    expect(decoded?.cutChars).toBeGreaterThan(2000);
    expect(decoded?.callData).toBeUndefined();
    expect(decoded?.hash).toBeUndefined();
  });

  it('is undefined for a body that is not a UserOp', () => {
    expect(decodeUserOp({ status: 'success' })).toBeUndefined();
    expect(decodeUserOp('0x')).toBeUndefined();
    expect(decodeUserOp(undefined)).toBeUndefined();
  });

  it('a UserOp with a paymaster of no environment, and no hash to compute, names neither', () => {
    const op = {
      ...JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY),
      paymaster: `0x${'12'.repeat(20)}`,
      callData: '0x1234',
    };
    const decoded = decodeUserOp(op);
    expect(decoded?.paymasterOf).toEqual([]);
    expect(decoded?.hash).toBeUndefined();
    expect(decoded?.callData?.ok).toBe(false);
  });
});

describe('decodeCallData', () => {
  it('says why a callData is not an intent', () => {
    expect(decodeCallData('0x1234')).toEqual({ ok: false, reason: expect.stringMatching(/does not decode/) });
    const legacy = `0x8dd7712f${'00'.repeat(28)}` as Hex;
    expect(decodeCallData(legacy).ok).toBe(false);
    expect(decodeCallData('0x8dd7712f…')).toEqual({
      ok: false,
      reason: 'the log cut it, so it cannot be decoded',
    });
  });
});

describe('validityAt', () => {
  const window = { validUntil: 1_700_021_600, validAfter: 0 };
  it('is valid until validUntil, with the time left', () => {
    expect(validityAt(window, 1_700_021_000_000)).toEqual({ state: 'valid', msLeft: 600_000 });
  });
  it('is expired from validUntil on', () => {
    expect(validityAt(window, 1_700_021_600_000)).toEqual({ state: 'expired', msLeft: 0 });
    expect(validityAt(window, 1_700_021_660_000).state).toBe('expired');
  });
  it('is not yet valid before validAfter', () => {
    expect(validityAt({ validUntil: 2000, validAfter: 1000 }, 500_000).state).toBe('not yet valid');
  });
});
