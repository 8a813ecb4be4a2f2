import { describe, expect, test } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../emulator/devClient.ts';
import {
  CompanionConfigError,
  type CompanionEnv,
  DEFAULT_MAX_CONNECTIONS,
  loadCompanionConfig,
} from './config.ts';
import { DEFAULT_RATE_LIMITS } from './rateLimit.ts';

const valid: CompanionEnv = {
  OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY,
  OKTO_CLIENT_SWA: DEV_CLIENT_SWA,
  OKTO_ENVIRONMENT: 'local',
  OKTO_BASE_URL: 'http://127.0.0.1:8790/',
  COMPANION_ALLOWED_ORIGINS: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop, http://localhost:5173',
};

function failure(env: CompanionEnv): CompanionConfigError {
  try {
    loadCompanionConfig(env);
  } catch (error) {
    if (error instanceof CompanionConfigError) return error;
    throw error;
  }
  throw new Error('expected a CompanionConfigError');
}

describe('loadCompanionConfig', () => {
  test('reads a complete local configuration', () => {
    const config = loadCompanionConfig(valid);
    expect(config).toMatchObject({
      clientSWA: DEV_CLIENT_SWA,
      environment: 'local',
      oktoBaseUrl: 'http://127.0.0.1:8790',
      paymaster: '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3',
      allowedOrigins: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'http://localhost:5173'],
      trustProxyHops: 0,
    });
    expect(config.redisUrl).toBeUndefined();
    expect(config.hashSalt).toMatch(/^0x[0-9a-f]{64}$/);
  });

  test('takes sandbox and production URLs and paymasters from the environments table', () => {
    const { OKTO_BASE_URL: _, ...rest } = valid;
    expect(loadCompanionConfig({ ...rest, OKTO_ENVIRONMENT: 'sandbox' })).toMatchObject({
      oktoBaseUrl: 'https://sandbox-api.okto.tech',
      paymaster: '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3',
    });
    expect(loadCompanionConfig({ ...rest, OKTO_ENVIRONMENT: 'production' })).toMatchObject({
      oktoBaseUrl: 'https://apigw.okto.tech',
      paymaster: '0xB0E2BD2EFb99F982F8cCB8e6737A572B3B0eCE11',
    });
    expect(loadCompanionConfig({ ...valid, OKTO_ENVIRONMENT: 'sandbox' }).oktoBaseUrl).toBe(
      'http://127.0.0.1:8790',
    );
  });

  test('an empty origin list allows no browser origin', () => {
    expect(loadCompanionConfig({ ...valid, COMPANION_ALLOWED_ORIGINS: '' }).allowedOrigins).toEqual([]);
    expect(loadCompanionConfig({ ...valid, COMPANION_ALLOWED_ORIGINS: undefined }).allowedOrigins).toEqual(
      [],
    );
  });

  test("COMPANION_ALLOW_FIREFOX=1 accepts Firefox origins and this repository's add-on id by default", () => {
    expect(loadCompanionConfig(valid)).toMatchObject({ allowFirefox: false, firefoxAddonIds: [] });
    expect(loadCompanionConfig({ ...valid, COMPANION_ALLOW_FIREFOX: '1' })).toMatchObject({
      allowFirefox: true,
      firefoxAddonIds: ['okto-login@okto.tech'],
    });
    expect(
      loadCompanionConfig({
        ...valid,
        COMPANION_ALLOW_FIREFOX: '1',
        COMPANION_FIREFOX_ADDON_IDS: 'wallet@example.com, {12345678-90ab-cdef-1234-567890abcdef}',
      }).firefoxAddonIds,
    ).toEqual(['wallet@example.com', '{12345678-90ab-cdef-1234-567890abcdef}']);
    expect(failure({ ...valid, COMPANION_ALLOW_FIREFOX: 'yes' }).variable).toBe('COMPANION_ALLOW_FIREFOX');
    expect(failure({ ...valid, COMPANION_FIREFOX_ADDON_IDS: 'wallet@example.com' }).message).toMatch(
      /without COMPANION_ALLOW_FIREFOX=1/,
    );
    expect(
      failure({ ...valid, COMPANION_ALLOW_FIREFOX: '1', COMPANION_FIREFOX_ADDON_IDS: 'https://x.example' })
        .variable,
    ).toBe('COMPANION_FIREFOX_ADDON_IDS');
  });

  test('reads REDIS_URL and COMPANION_TRUST_PROXY', () => {
    const config = loadCompanionConfig({
      ...valid,
      REDIS_URL: 'redis://:pw@10.0.0.5:6379/2',
      COMPANION_TRUST_PROXY: '1',
    });
    expect(config.redisUrl).toBe('redis://:pw@10.0.0.5:6379/2');
    expect(config.trustProxyHops).toBe(1);
  });

  test('uses the default limits and connection cap unless told otherwise', () => {
    const config = loadCompanionConfig(valid);
    expect(config.limits).toEqual(DEFAULT_RATE_LIMITS);
    expect(config.maxConnections).toBe(DEFAULT_MAX_CONNECTIONS);
  });

  test('reads every budget as <count>/<window>, and the connection cap', () => {
    const config = loadCompanionConfig({
      ...valid,
      COMPANION_LIMIT_CONTACT_SEND: '3/10m',
      COMPANION_LIMIT_CONTACT_VERIFY: '10/1h',
      COMPANION_LIMIT_IP: '30/m',
      COMPANION_LIMIT_IPV6_56: '45/1m',
      COMPANION_LIMIT_IPV6_48: '90/60s',
      COMPANION_LIMIT_SEND: '20/1m',
      COMPANION_LIMIT_VERIFY: '40/1m',
      COMPANION_LIMIT_SESSION: '41/1m',
      COMPANION_LIMIT_PAYMASTER: '500/2m',
      COMPANION_LIMIT_PAYMASTER_PER_USER: '10/30s',
      COMPANION_SESSIONS_PER_ID_TOKEN: '1',
      COMPANION_MAX_CONNECTIONS: '256',
    });
    expect(config.limits).toEqual({
      contactSend: { limit: 3, windowSeconds: 600 },
      contactVerify: { limit: 10, windowSeconds: 3600 },
      ip: {
        address: { limit: 30, windowSeconds: 60 },
        ipv6Slash56: { limit: 45, windowSeconds: 60 },
        ipv6Slash48: { limit: 90, windowSeconds: 60 },
      },
      overall: {
        send: { limit: 20, windowSeconds: 60 },
        verify: { limit: 40, windowSeconds: 60 },
        session: { limit: 41, windowSeconds: 60 },
        paymaster: { limit: 500, windowSeconds: 120 },
      },
      paymasterPerUser: { limit: 10, windowSeconds: 30 },
      sessionsPerIdToken: 1,
    });
    expect(config.maxConnections).toBe(256);
    // The defaults themselves are untouched.
    expect(DEFAULT_RATE_LIMITS.overall.send).toEqual({ limit: 60, windowSeconds: 60 });
  });

  test('the hash salt is the same for the same key and differs between keys', () => {
    const a = loadCompanionConfig(valid).hashSalt;
    expect(loadCompanionConfig({ ...valid, OKTO_ENVIRONMENT: 'sandbox' }).hashSalt).toBe(a);
    expect(
      loadCompanionConfig({ ...valid, OKTO_CLIENT_PRIVATE_KEY: `0x${'11'.repeat(32)}` }).hashSalt,
    ).not.toBe(a);
  });

  test.each([
    [{ OKTO_CLIENT_PRIVATE_KEY: undefined }, 'OKTO_CLIENT_PRIVATE_KEY', /is missing/],
    [{ OKTO_CLIENT_PRIVATE_KEY: '  ' }, 'OKTO_CLIENT_PRIVATE_KEY', /is missing/],
    [{ OKTO_CLIENT_PRIVATE_KEY: '0x1234' }, 'OKTO_CLIENT_PRIVATE_KEY', /0x followed by 64 hex/],
    [
      { OKTO_CLIENT_PRIVATE_KEY: DEV_CLIENT_PRIVATE_KEY.slice(2) },
      'OKTO_CLIENT_PRIVATE_KEY',
      /0x followed by 64 hex/,
    ],
    [
      { OKTO_CLIENT_PRIVATE_KEY: `0x${'00'.repeat(32)}` },
      'OKTO_CLIENT_PRIVATE_KEY',
      /not a valid secp256k1 private key/,
    ],
    [
      { OKTO_CLIENT_PRIVATE_KEY: `0x${'ff'.repeat(32)}` },
      'OKTO_CLIENT_PRIVATE_KEY',
      /not a valid secp256k1 private key/,
    ],
    [{ OKTO_CLIENT_SWA: undefined }, 'OKTO_CLIENT_SWA', /is missing/],
    [{ OKTO_CLIENT_SWA: '0x1234' }, 'OKTO_CLIENT_SWA', /not an address/],
    [{ OKTO_CLIENT_SWA: DEV_CLIENT_SWA.replace('C8F4', 'c8F4') }, 'OKTO_CLIENT_SWA', /checksum/],
    [{ OKTO_ENVIRONMENT: undefined }, 'OKTO_ENVIRONMENT', /is missing/],
    [{ OKTO_ENVIRONMENT: 'staging' }, 'OKTO_ENVIRONMENT', /expected local, sandbox or production/],
    [{ OKTO_BASE_URL: undefined }, 'OKTO_BASE_URL', /OKTO_ENVIRONMENT=local needs/],
    [{ OKTO_BASE_URL: 'localhost:8790' }, 'OKTO_BASE_URL', /must start with http/],
    [{ OKTO_BASE_URL: 'not a url' }, 'OKTO_BASE_URL', /is not a URL/],
    [{ OKTO_BASE_URL: 'http://127.0.0.1:8790/?x=1' }, 'OKTO_BASE_URL', /plain base URL/],
    [{ COMPANION_ALLOWED_ORIGINS: '*' }, 'COMPANION_ALLOWED_ORIGINS', /may not contain \*/],
    [{ COMPANION_ALLOWED_ORIGINS: 'https://example.com/' }, 'COMPANION_ALLOWED_ORIGINS', /not an origin/],
    [{ COMPANION_ALLOWED_ORIGINS: 'example.com' }, 'COMPANION_ALLOWED_ORIGINS', /not an origin/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /not a Redis URL/],
    [{ REDIS_URL: 'redis//nope' }, 'REDIS_URL', /not a Redis URL/],
    [{ COMPANION_TRUST_PROXY: 'yes' }, 'COMPANION_TRUST_PROXY', /number of proxies/],
    [{ COMPANION_LIMIT_SEND: '60' }, 'COMPANION_LIMIT_SEND', /expected <count>\/<window>/],
    [{ COMPANION_LIMIT_SEND: '60 per minute' }, 'COMPANION_LIMIT_SEND', /e\.g\. 60\/1m/],
    [{ COMPANION_LIMIT_VERIFY: '0/1m' }, 'COMPANION_LIMIT_VERIFY', /at least 1/],
    [{ COMPANION_LIMIT_SESSION: '10/0s' }, 'COMPANION_LIMIT_SESSION', /1 s to 24 h/],
    [{ COMPANION_LIMIT_PAYMASTER: '10/25h' }, 'COMPANION_LIMIT_PAYMASTER', /1 s to 24 h/],
    [{ COMPANION_LIMIT_PAYMASTER_PER_USER: '-1/1m' }, 'COMPANION_LIMIT_PAYMASTER_PER_USER', /<count>/],
    [{ COMPANION_LIMIT_IPV6_48: '10/1d' }, 'COMPANION_LIMIT_IPV6_48', /<count>/],
    [{ COMPANION_LIMIT_CONTACT_SEND: '5/10min' }, 'COMPANION_LIMIT_CONTACT_SEND', /<count>/],
    [{ COMPANION_SESSIONS_PER_ID_TOKEN: '0' }, 'COMPANION_SESSIONS_PER_ID_TOKEN', /from 1 to 10/],
    [{ COMPANION_SESSIONS_PER_ID_TOKEN: 'two' }, 'COMPANION_SESSIONS_PER_ID_TOKEN', /whole number/],
    [{ COMPANION_MAX_CONNECTIONS: '1e3' }, 'COMPANION_MAX_CONNECTIONS', /whole number from 1/],
    [{ COMPANION_MAX_CONNECTIONS: '0' }, 'COMPANION_MAX_CONNECTIONS', /open connections/],
  ])('refuses %o, naming %s', (override, variable, problem) => {
    const error = failure({ ...valid, ...override });
    expect(error.variable).toBe(variable);
    expect(error.shortMessage.startsWith(variable)).toBe(true);
    expect(error.shortMessage).toMatch(problem);
  });

  test('never repeats the private key or the Redis password in an error', () => {
    const nearMiss = `${DEV_CLIENT_PRIVATE_KEY}0`;
    expect(failure({ ...valid, OKTO_CLIENT_PRIVATE_KEY: nearMiss }).message).not.toContain(
      nearMiss.slice(2, 20),
    );
    expect(failure({ ...valid, REDIS_URL: 'http://user:hunter2@host' }).message).not.toContain('hunter2');
  });
});
