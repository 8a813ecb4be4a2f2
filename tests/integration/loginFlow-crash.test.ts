import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginFlow } from '../../src/background/loginFlow.ts';
import { type KeyValueStore, memoryStore, type StoreWrite } from '../../src/background/store.ts';
import { createTokenLedger } from '../../src/background/tokenLedger.ts';
import { createVault } from '../../src/background/vault.ts';
import { fetchWithReconnect, type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { DEV_EXTENSION_ID } from '../../src/extensionId.ts';
import type { LoginView } from '../../src/messages/login.ts';
import { createTestIdentity } from './webAuthFlow.ts';

// Crash consistency of the login state machine (review finding F13): the worker is "killed" at every
// write of a logout, a session end and a login, with that write either lost or committed, and a new
// worker starts over the same store. Whatever the kill point, the user never sees "signed in" without a
// working key, a signed-out or expired state holds no secret, and a failed registration holds no
// session key. Chrome may stop a service worker at any moment, so this is what users rely on.

let stack: LocalStack;
let counter = 0;

beforeAll(async () => {
  stack = await startLocalStack({ relaxedLimits: true });
});
afterAll(async () => {
  await stack?.close();
});

class WorkerKilled extends Error {}

/** A store that dies at its `killAt`-th write (1-based): the write is lost or committed, then every call fails. */
function dyingStore(base: KeyValueStore, killAt: number, mode: 'lost' | 'committed') {
  let writes = 0;
  let dead = false;
  const guard = () => {
    if (dead) throw new WorkerKilled('the worker is gone');
  };
  const writeOnce = async (apply: () => Promise<void>) => {
    guard();
    writes++;
    if (writes === killAt) {
      dead = true;
      if (mode === 'committed') await apply();
      throw new WorkerKilled(`killed at write #${writes}`);
    }
    await apply();
  };
  const store: KeyValueStore = {
    get: async (key) => {
      guard();
      return base.get(key);
    },
    getMany: async (keys) => {
      guard();
      return base.getMany(keys);
    },
    set: (key, value) => writeOnce(() => base.set(key, value)),
    delete: (key) => writeOnce(() => base.delete(key)),
    write: (batch: readonly StoreWrite[]) => writeOnce(() => base.write(batch)),
  };
  return { store, writes: () => writes, killed: () => dead };
}

function worker(store: KeyValueStore): LoginFlow {
  return new LoginFlow({
    store,
    vault: createVault(store),
    ledger: createTokenLedger({ store, now: () => stack.now() }),
    now: () => stack.now(),
    fetch: fetchWithReconnect,
    timeoutMs: 3000,
    // Provider sign-ins through the emulator's stand-ins (set to approve at once, so no window waits).
    identity: createTestIdentity(DEV_EXTENSION_ID).identity,
    log: () => {},
  });
}

const stepIn = (map: Map<string, unknown>) => (map.get('login/state') as { step?: string } | undefined)?.step;

async function signIn(flow: LoginFlow): Promise<void> {
  await flow.saveSettings(
    { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
    true,
  );
  const email = `crash-${Date.now()}-${++counter}@example.com`;
  await flow.sendCode({ method: 'email', email });
  const view = (await flow.verifyCode(await stack.latestCode(email))).view;
  expect(view.step).toBe('signedIn');
}

/** The secrets in the store, by name. */
function secretsIn(map: Map<string, unknown>): string[] {
  return [...map.keys()].filter((k) => k.startsWith('vault/secret/')).map((k) => k.slice(13));
}

/** What a worker started after the kill sees, and whether its invariants hold. */
async function afterRestart(map: Map<string, unknown>): Promise<{ view: LoginView; secrets: string[] }> {
  const flow = worker(memoryStore(map));
  const view = await flow.resume();
  const secrets = secretsIn(map);
  if (view.step === 'signedIn') {
    const minted = await flow.mintAuthToken(60);
    expect(minted.authToken.length).toBeGreaterThan(100);
    expect(secrets).toContain('sessionKey');
  }
  if (view.step === 'signedOut' || view.step === 'expired') expect(secrets).toEqual([]);
  if (view.step === 'failed') expect(secrets).not.toContain('sessionKey');
  return { view, secrets };
}

/** Runs `action` on a signed-in worker killed at each write in turn, until an action completes unkilled. */
async function killAtEveryWrite(
  action: (flow: LoginFlow) => Promise<unknown>,
  check: (outcome: { view: LoginView; secrets: string[] }, killAt: number) => void,
): Promise<number> {
  for (let killAt = 1; killAt < 20; killAt++) {
    for (const mode of ['lost', 'committed'] as const) {
      const map = new Map<string, unknown>();
      await signIn(worker(memoryStore(map)));
      const dying = dyingStore(memoryStore(map), killAt, mode);
      await action(worker(dying.store)).catch((error: unknown) => {
        if (!(error instanceof WorkerKilled)) throw error;
      });
      if (!dying.killed()) return killAt - 1;
      check(await afterRestart(map), killAt);
    }
  }
  throw new Error('the action never completed');
}

describe('crash consistency (F13)', () => {
  it('a logout killed at any write comes back signed out with no secret, or signed in with a working key', async () => {
    const writes = await killAtEveryWrite(
      (flow) => flow.logout(),
      ({ view }) => expect(['signedOut', 'signedIn']).toContain(view.step),
    );
    expect(writes).toBeGreaterThan(0);
  });

  it('a session that ends (expiry) killed at any write never leaves a key behind', async () => {
    await killAtEveryWrite(
      async (flow) => {
        await stack.advanceClock(10 * 86_400 + 1); // past the 10-day session
        return flow.checkSession();
      },
      ({ view }) => expect(['signedIn', 'expired']).toContain(view.step),
    );
  });

  it('a login killed at any write leaves a step the user can go on from, never signed in without its key', async () => {
    for (let killAt = 1; killAt < 20; killAt++) {
      let completed = false;
      for (const mode of ['lost', 'committed'] as const) {
        const map = new Map<string, unknown>();
        const setup = worker(memoryStore(map));
        await setup.saveSettings(
          { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
          true,
        );
        const email = `crash-login-${Date.now()}-${++counter}@example.com`;
        await setup.sendCode({ method: 'email', email });
        const code = await stack.latestCode(email);
        const dying = dyingStore(memoryStore(map), killAt, mode);
        await worker(dying.store)
          .verifyCode(code)
          .catch((error: unknown) => {
            if (!(error instanceof WorkerKilled)) throw error;
          });
        if (!dying.killed()) {
          completed = true;
          break;
        }
        const { view } = await afterRestart(map);
        expect(['codeSent', 'failed', 'signedIn']).toContain(view.step);
        // From a failed registration, Try again finishes the login.
        if (view.step === 'failed') {
          const retried = await worker(memoryStore(map)).retry();
          expect(retried.view.step).toBe('signedIn');
          await afterRestart(map);
        }
      }
      if (completed) return;
    }
    throw new Error('the login never completed');
  });

  for (const provider of ['google', 'twitter'] as const)
    it(`a ${provider} sign-in killed at any write ends interrupted or failed with no secret kept, or signed in with its key`, async () => {
      for (let killAt = 1; killAt < 20; killAt++) {
        let completed = false;
        for (const mode of ['lost', 'committed'] as const) {
          const map = new Map<string, unknown>();
          await worker(memoryStore(map)).saveSettings(
            { environment: 'local', localBaseUrl: stack.emulatorUrl, companionUrl: stack.companionUrl },
            true,
          );
          await stack.setIdpAnswer({
            provider,
            next: 'approve',
            account: `crash-${provider}-${++counter}@example.com`,
          });
          const dying = dyingStore(memoryStore(map), killAt, mode);
          await worker(dying.store).startProvider(provider);
          // The window's result is taken asynchronously: wait for the kill, or for the end of the flow.
          await expect
            .poll(() => dying.killed() || stepIn(map) === 'signedIn' || stepIn(map) === 'failed')
            .toBe(true);
          if (!dying.killed()) {
            expect(stepIn(map)).toBe('signedIn');
            // Killed at each of: waiting for the provider, registering (with the token), signed in.
            expect(killAt).toBeGreaterThanOrEqual(4);
            completed = true;
            break;
          }
          const { view, secrets } = await afterRestart(map);
          expect(['signedOut', 'failed', 'signedIn']).toContain(view.step);
          if (view.step === 'failed') {
            expect(secrets).toEqual([]); // a provider's token is never kept for a retry
            // Try again is a new sign-in, which finishes.
            await stack.setIdpAnswer({ provider, next: 'approve' });
            const again = worker(memoryStore(map));
            expect((await again.retry()).view.step).toBe('waitingForProvider');
            await expect.poll(() => stepIn(map)).toBe('signedIn');
            await afterRestart(map);
          }
        }
        if (completed) return;
      }
      throw new Error('the sign-in never completed');
    });

  it('a session whose key is missing or unreadable ends with a clear notice instead of staying "signed in"', async () => {
    for (const damage of ['missing', 'unreadable'] as const) {
      const map = new Map<string, unknown>();
      await signIn(worker(memoryStore(map)));
      if (damage === 'missing') map.delete('vault/secret/sessionKey');
      else map.delete('vault/key'); // a new key is made: the sealed secret no longer decrypts
      const flow = worker(memoryStore(map));
      const view = await flow.resume();
      expect(view).toMatchObject({
        step: 'expired',
        notice: expect.stringMatching(/session key .*Log in again/),
      });
      expect(secretsIn(map)).toEqual([]);
      await expect(flow.mintAuthToken(60)).rejects.toThrow(/Log in/);
    }
  });
});
