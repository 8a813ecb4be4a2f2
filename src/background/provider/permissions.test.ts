import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store.ts';
import { createPermissions, type PermissionsChange } from './permissions.ts';

const alice = '0x1111111111111111111111111111111111111111';
const bob = '0x2222222222222222222222222222222222222222';

describe('site permissions', () => {
  it('remembers an approved origin with the date it was approved, until revoked', async () => {
    const store = memoryStore();
    const permissions = createPermissions({ store, now: () => 1_700_000_000_000 });
    await permissions.claimFor(alice);
    await permissions.grant('https://app.example');
    const reopened = createPermissions({ store });
    expect(await reopened.isConnected('https://app.example')).toBe(true);
    expect(await reopened.list()).toEqual([{ origin: 'https://app.example', approvedAt: 1_700_000_000_000 }]);
    expect(await reopened.revoke('https://app.example')).toBe(true);
    expect(await reopened.isConnected('https://app.example')).toBe(false);
  });

  it('treats origins as exact: another port or scheme is another site', async () => {
    const permissions = createPermissions({ store: memoryStore() });
    await permissions.grant('http://127.0.0.1:8080');
    expect(await permissions.isConnected('http://127.0.0.1:8081')).toBe(false);
    expect(await permissions.isConnected('https://127.0.0.1:8080')).toBe(false);
    expect(await permissions.isConnected('http://localhost:8080')).toBe(false);
  });

  it('loses no approval when several are granted at once', async () => {
    const permissions = createPermissions({ store: memoryStore() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => permissions.grant(`https://s${i}.example`)));
    expect(await permissions.list()).toHaveLength(20);
  });

  it('drops the approvals of another user when a different user logs in, and tells listeners', async () => {
    const permissions = createPermissions({ store: memoryStore() });
    const changes: PermissionsChange[] = [];
    permissions.subscribe((change) => changes.push(change));
    await permissions.claimFor(alice);
    await permissions.grant('https://a.example');
    await permissions.claimFor(alice.toUpperCase().replace('0X', '0x') as typeof alice);
    expect(await permissions.isConnected('https://a.example')).toBe(true);
    await permissions.claimFor(bob);
    expect(await permissions.list()).toEqual([]);
    expect(changes).toEqual([
      { kind: 'granted', origin: 'https://a.example' },
      { kind: 'revoked', origins: ['https://a.example'] },
    ]);
  });

  it('ignores a corrupt stored record instead of failing', async () => {
    const store = memoryStore();
    await store.set('provider/permissions', { sites: 'nonsense' });
    expect(await createPermissions({ store }).list()).toEqual([]);
  });
});
