import {
  type AbiParameter,
  type Address,
  decodeFunctionData,
  encodeAbiParameters,
  type Hex,
  isAddressEqual,
} from 'viem';
import type { CallSummary, ChainSummary } from '../messages/provider.ts';
import { formatAmount } from '../popup/amount.ts';
import { shortHex, type Warning } from './warning.ts';

// What a transaction's calldata means, for the common token calls: ERC-20 transfer / approve /
// transferFrom, ERC-721 transfers and setApprovalForAll, ERC-1155 transfers. Anything else is shown
// as its selector and raw bytes. A call only counts as decoded when its bytes are exactly the standard
// encoding of what was decoded: extra or non-canonical bytes could be read differently by the contract.

const address = { type: 'address' } as const;
const uint256 = { type: 'uint256' } as const;
const fn = <const inputs extends readonly { type: string; name?: string }[]>(name: string, inputs: inputs) =>
  ({ type: 'function', name, inputs, outputs: [], stateMutability: 'nonpayable' }) as const;

/** The calls the view decodes. ERC-20 and ERC-721 `transferFrom` share one selector, as do both `setApprovalForAll`. */
const TOKEN_ABI = [
  fn('transfer', [address, uint256]),
  fn('approve', [address, uint256]),
  fn('transferFrom', [address, address, uint256]),
  fn('safeTransferFrom', [address, address, uint256]),
  fn('safeTransferFrom', [address, address, uint256, { type: 'bytes' }]),
  fn('setApprovalForAll', [address, { type: 'bool' }]),
  fn('safeTransferFrom', [address, address, uint256, uint256, { type: 'bytes' }]),
  fn('safeBatchTransferFrom', [
    address,
    address,
    { type: 'uint256[]' },
    { type: 'uint256[]' },
    { type: 'bytes' },
  ]),
] as const;

export type DecodedCall =
  /** No calldata: a plain transfer of the native token (or nothing). */
  | { kind: 'none' }
  | { kind: 'erc20Transfer'; to: Address; amount: bigint }
  | { kind: 'erc20Approve'; spender: Address; amount: bigint }
  /** ERC-20 (an amount) or ERC-721 (a token id): the bytes are the same. */
  | { kind: 'transferFrom'; from: Address; to: Address; value: bigint }
  | { kind: 'erc721SafeTransferFrom'; from: Address; to: Address; tokenId: bigint; data?: Hex }
  | { kind: 'setApprovalForAll'; operator: Address; approved: boolean }
  | { kind: 'erc1155SafeTransferFrom'; from: Address; to: Address; id: bigint; amount: bigint; data: Hex }
  | {
      kind: 'erc1155SafeBatchTransferFrom';
      from: Address;
      to: Address;
      ids: readonly bigint[];
      amounts: readonly bigint[];
      data: Hex;
    }
  | { kind: 'unknown'; selector?: Hex; why: 'unknownSelector' | 'tooShort' | 'malformed' };

/**
 * Decodes calldata as one of the common token calls, or says it is unknown (with its selector). A call
 * whose bytes do not re-encode exactly (extra bytes, dirty padding) is `malformed`, not decoded.
 */
export function decodeCall(data: Hex): DecodedCall {
  if (data === '0x') return { kind: 'none' };
  if (data.length < 10) return { kind: 'unknown', why: 'tooShort' };
  const selector = data.slice(0, 10).toLowerCase() as Hex;
  let decoded: ReturnType<typeof decodeFunctionData<typeof TOKEN_ABI>>;
  try {
    decoded = decodeFunctionData({ abi: TOKEN_ABI, data });
  } catch {
    const known = Object.values(SELECTORS).includes(selector);
    return { kind: 'unknown', selector, why: known ? 'malformed' : 'unknownSelector' };
  }
  const args = decoded.args as readonly unknown[];
  const params: readonly AbiParameter[] | undefined = TOKEN_ABI.find(
    (item) => item.name === decoded.functionName && item.inputs.length === args.length,
  )?.inputs;
  if (!params || encodeAbiParameters(params, args).toLowerCase() !== `0x${data.slice(10)}`.toLowerCase())
    return { kind: 'unknown', selector, why: 'malformed' };
  const [a, b, c, d, e] = args;
  switch (decoded.functionName) {
    case 'transfer':
      return { kind: 'erc20Transfer', to: a as Address, amount: b as bigint };
    case 'approve':
      return { kind: 'erc20Approve', spender: a as Address, amount: b as bigint };
    case 'transferFrom':
      return { kind: 'transferFrom', from: a as Address, to: b as Address, value: c as bigint };
    case 'setApprovalForAll':
      return { kind: 'setApprovalForAll', operator: a as Address, approved: b as boolean };
    case 'safeBatchTransferFrom':
      return {
        kind: 'erc1155SafeBatchTransferFrom',
        from: a as Address,
        to: b as Address,
        ids: c as readonly bigint[],
        amounts: d as readonly bigint[],
        data: e as Hex,
      };
    case 'safeTransferFrom':
      if (args.length === 5)
        return {
          kind: 'erc1155SafeTransferFrom',
          from: a as Address,
          to: b as Address,
          id: c as bigint,
          amount: d as bigint,
          data: e as Hex,
        };
      return {
        kind: 'erc721SafeTransferFrom',
        from: a as Address,
        to: b as Address,
        tokenId: c as bigint,
        ...(args.length === 4 ? { data: d as Hex } : {}),
      };
    default:
      return { kind: 'unknown', selector, why: 'unknownSelector' };
  }
}

/** The selectors of {@link TOKEN_ABI}: bytes that start like one but do not decode are malformed, not unknown. */
const SELECTORS: Record<string, Hex> = {
  'transfer/2': '0xa9059cbb',
  'approve/2': '0x095ea7b3',
  'transferFrom/3': '0x23b872dd',
  'safeTransferFrom/3': '0x42842e0e',
  'safeTransferFrom/4': '0xb88d4fde',
  'setApprovalForAll/2': '0xa22cb465',
  'safeTransferFrom/5': '0xf242432a',
  'safeBatchTransferFrom/5': '0x2eb2c2d6',
};

/** Approvals at or above this are unlimited for every purpose (covers 2^256−1, 2^255 and Permit2's 2^160−1). */
export const UNLIMITED_FROM = 2n ** 160n - 1n;
/** Approvals at or above this (about 7.9 × 10^28 of the smallest unit) are, in effect, unlimited too. */
export const HUGE_FROM = 2n ** 96n - 1n;

/** `unlimited`, `huge` (in effect unlimited) or `normal`. */
export function amountSize(amount: bigint): 'unlimited' | 'huge' | 'normal' {
  if (amount >= UNLIMITED_FROM) return 'unlimited';
  if (amount >= HUGE_FROM) return 'huge';
  return 'normal';
}

/** One line of a call's details. */
export type CallField = { label: string; value: string; mono?: boolean };

/** A call in words, for the transaction and calls views. */
export type CallDescription = {
  /** "Send 1.5 OTUSD", "Approve unlimited OTUSD for 0x88be…3eF2", "Contract call". */
  title: string;
  fields: CallField[];
  warnings: Warning[];
  decoded: DecodedCall;
};

/** Describes one call: what it sends, to whom, what it allows, with warnings for dangerous approvals. */
export function describeCall(call: CallSummary, chain: ChainSummary): CallDescription {
  const decoded = decodeCall(call.data);
  const token = chain.tokens.find((t) => isAddressEqual(t.address, call.to));
  const value = BigInt(call.value);
  const native = (amount: bigint) =>
    `${formatAmount(amount, chain.nativeDecimals, chain.nativeDecimals)} ${chain.nativeSymbol}`;
  const units = (amount: bigint) =>
    token
      ? `${formatAmount(amount, token.decimals, token.decimals)} ${token.symbol}`
      : `${amount.toString()} (smallest units of a token this wallet does not list)`;
  const tokenName = token ? `${token.symbol} (${call.to})` : `Unlisted token at ${call.to}`;
  const valueField: CallField[] = value > 0n ? [{ label: 'Also sends', value: native(value) }] : [];
  const warnings: Warning[] = [];

  switch (decoded.kind) {
    case 'none':
      return {
        title: value > 0n ? `Send ${native(value)}` : 'Empty transaction',
        fields: [
          { label: 'To', value: call.to, mono: true },
          { label: 'Amount', value: native(value) },
        ],
        warnings:
          value > 0n
            ? []
            : [{ level: 'caution', text: 'It sends nothing and calls nothing on the address.' }],
        decoded,
      };
    case 'erc20Transfer':
      return {
        title: `Send ${token ? units(decoded.amount) : 'tokens'}`,
        fields: [
          { label: 'Token', value: tokenName, mono: !token },
          { label: 'Recipient', value: decoded.to, mono: true },
          { label: 'Amount', value: units(decoded.amount) },
          ...valueField,
        ],
        warnings,
        decoded,
      };
    case 'erc20Approve': {
      const size = amountSize(decoded.amount);
      const what = token?.symbol ?? 'this token';
      if (size !== 'normal')
        warnings.push({
          level: 'danger',
          text: `${size === 'unlimited' ? 'Unlimited approval' : 'An enormous approval, in effect unlimited'}: ${shortHex(decoded.spender)} could take all your ${what}, now and later, until you revoke it.`,
        });
      const amountText = size === 'normal' ? units(decoded.amount) : `unlimited ${what}`;
      return {
        title:
          decoded.amount === 0n
            ? `Revoke ${shortHex(decoded.spender)}’s allowance`
            : `Allow ${shortHex(decoded.spender)} to spend ${amountText}`,
        fields: [
          { label: 'Token', value: tokenName, mono: !token },
          { label: 'Spender', value: decoded.spender, mono: true },
          {
            label: 'Allowance',
            value: size === 'normal' ? units(decoded.amount) : `Unlimited (${decoded.amount.toString()})`,
          },
          ...valueField,
        ],
        warnings,
        decoded,
      };
    }
    case 'transferFrom': {
      const fields: CallField[] = [
        { label: token ? 'Token' : 'Contract', value: token ? tokenName : call.to, mono: !token },
        { label: 'From', value: decoded.from, mono: true },
        { label: 'To', value: decoded.to, mono: true },
        token
          ? { label: 'Amount', value: units(decoded.value) }
          : { label: 'Token ID or amount', value: decoded.value.toString() },
        ...valueField,
      ];
      return {
        title: token
          ? `Move ${units(decoded.value)}`
          : `Move token #${decoded.value} (ERC-721) or tokens (ERC-20)`,
        fields,
        warnings,
        decoded,
      };
    }
    case 'erc721SafeTransferFrom':
      return {
        title: `Send NFT #${decoded.tokenId}`,
        fields: [
          { label: 'Collection', value: call.to, mono: true },
          { label: 'From', value: decoded.from, mono: true },
          { label: 'To', value: decoded.to, mono: true },
          { label: 'Token ID', value: decoded.tokenId.toString() },
          ...(decoded.data && decoded.data !== '0x'
            ? [{ label: 'Data', value: decoded.data, mono: true }]
            : []),
          ...valueField,
        ],
        warnings,
        decoded,
      };
    case 'setApprovalForAll':
      if (decoded.approved)
        warnings.push({
          level: 'danger',
          text: `It gives ${shortHex(decoded.operator)} control of all your items in the collection ${shortHex(call.to)}: it could move every one of them, now and later, until you revoke it.`,
        });
      return {
        title: decoded.approved
          ? `Give ${shortHex(decoded.operator)} all your items of ${shortHex(call.to)}`
          : `Revoke ${shortHex(decoded.operator)}’s access to ${shortHex(call.to)}`,
        fields: [
          { label: 'Collection', value: call.to, mono: true },
          { label: 'Operator', value: decoded.operator, mono: true },
          { label: 'Access', value: decoded.approved ? 'All items, now and later' : 'Removed' },
          ...valueField,
        ],
        warnings,
        decoded,
      };
    case 'erc1155SafeTransferFrom':
      return {
        title: `Send ${decoded.amount} of item #${decoded.id}`,
        fields: [
          { label: 'Collection', value: call.to, mono: true },
          { label: 'From', value: decoded.from, mono: true },
          { label: 'To', value: decoded.to, mono: true },
          { label: 'Item', value: `#${decoded.id} × ${decoded.amount}` },
          ...(decoded.data !== '0x' ? [{ label: 'Data', value: decoded.data, mono: true }] : []),
          ...valueField,
        ],
        warnings,
        decoded,
      };
    case 'erc1155SafeBatchTransferFrom':
      if (decoded.ids.length !== decoded.amounts.length)
        warnings.push({
          level: 'caution',
          text: `It names ${decoded.ids.length} items but ${decoded.amounts.length} amounts: the collection will likely refuse it.`,
        });
      return {
        title: `Send ${decoded.ids.length} ${decoded.ids.length === 1 ? 'kind' : 'kinds'} of items`,
        fields: [
          { label: 'Collection', value: call.to, mono: true },
          { label: 'From', value: decoded.from, mono: true },
          { label: 'To', value: decoded.to, mono: true },
          {
            label: 'Items',
            value: decoded.ids.map((id, i) => `#${id} × ${decoded.amounts[i] ?? '?'}`).join(', '),
          },
          ...(decoded.data !== '0x' ? [{ label: 'Data', value: decoded.data, mono: true }] : []),
          ...valueField,
        ],
        warnings,
        decoded,
      };
    case 'unknown': {
      const bytes = (call.data.length - 2) / 2;
      if (decoded.why === 'malformed')
        warnings.push({
          level: 'caution',
          text: 'It starts like a standard token call but its bytes are not the standard encoding: the contract may read it differently from what a wallet would show.',
        });
      else
        warnings.push({
          level: 'caution',
          text: 'The wallet cannot read this call. Approve it only if you trust the site and expected it.',
        });
      return {
        title: 'Contract call',
        fields: [
          { label: 'Contract', value: call.to, mono: true },
          ...(decoded.selector ? [{ label: 'Function', value: decoded.selector, mono: true }] : []),
          { label: 'Data', value: `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}` },
          ...valueField,
        ],
        warnings,
        decoded,
      };
    }
  }
}

/** Every call's total native value, for a batch. */
export function totalValue(calls: readonly CallSummary[]): bigint {
  return calls.reduce((sum, call) => sum + BigInt(call.value), 0n);
}
