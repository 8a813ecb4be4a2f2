import * as v from 'valibot';
import { type Hex, keccak256, recoverMessageAddress, zeroAddress } from 'viem';
import { getUserOperationHash } from 'viem/account-abstraction';
import { describe, expect, it } from 'vitest';
import { environments } from './environments.ts';
import { InvalidParamsError } from './errors.ts';
import { encodeIntentCallData } from './intents.ts';
import { privateKeySigner } from './signer.ts';
import {
  TEST_CLIENT_SWA,
  TEST_GAS_PRICE,
  TEST_JOB_UUID,
  TEST_NONCE,
  TEST_PAYMASTER_DATA,
  TEST_SESSION_ADDRESS,
  TEST_SESSION_PRIVATE_KEY,
  TEST_USER_SWA,
} from './testing/vectors.ts';
import { TOKEN_TRANSFER_EXECUTE_BODY } from './testing/walletVectors.ts';
import {
  buildUserOp,
  normalizeGasFees,
  packUserOp,
  SignedUserOpSchema,
  signUserOp,
  toWireUserOp,
  type UserOperation,
  userOpHash,
  userOpPackHash,
  validateUserOp,
} from './userOp.ts';

const signer = privateKeySigner(TEST_SESSION_PRIVATE_KEY);
const sandbox = environments.sandbox;
const job = {
  jobId: TEST_JOB_UUID,
  clientSWA: TEST_CLIENT_SWA,
  userSWA: TEST_USER_SWA,
  feePayer: zeroAddress,
  policy: { gsnEnabled: false, sponsorshipEnabled: false },
  environment: 'sandbox',
} as const;

const tokenTransferCallData = encodeIntentCallData({
  ...job,
  intent: 'TOKEN_TRANSFER',
  params: {
    caip2Id: 'eip155:84532',
    recipientWalletAddress: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2',
    tokenAddress: '',
    amount: 1000000000000n,
  },
});

const opFor = (callData: Hex) =>
  buildUserOp({
    sender: TEST_USER_SWA,
    nonce: TEST_JOB_UUID,
    callData,
    paymasterData: TEST_PAYMASTER_DATA,
    gas: { maxFeePerGas: TEST_GAS_PRICE, maxPriorityFeePerGas: TEST_GAS_PRICE },
    environment: 'sandbox',
  });

/** viem's standard v0.7 hash: `maxPriorityFeePerGas` first in gasFees. */
const standardHash = (op: UserOperation) =>
  getUserOperationHash({
    chainId: sandbox.chainId,
    entryPointAddress: sandbox.entryPoint,
    entryPointVersion: '0.7',
    userOperation: {
      sender: op.sender,
      nonce: BigInt(op.nonce),
      callData: op.callData,
      callGasLimit: BigInt(op.callGasLimit),
      verificationGasLimit: BigInt(op.verificationGasLimit),
      preVerificationGas: BigInt(op.preVerificationGas),
      maxFeePerGas: BigInt(op.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(op.maxPriorityFeePerGas),
      paymaster: op.paymaster,
      paymasterVerificationGasLimit: BigInt(op.paymasterVerificationGasLimit),
      paymasterPostOpGasLimit: BigInt(op.paymasterPostOpGasLimit),
      paymasterData: op.paymasterData,
      signature: '0x',
    },
  });

describe('UserOp (wallet spec §3.3–3.7, §8.1)', () => {
  const op = opFor(tokenTransferCallData);

  it('builds the unsigned UserOp in wire order with the §1 defaults', () => {
    expect(Object.keys(op)).toEqual([
      'sender',
      'nonce',
      'paymaster',
      'callGasLimit',
      'verificationGasLimit',
      'preVerificationGas',
      'maxFeePerGas',
      'maxPriorityFeePerGas',
      'paymasterPostOpGasLimit',
      'paymasterVerificationGasLimit',
      'callData',
      'paymasterData',
    ]);
    expect(op).toMatchObject({
      sender: TEST_USER_SWA,
      nonce: TEST_NONCE,
      paymaster: sandbox.paymaster,
      callGasLimit: '0x927c0',
      verificationGasLimit: '0x61a80',
      preVerificationGas: '0x186a0',
      maxFeePerGas: '0x2255100',
      maxPriorityFeePerGas: '0x2255100',
      paymasterPostOpGasLimit: '0x30d40',
      paymasterVerificationGasLimit: '0x30d40',
    });
  });

  it('packs and hashes as the §8.1 vector says', () => {
    const packed = packUserOp(op);
    expect(packed.accountGasLimits).toBe(
      '0x00000000000000000000000000061a80000000000000000000000000000927c0',
    );
    expect(packed.gasFees).toBe('0x0000000000000000000000000225510000000000000000000000000002255100');
    expect(packed.paymasterAndData.slice(0, 2 + 104).toLowerCase()).toBe(
      '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e300000000000000000000000000030d4000000000000000000000000000030d40'.toLowerCase(),
    );
    expect((packed.paymasterAndData.length - 2) / 2).toBe(308);
    expect(keccak256(packed.paymasterAndData)).toBe(
      '0x4ae18ce9e2bc23b0c074cfdaa05e6f631e0933549ca6220257d82587213603c4',
    );
    expect(userOpPackHash(op)).toBe('0x0f712340884c492f900def81402090e1213f6385266ab57f4a339b77f6665d5d');
    const hash = userOpHash(op, sandbox);
    expect(hash).toBe('0x17a911109a9be39e0f2aa493c0bc57423cd33ab8a694bbd1f8b2b194512bd311');
    expect(hash).toBe(standardHash(op));
  });

  it('signs with the session key, signature appended last, and sends the exact §8.1 /execute body', async () => {
    const signed = await signUserOp(op, { signer, environment: 'sandbox' });
    expect(signed.signature).toBe(
      '0x4addfbe55351b49672a11cbdd7652ed9eefc73b1d40fc482e711a41320dd583e02ec52add514226b61e2ab359fdae4b4b4c1a763037d985509110b6cb24ff7801b',
    );
    expect(Object.keys(signed).at(-1)).toBe('signature');
    expect(JSON.stringify(toWireUserOp(signed))).toBe(TOKEN_TRANSFER_EXECUTE_BODY);
    expect(
      await recoverMessageAddress({ message: { raw: userOpHash(op, sandbox) }, signature: signed.signature }),
    ).toBe(TEST_SESSION_ADDRESS);
  });

  it('puts the keys back in wire order whatever order it is given', async () => {
    const signed = await signUserOp(op, { signer, environment: 'sandbox' });
    const shuffled = Object.fromEntries(Object.entries(signed).reverse()) as typeof signed;
    expect(JSON.stringify(toWireUserOp(shuffled))).toBe(TOKEN_TRANSFER_EXECUTE_BODY);
    expect(await signUserOp(shuffled, { signer, environment: 'sandbox' })).toEqual(signed);
  });

  it('hashes §8.3 RAW_TRANSACTION and §8.4 NFT_TRANSFER as the vectors say', async () => {
    const raw = opFor(
      encodeIntentCallData({
        ...job,
        intent: 'RAW_TRANSACTION',
        params: {
          caip2Id: 'eip155:84532',
          transactions: [
            {
              from: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
              to: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2',
              data: '0x',
              value: '0xe8d4a51000',
            },
          ],
        },
      }),
    );
    expect(userOpHash(raw, sandbox)).toBe(
      '0xf546d86447dc74c4450b368ba4a2872e76ecc2145d30d1d8f456941e2a687fb5',
    );
    expect((await signUserOp(raw, { signer, environment: 'sandbox' })).signature).toBe(
      '0xd1802d3e08603402277e6608a5a551eff34c82e39734971c0e1a8eade23165cd7a4d86977e8a769fe5d2caf97729835277bc0fecbc91813f71ee52b749123b311c',
    );
    const nft = opFor(
      encodeIntentCallData({
        ...job,
        intent: 'NFT_TRANSFER',
        params: {
          caip2Id: 'eip155:84532',
          nftId: '7',
          recipientWalletAddress: '0x8aaf1F5A168EE78D1b96df345eCaf0098607B8F6',
          collectionAddress: '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea',
          nftType: 'ERC721',
          amount: 1n,
        },
      }),
    );
    expect(userOpHash(nft, sandbox)).toBe(
      '0x278535e96534871e568369d1ff57b31d06e03f5a6c1ec494e98e15e98e109987',
    );
    expect((await signUserOp(nft, { signer, environment: 'sandbox' })).signature).toBe(
      '0x0076b7b99e54dee99728c6c812550d1de4364154426869ff875fd70cb729e1b626bc95228493341bdd371d0a60e536b191b7694ea2acb4f73ef3ff99e3898d6c1b',
    );
  });

  it('hashes unequal fees in the SDK order, maxFeePerGas first (§8.2 quirk)', () => {
    const unequal = { ...op, maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '0x3b9aca00' } as const;
    expect(packUserOp(unequal).gasFees).toBe(
      '0x000000000000000000000000773594000000000000000000000000003b9aca00',
    );
    expect(userOpHash(unequal, sandbox)).toBe(
      '0x2951fe8aad300f93f4e0f7440d4bb18ca64b3aceaaf94b9a8393b15c55a982aa',
    );
    expect(standardHash(unequal)).toBe('0x6a721a1ef532fa1f41dbc40972de4f191870cafab7e25e649fe5f06c656851af');
  });

  it('takes hex text as is, upper-case digits included', () => {
    const upper = { ...op, maxFeePerGas: '0x2255100'.toUpperCase().replace('0X', '0x') as Hex };
    expect(userOpHash({ ...upper, maxPriorityFeePerGas: upper.maxFeePerGas }, sandbox)).toBe(
      userOpHash(op, sandbox),
    );
  });
});

describe('gas of a UserOp', () => {
  it('equalises unequal fees to the larger, so the quirk never matters', () => {
    expect(normalizeGasFees({ maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '0x3b9aca00' })).toEqual({
      maxFeePerGas: '0x77359400',
      maxPriorityFeePerGas: '0x77359400',
    });
    expect(normalizeGasFees({ maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x2' })).toEqual({
      maxFeePerGas: '0x2',
      maxPriorityFeePerGas: '0x2',
    });
  });

  it('keeps hex fees as received and writes decimal ones as minimal hex', () => {
    expect(normalizeGasFees({ maxFeePerGas: '0xBA43B7400', maxPriorityFeePerGas: '0xBA43B7400' })).toEqual({
      maxFeePerGas: '0xBA43B7400',
      maxPriorityFeePerGas: '0xBA43B7400',
    });
    expect(normalizeGasFees({ maxFeePerGas: '36000000', maxPriorityFeePerGas: '1000' })).toEqual({
      maxFeePerGas: '0x2255100',
      maxPriorityFeePerGas: '0x2255100',
    });
  });

  it('refuses fees that are not integers of at most 16 bytes', () => {
    for (const bad of ['', '0x', '-1', '1.5', ' 1', '0xzz', `0x1${'0'.repeat(32)}`])
      expect(() => normalizeGasFees({ maxFeePerGas: bad, maxPriorityFeePerGas: '0x1' })).toThrow(
        InvalidParamsError,
      );
  });

  it('overrides the §1 limits as minimal hex', () => {
    const op = buildUserOp({
      sender: TEST_USER_SWA,
      nonce: TEST_NONCE,
      callData: tokenTransferCallData,
      paymasterData: TEST_PAYMASTER_DATA,
      gas: {
        maxFeePerGas: '0x1',
        maxPriorityFeePerGas: '0x1',
        callGasLimit: 1_000_000n,
        preVerificationGas: '0x00ff',
      },
      environment: 'production',
    });
    expect(op).toMatchObject({
      paymaster: environments.production.paymaster,
      callGasLimit: '0xf4240',
      preVerificationGas: '0xff',
      verificationGasLimit: '0x61a80',
    });
  });
});

describe('validateUserOp (§3.8)', () => {
  const op = opFor(tokenTransferCallData);

  it('names the field that breaks the rule', () => {
    const fieldOf = (bad: Record<string, unknown>) => {
      try {
        validateUserOp({ ...op, ...bad });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidParamsError);
        return (error as InvalidParamsError).field;
      }
      return undefined;
    };
    expect(fieldOf({ sender: '0x1234' })).toBe('sender');
    expect(fieldOf({ paymaster: undefined })).toBe('paymaster');
    expect(fieldOf({ callGasLimit: 600000 })).toBe('callGasLimit');
    expect(fieldOf({ callData: '0x123' })).toBe('callData');
    expect(fieldOf({})).toBeUndefined();
  });

  it('accepts exactly the 13 keys as the /execute body', async () => {
    const signed = await signUserOp(op, { signer, environment: 'sandbox' });
    expect(v.parse(SignedUserOpSchema, signed)).toEqual(signed);
    expect(v.safeParse(SignedUserOpSchema, { ...signed, initCode: '0x' }).success).toBe(false);
    const { signature: _, ...unsigned } = signed;
    expect(v.safeParse(SignedUserOpSchema, unsigned).success).toBe(false);
  });
});
