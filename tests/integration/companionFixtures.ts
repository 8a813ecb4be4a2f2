import { randomBytes } from 'node:crypto';
import type { CompanionRateLimits, RateLimit } from '../../src/companion/rateLimit.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/companion/rateLimit.ts';

// Helpers shared by the companion's integration tests.

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A JWT shaped like Okto's id token, with a random signature. The companion cannot check Okto's
 * signature (Okto does), so for the companion alone this stands in for a fresh login's token.
 */
export function fakeIdToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    user_id: randomBytes(8).toString('hex'),
    login_medium: 'EMAIL_OTP',
    iat: now,
    exp: now + 864_000,
    ...claims,
  };
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
}

/** Every limit of `DEFAULT_RATE_LIMITS` replaced by `limit`, so that only what a test sets applies. */
export function openLimits(limit: RateLimit = { limit: 1_000_000, windowSeconds: 60 }): CompanionRateLimits {
  return {
    contactSend: limit,
    contactVerify: limit,
    ip: { address: limit, ipv6Slash56: limit, ipv6Slash48: limit },
    overall: { send: limit, verify: limit, session: limit, paymaster: limit },
    paymasterPerUser: limit,
    sessionsPerIdToken: DEFAULT_RATE_LIMITS.sessionsPerIdToken,
  };
}
