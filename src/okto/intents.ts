import {
  type AbiParameter,
  type Address,
  concat,
  decodeAbiParameters,
  encodeAbiParameters,
  type Hex,
  hexToBytes,
  isHex,
  size,
  slice,
  stringToHex,
  zeroAddress,
} from 'viem';
import { environments, OKTO_ENVIRONMENTS, type OktoEnvironment } from './environments.ts';
import { IntentCallDataError } from './errors.ts';
import { nonceToBytes32 } from './nonce.ts';
import { parseRawTransactionJson, type RawTransaction, rawTransactionJson } from './rawTransaction.ts';

// Wallet spec §3.2: the callData of an intent's UserOp, and its exact inverse for the emulator and the
// DevTools panel. The byte layout is Okto's SDK's; the checks on decode are the emulator's check #8.

/** `executeUserOp` (ERC-4337 v0.7), the left-aligned `bytes4` the outer tuple starts with. */
export const EXECUTE_USER_OP_SELECTOR: Hex = '0x8dd7712f';
/** `initiateJob(uint256,address,address,address,bytes,bytes,bytes,string)`. */
export const INITIATE_JOB_SELECTOR: Hex = '0xbf7b90d7';
/** The 7-argument `initiateJob` of older SDKs (no fee payer); never sent, refused on decode. */
export const LEGACY_INITIATE_JOB_SELECTOR: Hex = '0x8fa61ac0';

/** The intents this wallet sends (EVM only; `NFT_MINT` and `NFT_CREATE_COLLECTION` are Aptos-only). */
export const INTENT_TYPES = ['TOKEN_TRANSFER', 'NFT_TRANSFER', 'RAW_TRANSACTION'] as const;
export type IntentType = (typeof INTENT_TYPES)[number];

/** `_policyInfo`, from the chain's `gsn_enabled` and `sponsorship_enabled` in `/supported/networks`. */
export type PolicyInfo = { gsnEnabled: boolean; sponsorshipEnabled: boolean };

/** `_jobParameters` of `TOKEN_TRANSFER`. Strings are sent as given; `tokenAddress` is `""` for the native token. */
export type TokenTransferParams = {
  caip2Id: string;
  recipientWalletAddress: string;
  tokenAddress: string;
  /** In the token's smallest unit. */
  amount: bigint;
};

/** `_jobParameters` of `NFT_TRANSFER`. */
export type NftTransferParams = {
  caip2Id: string;
  /** Decimal or hex, as given. */
  nftId: string;
  recipientWalletAddress: string;
  collectionAddress: string;
  /** `"ERC721"` or `"ERC1155"`. */
  nftType: string;
  /** ≥ 1; 1 for ERC721. */
  amount: bigint;
};

/** `_jobParameters` of an EVM `RAW_TRANSACTION`: one or several calls, executed in order. */
export type RawTransactionParams = { caip2Id: string; transactions: RawTransaction[] };

/** An intent type with its parameters. */
export type IntentCall =
  | { intent: 'TOKEN_TRANSFER'; params: TokenTransferParams }
  | { intent: 'NFT_TRANSFER'; params: NftTransferParams }
  | { intent: 'RAW_TRANSACTION'; params: RawTransactionParams };

type IntentJob = {
  /** The UserOp nonce's UUID (it is `_jobId` as `bytes32`). Decoding always yields it lower-case, hyphenated. */
  jobId: string;
  clientSWA: Address;
  /** The UserOp `sender`, as `/authenticate` returned it. */
  userSWA: Address;
  policy: PolicyInfo;
  /** Selects the JobManager the callData is addressed to. */
  environment: OktoEnvironment;
};

export type EncodeIntentCallDataParameters = IntentCall &
  IntentJob & {
    /** `_feePayerAddress`; default, and what the extension always sends: the zero address. */
    feePayer?: Address;
  };

/** What {@link decodeIntentCallData} reads back: the encoder's parameters, `feePayer` included. */
export type IntentCallData = IntentCall & IntentJob & { feePayer: Address };

const TOKEN_TRANSFER_TUPLE = {
  type: 'tuple',
  components: [
    { name: 'caip2Id', type: 'string' },
    { name: 'recipientWalletAddress', type: 'string' },
    { name: 'tokenAddress', type: 'string' },
    { name: 'amount', type: 'uint256' },
  ],
} as const;

const NFT_TRANSFER_TUPLE = {
  type: 'tuple',
  components: [
    { name: 'caip2Id', type: 'string' },
    { name: 'nftId', type: 'string' },
    { name: 'recipientWalletAddress', type: 'string' },
    { name: 'collectionAddress', type: 'string' },
    { name: 'nftType', type: 'string' },
    { name: 'amount', type: 'uint256' },
  ],
} as const;

const RAW_TRANSACTION_TUPLE = {
  type: 'tuple',
  components: [
    { name: 'caip2Id', type: 'string' },
    { name: 'transactions', type: 'bytes[]' },
  ],
} as const;

const TUPLE_TEXT: Record<IntentType, string> = {
  TOKEN_TRANSFER: '(string caip2Id, string recipientWalletAddress, string tokenAddress, uint256 amount)',
  NFT_TRANSFER:
    '(string caip2Id, string nftId, string recipientWalletAddress, string collectionAddress, string nftType, uint256 amount)',
  RAW_TRANSACTION: '(string caip2Id, bytes[] transactions)',
};

const POLICY_INFO = [
  {
    type: 'tuple',
    components: [
      { name: 'gsnEnabled', type: 'bool' },
      { name: 'sponsorshipEnabled', type: 'bool' },
    ],
  },
] as const;

// Okto's SDK types `tokens` with the job-parameters tuple; the list is always empty, so the bytes
// do not depend on it.
const GSN_DATA_ABI = [
  {
    type: 'tuple',
    components: [
      { name: 'isRequired', type: 'bool' },
      { name: 'requiredNetworks', type: 'string[]' },
      { name: 'tokens', type: 'tuple[]', components: TOKEN_TRANSFER_TUPLE.components },
    ],
  },
] as const;

/** `_gsnData` = `abi.encode((false, [], []))`: the extension never asks for gas-station routing. */
export const GSN_DATA_NONE: Hex = encodeAbiParameters(GSN_DATA_ABI, [
  { isRequired: false, requiredNetworks: [], tokens: [] },
]);

const INITIATE_JOB_ARGS = [
  { name: '_jobId', type: 'uint256' },
  { name: '_clientSWA', type: 'address' },
  { name: '_userSWA', type: 'address' },
  { name: '_feePayerAddress', type: 'address' },
  { name: '_policyInfo', type: 'bytes' },
  { name: '_gsnData', type: 'bytes' },
  { name: '_jobParameters', type: 'bytes' },
  { name: '_intentType', type: 'string' },
] as const;

const OUTER = [{ type: 'bytes4' }, { type: 'address' }, { type: 'uint256' }, { type: 'bytes' }] as const;

/** `_jobParameters`: `abi.encode(T)` of the intent's tuple (§3.2), starting with the offset word `0x20`. */
export function encodeJobParameters(call: IntentCall): Hex {
  switch (call.intent) {
    case 'TOKEN_TRANSFER':
      return encodeAbiParameters(
        [TOKEN_TRANSFER_TUPLE],
        [{ ...call.params, amount: BigInt(call.params.amount) }],
      );
    case 'NFT_TRANSFER':
      return encodeAbiParameters(
        [NFT_TRANSFER_TUPLE],
        [{ ...call.params, amount: BigInt(call.params.amount) }],
      );
    case 'RAW_TRANSACTION':
      return encodeAbiParameters(
        [RAW_TRANSACTION_TUPLE],
        [
          {
            caip2Id: call.params.caip2Id,
            transactions: call.params.transactions.map((tx) => stringToHex(rawTransactionJson(tx))),
          },
        ],
      );
    default:
      throw new TypeError(`unknown intent ${JSON.stringify((call as { intent: unknown }).intent)}`);
  }
}

/**
 * The UserOp `callData` of an intent:
 * `abi.encode(bytes4 0x8dd7712f, address JobManager, uint256 0, bytes 0xbf7b90d7 ‖ abi.encode(8 args))`.
 * @example
 * encodeIntentCallData({ intent: 'TOKEN_TRANSFER', params: { caip2Id: 'eip155:84532', … }, jobId,
 *   clientSWA, userSWA, policy: { gsnEnabled: false, sponsorshipEnabled: true }, environment: 'sandbox' })
 */
export function encodeIntentCallData(p: EncodeIntentCallDataParameters): Hex {
  const policyInfo = encodeAbiParameters(POLICY_INFO, [
    { gsnEnabled: p.policy.gsnEnabled, sponsorshipEnabled: p.policy.sponsorshipEnabled },
  ]);
  const inner = concat([
    INITIATE_JOB_SELECTOR,
    encodeAbiParameters(INITIATE_JOB_ARGS, [
      BigInt(jobIdToNonce(p.jobId)),
      p.clientSWA,
      p.userSWA,
      p.feePayer ?? zeroAddress,
      policyInfo,
      GSN_DATA_NONE,
      encodeJobParameters(p),
      p.intent,
    ]),
  ]);
  return encodeAbiParameters(OUTER, [
    EXECUTE_USER_OP_SELECTOR,
    environments[p.environment].jobManager,
    0n,
    inner,
  ]);
}

export type DecodeIntentCallDataOptions = {
  /**
   * The environment the callData must be for: its JobManager is then required. Without it the
   * environment is recovered from the JobManager; `local` shares sandbox's, so it reads as `sandbox`.
   */
  environment?: OktoEnvironment;
};

/**
 * The inverse of {@link encodeIntentCallData}, checking the structure as strictly as the emulator does:
 * the outer word and value, the JobManager, the 8-argument `initiateJob` (the legacy 7-argument
 * selector is refused), a UUID `_jobId`, `_policyInfo` as two bools, `_gsnData` as "no GSN", a known
 * `_intentType` and `_jobParameters` as that intent's tuple. Every ABI level must also be in canonical
 * encoding (it re-encodes to the same bytes), so no extra or dirty bytes ride along.
 * Throws {@link IntentCallDataError} whose `details` names what is wrong.
 */
export function decodeIntentCallData(
  callData: Hex,
  options: DecodeIntentCallDataOptions = {},
): IntentCallData {
  if (typeof callData !== 'string' || !isHex(callData, { strict: true }) || callData.length % 2 !== 0)
    throw new IntentCallDataError('callData is not 0x-hex bytes');
  const [word, jobManager, value, inner] = decodeCanonical(
    OUTER,
    callData,
    'the outer (bytes4, address, uint256, bytes) tuple',
  );
  if (word !== EXECUTE_USER_OP_SELECTOR)
    throw new IntentCallDataError(
      `outer word is ${word}, expected ${EXECUTE_USER_OP_SELECTOR} (executeUserOp)`,
    );
  const environment = environmentOfJobManager(jobManager, options.environment);
  if (value !== 0n) throw new IntentCallDataError(`outer value is ${value}, expected 0`);

  if (size(inner) < 4) throw new IntentCallDataError('inner call is shorter than a selector');
  const selector = slice(inner, 0, 4);
  if (selector === LEGACY_INITIATE_JOB_SELECTOR)
    throw new IntentCallDataError(
      `legacy 7-argument initiateJob (${LEGACY_INITIATE_JOB_SELECTOR}) is not accepted; send initiateJob ${INITIATE_JOB_SELECTOR} with _feePayerAddress`,
    );
  if (selector !== INITIATE_JOB_SELECTOR)
    throw new IntentCallDataError(
      `inner selector is ${selector}, expected initiateJob ${INITIATE_JOB_SELECTOR}`,
    );
  const [jobIdWord, clientSWA, userSWA, feePayer, policyInfo, gsnData, jobParameters, intentType] =
    decodeCanonical(INITIATE_JOB_ARGS, slice(inner, 4), 'the initiateJob arguments');

  if (jobIdWord >> 128n !== 0n)
    throw new IntentCallDataError('_jobId is not a UUID nonce: its first 16 bytes must be zero');
  const [policy] = decodeCanonical(
    POLICY_INFO,
    policyInfo,
    '_policyInfo as (bool gsnEnabled, bool sponsorshipEnabled)',
  );
  const [gsn] = decodeCanonical(GSN_DATA_ABI, gsnData, '_gsnData as (bool, string[], tuple[])');
  if (gsn.isRequired || gsn.requiredNetworks.length > 0 || gsn.tokens.length > 0)
    throw new IntentCallDataError('_gsnData must be (false, [], []): gas-station routing is not supported');
  if (!(INTENT_TYPES as readonly string[]).includes(intentType))
    throw new IntentCallDataError(
      `unknown _intentType ${JSON.stringify(intentType)}; expected one of ${INTENT_TYPES.join(', ')}`,
    );

  return {
    ...decodeJobParameters(intentType as IntentType, jobParameters),
    jobId: nonceToUuid(jobIdWord),
    clientSWA,
    userSWA,
    feePayer,
    policy: { gsnEnabled: policy.gsnEnabled, sponsorshipEnabled: policy.sponsorshipEnabled },
    environment,
  };
}

/**
 * Reads `_jobParameters` as the tuple of `intent`; throws {@link IntentCallDataError} when they do not
 * decode as it (or, for `RAW_TRANSACTION`, when an element is not a transaction's JSON text).
 */
export function decodeJobParameters(intent: IntentType, jobParameters: Hex): IntentCall {
  const what = `_jobParameters as ${intent}'s ${TUPLE_TEXT[intent]}`;
  switch (intent) {
    case 'TOKEN_TRANSFER': {
      const [params] = decodeCanonical([TOKEN_TRANSFER_TUPLE], jobParameters, what);
      return { intent, params: { ...params } };
    }
    case 'NFT_TRANSFER': {
      const [params] = decodeCanonical([NFT_TRANSFER_TUPLE], jobParameters, what);
      return { intent, params: { ...params } };
    }
    case 'RAW_TRANSACTION': {
      const [{ caip2Id, transactions }] = decodeCanonical([RAW_TRANSACTION_TUPLE], jobParameters, what);
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      return {
        intent,
        params: {
          caip2Id,
          transactions: transactions.map((bytes, i) => {
            try {
              return parseRawTransactionJson(decoder.decode(hexToBytes(bytes)));
            } catch (cause) {
              const why = cause instanceof TypeError ? cause.message : 'not UTF-8 text';
              throw new IntentCallDataError(
                `_jobParameters.transactions[${i}] is not a transaction: ${why}`,
                cause,
              );
            }
          }),
        },
      };
    }
  }
}

/** `jobId` as the `bytes32` nonce; a `bytes32` is taken as it is. */
function jobIdToNonce(jobId: string): Hex {
  return /^0x[0-9a-fA-F]{64}$/.test(jobId) ? (jobId as Hex) : nonceToBytes32(jobId);
}

/** The UUID of a nonce whose first 16 bytes are zero. */
function nonceToUuid(nonce: bigint): string {
  const hex = nonce.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function environmentOfJobManager(
  jobManager: Address,
  expected: OktoEnvironment | undefined,
): OktoEnvironment {
  const same = (env: OktoEnvironment) =>
    environments[env].jobManager.toLowerCase() === jobManager.toLowerCase();
  if (expected !== undefined) {
    if (!same(expected))
      throw new IntentCallDataError(
        `JobManager ${jobManager} is not ${expected}'s (${environments[expected].jobManager})`,
      );
    return expected;
  }
  if (same('sandbox')) return 'sandbox';
  const found = OKTO_ENVIRONMENTS.find(same);
  if (found === undefined)
    throw new IntentCallDataError(`JobManager ${jobManager} is not one of any Okto environment`);
  return found;
}

function decodeCanonical<const params extends readonly AbiParameter[]>(
  params: params,
  data: Hex,
  what: string,
) {
  let decoded: ReturnType<typeof decodeAbiParameters<params>>;
  try {
    decoded = decodeAbiParameters(params, data);
  } catch (cause) {
    throw new IntentCallDataError(`${what} does not decode`, cause);
  }
  // `decodeAbiParameters` ignores trailing bytes and dirty padding; a re-encoding catches both.
  let again: Hex | undefined;
  try {
    again = encodeAbiParameters(params, decoded as never);
  } catch {
    again = undefined;
  }
  if (again !== data.toLowerCase()) throw new IntentCallDataError(`${what} is not in canonical ABI encoding`);
  return decoded;
}
