import type { Address, Hex } from 'viem';
import { InvalidParamsError } from './errors.ts';
import type { IntentCall, NftTransferParams, RawTransactionParams, TokenTransferParams } from './intents.ts';
import { parseQuantity, toQuantity } from './quantity.ts';
import { parseAddress, type RawTransaction } from './rawTransaction.ts';

// Wallet spec §3.8: the checks Okto's SDK makes before any request, made by the extension before it
// asks the user. Each takes an intent as a caller wrote it (Okto's SDK shapes) and returns the
// `_jobParameters` ready for `encodeIntentCallData`, or throws an `InvalidParamsError` naming the
// field and the rule.

/** A `TOKEN_TRANSFER` as Okto's SDK takes it: exactly these four keys. */
export type TokenTransferIntent = {
  caip2Id: string;
  /** `^0x[a-fA-F0-9]+$`; 20 bytes on EVM; not the user's own SWA. */
  recipient: string;
  /** `""` for the native token, else the token contract. */
  token: string;
  /** In the smallest unit: a bigint, a safe-integer number or a decimal string; > 0. */
  amount: bigint | number | string;
};

/** An `NFT_TRANSFER` as Okto's SDK takes it. */
export type NftTransferIntent = {
  caip2Id: string;
  collectionAddress: string;
  nftId: string;
  recipientWalletAddress: string;
  nftType: 'ERC721' | 'ERC1155';
  /** ≥ 1, default 1; 1 for ERC721. */
  amount?: bigint | number | string;
};

/** One call of a `RAW_TRANSACTION` as a caller writes it: `data` or `value` (or both). */
export type RawTransactionInput = {
  from: string;
  to: string;
  data?: string;
  value?: bigint | number | string;
};

/** A `RAW_TRANSACTION`: one `transaction` (Okto's SDK) or several `transactions` (a batch). */
export type RawTransactionIntent =
  | { caip2Id: string; transaction: RawTransactionInput }
  | { caip2Id: string; transactions: RawTransactionInput[] };

export type ValidateIntentParameters =
  | { intent: 'TOKEN_TRANSFER'; input: unknown; userSWA: Address }
  | { intent: 'NFT_TRANSFER'; input: unknown; userSWA: Address }
  | { intent: 'RAW_TRANSACTION'; input: unknown; userSWA?: Address };

/**
 * Checks an intent as §3.8 says and returns it ready to encode.
 * @example
 * const call = validateIntent({ intent: 'TOKEN_TRANSFER', userSWA,
 *   input: { caip2Id: 'eip155:84532', recipient: '0x88be…', token: '', amount: 10n ** 12n } });
 * encodeIntentCallData({ ...call, jobId, clientSWA, userSWA, policy, environment });
 */
export function validateIntent(p: ValidateIntentParameters): IntentCall {
  switch (p.intent) {
    case 'TOKEN_TRANSFER':
      return { intent: p.intent, params: validateTokenTransfer(p.input, { userSWA: p.userSWA }) };
    case 'NFT_TRANSFER':
      return { intent: p.intent, params: validateNftTransfer(p.input, { userSWA: p.userSWA }) };
    case 'RAW_TRANSACTION':
      return { intent: p.intent, params: validateRawTransaction(p.input) };
    default:
      throw new InvalidParamsError(`Unknown intent ${JSON.stringify((p as { intent: unknown }).intent)}.`, {
        field: 'intent',
      });
  }
}

/** §3.8 `TOKEN_TRANSFER`. On EVM the recipient and token are written EIP-55. */
export function validateTokenTransfer(
  input: unknown,
  { userSWA }: { userSWA: Address },
): TokenTransferParams {
  const o = exactly(input, 'TOKEN_TRANSFER', ['caip2Id', 'recipient', 'token', 'amount'], []);
  const caip2Id = chain(o.caip2Id);
  const evm = caip2Id.startsWith('eip155:');
  if (typeof o.recipient !== 'string' || !/^0x[a-fA-F0-9]+$/.test(o.recipient))
    throw invalid(`recipient must be 0x-hex, got ${show(o.recipient)}`, 'recipient');
  const recipient = evm ? parseAddress(o.recipient, 'recipient') : o.recipient;
  notSelf(recipient, userSWA, 'recipient');
  if (typeof o.token !== 'string') throw invalid(`token must be a string ("" for the native token)`, 'token');
  const token = evm && o.token !== '' ? parseAddress(o.token, 'token') : o.token;
  const amount = parseQuantity(o.amount, 'amount');
  if (amount === 0n) throw invalid('amount must be greater than 0', 'amount');
  return { caip2Id, recipientWalletAddress: recipient, tokenAddress: token, amount };
}

/** §3.8 `NFT_TRANSFER`. On EVM the addresses are 20 bytes, written EIP-55. */
export function validateNftTransfer(input: unknown, { userSWA }: { userSWA: Address }): NftTransferParams {
  const o = exactly(
    input,
    'NFT_TRANSFER',
    ['caip2Id', 'collectionAddress', 'nftId', 'recipientWalletAddress', 'nftType'],
    ['amount'],
  );
  const caip2Id = chain(o.caip2Id);
  const evm = caip2Id.startsWith('eip155:');
  if (typeof o.collectionAddress !== 'string' || !o.collectionAddress.startsWith('0x'))
    throw invalid(
      `collectionAddress must start with 0x, got ${show(o.collectionAddress)}`,
      'collectionAddress',
    );
  const collectionAddress = evm
    ? parseAddress(o.collectionAddress, 'collectionAddress')
    : o.collectionAddress;
  if (typeof o.nftId !== 'string' || !/^(?:[0-9]+|0x[0-9a-fA-F]+)$/.test(o.nftId))
    throw invalid(`nftId must be a decimal or 0x-hex string, got ${show(o.nftId)}`, 'nftId');
  if (typeof o.recipientWalletAddress !== 'string' || o.recipientWalletAddress === '')
    throw invalid('recipientWalletAddress must be a non-empty string', 'recipientWalletAddress');
  const recipient = evm
    ? parseAddress(o.recipientWalletAddress, 'recipientWalletAddress')
    : o.recipientWalletAddress;
  notSelf(recipient, userSWA, 'recipientWalletAddress');
  if (o.nftType !== 'ERC721' && o.nftType !== 'ERC1155')
    throw invalid(`nftType must be "ERC721" or "ERC1155", got ${show(o.nftType)}`, 'nftType');
  const amount = o.amount === undefined ? 1n : parseQuantity(o.amount, 'amount');
  if (amount < 1n) throw invalid('amount must be at least 1', 'amount');
  if (o.nftType === 'ERC721' && amount !== 1n) throw invalid('amount must be 1 for an ERC721', 'amount');
  return {
    caip2Id,
    nftId: o.nftId,
    recipientWalletAddress: recipient,
    collectionAddress,
    nftType: o.nftType,
    amount,
  };
}

/** Fields a caller may think a raw transaction needs, which Okto sets itself. */
const OKTO_SETS = ['gas', 'gasLimit', 'gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas', 'nonce', 'chainId'];

/**
 * §3.8 `RAW_TRANSACTION` (EVM): `caip2Id` `eip155:*`, and each call exactly `{from, to, data?, value?}`
 * with `data` or `value` present. Calls come back as the wire writes them: EIP-55 addresses,
 * lower-case `data` (`"0x"` when absent), minimal hex `value` (`"0x0"` when absent).
 */
export function validateRawTransaction(input: unknown): RawTransactionParams {
  if (!isRecord(input)) throw invalid('RAW_TRANSACTION must be an object', 'RAW_TRANSACTION');
  const batch = Object.hasOwn(input, 'transactions');
  const o = exactly(input, 'RAW_TRANSACTION', ['caip2Id', batch ? 'transactions' : 'transaction'], []);
  const caip2Id = chain(o.caip2Id);
  if (!caip2Id.startsWith('eip155:'))
    throw invalid(`caip2Id must be an EVM chain (eip155:…), got ${show(caip2Id)}`, 'caip2Id');
  const list = batch ? o.transactions : [o.transaction];
  if (!Array.isArray(list) || list.length === 0)
    throw invalid('transactions must be a non-empty array', 'transactions');
  return {
    caip2Id,
    transactions: list.map((tx, i) => rawCall(tx, batch ? `transactions[${i}]` : 'transaction')),
  };
}

function rawCall(input: unknown, path: string): RawTransaction {
  if (isRecord(input)) {
    const set = Object.keys(input).find((key) => OKTO_SETS.includes(key));
    if (set !== undefined)
      throw invalid(
        `${path}.${set} is not allowed: Okto sets gas, fees, nonce and chain itself`,
        `${path}.${set}`,
      );
  }
  const o = exactly(input, path, ['from', 'to'], ['data', 'value']);
  const from = parseAddress(o.from, `${path}.from`);
  const to = parseAddress(o.to, `${path}.to`);
  if (o.data === undefined && o.value === undefined) throw invalid(`${path} needs data or value`, path);
  if (o.data !== undefined && (typeof o.data !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(o.data)))
    throw invalid(`${path}.data must be 0x-hex bytes`, `${path}.data`);
  const data = ((o.data as string | undefined) ?? '0x').toLowerCase() as Hex;
  const value = o.value === undefined ? 0n : parseQuantity(o.value, `${path}.value`);
  return { from, to, data, value: toQuantity(value) };
}

function exactly(
  input: unknown,
  name: string,
  required: readonly string[],
  optional: readonly string[],
): Record<string, unknown> {
  if (!isRecord(input)) throw invalid(`${name} must be an object`, name);
  const extra = Object.keys(input).find((key) => !required.includes(key) && !optional.includes(key));
  if (extra !== undefined)
    throw invalid(
      `${name} has an unexpected key ${show(extra)}; it takes ${[...required, ...optional].join(', ')}`,
      extra,
    );
  const missing = required.find((key) => input[key] === undefined);
  if (missing !== undefined) throw invalid(`${name} needs ${missing}`, missing);
  return input;
}

function chain(caip2Id: unknown): string {
  if (typeof caip2Id !== 'string' || caip2Id === '')
    throw invalid('caip2Id must be a non-empty string', 'caip2Id');
  if (caip2Id.trim() !== caip2Id) throw invalid('caip2Id must not start or end with spaces', 'caip2Id');
  return caip2Id;
}

function notSelf(recipient: string, userSWA: Address, field: string): void {
  if (recipient.toLowerCase() === userSWA.toLowerCase())
    throw invalid(`${field} is your own wallet (${userSWA}): send to another address`, field);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
}

function invalid(message: string, field: string): InvalidParamsError {
  return new InvalidParamsError(message, { field });
}
