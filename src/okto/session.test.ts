import { describe, expect, it } from 'vitest';
import { buildAuthenticateRequest } from './session.ts';

const parts = {
  idToken: 'eyJ.token.sig',
  nonce: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  clientSWA: '0x1234567890AbcdEF1234567890aBcdef12345678',
  sessionPk: '0x04aa',
  paymaster: '0x0000000000000000000000000000000000000001',
  paymasterData: '0x01',
  sessionPkClientSignature: '0x02',
  sessionDataUserSignature: '0x03',
} as const;

describe('buildAuthenticateRequest', () => {
  it('sends authData exactly as {idToken, provider}: okto for a code login', () => {
    expect(buildAuthenticateRequest(parts).authData).toEqual({ idToken: parts.idToken, provider: 'okto' });
    expect(JSON.stringify(buildAuthenticateRequest(parts).authData)).toBe(
      '{"idToken":"eyJ.token.sig","provider":"okto"}',
    );
  });

  it("names a provider's login by Okto's provider string", () => {
    for (const provider of ['google', 'apple', 'twitter', 'client_jwt'] as const)
      expect(buildAuthenticateRequest({ ...parts, provider }).authData).toEqual({
        idToken: parts.idToken,
        provider,
      });
  });
});
