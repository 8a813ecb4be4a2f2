import { expect, test } from 'vitest';
import { pseudonymise } from './pseudonym.ts';

test('a pseudonym is stable for one salt, differs across salts, and does not contain the value', async () => {
  const value = 'email:alice@example.com';
  const a = await pseudonymise({ salt: 's1', value });
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(await pseudonymise({ salt: 's1', value })).toBe(a);
  expect(await pseudonymise({ salt: 's2', value })).not.toBe(a);
  expect(a).not.toContain('alice');
});
