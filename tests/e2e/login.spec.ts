import { expect, signInWithEmail, test, uniqueEmail } from './stack.ts';

test('a full email login through the popup', async ({ popup, stack }) => {
  const userSWA = await signInWithEmail(popup, stack, uniqueEmail());
  expect(userSWA).toMatch(/^0x[0-9a-fA-F]{40}$/);
});
