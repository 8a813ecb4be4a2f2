import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoginFlow } from '../../src/background/loginFlow.ts';
import { idbStore } from '../../src/background/store.ts';
import { createVault } from '../../src/background/vault.ts';
import { fetchWithReconnect, type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import type { AccountView, OtpContact as Contact, LoginView } from '../../src/messages/login.ts';
import { createOktoClient } from '../../src/okto/client.ts';
import { sessionKeyFromPrivateKey } from '../../src/okto/sessionKey.ts';

// The worker's login state machine in node, against the real emulator and companion on loopback.
// A "worker restart" is a new LoginFlow over the same IndexedDB: nothing survives but what was stored.

let stack: LocalStack;
let dbCounter = 0;
let dbName: string;
const now = () => stack.now();

function newWorker(fetch: typeof globalThis.fetch = fetchWithReconnect): LoginFlow {
  const store = idbStore(dbName);
  return new LoginFlow({ store, vault: createVault(store), now, fetch, timeoutMs: 3000 });
}

/** A `fetch` whose requests to a path fail like a dropped connection while `failing.on` is true. */
function fetchFailing(path: string) {
  const failing = { on: true, calls: 0 };
  const fetch: typeof globalThis.fetch = (input, init) => {
    if (failing.on && String(input).endsWith(path)) {
      failing.calls++;
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    return fetchWithReconnect(input, init);
  };
  return { fetch, failing };
}

async function setUp(flow: LoginFlow): Promise<void> {
  const settings = {
    environment: 'local' as const,
    localBaseUrl: stack.emulatorUrl,
    companionUrl: stack.companionUrl,
  };
  expect((await flow.saveSettings(settings, true)).ok).toBe(true);
}

/** A worker pointed at the stack, with a user logged in by email. */
async function signedInWorker(): Promise<LoginFlow> {
  const flow = newWorker();
  await setUp(flow);
  const contact = email();
  await flow.sendCode(contact);
  step((await flow.verifyCode(await stack.latestCode(to(contact)))).view, 'signedIn');
  return flow;
}

const email = (): Contact => ({ method: 'email', email: `user${++dbCounter}-${Date.now()}@example.com` });
const to = (c: Contact) => (c.method === 'email' ? c.email : `+91${c.whatsappNumber}`);

function step<s extends LoginView['step']>(view: LoginView, s: s): Extract<LoginView, { step: s }> {
  expect(view.step).toBe(s);
  return view as Extract<LoginView, { step: s }>;
}

beforeAll(async () => {
  stack = await startLocalStack({ relaxedLimits: true });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  dbName = `okto-test-${++dbCounter}`;
});

describe('login flow', () => {
  it('logs in by email, and the minted token passes verify-session with the same wallet', async () => {
    const flow = newWorker();
    await setUp(flow);
    const contact = email();
    step((await flow.sendCode(contact)).view, 'codeSent');
    const signedIn = step((await flow.verifyCode(await stack.latestCode(to(contact)))).view, 'signedIn');
    expect(signedIn.account.userSWA).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(signedIn.account.environment).toBe('local');

    const { authToken } = await flow.mintAuthToken(600);
    const info = await createOktoClient({ baseUrl: stack.emulatorUrl }).verifySession(authToken);
    expect(info.user_swa).toBe(signedIn.account.userSWA);
    expect(info.client_swa).toBe(signedIn.account.clientSWA);
  });

  it('logs in by WhatsApp with a number of any country', async () => {
    const flow = newWorker();
    await setUp(flow);
    const contact: Contact = { method: 'whatsapp', countryShortName: 'US', whatsappNumber: '2015550123' };
    step((await flow.sendCode(contact)).view, 'codeSent');
    step((await flow.verifyCode(await stack.latestCode('+12015550123'))).view, 'signedIn');
  });

  it('counts wrong codes down and says how many attempts are left', async () => {
    const flow = newWorker();
    await setUp(flow);
    const contact = email();
    await flow.sendCode(contact);
    const code = await stack.latestCode(to(contact));
    const wrong = code === '000000' ? '111111' : '000000';
    const response = await flow.verifyCode(wrong);
    expect(response.ok).toBe(false);
    const view = step(response.view, 'codeSent');
    expect(view.attemptsLeft).toBe(4);
    expect(view.error?.message).toBe('That code is not right. 4 attempts left.');
    step((await flow.verifyCode(code)).view, 'signedIn');
  });

  it('refuses a code that expired on the server', async () => {
    const flow = newWorker();
    await setUp(flow);
    const contact = email();
    await flow.sendCode(contact);
    const code = await stack.latestCode(to(contact));
    await stack.advanceClock(301);
    const response = await flow.verifyCode(code);
    expect(response).toMatchObject({ ok: false, error: { code: 'otp_expired' } });
    expect(step(response.view, 'codeSent').error?.message).toMatch(/expired after 5 minutes/);
  });

  it('resends only after the 30 s cooldown, and then the old code is refused', async () => {
    const flow = newWorker();
    await setUp(flow);
    const contact = email();
    await flow.sendCode(contact);
    const first = await stack.latestCode(to(contact));
    expect(await flow.resendCode()).toMatchObject({ ok: false, error: { code: 'resend_cooldown' } });
    await stack.advanceClock(31);
    expect((await flow.resendCode()).ok).toBe(true);
    const second = await stack.latestCode(to(contact));
    expect((await stack.outbox(to(contact))).length).toBe(2);
    expect(second).not.toBe(first);
    expect(await flow.verifyCode(first)).toMatchObject({ error: { code: 'invalid_otp' } });
    step((await flow.verifyCode(second)).view, 'signedIn');
  });

  it('continues after a worker restart between sending and verifying, and after login', async () => {
    const contact = email();
    const before = newWorker();
    await setUp(before);
    await before.sendCode(contact);
    const code = await stack.latestCode(to(contact));

    const after = newWorker();
    const resumed = step(await after.resume(), 'codeSent');
    expect(resumed.contact).toEqual(contact);
    const signedIn = step((await after.verifyCode(code)).view, 'signedIn');

    const third = newWorker();
    expect(step(await third.resume(), 'signedIn').account).toEqual(signedIn.account);
    const { authToken } = await third.mintAuthToken(60);
    const info = await createOktoClient({ baseUrl: stack.emulatorUrl }).verifySession(authToken);
    expect(info.user_swa).toBe(signedIn.account.userSWA);
  });

  it('a failed session registration is shown, never retried by itself, and succeeds when the user retries', async () => {
    const { fetch, failing } = fetchFailing('/api/oc/v1/authenticate');
    const flow = newWorker(fetch);
    await setUp(flow);
    const contact = email();
    await flow.sendCode(contact);
    const response = await flow.verifyCode(await stack.latestCode(to(contact)));
    expect(response).toMatchObject({ ok: false, error: { code: 'okto_network' } });
    expect(step(response.view, 'failed').contact).toEqual(contact);
    expect(failing.calls).toBe(1);
    failing.on = false;
    step((await flow.retry()).view, 'signedIn');
  });

  it('a worker stopped while registering resumes as failed, and the user can finish', async () => {
    const { fetch } = fetchFailing('/api/oc/v1/authenticate');
    const hanging: typeof globalThis.fetch = (input, init) =>
      String(input).endsWith('/api/oc/v1/authenticate') ? new Promise(() => {}) : fetch(input, init);
    const before = newWorker(hanging);
    await setUp(before);
    const contact = email();
    await before.sendCode(contact);
    void before.verifyCode(await stack.latestCode(to(contact)));
    await expect.poll(async () => (await before.view()).step).toBe('registering');

    const after = newWorker(); // the old worker is gone mid-request
    const resumed = step(await after.resume(), 'failed');
    expect(resumed.error.message).toBe('Setting up your session was interrupted. Try again.');
    step((await after.retry()).view, 'signedIn');
  });

  it('reports a companion that is down, then succeeds once it is back', async () => {
    const flow = newWorker();
    await setUp(flow);
    await stack.stopCompanion();
    const response = await flow.sendCode(email());
    expect(response).toMatchObject({ ok: false, error: { code: 'companion_unreachable' } });
    expect(response).toMatchObject({
      error: {
        message: expect.stringMatching(/Could not reach the signing service at http:\/\/127\.0\.0\.1:\d+/),
      },
    });
    step(response.view, 'signedOut');
    await stack.startCompanion();
    const contact = email();
    step((await flow.sendCode(contact)).view, 'codeSent');
  });

  it('ends the session cleanly when its 10 days are over', async () => {
    const flow = await signedInWorker();
    await stack.advanceClock(864_001);
    const expired = step((await flow.checkSession()).view, 'expired');
    expect(expired.notice).toMatch(/Your Okto session ended on .+\. Log in again\./);
    await expect(flow.mintAuthToken()).rejects.toThrow(/Log in/);
  });

  it('ends the session cleanly when Okto no longer accepts it', async () => {
    const flow = await signedInWorker();
    // The emulator keeps sessions in memory: after a restart it knows none.
    await stack.stopEmulator();
    await stack.startEmulator();
    const expired = step((await flow.checkSession()).view, 'expired');
    expect(expired.notice).toMatch(/^Okto no longer accepts this session \(.+\)\. Log in again\.$/);
    await expect(flow.mintAuthToken()).rejects.toThrow(/Log in/);
  });

  it('keeps the session when Okto cannot be reached, and says so', async () => {
    const flow = await signedInWorker();
    await stack.stopEmulator();
    const response = await flow.checkSession();
    expect(response).toMatchObject({ ok: false, error: { code: 'okto_network' } });
    step(response.view, 'signedIn');
    await stack.startEmulator();
  });

  it('stores the session key only encrypted, and deletes it on logout', async () => {
    const flow = await signedInWorker();
    const account = (await flow.account()) as AccountView;
    const dump = await dumpDatabase(dbName);
    // Any 32-byte hex string stored anywhere must not be the session private key.
    for (const [, candidate] of dump.matchAll(/(?=([0-9a-f]{64}))/gi)) {
      let publicKey: string | undefined;
      try {
        publicKey = sessionKeyFromPrivateKey(`0x${candidate}`).publicKey;
      } catch {
        // Not a valid secp256k1 scalar: not a key.
      }
      expect(publicKey).not.toBe(account.sessionPublicKey);
    }
    expect(dump).toContain('vault/secret/sessionKey');
    step((await flow.logout()).view, 'signedOut');
    expect(await dumpDatabase(dbName)).not.toContain('vault/secret/sessionKey');
  });
});

/** Every key and value of a database, serialised (byte arrays as hex), for leak checks. */
async function dumpDatabase(name: string): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction('state', 'readonly');
  const store = tx.objectStore('state');
  const [keys, values] = await Promise.all(
    [store.getAllKeys(), store.getAll()].map(
      (r) => new Promise<unknown[]>((resolve) => (r.onsuccess = () => resolve(r.result as unknown[]))),
    ),
  );
  db.close();
  return JSON.stringify({ keys, values }, (_, value) => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value))
      return Buffer.from(value instanceof ArrayBuffer ? value : value.buffer).toString('hex');
    return value;
  });
}
