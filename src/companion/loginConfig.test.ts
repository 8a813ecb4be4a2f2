import { describe, expect, test } from 'vitest';
import {
  APPLE_DEV_CLIENT_ID,
  EXAMPLE_APP_LABEL,
  GOOGLE_DEV_CLIENT_ID,
  X_DEV_CLIENT_ID,
} from '../emulator/identity/devClients.ts';
import {
  allowedExtensionIds,
  extensionOfRedirect,
  isLoginUrl,
  LOCAL_LOGIN_DEFAULTS,
  LoginConfigError,
  publicLoginConfig,
  readLoginSettings,
} from './loginConfig.ts';

const read = (env: Record<string, string>, environment: 'local' | 'sandbox' = 'sandbox') =>
  readLoginSettings(env, environment, 'http://127.0.0.1:8790');

function refusal(env: Record<string, string>, environment: 'local' | 'sandbox' = 'sandbox') {
  try {
    read(env, environment);
  } catch (error) {
    if (error instanceof LoginConfigError) return error.shortMessage;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readLoginSettings', () => {
  test('with nothing set: email and WhatsApp only', () => {
    expect(read({})).toEqual({ login: { otp: { email: true, whatsapp: true } } });
  });

  test('a provider whose variables are set is on, with the defaults of §2', () => {
    const settings = read({
      COMPANION_GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com',
      COMPANION_APPLE_CLIENT_ID: 'com.example.wallet.web',
      COMPANION_PUBLIC_URL: 'https://companion.example.com/',
      COMPANION_TWITTER_CLIENT_ID: 'Y2xpZW50LWlk',
      COMPANION_TWITTER_CLIENT_SECRET: 'secret-value',
      COMPANION_CLIENT_JWT_LOGIN_URL: 'https://app.example.com/okto/extension-login',
      COMPANION_CLIENT_JWT_LABEL: 'Example',
    });
    expect(publicLoginConfig(settings)).toEqual({
      otp: { email: true, whatsapp: true },
      google: {
        clientId: '1234-abc.apps.googleusercontent.com',
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        issuer: 'https://accounts.google.com',
      },
      apple: {
        clientId: 'com.example.wallet.web',
        authorizeUrl: 'https://appleid.apple.com/auth/authorize',
        issuer: 'https://appleid.apple.com',
        relayUrl: 'https://companion.example.com/v1/oauth/apple/callback',
      },
      twitter: {
        clientId: 'Y2xpZW50LWlk',
        authorizeUrl: 'https://x.com/i/oauth2/authorize',
        scope: 'users.read tweet.read',
      },
      clientJwt: { loginUrl: 'https://app.example.com/okto/extension-login', label: 'Example' },
    });
    expect(settings.twitterExchange).toEqual({
      clientId: 'Y2xpZW50LWlk',
      tokenUrl: 'https://api.x.com/2/oauth2/token',
      clientSecret: 'secret-value',
    });
    expect(JSON.stringify(publicLoginConfig(settings))).not.toContain('secret-value');
  });

  test('COMPANION_LOGIN_METHODS chooses among them, OTP flags included', () => {
    const settings = read({
      COMPANION_LOGIN_METHODS: 'email, google',
      COMPANION_GOOGLE_CLIENT_ID: 'g',
      COMPANION_TWITTER_CLIENT_ID: 'x',
    });
    expect(publicLoginConfig(settings)).toEqual({
      otp: { email: true, whatsapp: false },
      google: expect.objectContaining({ clientId: 'g' }),
    });
    expect(settings.twitterExchange).toBeUndefined();
  });

  test('local: every provider defaults to the emulator stand-in and its development client', () => {
    const settings = read({}, 'local');
    expect(publicLoginConfig({ ...settings, publicUrl: 'http://127.0.0.1:8791' })).toEqual({
      otp: { email: true, whatsapp: true },
      google: {
        clientId: GOOGLE_DEV_CLIENT_ID,
        authorizeUrl: 'http://127.0.0.1:8790/idp/google/authorize',
        issuer: 'http://127.0.0.1:8790/idp/google',
      },
      apple: {
        clientId: APPLE_DEV_CLIENT_ID,
        authorizeUrl: 'http://127.0.0.1:8790/idp/apple/auth/authorize',
        issuer: 'http://127.0.0.1:8790/idp/apple',
        relayUrl: 'http://127.0.0.1:8791/v1/oauth/apple/callback',
      },
      twitter: {
        clientId: X_DEV_CLIENT_ID,
        authorizeUrl: 'http://127.0.0.1:8790/idp/x/i/oauth2/authorize',
        scope: 'users.read tweet.read',
      },
      clientJwt: { loginUrl: 'http://127.0.0.1:8790/app/okto/extension-login', label: EXAMPLE_APP_LABEL },
    });
    expect(settings.twitterExchange?.tokenUrl).toBe('http://127.0.0.1:8790/idp/x/2/oauth2/token');
    expect(settings.publicUrl).toBeUndefined();
  });

  test("the companion's copy of the development clients is the emulator's", () => {
    expect(LOCAL_LOGIN_DEFAULTS).toMatchObject({
      googleClientId: GOOGLE_DEV_CLIENT_ID,
      appleClientId: APPLE_DEV_CLIENT_ID,
      twitterClientId: X_DEV_CLIENT_ID,
      clientJwtLabel: EXAMPLE_APP_LABEL,
    });
  });

  test.each([
    [{ COMPANION_LOGIN_METHODS: 'email,x' }, /COMPANION_LOGIN_METHODS lists "x"/],
    [
      { COMPANION_LOGIN_METHODS: 'google' },
      /COMPANION_GOOGLE_CLIENT_ID is missing: COMPANION_LOGIN_METHODS lists google/,
    ],
    [{ COMPANION_LOGIN_METHODS: 'client_jwt' }, /COMPANION_CLIENT_JWT_LOGIN_URL is missing/],
    [{ COMPANION_APPLE_CLIENT_ID: 'a' }, /COMPANION_PUBLIC_URL is missing: Apple sign-in/],
    [
      { COMPANION_GOOGLE_ISSUER: 'https://accounts.google.com' },
      /COMPANION_GOOGLE_CLIENT_ID is missing: COMPANION_GOOGLE_ISSUER is set/,
    ],
    [
      { COMPANION_CLIENT_JWT_LABEL: 'Example' },
      /COMPANION_CLIENT_JWT_LOGIN_URL is missing: set .* both, or neither/,
    ],
    [{ COMPANION_GOOGLE_CLIENT_ID: 'has space' }, /COMPANION_GOOGLE_CLIENT_ID is malformed/],
    [
      { COMPANION_GOOGLE_CLIENT_ID: 'g', COMPANION_GOOGLE_AUTHORIZE_URL: 'http://evil.example/auth' },
      /COMPANION_GOOGLE_AUTHORIZE_URL is "http:\/\/evil.example\/auth"/,
    ],
    [
      { COMPANION_GOOGLE_CLIENT_ID: 'g', COMPANION_GOOGLE_AUTHORIZE_URL: 'https://a.example/auth#x' },
      /without a fragment/,
    ],
    [{ COMPANION_PUBLIC_URL: 'https://c.example/?a=1' }, /COMPANION_PUBLIC_URL must be a plain base URL/],
    [
      { COMPANION_TWITTER_CLIENT_ID: 'x', COMPANION_TWITTER_SCOPE: 'users.read  tweet.read' },
      /COMPANION_TWITTER_SCOPE is/,
    ],
    [
      { COMPANION_CLIENT_JWT_LOGIN_URL: 'https://a.example/l', COMPANION_CLIENT_JWT_LABEL: 'x'.repeat(41) },
      /COMPANION_CLIENT_JWT_LABEL is malformed/,
    ],
  ])('refuses %o', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  test('never repeats the X client secret in a refusal', () => {
    const message = refusal({
      COMPANION_TWITTER_CLIENT_ID: 'x',
      COMPANION_TWITTER_CLIENT_SECRET: 'top secret',
    });
    expect(message).toMatch(/COMPANION_TWITTER_CLIENT_SECRET is malformed/);
    expect(message).not.toContain('top secret');
  });
});

test('isLoginUrl: https, or http on loopback only; no fragment or credentials', () => {
  expect(isLoginUrl('https://accounts.google.com')).toBe(true);
  expect(isLoginUrl('http://127.0.0.1:8790/idp/google')).toBe(true);
  expect(isLoginUrl('http://[::1]:8790/x')).toBe(true);
  expect(isLoginUrl('http://localhost/x')).toBe(true);
  expect(isLoginUrl('http://example.com/x')).toBe(false);
  expect(isLoginUrl('https://a.example/x#')).toBe(false);
  expect(isLoginUrl('https://u:p@a.example/x')).toBe(false);
  expect(isLoginUrl('/relative')).toBe(false);
  expect(isLoginUrl('javascript:alert(1)')).toBe(false);
});

test('only allowed chrome-extension ids get redirects, for the named provider', () => {
  const id = 'abcdefghijklmnopabcdefghijklmnop';
  const ids = allowedExtensionIds([`chrome-extension://${id}`, 'https://app.example', 'moz-extension://abc']);
  expect([...ids]).toEqual([id]);
  expect(extensionOfRedirect(`https://${id}.chromiumapp.org/twitter`, 'twitter', ids)).toBe(id);
  expect(extensionOfRedirect(`https://${id}.chromiumapp.org/google`, 'twitter', ids)).toBeUndefined();
  expect(extensionOfRedirect(`https://${id}.chromiumapp.org/twitter/`, 'twitter', ids)).toBeUndefined();
  expect(
    extensionOfRedirect(`https://${'p'.repeat(32)}.chromiumapp.org/twitter`, 'twitter', ids),
  ).toBeUndefined();
});
