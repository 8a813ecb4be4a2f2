import { describe, expect, it } from 'vitest';
import { createEmulatorClock } from './clock.ts';
import type { Contact } from './contact.ts';
import { createOtpChallenges } from './otpChallenges.ts';
import { cryptoRandomBytes } from './random.ts';

const alice: Contact = { channel: 'email', to: 'alice@example.com' };
const clientKey = '0xc8f4eefe09cfe9d0abf94c16f11b31d9a2a70841';

function setUp() {
  const clock = createEmulatorClock({ now: () => 1_700_000_000_000 });
  return { clock, challenges: createOtpChallenges({ clock, randomBytes: cryptoRandomBytes }) };
}

describe('OTP challenges', () => {
  it('issues 6-digit codes on v4 UUID tokens', () => {
    const { challenges } = setUp();
    const { token, code } = challenges.send({ contact: alice, clientKey });
    expect(code).toMatch(/^\d{6}$/);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('accepts a code up to 300 s old and refuses it after', () => {
    const { clock, challenges } = setUp();
    const first = challenges.send({ contact: alice, clientKey });
    clock.advance(300);
    expect(challenges.verify({ ...first, contact: alice, clientKey, otp: first.code })).toEqual({ ok: true });
    const second = challenges.send({ contact: alice, clientKey });
    clock.advance(300.001);
    expect(challenges.verify({ ...second, contact: alice, clientKey, otp: second.code })).toEqual({
      ok: false,
      refusal: 'otp expired',
    });
  });

  it('limits resends to one per 30 s and tells how long to wait', () => {
    const { clock, challenges } = setUp();
    const { token } = challenges.send({ contact: alice, clientKey });
    clock.advance(12.5);
    expect(challenges.resend({ token, contact: alice, clientKey })).toEqual({
      ok: false,
      retryAfterSeconds: 18,
    });
    clock.advance(17.5);
    expect(challenges.resend({ token, contact: alice, clientKey })).toMatchObject({ ok: true, token });
  });

  it('keeps a wrong code from counting against another token', () => {
    const { challenges } = setUp();
    const a = challenges.send({ contact: alice, clientKey });
    const b = challenges.send({ contact: alice, clientKey });
    const wrong = a.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) challenges.verify({ token: a.token, contact: alice, clientKey, otp: wrong });
    expect(challenges.verify({ token: a.token, contact: alice, clientKey, otp: a.code })).toMatchObject({
      refusal: 'otp attempts exceeded',
    });
    expect(challenges.verify({ token: b.token, contact: alice, clientKey, otp: b.code })).toEqual({
      ok: true,
    });
  });
});
