import type { KeyValueStore, StoreWrite } from './store.ts';

// Secrets (the session private key, Okto's id token while a login completes) are stored encrypted
// with AES-GCM under a key that Web Crypto generated as non-extractable. That CryptoKey is kept in the
// same IndexedDB (structured clone keeps it non-extractable), so a copy of the profile's files holds
// ciphertext and an opaque key handle, never the secret in plain text.

const KEY_NAME = 'vault/key';
const SECRET_PREFIX = 'vault/secret/';

type Sealed = { iv: Uint8Array<ArrayBuffer>; ciphertext: ArrayBuffer };

/** Encrypted storage for the worker's secrets. */
export type Vault = {
  seal(name: string, secret: string): Promise<void>;
  /**
   * The store write that seals `secret`, for a batch that must land with it or not at all
   * (`KeyValueStore.write`): e.g. the session key together with the "signed in" state.
   */
  sealing(name: string, secret: string): Promise<StoreWrite>;
  /** The secret, `undefined` if none is stored; throws if it cannot be decrypted (damaged or foreign). */
  open(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
  /** The store write that removes a secret, for a batch. */
  removing(name: string): StoreWrite;
};

/** A vault over a key-value store; the AES key is created on first use. */
export function createVault(store: KeyValueStore): Vault {
  let keyPromise: Promise<CryptoKey> | undefined;

  function encryptionKey(): Promise<CryptoKey> {
    keyPromise ??= (async () => {
      const existing = await store.get<CryptoKey>(KEY_NAME);
      if (existing) return existing;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]);
      await store.set(KEY_NAME, key);
      return key;
    })();
    keyPromise.catch(() => {
      keyPromise = undefined;
    });
    return keyPromise;
  }

  async function sealing(name: string, secret: string): Promise<StoreWrite> {
    const key = await encryptionKey();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) },
      key,
      new TextEncoder().encode(secret),
    );
    return { key: SECRET_PREFIX + name, value: { iv, ciphertext } satisfies Sealed };
  }

  return {
    async seal(name, secret) {
      await store.write([await sealing(name, secret)]);
    },
    sealing,
    async open(name) {
      // One read for the sealed secret and the key: a stopped worker's first token waits on this.
      const [sealed, storedKey] = (await store.getMany([SECRET_PREFIX + name, KEY_NAME])) as [
        Sealed | undefined,
        CryptoKey | undefined,
      ];
      if (!sealed) return undefined;
      if (storedKey) keyPromise ??= Promise.resolve(storedKey);
      const key = await encryptionKey();
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(name) },
        key,
        sealed.ciphertext,
      );
      return new TextDecoder().decode(plain);
    },
    remove: (name) => store.delete(SECRET_PREFIX + name),
    removing: (name) => ({ key: SECRET_PREFIX + name, delete: true }),
  };
}
