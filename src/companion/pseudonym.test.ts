import { expect, test } from 'vitest';
import { pseudonymise } from './pseudonym.ts';

test('a pseudonym is stable for one salt, differs across salts, and does not contain the value', () => {
  const value = 'email:alice@example.com';
  const a = pseudonymise({ salt: 's1', value });
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(pseudonymise({ salt: 's1', value })).toBe(a);
  expect(pseudonymise({ salt: 's2', value })).not.toBe(a);
  expect(a).not.toContain('alice');
});
