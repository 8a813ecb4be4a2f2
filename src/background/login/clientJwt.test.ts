import { describe, expect, it } from 'vitest';
import { clientJwt } from './clientJwt.ts';

/** A compact JWS with these parts; the extension never checks the signature (Okto does). */
function fakeJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}

const config = { loginUrl: 'https://app.example.com/okto/extension-login', label: 'Example' };
const now = 1_700_000_000_000;
const nonce = 'n'.repeat(43);
const claims = { user_id: 'user-42', iat: 1_700_000_000, exp: 1_700_000_300, nonce, aud: 'okto-extension' };

const read = (jwt: string) =>
  clientJwt.readLogin({
    config,
    params: new URLSearchParams({ jwt, state: 's' }),
    secrets: { state: 's', nonce },
    redirectUrl: '',
    now,
  });

describe("the app's own login (client_jwt)", () => {
  it('sends the redirect, state and nonce to the app’s login URL, after a query it has (§3.4)', () => {
    const redirectUrl = 'https://aiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org/client_jwt';
    expect(clientJwt.authorizeUrl({ config, redirectUrl, state: 'S', nonce: 'N' })).toBe(
      'https://app.example.com/okto/extension-login?redirect_uri=https%3A%2F%2Faiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org%2Fclient_jwt&state=S&nonce=N',
    );
    expect(
      clientJwt.authorizeUrl({
        config: { ...config, loginUrl: `${config.loginUrl}?tenant=7` },
        redirectUrl,
        state: 'S',
        nonce: 'N',
      }),
    ).toMatch(/\?tenant=7&redirect_uri=/);
    expect(clientJwt.nameOf(config)).toBe('Example');
  });

  it('takes the bare JWT in any algorithm, labelled with user_id', async () => {
    const jwt = fakeJwt({ alg: 'ES256' }, claims);
    expect(await read(jwt)).toEqual({ idToken: jwt, provider: 'client_jwt', label: 'user-42' });
  });

  for (const [why, changed] of [
    ['no user_id', { user_id: undefined }],
    ['a user_id over 256 characters', { user_id: 'u'.repeat(257) }],
    ['a life over 5 minutes', { exp: 1_700_000_301 }],
    ['exp under 60 s ahead', { iat: 1_699_999_800, exp: 1_700_000_050 }],
    ['iat in the future', { iat: 1_700_000_100, exp: 1_700_000_350 }],
    ['another nonce', { nonce: 'other' }],
    ['another audience', { aud: 'someone-else' }],
  ] as const)
    it(`refuses ${why}: provider_token_invalid, named after the app`, async () => {
      await expect(read(fakeJwt({ alg: 'ES256' }, { ...claims, ...changed }))).rejects.toMatchObject({
        code: 'provider_token_invalid',
        message: "Example's answer could not be used (expired, or meant for another app). Try again.",
      });
    });
});
