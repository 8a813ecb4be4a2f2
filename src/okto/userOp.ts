import * as v from 'valibot';
import { type Address, concat, encodeAbiParameters, type Hex, keccak256, pad } from 'viem';
import { environments, type OktoEnvironment } from './environments.ts';
import { InvalidParamsError } from './errors.ts';
import { nonceToBytes32 } from './nonce.ts';
import { parseQuantity, toQuantity } from './quantity.ts';
import type { Signer } from './signer.ts';

// Wallet spec §3.3–3.6: the UserOp Okto's `/execute` takes, its hash as Okto's SDK packs it, and its
// session-key signature.

/** An unsigned UserOp, keys in wire order (§3.3). All quantities are 0x-hex text. */
export type UserOperation = {
  /** `userSWA`, exactly as `/authenticate` returned it. */
  sender: Address;
  /** `0x` + 64 lower-case hex: the UUID nonce as `bytes32`. */
  nonce: Hex;
  paymaster: Address;
  callGasLimit: Hex;
  verificationGasLimit: Hex;
  preVerificationGas: Hex;
  maxFeePerGas: Hex;
  maxPriorityFeePerGas: Hex;
  paymasterPostOpGasLimit: Hex;
  paymasterVerificationGasLimit: Hex;
  callData: Hex;
  paymasterData: Hex;
};

/** A UserOp with its `signature`, the last key: what `POST /execute` sends as its whole body. */
export type SignedUserOperation = UserOperation & { signature: Hex };

const KEYS = [
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
] as const satisfies readonly (keyof UserOperation)[];

/** Okto's SDK 1.1.0 gas limits (§1), written as minimal lower-case hex. */
export const DEFAULT_GAS_LIMITS = {
  callGasLimit: '0x927c0',
  verificationGasLimit: '0x61a80',
  preVerificationGas: '0x186a0',
  paymasterPostOpGasLimit: '0x30d40',
  paymasterVerificationGasLimit: '0x30d40',
} as const satisfies Record<string, Hex>;

type GasLimit = keyof typeof DEFAULT_GAS_LIMITS;

/**
 * The gas of a UserOp: the fees from `GET /gas-values` as received (0x-hex or decimal strings), and
 * optional overrides of the §1 limits (any integer form; written as minimal hex).
 */
export type UserOpGas = {
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
} & { [limit in GasLimit]?: Hex | bigint | number | string };

const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;
const MAX_UINT128 = (1n << 128n) - 1n;

/**
 * The two fees as the extension sends them (§3.5, §9): both equal to the larger one, so Okto's fee-order
 * quirk cannot change the hash. Hex text is kept as received; a decimal string becomes minimal hex.
 * Throws {@link InvalidParamsError} for anything that is not a non-negative integer of at most 16 bytes.
 * @example normalizeGasFees({ maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '1000000000' })
 * // { maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '0x77359400' }
 */
export function normalizeGasFees({
  maxFeePerGas,
  maxPriorityFeePerGas,
}: Pick<UserOpGas, 'maxFeePerGas' | 'maxPriorityFeePerGas'>): {
  maxFeePerGas: Hex;
  maxPriorityFeePerGas: Hex;
} {
  const max = gasFee(maxFeePerGas, 'maxFeePerGas');
  const priority = gasFee(maxPriorityFeePerGas, 'maxPriorityFeePerGas');
  const fee = priority.value > max.value ? priority.text : max.text;
  return { maxFeePerGas: fee, maxPriorityFeePerGas: fee };
}

function gasFee(text: unknown, field: string): { value: bigint; text: Hex } {
  if (typeof text !== 'string' || text.length === 0)
    throw new InvalidParamsError(`${field} must be a 0x-hex or decimal string`, { field });
  const value = parseQuantity(text, field);
  if (value > MAX_UINT128) throw new InvalidParamsError(`${field} does not fit in 16 bytes`, { field });
  return { value, text: HEX_QUANTITY.test(text) ? (text as Hex) : toQuantity(value) };
}

export type BuildUserOpParameters = {
  /** `userSWA`, exactly as `/authenticate` returned it. */
  sender: Address;
  /** The UUID nonce, or it already as `bytes32`. */
  nonce: string;
  callData: Hex;
  /** From the companion (§6), used verbatim but for case. */
  paymasterData: Hex;
  gas: UserOpGas;
  /** Selects the paymaster. */
  environment: OktoEnvironment;
};

/**
 * The unsigned UserOp in wire order (§3.3): the env's paymaster, the §1 gas limits unless overridden,
 * equalised fees, lower-case `nonce`, `callData` and `paymasterData`. No factory or initCode: Okto
 * deploys user wallets itself.
 */
export function buildUserOp({
  sender,
  nonce,
  callData,
  paymasterData,
  gas,
  environment,
}: BuildUserOpParameters): UserOperation {
  const limit = (name: GasLimit): Hex => {
    const given = gas[name];
    if (given === undefined) return DEFAULT_GAS_LIMITS[name];
    const value = parseQuantity(given, name);
    if (value > MAX_UINT128)
      throw new InvalidParamsError(`${name} does not fit in 16 bytes`, { field: name });
    return toQuantity(value);
  };
  const fees = normalizeGasFees(gas);
  const nonceHex = /^0x[0-9a-fA-F]{64}$/.test(nonce) ? nonce : nonceToBytes32(nonce);
  return validateUserOp({
    sender,
    nonce: nonceHex.toLowerCase() as Hex,
    paymaster: environments[environment].paymaster,
    callGasLimit: limit('callGasLimit'),
    verificationGasLimit: limit('verificationGasLimit'),
    preVerificationGas: limit('preVerificationGas'),
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    paymasterPostOpGasLimit: limit('paymasterPostOpGasLimit'),
    paymasterVerificationGasLimit: limit('paymasterVerificationGasLimit'),
    callData: callData.toLowerCase() as Hex,
    paymasterData: paymasterData.toLowerCase() as Hex,
  });
}

const address = v.pipe(v.string(), v.regex(/^0x[a-fA-F0-9]{40}$/, 'must be a 20-byte 0x address'));
const quantity = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{1,32}$/, 'must be 0x-hex of at most 16 bytes'));
const bytes = v.pipe(v.string(), v.regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'must be 0x-hex bytes'));
const userOpEntries = {
  sender: address,
  nonce: v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{1,64}$/, 'must be 0x-hex of at most 32 bytes')),
  paymaster: address,
  callGasLimit: quantity,
  verificationGasLimit: quantity,
  preVerificationGas: quantity,
  maxFeePerGas: quantity,
  maxPriorityFeePerGas: quantity,
  paymasterPostOpGasLimit: quantity,
  paymasterVerificationGasLimit: quantity,
  callData: bytes,
  paymasterData: bytes,
};

/**
 * §3.8's UserOp rule as a schema: `sender` and `paymaster` 20-byte addresses, every other field 0x-hex
 * (quantities of at most 16 bytes, so they pack). Other keys are dropped.
 */
export const UserOpSchema = v.object(userOpEntries);
/** The body `/execute` takes: exactly the 13 keys of a signed UserOp, no others. */
export const SignedUserOpSchema = v.strictObject({ ...userOpEntries, signature: bytes });

/**
 * Checks a UserOp against §3.8 and returns its 12 fields in wire order (a `signature` is dropped);
 * throws {@link InvalidParamsError} naming the field.
 */
export function validateUserOp(userOp: unknown): UserOperation {
  const result = v.safeParse(UserOpSchema, userOp);
  if (!result.success) {
    const issue = result.issues[0];
    const field = v.getDotPath(issue) ?? undefined;
    throw new InvalidParamsError(`UserOp field ${field ?? '?'}: ${issue.message}`, { field });
  }
  return pick(result.output as UserOperation);
}

/** The UserOp as `/execute` takes it: a fresh object whose keys are in wire order, `signature` last. */
export function toWireUserOp(userOp: SignedUserOperation): SignedUserOperation {
  return { ...pick(userOp), signature: userOp.signature };
}

function pick(userOp: UserOperation): UserOperation {
  const out: Partial<Record<(typeof KEYS)[number], string>> = {};
  for (const key of KEYS) out[key] = userOp[key];
  return out as UserOperation;
}

/** The three packed fields of the v0.7 hash, exactly as Okto's SDK builds them (§3.5). */
export type PackedUserOpFields = { accountGasLimits: Hex; gasFees: Hex; paymasterAndData: Hex };

/**
 * Packs the v0.7 fields as Okto's SDK does. `gasFees` puts `maxFeePerGas` first: the standard (viem's
 * `getUserOperationHash`) puts `maxPriorityFeePerGas` first, so the two hashes agree only for equal fees.
 */
export function packUserOp(userOp: UserOperation): PackedUserOpFields {
  const pad16 = (value: Hex) => pad(value, { size: 16 });
  return {
    accountGasLimits: concat([pad16(userOp.verificationGasLimit), pad16(userOp.callGasLimit)]),
    gasFees: concat([pad16(userOp.maxFeePerGas), pad16(userOp.maxPriorityFeePerGas)]),
    paymasterAndData: concat([
      userOp.paymaster,
      pad16(userOp.paymasterVerificationGasLimit),
      pad16(userOp.paymasterPostOpGasLimit),
      userOp.paymasterData,
    ]),
  };
}

const EMPTY_INIT_CODE_HASH = keccak256('0x');

/** The hash of the packed UserOp before the EntryPoint and chain are mixed in (§3.5 step 4). */
export function userOpPackHash(userOp: UserOperation): Hex {
  const { accountGasLimits, gasFees, paymasterAndData } = packUserOp(userOp);
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [
        userOp.sender.toLowerCase() as Address,
        pad(userOp.nonce, { size: 32 }),
        EMPTY_INIT_CODE_HASH,
        keccak256(userOp.callData),
        accountGasLimits,
        BigInt(userOp.preVerificationGas),
        gasFees,
        keccak256(paymasterAndData),
      ],
    ),
  );
}

export type UserOpHashParameters = { entryPoint: Address; chainId: number | bigint };

/**
 * The hash the session key signs, as Okto's SDK computes it (§3.5, fee-order quirk included):
 * `keccak256(abi.encode(packHash, entryPoint, chainId))`, with Okto's chain, whatever the target chain.
 * @example userOpHash(op, { entryPoint: environments.sandbox.entryPoint, chainId: environments.sandbox.chainId })
 */
export function userOpHash(userOp: UserOperation, { entryPoint, chainId }: UserOpHashParameters): Hex {
  const op = validateUserOp(userOp);
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'address' }, { type: 'uint256' }],
      [userOpPackHash(op), entryPoint.toLowerCase() as Address, BigInt(chainId)],
    ),
  );
}

export type SignUserOpParameters = {
  /** The session key's signer. */
  signer: Signer;
  /** Selects the EntryPoint and Okto chain id of the hash. */
  environment: OktoEnvironment;
};

/**
 * Signs a UserOp with the session key: `personal_sign` over the 32 raw bytes of {@link userOpHash}
 * (§3.6), returned with `signature` appended last.
 */
export async function signUserOp(
  userOp: UserOperation,
  { signer, environment }: SignUserOpParameters,
): Promise<SignedUserOperation> {
  const op = validateUserOp(userOp);
  const { entryPoint, chainId } = environments[environment];
  const signature = await signer({ raw: userOpHash(op, { entryPoint, chainId }) });
  return { ...op, signature: signature.toLowerCase() as Hex };
}
