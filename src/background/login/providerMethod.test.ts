import { describe, expect, it } from 'vitest';
import {
  answerParams,
  checkAnswer,
  decodeJwt,
  isFreshEnough,
  ProviderCancelled,
  ProviderError,
  providerError,
  randomValue,
  s256Challenge,
  withQuery,
} from './providerMethod.ts';

/** A compact JWS with these parts; the signature is not checked by the extension (Okto checks it). */
function fakeJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('the values of a flow', () => {
  it('state, nonce and verifier are 32 random bytes in base64url: 43 characters, never repeated', () => {
    const values = new Set(Array.from({ length: 50 }, randomValue));
    expect(values.size).toBe(50);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('the PKCE S256 challenge is base64url(SHA-256(verifier)) without padding (RFC 7636, appendix B)', async () => {
    expect(await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('adds a query with & when the URL has one, spaces as %20', () => {
    expect(withQuery('https://a.test/login', { scope: 'openid email' })).toBe(
      'https://a.test/login?scope=openid%20email',
    );
    expect(withQuery('https://a.test/login?app=1', { state: 'x' })).toBe(
      'https://a.test/login?app=1&state=x',
    );
  });
});

describe('the answer', () => {
  it('reads the fragment, else the query, URL-decoded', () => {
    expect(answerParams('https://id.chromiumapp.org/google#state=a%2Bb&id_token=t').get('state')).toBe('a+b');
    expect(answerParams('https://id.chromiumapp.org/twitter?state=s&code=c').get('code')).toBe('c');
    expect(answerParams('https://id.chromiumapp.org/twitter?code=q#code=f').get('code')).toBe('f');
  });

  it('must carry the flow’s state, before anything else is read', () => {
    const check = (query: string) => () => checkAnswer(new URLSearchParams(query), 'S', 'Google');
    expect(check('state=S&id_token=t')).not.toThrow();
    for (const query of ['id_token=t', 'state=T&id_token=t', 'state=T&error=access_denied'])
      expect(check(query)).toThrow(
        expect.objectContaining({
          code: 'state_mismatch',
          message: 'The answer from Google did not match this sign-in and was refused. Try again.',
        }),
      );
  });

  it('access_denied and user_cancelled_authorize are a cancellation; any other error a refusal', () => {
    for (const error of ['access_denied', 'user_cancelled_authorize'])
      expect(() => checkAnswer(new URLSearchParams(`state=S&error=${error}`), 'S', 'Apple')).toThrow(
        ProviderCancelled,
      );
    expect(() => checkAnswer(new URLSearchParams('state=S&error=server_error'), 'S', 'Apple')).toThrow(
      expect.objectContaining({
        code: 'provider_error',
        message: 'Apple refused the sign-in (server_error). Try again.',
      }),
    );
  });

  it('shows a provider’s error code as short plain text', () => {
    const error = providerError('provider_error', 'X', `<b>"bad"</b>\n${'x'.repeat(100)}`);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(`X refused the sign-in (<b>bad</b>${'x'.repeat(54)}). Try again.`);
  });
});

describe('tokens', () => {
  it('decodes a JWT’s header and claims without checking its signature', () => {
    expect(decodeJwt(fakeJwt({ alg: 'RS256' }, { sub: '1' }))).toEqual({
      header: { alg: 'RS256' },
      claims: { sub: '1' },
    });
    for (const bad of ['', 'a.b', 'a.b.c.d', 'e30.bm90IGpzb24.x', `${fakeJwt({}, {})}!`])
      expect(decodeJwt(bad)).toBeUndefined();
  });

  it('needs exp at least 60 s ahead', () => {
    const now = 1_700_000_000_000;
    expect(isFreshEnough(1_700_000_060, now)).toBe(true);
    expect(isFreshEnough(1_700_000_059, now)).toBe(false);
    expect(isFreshEnough('1700009999', now)).toBe(false);
    expect(isFreshEnough(undefined, now)).toBe(false);
  });
});
