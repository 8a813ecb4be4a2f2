import type { Hex } from 'viem';
import { InvalidParamsError } from './errors.ts';

// The non-negative integers of the wire (amounts, values, gas): read from what callers hand us, written
// as Okto's SDK writes them, minimal lower-case 0x-hex.

const DECIMAL = /^[0-9]+$/;
const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;

/**
 * A non-negative integer as minimal lower-case 0x-hex, no leading zeros.
 * @example toQuantity(600000n) // '0x927c0'
 */
export function toQuantity(value: bigint): Hex {
  if (value < 0n) throw new RangeError(`a quantity cannot be negative, got ${value}`);
  return `0x${value.toString(16)}`;
}

/**
 * Reads a non-negative integer given as a `bigint`, a safe-integer `number`, a decimal string or a
 * 0x-hex string; throws {@link InvalidParamsError} naming `field` for anything else (fractions,
 * signs, spaces, unsafe numbers that JSON has already rounded).
 */
export function parseQuantity(value: unknown, field: string): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && (DECIMAL.test(value) || HEX_QUANTITY.test(value))) return BigInt(value);
  const shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  throw new InvalidParamsError(`${field} must be a non-negative integer, got ${shown}`, { field });
}
