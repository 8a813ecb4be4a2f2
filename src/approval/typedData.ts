import type { ChainSummary, PendingRequestPayloads } from '../messages/provider.ts';
import { formatAmount } from '../popup/amount.ts';
import { amountSize } from './decodeCall.ts';
import { shortHex, type Warning } from './warning.ts';

// EIP-712 typed data as a person should read it: the domain, the message as a tree of named, typed
// fields, and warnings for the signatures that move money without a transaction: ERC-20 permits
// (EIP-2612 and DAI's), Uniswap's Permit2, unlimited amounts, operator approvals over a whole
// collection, and a domain for another chain.

export type TypedDataPayload = PendingRequestPayloads['typedData'];
type Types = TypedDataPayload['types'];

/** Uniswap's Permit2, at the same address on every chain. */
export const PERMIT2_ADDRESS = '0x000000000022d473030f116ddee9f6b43ac78ba3';
const PERMIT2_TYPES = new Set([
  'PermitSingle',
  'PermitBatch',
  'PermitTransferFrom',
  'PermitBatchTransferFrom',
  'PermitWitnessTransferFrom',
  'PermitBatchWitnessTransferFrom',
]);

/** One field of the message: a value (leaf) or its fields / items (node). */
export type TypedDataField = {
  name: string;
  type: string;
  /** A leaf's value as text. */
  value?: string;
  /** What the value means: a date, an amount in a token's units, "unlimited". */
  hint?: string;
  children?: TypedDataField[];
};

const MAX_DEPTH = 8;
const MAX_FIELDS = 400;

/** A typed-data integer (JSON number, decimal or hex string, bigint) as a bigint; `undefined` if it is not one. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && /^(-?\d+|0x[0-9a-fA-F]+)$/.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

const isInteger = (type: string) => /^u?int\d*$/.test(type);
const AMOUNT_NAME = /amount|value|allowance|wad|quantity|limit/i;
const NOT_AMOUNT_NAME = /salt|nonce|deadline|expir|time|id$|hash|seed|counter/i;
const TIME_NAME = /deadline|expir|valid(until|after|to|from)|timestamp|time|end|start/i;

/** A date hint for a unix-seconds field (`deadline`, `expiration`…). */
function timeHint(name: string, n: bigint): string | undefined {
  if (!TIME_NAME.test(name) || n < 1_000_000_000n || n > 100_000_000_000n) return undefined;
  return new Date(Number(n) * 1000).toUTCString().replace('GMT', 'UTC');
}

/** The message as a tree, each field with its type, guarded against cycles and floods of fields. */
export function typedDataTree(
  payload: TypedDataPayload,
  chain: ChainSummary,
  root: 'message' | 'domain' = 'message',
): TypedDataField[] {
  let count = 0;
  const token = tokenOfDomain(payload.domain, chain);
  const describe = (name: string, type: string, value: unknown, depth: number): TypedDataField => {
    count += 1;
    if (depth > MAX_DEPTH || count > MAX_FIELDS) return { name, type, value: '…' };
    const array = /^(.*)\[(\d*)\]$/.exec(type);
    if (array) {
      const items = Array.isArray(value) ? value : [];
      return {
        name,
        type,
        children: items.map((item, i) => describe(`${i}`, array[1] ?? '', item, depth + 1)),
        ...(Array.isArray(value) ? {} : { value: JSON.stringify(value) ?? 'missing' }),
      };
    }
    const struct = payload.types[type];
    if (struct) {
      const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      return {
        name,
        type,
        children: struct.map((f) => describe(f.name, f.type, record[f.name], depth + 1)),
      };
    }
    return { name, type, ...leaf(name, type, value, token) };
  };
  const fields =
    root === 'domain'
      ? (payload.types.EIP712Domain ?? domainTypes(payload.domain))
      : (payload.types[payload.primaryType] ?? []);
  const source = root === 'domain' ? payload.domain : payload.message;
  return fields.map((f) => describe(f.name, f.type, source[f.name], 0));
}

/** A leaf's text and hint. */
function leaf(
  name: string,
  type: string,
  value: unknown,
  token: ChainSummary['tokens'][number] | undefined,
): { value: string; hint?: string } {
  if (value === undefined) return { value: 'missing' };
  if (isInteger(type)) {
    const n = toBigInt(value);
    if (n === undefined) return { value: JSON.stringify(value) };
    const text = n.toString();
    const size = amountSize(n);
    if (size !== 'normal' && !NOT_AMOUNT_NAME.test(name))
      return { value: text, hint: size === 'unlimited' ? 'unlimited' : 'enormous: in effect unlimited' };
    const time = timeHint(name, n);
    if (time) return { value: text, hint: time };
    if (token && AMOUNT_NAME.test(name) && n >= 0n)
      return { value: text, hint: `${formatAmount(n, token.decimals, token.decimals)} ${token.symbol}` };
    return { value: text };
  }
  if (typeof value === 'string') return { value };
  return { value: JSON.stringify(value) ?? String(value) };
}

/** The domain's types when the site sent none: name, version, chainId, verifyingContract, salt, as present. */
function domainTypes(domain: Record<string, unknown>): Types[string] {
  const all = [
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ];
  return all.filter((f) => f.name in domain);
}

/** The listed token the domain's verifying contract is, if any (a permit's token). */
function tokenOfDomain(domain: Record<string, unknown>, chain: ChainSummary) {
  const contract = typeof domain.verifyingContract === 'string' ? domain.verifyingContract.toLowerCase() : '';
  return chain.tokens.find((t) => t.address.toLowerCase() === contract);
}

/** The domain's chain id, when it has one that reads as a number. */
export function domainChainId(domain: Record<string, unknown>): bigint | undefined {
  return domain.chainId === undefined ? undefined : toBigInt(domain.chainId);
}

const str = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** The warnings for signing this typed data on this network, loudest first. */
export function typedDataWarnings(
  payload: TypedDataPayload,
  chain: ChainSummary,
  now = Date.now(),
): Warning[] {
  const warnings: Warning[] = [];
  const { domain, message, primaryType, types } = payload;
  const chainId = domainChainId(domain);
  if (domain.chainId !== undefined && chainId !== BigInt(chain.chainId))
    warnings.push({
      level: 'danger',
      text: `It is for chain ${chainId ?? str(domain.chainId)}, not ${chain.label} (chain ${chain.chainId}).`,
    });

  const contract = typeof domain.verifyingContract === 'string' ? domain.verifyingContract.toLowerCase() : '';
  const token = tokenOfDomain(domain, chain);
  const tokenName =
    token?.symbol ?? (typeof domain.name === 'string' && domain.name ? domain.name : 'a token');
  const fieldNames = new Set((types[primaryType] ?? []).map((f) => f.name));
  const units = (value: unknown) => {
    const n = toBigInt(value);
    if (n === undefined) return str(value);
    if (amountSize(n) !== 'normal') return `an unlimited amount of ${tokenName}`;
    return token
      ? `${formatAmount(n, token.decimals, token.decimals)} ${token.symbol}`
      : `${n} units of ${tokenName}`;
  };
  const until = (value: unknown) => {
    const n = toBigInt(value);
    if (n === undefined || n === 0n) return '';
    if (amountSize(n) !== 'normal') return ', with no end date';
    return n > 1_000_000_000n && n < 100_000_000_000n
      ? `, until ${new Date(Number(n) * 1000).toUTCString().replace('GMT', 'UTC')}`
      : '';
  };

  if (PERMIT2_TYPES.has(primaryType) || contract === PERMIT2_ADDRESS) {
    warnings.push({ level: 'danger', text: permit2Text(payload, chain, until) });
  } else if (primaryType === 'Permit' && fieldNames.has('spender')) {
    if (fieldNames.has('allowed'))
      // DAI's permit: `allowed: true` is an unlimited approval.
      warnings.push({
        level: 'danger',
        text:
          message.allowed === true || message.allowed === 'true'
            ? `Permit: lets ${shortHex(str(message.spender))} spend all your ${tokenName}, with no further approval${until(message.expiry)}.`
            : `Permit: removes ${shortHex(str(message.spender))}’s allowance of ${tokenName}.`,
      });
    else
      warnings.push({
        level: 'danger',
        text: `Permit (EIP-2612): lets ${shortHex(str(message.spender))} spend ${units(message.value)} from your wallet without another approval${until(message.deadline)}.`,
      });
  }

  const operatorApproval = findOperatorApproval(payload);
  if (operatorApproval)
    warnings.push({
      level: 'danger',
      text: `It gives ${shortHex(operatorApproval)} control of all your items of ${contract ? shortHex(contract) : 'a collection'}: it could move every one of them.`,
    });

  if (primaryType === 'OrderComponents' || primaryType === 'BulkOrder')
    warnings.push({
      level: 'caution',
      text: 'This is a marketplace order: once signed, anyone can fill it and take what it offers from your wallet.',
    });

  const unlimited = unlimitedFields(payload);
  if (unlimited.length > 0)
    warnings.push({
      level: 'danger',
      text: `Unlimited amount (${unlimited.slice(0, 3).join(', ')}${unlimited.length > 3 ? ', …' : ''}): whoever holds this signature could take everything it covers.`,
    });

  const deadline = toBigInt(message.deadline ?? message.sigDeadline ?? message.expiry);
  if (
    deadline !== undefined &&
    deadline > 1_000_000_000n &&
    deadline < 100_000_000_000n &&
    Number(deadline) * 1000 < now
  )
    warnings.push({ level: 'caution', text: 'Its deadline has passed: it will likely be refused.' });
  return warnings;
}

/** The Permit2 signature in words: who may take which tokens, how much, until when. */
function permit2Text(payload: TypedDataPayload, chain: ChainSummary, until: (v: unknown) => string): string {
  const { message, primaryType } = payload;
  const record = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const list = (v: unknown) => (Array.isArray(v) ? v.map(record) : [record(v)]);
  const amountOf = (token: unknown, amount: unknown) => {
    const n = toBigInt(amount);
    const listed = chain.tokens.find(
      (t) => typeof token === 'string' && t.address.toLowerCase() === token.toLowerCase(),
    );
    const name = listed?.symbol ?? (typeof token === 'string' ? `token ${shortHex(token)}` : 'a token');
    if (n === undefined) return name;
    if (amountSize(n) !== 'normal') return `any amount of ${name}`;
    return listed
      ? `${formatAmount(n, listed.decimals, listed.decimals)} ${listed.symbol}`
      : `${n} units of ${name}`;
  };
  const spender = shortHex(str(message.spender));
  if (primaryType === 'PermitSingle' || primaryType === 'PermitBatch') {
    const details = list(message.details);
    const what = details.map((d) => amountOf(d.token, d.amount)).join(', ');
    return `Uniswap Permit2: lets ${spender} move ${what || 'your tokens'} from your wallet without asking you again${until(details[0]?.expiration)}.`;
  }
  const permitted = list(message.permitted);
  const what = permitted.map((p) => amountOf(p.token, p.amount)).join(', ');
  return `Uniswap Permit2: lets ${spender} take ${what || 'tokens'} from your wallet${until(message.deadline)}.`;
}

/** The operator of a `setApprovalForAll`-like message (`operator` with `approved`/`allowed` true), if any. */
function findOperatorApproval(payload: TypedDataPayload): string | undefined {
  const { message, primaryType } = payload;
  const approved = message.approved ?? message.allowed ?? message.approval;
  const operator = message.operator;
  const looksLikeIt =
    /approvalforall|approveall|setapproval/i.test(primaryType) || typeof operator === 'string';
  if (looksLikeIt && (approved === true || approved === 'true') && typeof operator === 'string')
    return operator;
  return undefined;
}

/** Paths of integer amount fields that are unlimited or enormous (`details.amount`, `value`). */
function unlimitedFields(payload: TypedDataPayload): string[] {
  const found: string[] = [];
  let visited = 0;
  const walk = (type: string, value: unknown, path: string, depth: number) => {
    visited += 1;
    if (depth > MAX_DEPTH || visited > MAX_FIELDS) return;
    const array = /^(.*)\[(\d*)\]$/.exec(type);
    if (array) {
      if (Array.isArray(value))
        for (const [i, v] of value.entries()) walk(array[1] ?? '', v, `${path}[${i}]`, depth + 1);
      return;
    }
    const struct = payload.types[type];
    if (struct) {
      const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      for (const f of struct) walk(f.type, record[f.name], path ? `${path}.${f.name}` : f.name, depth + 1);
      return;
    }
    const name = path.split('.').at(-1) ?? path;
    if (!isInteger(type) || NOT_AMOUNT_NAME.test(name.replace(/\[\d+\]$/, ''))) return;
    const n = toBigInt(value);
    if (n !== undefined && amountSize(n) !== 'normal') found.push(path);
  };
  walk(payload.primaryType, payload.message, '', 0);
  return found;
}
