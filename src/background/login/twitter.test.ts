import { describe, expect, it } from 'vitest';
import { CompanionError } from '../companionClient.ts';
import { twitter } from './twitter.ts';

const config = {
  clientId: 'Y2xpZW50LWlk',
  authorizeUrl: 'https://x.com/i/oauth2/authorize',
  scope: 'users.read tweet.read',
};
const redirectUrl = 'https://aiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org/twitter';
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

function read(params: Record<string, string>, exchange: () => Promise<{ accessToken: string }>) {
  const calls: unknown[] = [];
  const result = twitter.readLogin({
    config,
    params: new URLSearchParams(params),
    secrets: { state: 's', codeVerifier: verifier },
    redirectUrl,
    now: 0,
    exchangeCode: (p) => {
      calls.push(p);
      return exchange();
    },
  });
  return { result, calls };
}

describe('X', () => {
  it('asks for a code with PKCE S256, no nonce (§3.3)', () => {
    expect(twitter.uses).toEqual({ nonce: false, pkce: true });
    expect(
      twitter.authorizeUrl({
        config,
        redirectUrl,
        state: 'S',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      }),
    ).toBe(
      'https://x.com/i/oauth2/authorize?response_type=code&client_id=Y2xpZW50LWlk&redirect_uri=https%3A%2F%2Faiidadmojnoeaemnmikbmmanflmcnnca.chromiumapp.org%2Ftwitter&scope=users.read%20tweet.read&state=S&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    );
  });

  it("has the companion trade the code and verifier for X's access token", async () => {
    const { result, calls } = read({ code: 'the-code' }, async () => ({ accessToken: 'QUJD' }));
    expect(await result).toEqual({ idToken: 'QUJD', provider: 'twitter', label: 'X account' });
    expect(calls).toEqual([{ code: 'the-code', codeVerifier: verifier, redirectUri: redirectUrl }]);
  });

  it('an answer without a code is provider_token_invalid, and nothing is exchanged', async () => {
    const { result, calls } = read({}, async () => ({ accessToken: 'x' }));
    await expect(result).rejects.toMatchObject({ code: 'provider_token_invalid' });
    expect(calls).toEqual([]);
  });

  it("X's refusal is provider_rejected, X out of reach provider_unavailable; other failures as they are", async () => {
    const failing = (code: string) => async () => {
      throw new CompanionError({ code, status: 400, message: 'from the companion' });
    };
    await expect(read({ code: 'c' }, failing('provider_rejected')).result).rejects.toMatchObject({
      code: 'provider_rejected',
      message: 'X did not accept the sign-in. Try again.',
    });
    await expect(read({ code: 'c' }, failing('provider_unavailable')).result).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: 'X could not be reached. Try again in a moment.',
    });
    await expect(read({ code: 'c' }, failing('rate_limited')).result).rejects.toBeInstanceOf(CompanionError);
  });
});
