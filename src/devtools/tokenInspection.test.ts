import { describe, expect, it } from 'vitest';
import { createAuthToken } from '../okto/authToken.ts';
import { createSessionKey } from '../okto/sessionKey.ts';
import { inspectAuthToken } from './tokenInspection.ts';

const now = 1_800_000_000;
const session = createSessionKey();
const token = await createAuthToken({ sessionPrivateKey: session.privateKey, expireAt: now + 600 });

describe('inspectAuthToken', () => {
  it("decodes a good token: signature valid, not expired, this session's key", async () => {
    const result = await inspectAuthToken(token, { now, sessionPublicKey: session.publicKey });
    expect(result).toMatchObject({
      ok: true,
      signatureValid: true,
      expired: false,
      expireAt: now + 600,
      belongsToSession: true,
      sessionAddress: session.address,
    });
  });

  it('accepts the token as an Authorization header value', async () => {
    expect(await inspectAuthToken(`Bearer ${token}`, { now })).toMatchObject({
      ok: true,
      signatureValid: true,
    });
  });

  it("tells another session's token apart, and says nothing when signed out", async () => {
    const other = createSessionKey();
    expect(await inspectAuthToken(token, { now, sessionPublicKey: other.publicKey })).toMatchObject({
      belongsToSession: false,
    });
    expect(await inspectAuthToken(token, { now })).toMatchObject({ belongsToSession: undefined });
  });

  it('reports an expired token whose signature is still valid', async () => {
    expect(await inspectAuthToken(token, { now: now + 600 })).toMatchObject({
      ok: true,
      signatureValid: true,
      expired: true,
    });
  });

  it('reports a token whose data was changed after signing as forged', async () => {
    const payload = JSON.parse(atob(token));
    payload.data.expire_at += 1;
    const result = await inspectAuthToken(btoa(JSON.stringify(payload)), {
      now,
      sessionPublicKey: session.publicKey,
    });
    expect(result).toMatchObject({ ok: true, signatureValid: false, belongsToSession: true });
    expect(result.ok && result.signatureDetails).toMatch(/another key/);
  });

  it('explains what is wrong with something that is not a token', async () => {
    expect(await inspectAuthToken('hello', { now })).toEqual({
      ok: false,
      message: 'This is not an Okto auth token.',
      details: 'not base64-encoded JSON',
    });
    const wrongType = btoa(JSON.stringify({ ...JSON.parse(atob(token)), type: 'ecdsa' }));
    expect(await inspectAuthToken(wrongType, { now })).toMatchObject({
      ok: false,
      details: expect.stringMatching(/type/),
    });
  });
});
