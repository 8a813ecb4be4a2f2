import { describe, expect, it } from 'vitest';
import { apple } from './apple.ts';

/** A compact JWS with these parts; the extension never checks the signature (Okto does). */
function fakeJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}

const config = {
  clientId: 'com.example.wallet.web',
  authorizeUrl: 'https://appleid.apple.com/auth/authorize',
  issuer: 'https://appleid.apple.com',
  relayUrl: 'https://companion.example.com/v1/oauth/apple/callback',
};
const now = 1_700_000_000_000;
const nonce = 'n'.repeat(43);
const claims = {
  iss: 'https://appleid.apple.com',
  aud: config.clientId,
  exp: 1_700_086_400,
  iat: 1_700_000_000,
  sub: '001886.0123456789abcdef0123456789abcdef.1234',
  nonce,
  email: 'alice@privaterelay.appleid.com',
  email_verified: true,
};
const header = { kid: 'ABCDEFGHIJ', alg: 'RS256' };

const read = (idToken: string) =>
  apple.readLogin({
    config,
    params: new URLSearchParams({ id_token: idToken }),
    secrets: { state: 's', nonce },
    redirectUrl: '',
    now,
  });

describe('Apple', () => {
  it("posts to the companion's relay (form_post), the state prefixed by the extension id (§3.2)", () => {
    const state = apple.stateFor('S'.repeat(43), 'aiidadmojnoeaemnmikbmmanflmcnnca');
    expect(state).toBe(`aiidadmojnoeaemnmikbmmanflmcnnca.${'S'.repeat(43)}`);
    const url = new URL(
      apple.authorizeUrl({ config, redirectUrl: 'https://x.chromiumapp.org/apple', state, nonce: 'N' }),
    );
    expect(url.origin + url.pathname).toBe(config.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.clientId,
      redirect_uri: config.relayUrl,
      response_type: 'code id_token',
      response_mode: 'form_post',
      scope: 'name email',
      state,
      nonce: 'N',
    });
    expect(url.search).toContain('response_type=code%20id_token');
  });

  it('on Firefox starts at the companion, which sends the same request to Apple (its launchWebAuthFlow allows no other redirect_uri)', () => {
    const hash = 'a'.repeat(40);
    const state = apple.stateFor('S'.repeat(43), hash);
    const url = new URL(
      apple.authorizeUrl({
        config,
        redirectUrl: `https://${hash}.extensions.allizom.org/apple`,
        state,
        nonce: 'N',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://companion.example.com/v1/oauth/apple/start');
    expect(Object.fromEntries(url.searchParams)).toEqual({ state, nonce: 'N' });
  });

  it('takes the id_token, labelled with its email, else "Apple ID"', async () => {
    const idToken = fakeJwt(header, claims);
    expect(await read(idToken)).toEqual({
      idToken,
      provider: 'apple',
      label: 'alice@privaterelay.appleid.com',
    });
    const { email: _, ...noEmail } = claims;
    expect((await read(fakeJwt(header, noEmail))).label).toBe('Apple ID');
  });

  for (const [why, token] of [
    ['another issuer', fakeJwt(header, { ...claims, iss: 'https://accounts.google.com' })],
    ['another audience', fakeJwt(header, { ...claims, aud: 'tech.okto.si' })],
    ['exp under 60 s ahead', fakeJwt(header, { ...claims, exp: 1_700_000_030 })],
    ['another nonce', fakeJwt(header, { ...claims, nonce: 'other' })],
    ['alg ES256', fakeJwt({ ...header, alg: 'ES256' }, claims)],
  ] as const)
    it(`refuses ${why}: provider_token_invalid`, async () => {
      await expect(read(token)).rejects.toMatchObject({
        code: 'provider_token_invalid',
        message: "Apple's answer could not be used (expired, or meant for another app). Try again.",
      });
    });
});
