import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { type RandomBytes, randomHex } from '../random.ts';

// The signing keys of the Google-like and Apple-like issuers: one RS256 2048-bit key each, made when the
// emulator starts and replaced by `POST /__emulator/idp {"rotateKeys": …}`. Their public halves are the
// issuers' JWKS. Nothing is kept on disk: a restart makes new keys and new `kid`s.

/** One public key as a JWKS lists it, in the key order Google and Apple answer with. */
export type PublicRsaJwk = { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };

/** The `kid` of each issuer: Google's are 40 hex digits, Apple's 10 letters and digits. */
export type KidFormat = 'hex40' | 'alnum10';

export type IssuerKeys = {
  /** The JWKS document of the issuer: its current key only. */
  jwks(): Promise<{ keys: PublicRsaJwk[] }>;
  /** A compact RS256 JWS over `claims` with the header `header` (given without `alg` and `kid`, which are added). */
  sign(claims: JWTPayload, header: 'google' | 'apple'): Promise<string>;
  /** Replaces the key and its `kid`; answers the new `kid`. */
  rotate(): Promise<string>;
};

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: PublicRsaJwk };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function newKid(format: KidFormat, randomBytes: RandomBytes): string {
  if (format === 'hex40') return randomHex(randomBytes, 20);
  // 248 = 4 × 62: rejection sampling keeps every character equally likely.
  let kid = '';
  while (kid.length < 10)
    for (const byte of randomBytes(16)) if (byte < 248 && kid.length < 10) kid += ALNUM[byte % 62];
  return kid;
}

async function makeKey(format: KidFormat, randomBytes: RandomBytes): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const { n, e } = await exportJWK(publicKey);
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('RSA public key without n or e');
  const kid = newKid(format, randomBytes);
  return { kid, privateKey, publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } };
}

/**
 * An issuer's key, made at once (in the background: the first use waits for it).
 * @example
 * const keys = createIssuerKeys({ kidFormat: 'hex40', randomBytes: cryptoRandomBytes });
 * const idToken = await keys.sign({ iss, sub, aud, iat, exp }, 'google');
 */
export function createIssuerKeys({
  kidFormat,
  randomBytes,
}: {
  kidFormat: KidFormat;
  randomBytes: RandomBytes;
}): IssuerKeys {
  let current = makeKey(kidFormat, randomBytes);
  // A failed generation must not become an unhandled rejection before anyone asks for the key.
  current.catch(() => {});
  return {
    async jwks() {
      return { keys: [(await current).publicJwk] };
    },
    async sign(claims, header) {
      const { kid, privateKey } = await current;
      // The header fields in the order each provider writes them (okto-social-login.md §3.1, §3.2).
      const protectedHeader = header === 'google' ? { alg: 'RS256', kid, typ: 'JWT' } : { kid, alg: 'RS256' };
      return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(privateKey);
    },
    async rotate() {
      const next = makeKey(kidFormat, randomBytes);
      await next;
      current = next;
      return (await next).kid;
    },
  };
}
