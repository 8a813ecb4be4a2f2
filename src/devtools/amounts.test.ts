import { describe, expect, it } from 'vitest';
import { formatGasPrice, formatInteger, formatTokenAmount, formatWei } from './amounts.ts';

describe('amounts', () => {
  it('shows the exact smallest-unit integer first, then its decimal reading', () => {
    expect(formatTokenAmount(1000000000000n)).toBe('1000000000000 (0.000001)');
    expect(formatTokenAmount(1500000n, 6)).toBe('1500000 (1.5)');
    expect(formatTokenAmount(0n)).toBe('0 (0)');
  });
  it('reads fees in gwei and groups large integers', () => {
    expect(formatGasPrice(0x2255100n)).toBe('36000000 wei (0.036 gwei)');
    expect(formatInteger(1_000_000n)).toBe('1,000,000');
    expect(formatWei(54_000_000_000_000n)).toBe('54000000000000 wei (0.000054)');
  });
});
