import { describe, expect, test } from 'vitest';
import { TEST_CLIENT_SWA } from '../okto/testing/vectors.ts';
import { checkOktoIdToken, ID_TOKEN_MAX_AGE_SECONDS } from './idToken.ts';
import { CompanionRequestError } from './requestError.ts';

const part = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
const jwt = (
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) => `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
const now = 1_700_000_000;
const check = (idToken: string) => checkOktoIdToken({ idToken, now, clientSWA: TEST_CLIENT_SWA });

function refusal(idToken: string) {
  try {
    check(idToken);
  } catch (error) {
    if (error instanceof CompanionRequestError)
      return { status: error.status, code: error.code, field: error.field, message: error.shortMessage };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkOktoIdToken', () => {
  test('a fresh token may register sessions until an hour after it was issued, or its expiry if sooner', () => {
    expect(check(jwt({ iat: now - 10, exp: now + 864_000 }))).toEqual({
      usableUntil: now - 10 + ID_TOKEN_MAX_AGE_SECONDS,
    });
    expect(check(jwt({ iat: now - 10, exp: now + 60 }))).toEqual({ usableUntil: now + 60 });
    // Without iat, until it expires.
    expect(check(jwt({ exp: now + 600 }))).toEqual({ usableUntil: now + 600 });
    expect(check(jwt({ exp: now + 600, client_swa: TEST_CLIENT_SWA.toLowerCase() }))).toEqual({
      usableUntil: now + 600,
    });
  });

  test.each([
    ['not three parts', 'abc.def', 400, /is not a JWT/],
    ['not base64url', 'a+b.c/d.e=f', 400, /is not a JWT/],
    ['an empty signature', `${part({ alg: 'HS256' })}.${part({ exp: now + 1 })}.`, 400, /is not a JWT/],
    ['a header without alg', jwt({ exp: now + 1 }, { typ: 'JWT' }), 400, /no JWT header with an alg/],
    ['alg none', jwt({ exp: now + 1 }, { alg: 'none' }), 400, /unsigned JWT/],
    ['a payload that is not JSON', `${part({ alg: 'HS256' })}.bm90IGpzb24.c2ln`, 400, /not a JSON object/],
    ['a payload that is an array', `${part({ alg: 'HS256' })}.${part([1])}.c2ln`, 400, /not a JSON object/],
    ['no exp', jwt({ iat: now }), 400, /no numeric exp/],
    ['an exp in text', jwt({ exp: `${now + 60}` }), 400, /no numeric exp/],
    ['an iat in text', jwt({ exp: now + 60, iat: 'today' }), 400, /iat claim that is not a number/],
    ['an exp now', jwt({ exp: now }), 401, /expired at 2023-11-14T22:13:20.000Z/],
    ['an iat over an hour ago', jwt({ exp: now + 60, iat: now - 3601 }), 401, /more than 60 minutes ago/],
    [
      'another client',
      jwt({ exp: now + 60, client_swa: `0x${'ab'.repeat(20)}` }),
      403,
      /another Okto client/,
    ],
    ['a client that is no address', jwt({ exp: now + 60, client_swa: 7 }), 403, /another Okto client/],
  ])('refuses a token with %s, naming authData.idToken', (_, idToken, status, message) => {
    const error = refusal(idToken);
    expect(error.status).toBe(status);
    expect(error.field).toBe('authData.idToken');
    expect(error.message).toMatch(message);
  });
});
