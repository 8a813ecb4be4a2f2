import { createStore, del, get, getMany, promisifyRequest, set, type UseStore } from 'idb-keyval';

/** One write of a {@link KeyValueStore.write} batch: a value to store, or a key to delete. */
export type StoreWrite = { key: string; value: unknown } | { key: string; delete: true };

/** A small async key-value store; the worker keeps all its state in one, so it survives being stopped. */
export type KeyValueStore = {
  get<value>(key: string): Promise<value | undefined>;
  /** Several values read at once (one transaction): what a cold worker needs first, in one round trip. */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Applies every write or none (one transaction), so a worker stopped mid-way never leaves half of a
   * change behind: e.g. "signed in" without its session key, or "signed out" with the key still there.
   */
  write(writes: readonly StoreWrite[]): Promise<void>;
};

/** The worker's IndexedDB store (idb-keyval), one database for all extension state. */
export function idbStore(dbName = 'okto-login', storeName = 'state'): KeyValueStore {
  const store: UseStore = createStore(dbName, storeName);
  return {
    get: (key) => get(key, store),
    getMany: (keys) => getMany([...keys], store),
    set: (key, value) => set(key, value, store),
    delete: (key) => del(key, store),
    write: (writes) =>
      store('readwrite', (objectStore) => {
        for (const w of writes) {
          if ('delete' in w) objectStore.delete(w.key);
          else objectStore.put(w.value, w.key);
        }
        return promisifyRequest(objectStore.transaction);
      }),
  };
}

/** A {@link KeyValueStore} in memory, for tests and tools; values are structured-cloned like IndexedDB's. */
export function memoryStore(map = new Map<string, unknown>()): KeyValueStore {
  return {
    get: async <value>(key: string) => structuredClone(map.get(key)) as value | undefined,
    getMany: async (keys) => keys.map((key) => structuredClone(map.get(key))),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    delete: async (key) => void map.delete(key),
    write: async (writes) => {
      for (const w of writes) {
        if ('delete' in w) map.delete(w.key);
        else map.set(w.key, structuredClone(w.value));
      }
    },
  };
}
