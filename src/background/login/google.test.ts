import { describe, expect, it } from 'vitest';
import { google } from './google.ts';

/** A compact JWS with these parts; the extension never checks the signature (Okto does). */
function fakeJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}

const config = {
  clientId: '1234-abc.apps.googleusercontent.com',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  issuer: 'https://accounts.google.com',
};
const now = 1_700_000_000_000;
const nonce = 'n'.repeat(43);
const claims = {
  iss: 'https://accounts.google.com',
  azp: config.clientId,
  aud: config.clientId,
  sub: '110169484474386276334',
  email: 'alice@example.com',
  email_verified: true,
  nonce,
  iat: 1_700_000_000,
  exp: 1_700_003_600,
};
const header = { alg: 'RS256', kid: 'a'.repeat(40), typ: 'JWT' };

function read(idToken: string) {
  return google.readLogin({
    config,
    params: new URLSearchParams({ state: 's', id_token: idToken }),
    secrets: { state: 's', nonce },
    redirectUrl: 'https://aiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org/google',
    now,
  });
}

describe('Google', () => {
  it('asks for an id_token by the implicit flow, with the redirect, nonce and state (§3.1)', () => {
    const url = google.authorizeUrl({
      config,
      redirectUrl: 'https://aiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org/google',
      state: 'S',
      nonce: 'N',
    });
    expect(url).toBe(
      'https://accounts.google.com/o/oauth2/v2/auth?client_id=1234-abc.apps.googleusercontent.com&redirect_uri=https%3A%2F%2Faiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org%2Fgoogle&response_type=id_token&scope=openid%20email%20profile&nonce=N&state=S&prompt=select_account',
    );
    expect(google.uses).toEqual({ nonce: true, pkce: false });
    expect(google.stateFor('S', 'id')).toBe('S');
  });

  it("takes Google's id_token, labelled with its email", async () => {
    const idToken = fakeJwt(header, claims);
    expect(await read(idToken)).toEqual({ idToken, provider: 'google', label: 'alice@example.com' });
  });

  it('accepts both of Google’s issuer spellings, and an aud array holding the client', async () => {
    await expect(read(fakeJwt(header, { ...claims, iss: 'accounts.google.com' }))).resolves.toBeTruthy();
    await expect(read(fakeJwt(header, { ...claims, aud: ['other', config.clientId] }))).resolves.toBeTruthy();
    const { azp: _, ...noAzp } = claims;
    await expect(read(fakeJwt(header, noAzp))).resolves.toBeTruthy();
  });

  const refused: [string, string][] = [
    ['', 'no token'],
    [fakeJwt({ ...header, alg: 'HS256' }, claims), 'alg HS256'],
    [fakeJwt({ ...header, alg: 'none' }, claims), 'alg none'],
    [fakeJwt(header, { ...claims, iss: 'https://evil.example' }), 'another issuer'],
    [fakeJwt(header, { ...claims, aud: 'other-client' }), 'another audience'],
    [fakeJwt(header, { ...claims, azp: 'other-client' }), 'another azp'],
    [fakeJwt(header, { ...claims, exp: 1_700_000_059 }), 'exp under 60 s ahead'],
    [fakeJwt(header, { ...claims, nonce: 'x'.repeat(43) }), 'another nonce'],
    [fakeJwt(header, { ...claims, nonce: undefined }), 'no nonce'],
    [fakeJwt(header, { ...claims, sub: '' }), 'an empty sub'],
  ];
  for (const [idToken, why] of refused)
    it(`refuses a token with ${why}: provider_token_invalid`, async () => {
      await expect(read(idToken)).rejects.toMatchObject({
        code: 'provider_token_invalid',
        message: "Google's answer could not be used (expired, or meant for another app). Try again.",
      });
    });

  it('checks only the issuer configured when it is not Google’s own', async () => {
    const local = { ...config, issuer: 'http://127.0.0.1:8790/idp/google' };
    const token = fakeJwt(header, { ...claims, iss: 'accounts.google.com' });
    await expect(
      google.readLogin({
        config: local,
        params: new URLSearchParams({ id_token: token }),
        secrets: { state: 's', nonce },
        redirectUrl: '',
        now,
      }),
    ).rejects.toMatchObject({ code: 'provider_token_invalid' });
  });
});
