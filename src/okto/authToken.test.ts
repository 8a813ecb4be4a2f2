import { describe, expect, it } from 'vitest';
import { createAuthToken, parseAuthToken, verifyAuthToken } from './authToken.ts';
import { AuthTokenError } from './errors.ts';
import { TEST_SESSION_ADDRESS, TEST_SESSION_PK, TEST_SESSION_PRIVATE_KEY } from './testing/vectors.ts';

const TOKEN =
  'eyJ0eXBlIjoiZWNkc2FfdW5jb21wcmVzc2VkIiwiZGF0YSI6eyJleHBpcmVfYXQiOjE3MDAwMDU0MDAsInNlc3Npb25fcHViX2tleSI6IjB4MDQ0NjZkN2ZjYWU1NjNlNWNiMDlhMGQxODcwYmI1ODAzNDQ4MDQ2MTc4NzlhMTQ5NDljZjIyMjg1ZjFiYWUzZjI3NjcyODE3NmMzYzY0MzFmOGVlZGE0NTM4ZGMzN2M4NjVlMjc4NGYzYTllNzdkMDQ0ZjMzZTQwNzc5N2UxMjc4YSJ9LCJkYXRhX3NpZ25hdHVyZSI6IjB4YTVhMDhiOGUyZTBkMzNmMjcyMTdlMDQ2MWQwMzc1YzFlNmY5MzE0MDRkZjM5MGZhOGZkZmEwYWZiMDZkOWVkZTIwMmU2ZTUwYTgxZjI2MDg2MWQ5YzQyNTEyYmYxNDFkNzczYmIxNGM4Yzk1YzhiZDNlOTBjZGI2MGY0MmQzM2MxYyJ9';
const SIG =
  '0xa5a08b8e2e0d33f27217e0461d0375c1e6f931404df390fa8fdfa0afb06d9ede202e6e50a81f260861d9c42512bf141d773bb14c8c95c8bd3e90cdb60f42d33c1c';

function reencode(mutate: (payload: Record<string, unknown>) => void): string {
  const payload = JSON.parse(atob(TOKEN));
  mutate(payload);
  return btoa(JSON.stringify(payload));
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthTokenError);
  return (error as AuthTokenError).reason;
}

describe('Okto auth token', () => {
  it('mints the spec vector token byte for byte', async () => {
    expect(await createAuthToken({ sessionPrivateKey: TEST_SESSION_PRIVATE_KEY, expireAt: 1700005400 })).toBe(
      TOKEN,
    );
    expect(parseAuthToken(TOKEN).data_signature).toBe(SIG);
  });

  it('verifies a valid token and names its session key', async () => {
    expect(await verifyAuthToken(TOKEN, { now: 1700000000 })).toEqual({
      sessionPublicKey: TEST_SESSION_PK,
      sessionAddress: TEST_SESSION_ADDRESS,
      expireAt: 1700005400,
    });
  });

  it('refuses an expired token', async () => {
    expect(await reasonOf(verifyAuthToken(TOKEN, { now: 1700005400 }))).toBe('expired');
  });

  it('refuses a token whose expiry was pushed after signing', async () => {
    const forged = reencode((p) => {
      (p.data as Record<string, unknown>).expire_at = 1800000000;
    });
    expect(await reasonOf(verifyAuthToken(forged, { now: 1700000000 }))).toBe('forged');
  });

  it('refuses a token naming another session key', async () => {
    const other =
      '0x04bb50e2d89a4ed70663d080659fe0ad4b9bc3e06c17a227433966cb59ceee020decddbf6e00192011648d13b1c00af770c0c1bb609d4d3a5c98a43772e0e18ef4';
    const forged = reencode((p) => {
      (p.data as Record<string, unknown>).session_pub_key = other;
    });
    expect(await reasonOf(verifyAuthToken(forged, { now: 1700000000 }))).toBe('forged');
  });

  it.each([
    ['not base64', '%%%'],
    ['not JSON', btoa('hello')],
    [
      'wrong type',
      reencode((p) => {
        p.type = 'ecdsa';
      }),
    ],
    ['missing signature', reencode((p) => void delete p.data_signature)],
    [
      'non-hex signature',
      reencode((p) => {
        p.data_signature = `0x${'zz'.repeat(65)}`;
      }),
    ],
    [
      'string expiry',
      reencode((p) => {
        (p.data as Record<string, unknown>).expire_at = '1700005400';
      }),
    ],
  ])('refuses a malformed token: %s', async (_, token) => {
    expect(await reasonOf(verifyAuthToken(token, { now: 1700000000 }))).toBe('malformed');
  });
});
