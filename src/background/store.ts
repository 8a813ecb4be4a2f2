import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/** A small async key-value store; the worker keeps all its state in one, so it survives being stopped. */
export type KeyValueStore = {
  get<value>(key: string): Promise<value | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
};

/** The worker's IndexedDB store (idb-keyval), one database for all extension state. */
export function idbStore(dbName = 'okto-login', storeName = 'state'): KeyValueStore {
  const store: UseStore = createStore(dbName, storeName);
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    delete: (key) => del(key, store),
  };
}
