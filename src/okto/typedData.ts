import { hashTypedData, type TypedDataDomain } from 'viem';
import { InvalidParamsError } from './errors.ts';

// Wallet spec §4.5: a dApp's `eth_signTypedData_v4` argument as the `signingMessage` of an EIP712
// `/signMessage`: validated as viem would hash it, since Okto signs `hashTypedData(JSON.parse(text))`.

export type TypedDataField = { name: string; type: string };

/** EIP-712 typed data, normalised: these four keys in this order, `types.EIP712Domain` present. */
export type TypedDataDocument = {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
};

/** The EIP712Domain fields, in the order the domain type is written when a dApp leaves it out. */
const DOMAIN_FIELDS: readonly TypedDataField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
];

export type NormalizeTypedDataParameters = {
  /** `params[1]` of `eth_signTypedData_v4`: JSON text or an object. */
  typedData: unknown;
  /** The active chain; a `domain.chainId` must equal it. */
  chainId: number;
};

export type NormalizeTypedDataReturnType = {
  typedData: TypedDataDocument;
  /** Compact `JSON.stringify(typedData)`: the `signingMessage` sent to Okto. */
  text: string;
};

/**
 * Validates and normalises typed data for signing. Requires object `types` (arrays of `{name, type}`),
 * `primaryType` in `types`, object `domain` and `message`, only JSON values (numbers within the
 * safe-integer range, so none was rounded), a `domain.chainId` (if any) equal to the active chain,
 * and that viem's `hashTypedData` accepts it. A missing `types.EIP712Domain` is inserted first, from the
 * domain's fields in the order name, version, chainId, verifyingContract, salt (a domain field outside
 * those is refused, as it would silently not be signed). Keys other than the four are dropped.
 * Throws {@link InvalidParamsError} saying what is wrong.
 */
export function normalizeTypedData({
  typedData,
  chainId,
}: NormalizeTypedDataParameters): NormalizeTypedDataReturnType {
  const value = typeof typedData === 'string' ? parseJson(typedData) : typedData;
  assertJson(value, 'typedData');
  if (!isRecord(value)) throw invalid('Typed data must be a JSON object.', 'typedData');
  const { types, primaryType, domain, message } = value;
  if (!isRecord(types)) throw invalid('typedData.types must be an object.', 'types');
  for (const [name, fields] of Object.entries(types))
    if (
      !Array.isArray(fields) ||
      !fields.every((f) => isRecord(f) && typeof f.name === 'string' && typeof f.type === 'string')
    )
      throw invalid(`typedData.types.${name} must be an array of { name, type }.`, `types.${name}`);
  if (typeof primaryType !== 'string' || !Object.hasOwn(types, primaryType))
    throw invalid('typedData.primaryType must name one of typedData.types.', 'primaryType');
  if (!isRecord(domain)) throw invalid('typedData.domain must be an object.', 'domain');
  if (!isRecord(message)) throw invalid('typedData.message must be an object.', 'message');

  if (domain.chainId !== undefined) {
    let domainChain: bigint | undefined;
    try {
      domainChain =
        typeof domain.chainId === 'number' || typeof domain.chainId === 'string'
          ? BigInt(domain.chainId)
          : undefined;
    } catch {
      domainChain = undefined;
    }
    if (domainChain === undefined)
      throw invalid('typedData.domain.chainId must be an integer.', 'domain.chainId');
    if (domainChain !== BigInt(chainId))
      throw invalid(
        `typedData.domain.chainId is ${domainChain} but the active chain is ${chainId}.`,
        'domain.chainId',
      );
  }

  let allTypes = types as Record<string, TypedDataField[]>;
  if (!Object.hasOwn(types, 'EIP712Domain')) {
    const unknown = Object.keys(domain).find((key) => !DOMAIN_FIELDS.some((f) => f.name === key));
    if (unknown !== undefined)
      throw invalid(
        `typedData.domain.${unknown} is not an EIP712Domain field; declare it in typedData.types.EIP712Domain.`,
        `domain.${unknown}`,
      );
    const domainType = DOMAIN_FIELDS.filter((f) => domain[f.name] !== undefined).map((f) => ({ ...f }));
    allTypes = { EIP712Domain: domainType, ...allTypes };
  }

  const normalized: TypedDataDocument = { types: allTypes, primaryType, domain, message };
  try {
    hashTypedData({ types: allTypes, primaryType, domain: domain as TypedDataDomain, message });
  } catch (cause) {
    const reason =
      cause instanceof Error
        ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message)
        : String(cause);
    throw new InvalidParamsError(`The typed data cannot be hashed: ${reason}`, { field: 'typedData', cause });
  }
  return { typedData: normalized, text: JSON.stringify(normalized) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidParamsError('The typed data is not valid JSON.', { field: 'typedData', cause });
  }
}

/** Only what JSON holds, and no number JSON.parse may have rounded (beyond ±2^53 − 1). */
function assertJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
      throw invalid(`${path} is a number beyond the safe-integer range: send it as a string.`, path);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertJson(item, `${path}[${i}]`);
    return;
  }
  const prototype = isRecord(value) ? Object.getPrototypeOf(value) : undefined;
  if (prototype === Object.prototype || prototype === null) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      assertJson(item, `${path}.${key}`);
    return;
  }
  throw invalid(`${path} is not a JSON value.`, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, field: string): InvalidParamsError {
  return new InvalidParamsError(message, { field });
}
