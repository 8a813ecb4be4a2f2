import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative } from './time.ts';

describe('time formats', () => {
  it('formats a countdown with days, hours, minutes and seconds as needed', () => {
    expect(formatDuration(-5)).toBe('00:00');
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_661_000)).toBe('01:01:01');
    expect(formatDuration(7 * 86_400_000 + 5_000)).toBe('7d 00:00:05');
  });

  it('says how far a time is from now, in the largest whole unit', () => {
    expect(formatRelative(1_000_000 + 600_000, 1_000_000)).toBe('in 10 min');
    expect(formatRelative(1_000_000 - 3 * 3_600_000, 1_000_000)).toBe('3 h ago');
    expect(formatRelative(1_000_400, 1_000_000)).toBe('just now');
  });
});
