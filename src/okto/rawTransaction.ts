import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { AccountMismatchError, InvalidParamsError } from './errors.ts';
import { parseQuantity, toQuantity } from './quantity.ts';

// One EVM call of a RAW_TRANSACTION intent (wallet spec §3.2): the JSON text Okto's server parses, and
// how a dApp's `eth_sendTransaction` becomes one (§3.8).

/**
 * One call of a `RAW_TRANSACTION`. As the extension writes it: EIP-55 addresses, lower-case `data`
 * (`"0x"` when empty), `value` a minimal lower-case 0x-hex string (`"0x0"`).
 */
export type RawTransaction = { from: Address; to: Address; data: Hex; value: Hex };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const EVEN_HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;

/**
 * The exact text a `transactions` element carries: `JSON.stringify({from, to, data, value})`, keys in
 * that order whatever the order of `transaction`.
 */
export function rawTransactionJson({ from, to, data, value }: RawTransaction): string {
  return JSON.stringify({ from, to, data, value });
}

/**
 * Reads a `transactions` element's text back. Requires a JSON object with exactly `from`, `to`, `data`
 * and `value` (any order): 20-byte 0x-hex addresses and even-length 0x-hex `data`, kept as written;
 * `value` a 0x-hex string kept as written, or (as older clients sent it) a safe-integer JSON number,
 * returned as minimal hex. Throws a `TypeError` saying what is wrong.
 */
export function parseRawTransactionJson(text: string): RawTransaction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TypeError('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TypeError('not a JSON object');
  const record = json as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !['from', 'to', 'data', 'value'].includes(key));
  if (extra.length > 0) throw new TypeError(`unexpected key ${JSON.stringify(extra[0])}`);
  const { from, to, data, value } = record;
  if (typeof from !== 'string' || !ADDRESS.test(from))
    throw new TypeError('from must be a 20-byte 0x address');
  if (typeof to !== 'string' || !ADDRESS.test(to)) throw new TypeError('to must be a 20-byte 0x address');
  if (typeof data !== 'string' || !EVEN_HEX.test(data)) throw new TypeError('data must be 0x-hex bytes');
  let hexValue: Hex;
  if (typeof value === 'string' && HEX_QUANTITY.test(value)) hexValue = value as Hex;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    hexValue = toQuantity(BigInt(value));
  else throw new TypeError('value must be a 0x-hex string or a non-negative integer');
  return { from: from as Address, to: to as Address, data: data as Hex, value: hexValue };
}

/** Fields that would change what the transaction does, which a `RAW_TRANSACTION` cannot carry. */
const REFUSED_FIELDS = ['authorizationList', 'blobs', 'blobVersionedHashes', 'maxFeePerBlobGas', 'sidecars'];

export type RawTransactionFromRequestParameters = {
  /** `params[0]` of `eth_sendTransaction`, as the page sent it. */
  request: unknown;
  /** The user's address on the active chain (`eth_accounts[0]`, the `/wallets` address). */
  account: Address;
  /** The active chain. */
  chainId: number;
};

export type RawTransactionFromRequestReturnType = { caip2Id: string; transaction: RawTransaction };

/**
 * Maps a dApp's `eth_sendTransaction` to one `RAW_TRANSACTION` call on `eip155:<chainId>` (§3.8).
 * Gas, fees, nonce, type and access list are dropped: Okto picks them. A missing `from` is `account`; another
 * `from` throws {@link AccountMismatchError} (4100). A missing `to` (a deployment), a `chainId` of
 * another chain, EIP-4844/7702 fields, or `data` and `input` that differ throw
 * {@link InvalidParamsError} (-32602). Unknown extra fields are ignored, as wallets do.
 */
export function rawTransactionFromRequest({
  request,
  account,
  chainId,
}: RawTransactionFromRequestParameters): RawTransactionFromRequestReturnType {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new InvalidParamsError('The transaction must be an object.');
  const tx = request as Record<string, unknown>;
  for (const field of REFUSED_FIELDS)
    if (tx[field] !== undefined)
      throw new InvalidParamsError(`Okto cannot send a transaction with ${field}.`, { field });
  if (tx.chainId !== undefined && tx.chainId !== null) {
    const requested = parseQuantity(tx.chainId, 'chainId');
    if (requested !== BigInt(chainId))
      throw new InvalidParamsError(
        `The transaction is for chain ${requested} but the active chain is ${chainId}. Switch chains first.`,
        { field: 'chainId' },
      );
  }

  let from = account;
  if (tx.from !== undefined && tx.from !== null) {
    const given = parseAddress(tx.from, 'from');
    if (given.toLowerCase() !== account.toLowerCase())
      throw new AccountMismatchError(`The transaction is from ${given}, which is not the connected account.`);
    from = given;
  }
  if (tx.to === undefined || tx.to === null)
    throw new InvalidParamsError('The transaction needs a "to": Okto cannot deploy contracts.', {
      field: 'to',
    });
  const to = parseAddress(tx.to, 'to');

  const data = optionalBytes(tx.data, 'data');
  const input = optionalBytes(tx.input, 'input');
  if (data !== undefined && input !== undefined && data !== input)
    throw new InvalidParamsError('The transaction has both "data" and "input", and they differ.', {
      field: 'input',
    });
  const value = tx.value === undefined || tx.value === null ? 0n : parseQuantity(tx.value, 'value');

  return {
    caip2Id: `eip155:${chainId}`,
    transaction: { from: getAddress(from), to, data: data ?? input ?? '0x', value: toQuantity(value) },
  };
}

/**
 * An EVM address as EIP-55, from any case. A mixed-case address whose checksum is wrong is refused: it
 * is the sign of a mistyped address.
 */
export function parseAddress(value: unknown, field: string): Address {
  if (typeof value !== 'string' || !ADDRESS.test(value))
    throw new InvalidParamsError(`${field} must be a 20-byte 0x address, got ${JSON.stringify(value)}`, {
      field,
    });
  if (!isAddress(value))
    throw new InvalidParamsError(`${field} ${value} has a wrong EIP-55 checksum: check the address.`, {
      field,
    });
  return getAddress(value);
}

function optionalBytes(value: unknown, field: string): Hex | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !EVEN_HEX.test(value))
    throw new InvalidParamsError(`${field} must be 0x-hex bytes of even length`, { field });
  return value.toLowerCase() as Hex;
}
