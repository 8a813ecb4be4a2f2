import { formatUnits } from 'viem';

// Amounts as the panel prints them: the exact integer a developer compares with their code, and the
// same in the units a person reads.

/** `1000000000000` → `1,000,000,000,000`: an integer with thousands separators. */
export function formatInteger(value: bigint): string {
  return value.toLocaleString('en-US');
}

/**
 * An amount in a token's smallest unit with its decimal reading: `1000000000000 (0.000001)` for 18
 * decimals. The exact integer comes first: it is what the callData carries.
 */
export function formatTokenAmount(value: bigint, decimals = 18): string {
  return `${value} (${formatUnits(value, decimals)})`;
}

/** A fee per gas in wei, read in gwei: `36000000 wei (0.036 gwei)`. */
export function formatGasPrice(wei: bigint): string {
  return `${wei} wei (${formatUnits(wei, 9)} gwei)`;
}

/** An amount of wei, read in the native token (18 decimals): `54000000000000 wei (0.000054)`. */
export function formatWei(wei: bigint): string {
  return `${wei} wei (${formatUnits(wei, 18)})`;
}
