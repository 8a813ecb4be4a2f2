import { concat, encodeAbiParameters, type Hex, keccak256, size, slice, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { environments } from './environments.ts';
import { IntentCallDataError } from './errors.ts';
import {
  decodeIntentCallData,
  type EncodeIntentCallDataParameters,
  encodeIntentCallData,
  encodeJobParameters,
  GSN_DATA_NONE,
  type IntentCallData,
} from './intents.ts';
import { TEST_CLIENT_SWA, TEST_JOB_UUID, TEST_USER_SWA } from './testing/vectors.ts';
import {
  GSN_DATA_VECTOR,
  NFT_TRANSFER_JOB_PARAMETERS,
  RAW_TRANSACTION_JOB_PARAMETERS,
  RAW_TRANSACTION_TEXT,
  TOKEN_TRANSFER_JOB_PARAMETERS,
} from './testing/walletVectors.ts';

const job = {
  jobId: TEST_JOB_UUID,
  clientSWA: TEST_CLIENT_SWA,
  userSWA: TEST_USER_SWA,
  feePayer: zeroAddress,
  policy: { gsnEnabled: false, sponsorshipEnabled: false },
  environment: 'sandbox',
} as const;

const TOKEN_TRANSFER: IntentCallData = {
  ...job,
  intent: 'TOKEN_TRANSFER',
  params: {
    caip2Id: 'eip155:84532',
    recipientWalletAddress: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2',
    tokenAddress: '',
    amount: 1000000000000n,
  },
};

const RAW_TRANSACTION: IntentCallData = {
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
};

const NFT_TRANSFER: IntentCallData = {
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
};

// Splits callData into its layers, to build wrong variants byte by byte.
function layers(callData: Hex) {
  const inner = slice(callData, 160);
  const innerLength = Number(BigInt(slice(callData, 128, 160)));
  return { head: slice(callData, 0, 128), inner: slice(inner, 0, innerLength) };
}
const outer = (word: Hex, jobManager: Hex, value: bigint, inner: Hex) =>
  encodeAbiParameters(
    [{ type: 'bytes4' }, { type: 'address' }, { type: 'uint256' }, { type: 'bytes' }],
    [word, jobManager, value, inner],
  );
const INITIATE_JOB = [
  { type: 'uint256' },
  { type: 'address' },
  { type: 'address' },
  { type: 'address' },
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'string' },
] as const;
const POLICY_NONE = `0x${'0'.repeat(128)}` as const;
const withArgs = (
  args: Partial<{ jobId: bigint; policy: Hex; gsn: Hex; jobParameters: Hex; intent: string }>,
  selector: Hex = '0xbf7b90d7',
) =>
  outer(
    '0x8dd7712f',
    environments.sandbox.jobManager,
    0n,
    concat([
      selector,
      encodeAbiParameters(INITIATE_JOB, [
        args.jobId ?? 0x3fa85f6457174562b3fc2c963f66afa6n,
        TEST_CLIENT_SWA,
        TEST_USER_SWA,
        zeroAddress,
        args.policy ?? POLICY_NONE,
        args.gsn ?? GSN_DATA_VECTOR,
        args.jobParameters ?? TOKEN_TRANSFER_JOB_PARAMETERS,
        args.intent ?? 'TOKEN_TRANSFER',
      ]),
    ]),
  );

function decodeError(callData: Hex, environment?: 'local' | 'sandbox' | 'production'): string {
  try {
    decodeIntentCallData(callData, { environment });
  } catch (error) {
    expect(error).toBeInstanceOf(IntentCallDataError);
    return (error as IntentCallDataError).details;
  }
  throw new Error('decoded');
}

describe('intent callData (wallet spec §3.2, §8)', () => {
  it('encodes §8.1 TOKEN_TRANSFER: gsnData, jobParameters, sizes and keccak', () => {
    expect(GSN_DATA_NONE).toBe(GSN_DATA_VECTOR);
    expect(size(GSN_DATA_NONE)).toBe(192);
    expect(encodeJobParameters(TOKEN_TRANSFER)).toBe(TOKEN_TRANSFER_JOB_PARAMETERS);
    const callData = encodeIntentCallData(TOKEN_TRANSFER);
    expect(size(callData)).toBe(1216);
    expect(size(layers(callData).inner)).toBe(1028);
    expect(slice(callData, 0, 4)).toBe('0x8dd7712f');
    expect(keccak256(callData)).toBe('0xc44aeb79f9c23faeb14b44522d15a7cfc8d621826489695fd6e0fe94b9ee3518');
  });

  it('puts 64 zero bytes as policyInfo and the zero fee payer by default', () => {
    const { feePayer: _, ...withoutFeePayer } = TOKEN_TRANSFER;
    const callData = encodeIntentCallData(withoutFeePayer as EncodeIntentCallDataParameters);
    expect(callData).toBe(withArgs({}));
  });

  it('encodes the sponsored §8.4 variant: fee payer and (false, true) policy', () => {
    const callData = encodeIntentCallData({
      ...TOKEN_TRANSFER,
      feePayer: '0xdb9B5bbf015047D84417df078c8F06fDb6D71b76',
      policy: { gsnEnabled: false, sponsorshipEnabled: true },
    });
    expect(keccak256(callData)).toBe('0xd174f5c105c5470d60e3b037433f5aa0a86214fe8d4c23fd62ccb8b3bc7e13d8');
  });

  it('encodes §8.3 RAW_TRANSACTION with the transaction JSON text', () => {
    const jobParameters = encodeJobParameters(RAW_TRANSACTION);
    expect(jobParameters).toBe(RAW_TRANSACTION_JOB_PARAMETERS);
    expect(jobParameters).toContain(Buffer.from(RAW_TRANSACTION_TEXT).toString('hex'));
    const callData = encodeIntentCallData(RAW_TRANSACTION);
    expect(size(callData)).toBe(1280);
    expect(keccak256(callData)).toBe('0xa7683a721186ca693e55b54fdd7d204a98e420d13598ad503ff0d866fe9eda94');
  });

  it('encodes §8.4 NFT_TRANSFER', () => {
    expect(encodeJobParameters(NFT_TRANSFER)).toBe(NFT_TRANSFER_JOB_PARAMETERS);
    const callData = encodeIntentCallData(NFT_TRANSFER);
    expect(size(callData)).toBe(1472);
    expect(keccak256(callData)).toBe('0xf6db918b05a1f34e0437bed6a0982b139eab28f911d3febf5df7daf64ede66dc');
  });

  it('addresses production callData to production JobManager', () => {
    const callData = encodeIntentCallData({ ...TOKEN_TRANSFER, environment: 'production' });
    expect(slice(callData, 44, 64)).toBe(environments.production.jobManager.toLowerCase());
    expect(decodeIntentCallData(callData).environment).toBe('production');
  });

  it('takes the jobId as a bytes32 nonce too', () => {
    const callData = encodeIntentCallData({
      ...TOKEN_TRANSFER,
      jobId: '0x000000000000000000000000000000003fa85f6457174562b3fc2c963f66afa6',
    });
    expect(callData).toBe(encodeIntentCallData(TOKEN_TRANSFER));
  });
});

describe('decodeIntentCallData', () => {
  it.each([
    ['TOKEN_TRANSFER', TOKEN_TRANSFER],
    ['NFT_TRANSFER', NFT_TRANSFER],
    ['RAW_TRANSACTION', RAW_TRANSACTION],
  ])('round-trips %s', (_, intent) => {
    expect(decodeIntentCallData(encodeIntentCallData(intent))).toEqual(intent);
  });

  it('round-trips a 2-call RAW_TRANSACTION, calls in order', () => {
    const twoCalls: IntentCallData = {
      ...RAW_TRANSACTION,
      feePayer: '0xdb9B5bbf015047D84417df078c8F06fDb6D71b76',
      policy: { gsnEnabled: true, sponsorshipEnabled: true },
      params: {
        caip2Id: 'eip155:80002',
        transactions: [
          {
            from: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
            to: '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea',
            data: '0x095ea7b300000000000000000000000088bee8eb691ffafb192bac4d1e7042e1b44c3ef20000000000000000000000000000000000000000000000000000000000000001',
            value: '0x0',
          },
          {
            from: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
            to: '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2',
            data: '0x',
            value: '0xe8d4a51000',
          },
        ],
      },
    };
    expect(decodeIntentCallData(encodeIntentCallData(twoCalls))).toEqual(twoCalls);
  });

  it('reads local callData as sandbox unless told the environment', () => {
    const callData = encodeIntentCallData({ ...TOKEN_TRANSFER, environment: 'local' });
    expect(callData).toBe(encodeIntentCallData(TOKEN_TRANSFER));
    expect(decodeIntentCallData(callData).environment).toBe('sandbox');
    expect(decodeIntentCallData(callData, { environment: 'local' })).toEqual({
      ...TOKEN_TRANSFER,
      environment: 'local',
    });
  });

  it('reads a legacy numeric raw-transaction value as hex', () => {
    const text =
      '{"from":"0xA8c1021b6322e5fF8e059295fa027A1380789037","to":"0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2","data":"0x","value":1000000000000}';
    const jobParameters = encodeAbiParameters(
      [{ type: 'tuple', components: [{ type: 'string' }, { type: 'bytes[]' }] }],
      [['eip155:84532', [`0x${Buffer.from(text).toString('hex')}`]]],
    );
    expect(decodeIntentCallData(withArgs({ jobParameters, intent: 'RAW_TRANSACTION' }))).toEqual({
      ...RAW_TRANSACTION,
      feePayer: zeroAddress,
    });
  });

  it('refuses bytes that are not hex, or too short', () => {
    expect(decodeError('0x8dd7712' as Hex)).toBe('callData is not 0x-hex bytes');
    expect(decodeError('hello' as Hex)).toBe('callData is not 0x-hex bytes');
    expect(decodeError('0x8dd7712f')).toMatch(/outer .* does not decode/);
  });

  it('refuses a wrong outer word', () => {
    const { inner } = layers(encodeIntentCallData(TOKEN_TRANSFER));
    expect(decodeError(outer('0x12345678', environments.sandbox.jobManager, 0n, inner))).toBe(
      'outer word is 0x12345678, expected 0x8dd7712f (executeUserOp)',
    );
  });

  it('refuses a non-zero value', () => {
    const { inner } = layers(encodeIntentCallData(TOKEN_TRANSFER));
    expect(decodeError(outer('0x8dd7712f', environments.sandbox.jobManager, 1n, inner))).toBe(
      'outer value is 1, expected 0',
    );
  });

  it("refuses another environment's or an unknown JobManager", () => {
    const callData = encodeIntentCallData(TOKEN_TRANSFER);
    expect(decodeError(callData, 'production')).toBe(
      `JobManager ${environments.sandbox.jobManager} is not production's (${environments.production.jobManager})`,
    );
    const { inner } = layers(callData);
    expect(decodeError(outer('0x8dd7712f', TEST_CLIENT_SWA, 0n, inner))).toBe(
      `JobManager ${TEST_CLIENT_SWA} is not one of any Okto environment`,
    );
  });

  it('refuses the legacy 7-argument initiateJob 0x8fa61ac0', () => {
    expect(decodeError(withArgs({}, '0x8fa61ac0'))).toMatch(/^legacy 7-argument initiateJob \(0x8fa61ac0\)/);
  });

  it('refuses another inner selector', () => {
    expect(decodeError(withArgs({}, '0xa9059cbb'))).toBe(
      'inner selector is 0xa9059cbb, expected initiateJob 0xbf7b90d7',
    );
  });

  it('refuses an unknown intent type', () => {
    expect(decodeError(withArgs({ intent: 'NFT_MINT' }))).toBe(
      'unknown _intentType "NFT_MINT"; expected one of TOKEN_TRANSFER, NFT_TRANSFER, RAW_TRANSACTION',
    );
  });

  it("refuses jobParameters that do not decode as the intent's tuple", () => {
    expect(decodeError(withArgs({ intent: 'NFT_TRANSFER' }))).toMatch(
      /^_jobParameters as NFT_TRANSFER's \(string caip2Id, string nftId, .*\) (does not decode|is not in canonical ABI encoding)$/,
    );
    expect(decodeError(withArgs({ jobParameters: '0x1234' }))).toMatch(
      /^_jobParameters as TOKEN_TRANSFER's .* does not decode$/,
    );
    expect(decodeError(withArgs({ jobParameters: `${TOKEN_TRANSFER_JOB_PARAMETERS}00` }))).toMatch(
      /not in canonical ABI encoding$/,
    );
  });

  it('refuses a raw transaction element that is not the transaction JSON', () => {
    const element = (text: string) =>
      withArgs({
        intent: 'RAW_TRANSACTION',
        jobParameters: encodeAbiParameters(
          [{ type: 'tuple', components: [{ type: 'string' }, { type: 'bytes[]' }] }],
          [['eip155:84532', [`0x${Buffer.from(text).toString('hex')}`]]],
        ),
      });
    expect(decodeError(element('{"from":"0x1"}'))).toBe(
      '_jobParameters.transactions[0] is not a transaction: from must be a 20-byte 0x address',
    );
    expect(decodeError(element('not json'))).toBe(
      '_jobParameters.transactions[0] is not a transaction: not JSON',
    );
    const { from, to } = RAW_TRANSACTION.params.transactions[0];
    expect(decodeError(element(JSON.stringify({ from, to, data: '0x', value: '0x0', gas: '0x1' })))).toBe(
      '_jobParameters.transactions[0] is not a transaction: unexpected key "gas"',
    );
  });

  it('refuses a jobId that is not a UUID nonce', () => {
    expect(decodeError(withArgs({ jobId: 1n << 200n }))).toBe(
      '_jobId is not a UUID nonce: its first 16 bytes must be zero',
    );
  });

  it('refuses policyInfo that is not two bools, and any GSN request', () => {
    expect(decodeError(withArgs({ policy: `0x${'0'.repeat(126)}02` }))).toMatch(
      /^_policyInfo .* does not decode$/,
    );
    expect(decodeError(withArgs({ policy: `0x${'0'.repeat(64)}` }))).toMatch(
      /^_policyInfo .* does not decode$/,
    );
    const gsn = encodeAbiParameters(
      [
        {
          type: 'tuple',
          components: [
            { type: 'bool' },
            { type: 'string[]' },
            { type: 'tuple[]', components: [{ type: 'string' }] },
          ],
        },
      ],
      [[true, ['eip155:1'], []]],
    );
    expect(decodeError(withArgs({ gsn }))).toMatch(
      /_gsnData (must be \(false, \[\], \[\]\)|.* not in canonical)/,
    );
  });

  it('refuses dirty bytes after a valid callData', () => {
    expect(decodeError(`${encodeIntentCallData(TOKEN_TRANSFER)}00`)).toMatch(
      /not in canonical ABI encoding$/,
    );
  });
});
