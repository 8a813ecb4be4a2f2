import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { DEV_EXTENSION_ID } from '../../src/extensionId.ts';
import { answerOf, getManual, random43 } from './identityFixtures.ts';

// What `npm start` runs (without chains): a companion that offers all six methods against the emulator's
// stand-ins, and the stack's helpers for steering them.

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

test('the companion offers every method, against the emulator, with the relay under its own URL', async () => {
  const { login } = await (await fetch(`${stack.companionUrl}/v1/config`)).json();
  expect(Object.keys(login)).toEqual(['otp', 'google', 'apple', 'twitter', 'clientJwt']);
  expect(login.google.issuer).toBe(`${stack.emulatorUrl}/idp/google`);
  expect(login.apple.relayUrl).toBe(`${stack.companionUrl}/v1/oauth/apple/callback`);
  // A restart on the same port keeps it.
  await stack.stopCompanion();
  await stack.startCompanion();
  expect((await (await fetch(`${stack.companionUrl}/v1/config`)).json()).login.apple.relayUrl).toBe(
    `${stack.companionUrl}/v1/oauth/apple/callback`,
  );
});

test('setIdpAnswer and rotateIdpKeys steer the stand-ins', async () => {
  await stack.setIdpAnswer({ provider: 'google', next: 'approve', account: 'judy@example.com' });
  const query = new URLSearchParams({
    client_id: 'emulator-google-client.apps.googleusercontent.com',
    redirect_uri: `https://${DEV_EXTENSION_ID}.chromiumapp.org/google`,
    response_type: 'id_token',
    scope: 'openid email',
    nonce: random43(),
    state: random43(),
  });
  const response = await getManual(`${stack.emulatorUrl}/idp/google/authorize?${query}`);
  expect(response.status).toBe(302);
  const claims = JSON.parse(
    Buffer.from((answerOf(response).get('id_token') ?? '').split('.')[1] ?? '', 'base64url').toString(),
  );
  expect(claims.email).toBe('judy@example.com');
  expect(await stack.rotateIdpKeys('apple')).toMatch(/^[A-Za-z0-9]{10}$/);
});
