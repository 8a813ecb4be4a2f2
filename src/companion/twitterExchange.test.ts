import { describe, expect, test } from 'vitest';
import { CompanionRequestError } from './requestError.ts';
import { exchangeTwitterCode } from './twitterExchange.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const input = {
  code: 'the-code',
  codeVerifier: 'v'.repeat(43),
  redirectUri: `https://${ID}.chromiumapp.org/twitter`,
};
const exchange = { clientId: 'client id', tokenUrl: 'https://api.x.example/2/oauth2/token' };

async function outcome(fetchFn: typeof fetch, more: Partial<Parameters<typeof exchangeTwitterCode>[0]> = {}) {
  try {
    return await exchangeTwitterCode({
      input,
      origin: undefined,
      extensionIds: new Set([ID]),
      exchange,
      fetch: fetchFn,
      ...more,
    });
  } catch (error) {
    if (error instanceof CompanionRequestError) return { status: error.status, code: error.code };
    throw error;
  }
}

describe('exchangeTwitterCode', () => {
  test('posts the form X requires, with Basic auth for a confidential client', async () => {
    let seen: Request | undefined;
    const answer = await outcome(
      async (url, init) => {
        seen = new Request(url, init);
        return Response.json({ token_type: 'bearer', expires_in: 7200, access_token: 'AT', scope: 's' });
      },
      { exchange: { ...exchange, clientSecret: 's3cr:et' } },
    );
    expect(answer).toEqual({ accessToken: 'AT', expiresIn: 7200 });
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe(exchange.tokenUrl);
    expect(seen?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(seen?.headers.get('authorization')).toBe(`Basic ${btoa('client%20id:s3cr%3Aet')}`);
    expect(Object.fromEntries(new URLSearchParams(await seen?.text()))).toEqual({
      code: 'the-code',
      grant_type: 'authorization_code',
      client_id: 'client id',
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    });
  });

  test('a public client sends no Authorization', async () => {
    let authorization: string | null = 'unset';
    await outcome(async (url, init) => {
      authorization = new Request(url, init).headers.get('authorization');
      return Response.json({ access_token: 'AT', expires_in: 7200 });
    });
    expect(authorization).toBeNull();
  });

  test.each([
    [400, 'provider_rejected', 400],
    [401, 'provider_rejected', 400],
    [429, 'provider_unavailable', 502],
    [500, 'provider_unavailable', 502],
    [503, 'provider_unavailable', 502],
  ])('X answering %i is %s', async (xStatus, code, status) => {
    expect(
      await outcome(async () => Response.json({ error: 'invalid_request' }, { status: xStatus })),
    ).toEqual({ status, code });
  });

  test('an answer without an access token, or that is not JSON, is provider_unavailable', async () => {
    expect(await outcome(async () => Response.json({ token_type: 'bearer' }))).toMatchObject({
      code: 'provider_unavailable',
    });
    expect(await outcome(async () => new Response('<html>'))).toMatchObject({ code: 'provider_unavailable' });
  });

  test('X slower than the timeout is provider_unavailable', async () => {
    const hang: typeof fetch = (_, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    expect(await outcome(hang, { timeoutMs: 50 })).toEqual({ status: 502, code: 'provider_unavailable' });
  });

  test('a redirect not of an allowed extension, or not of the calling one, never reaches X', async () => {
    let called = false;
    const spy: typeof fetch = async () => {
      called = true;
      return Response.json({});
    };
    expect(await outcome(spy, { extensionIds: new Set() })).toMatchObject({ code: 'redirect_not_allowed' });
    expect(await outcome(spy, { origin: `chrome-extension://${'b'.repeat(32)}` })).toMatchObject({
      code: 'redirect_not_allowed',
    });
    expect(called).toBe(false);
  });
});
