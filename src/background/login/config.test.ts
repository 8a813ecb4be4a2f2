import { describe, expect, it } from 'vitest';
import { readLoginMethods, toMethodsView } from './config.ts';

const full = {
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
};

describe("/v1/config's login", () => {
  it('offers every method present, in the order Google, Apple, X, the app, then the codes', () => {
    expect(toMethodsView(readLoginMethods(full))).toEqual({
      providers: [
        { provider: 'google', label: 'Google' },
        { provider: 'apple', label: 'Apple' },
        { provider: 'twitter', label: 'X' },
        { provider: 'client_jwt', label: 'Example' },
      ],
      otp: { email: true, whatsapp: true },
    });
  });

  it('a companion that predates login methods offers both codes; a false flag hides one', () => {
    expect(readLoginMethods(undefined)).toEqual({ otp: { email: true, whatsapp: true } });
    expect(readLoginMethods({ otp: { email: true, whatsapp: false } }).otp).toEqual({
      email: true,
      whatsapp: false,
    });
  });

  it('hides a malformed method and says why; ignores unknown keys', () => {
    const warnings: string[] = [];
    const methods = readLoginMethods(
      {
        ...full,
        google: { ...full.google, authorizeUrl: 'http://accounts.google.com/auth' },
        apple: { ...full.apple, relayUrl: 'https://c.example.com/cb#x' },
        twitter: { ...full.twitter, clientId: 'has space' },
        clientJwt: { ...full.clientJwt, label: 'x'.repeat(41) },
        facebook: { clientId: 'x' },
      },
      (reason) => warnings.push(reason),
    );
    expect(toMethodsView(methods).providers).toEqual([]);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/google has no authorizeUrl that is an absolute https:\/\/ URL/);
  });

  it('allows http only on this computer', () => {
    const local = {
      ...full.google,
      authorizeUrl: 'http://127.0.0.1:8790/idp/google/authorize',
      issuer: 'http://localhost:8790/idp/google',
    };
    expect(readLoginMethods({ otp: full.otp, google: local }).google).toEqual(local);
    expect(
      readLoginMethods({ otp: full.otp, google: { ...local, issuer: 'http://10.0.0.1/idp' } }).google,
    ).toBeUndefined();
  });
});
