import * as v from 'valibot';
import browser from 'webextension-polyfill';
import {
  ACTIVITY_LIMIT,
  DEVTOOLS_PORT,
  type DevtoolsPortMessage,
  type DevtoolsPortRequest,
  DevtoolsRequestSchema,
  isDevtoolsRequest,
} from '../messages/devtools.ts';
import { LoginRequestSchema, type LoginView, type LoginViewChanged } from '../messages/login.ts';
import { isWalletRequest, type WalletChanged } from '../messages/wallet.ts';
import { createActivityLog } from './activityLog.ts';
import { warmGeneratorWindowLater } from './curveWindow.ts';
import { toUserError } from './errors.ts';
import { LoginFlow } from './loginFlow.ts';
import { installProvider } from './provider/index.ts';
import { idbStore } from './store.ts';
import { createTokenLedger } from './tokenLedger.ts';
import { createVault } from './vault.ts';
import { createWallet } from './wallet/index.ts';
import { toJobView } from './wallet/jobs.ts';

// The service worker's wiring: one LoginFlow over IndexedDB, a message router for extension pages,
// and alarms for verify-session and the session's end. Everything here must tolerate the worker being
// stopped and started again at any moment: listeners are registered synchronously at the top level.

const VERIFY_ALARM = 'okto/verify-session';
/** Polls unfinished jobs across worker restarts (timers poll them while the worker lives). */
const JOBS_ALARM = 'okto/jobs';
const EXPIRY_ALARM = 'okto/session-expiry';
/** A worker start checks the session with Okto unless it was checked this recently. */
const VERIFY_ON_START_AFTER_MS = 10 * 60_000;

const bootId = crypto.randomUUID();
const store = idbStore();
/** Until when the tokens handed to each site (and DevTools) stay valid: Okto cannot revoke them. */
const ledger = createTokenLedger({ store });
/** Every HTTP exchange and provider request, redacted, for the DevTools panel. */
const activityLog = createActivityLog({ limit: ACTIVITY_LIMIT, storage: browser.storage.session });
/** Added to the clock by the development build's test hook only (`__okto.advanceClock`); 0 otherwise. */
let clockOffsetMs = 0;
const flow = new LoginFlow({
  store,
  vault: createVault(store),
  ledger,
  now: () => Date.now() + clockOffsetMs,
  // Provider sign-ins run here, never in the popup: a flow launched there dies when the popup closes.
  identity: {
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
    getRedirectURL: (path) => browser.identity.getRedirectURL(path),
    // The first label of the redirect host, which the Apple relay's `state` names: the extension id on
    // Chrome; on Firefox (whose runtime.id is the gecko id) the add-on's hash.
    extensionId: new URL(browser.identity.getRedirectURL()).hostname.split('.')[0] ?? browser.runtime.id,
  },
  onViewChanged: viewChanged,
  onExchange: ({ service, method, url, status, durationMs, traceId, requestBody, responseBody, error }) =>
    activityLog.record({
      kind: service,
      method,
      url,
      status,
      durationMs,
      traceId,
      request: requestBody,
      response: responseBody,
      error: error && { message: error.shortMessage, code: error.errorCode },
    }),
});

/** The user's networks, balances, sends and jobs, through Okto. */
const wallet = createWallet({
  session: () => flow.session(),
  userSWA: async () => (await flow.account())?.userSWA,
  store,
});
wallet.jobs.subscribe((job) => {
  activityLog.record({
    kind: 'job',
    method: `job ${job.state}`,
    ...(job.origin ? { origin: job.origin } : {}),
    durationMs: 0,
    request: {
      id: job.id,
      kind: job.kind,
      title: job.title,
      caip2Id: job.caip2Id,
      intent: job.call.intent,
      nonce: job.nonce,
      callData: job.signedUserOp?.callData,
    },
    response: {
      state: job.state,
      status: job.status,
      outcome: job.outcome,
      oktoJobId: job.oktoJobId,
      userOpHash: job.userOpHash,
      paymasterValidUntil: job.paymasterValidUntil,
      transactionHashes: job.transactionHashes,
      reason: job.reason,
    },
  });
  const message: WalletChanged = { type: 'wallet/changed', job: toJobView(job) };
  browser.runtime.sendMessage(message).catch(() => {}); // no page open: nobody to tell
  void scheduleJobsAlarm();
});

/** Keeps the jobs alarm while a job is unfinished, so a stopped worker comes back to poll it. */
async function scheduleJobsAlarm(): Promise<void> {
  if (await wallet.jobs.hasActive()) {
    if (!(await browser.alarms.get(JOBS_ALARM))) browser.alarms.create(JOBS_ALARM, { periodInMinutes: 0.5 });
  } else await browser.alarms.clear(JOBS_ALARM);
}

/** dApps' provider requests, site approvals and connected sites. */
const provider = installProvider({ flow, activityLog, store, ledger, wallet });

function viewChanged(view: LoginView): void {
  provider.viewChanged(view);
  const message: LoginViewChanged = { type: 'login/viewChanged', view };
  // No page open is fine: nobody needs to hear it.
  browser.runtime.sendMessage(message).catch(() => {});
  void scheduleAlarms(view);
}

async function scheduleAlarms(view: LoginView): Promise<void> {
  if (view.step === 'signedIn') {
    if (!(await browser.alarms.get(VERIFY_ALARM)))
      browser.alarms.create(VERIFY_ALARM, { periodInMinutes: 60 });
    browser.alarms.create(EXPIRY_ALARM, { when: view.account.sessionExpiry * 1000 });
  } else {
    await browser.alarms.clear(VERIFY_ALARM);
    await browser.alarms.clear(EXPIRY_ALARM);
  }
}

/** Whether a message comes from one of this extension's own pages (popup, options, devtools), not a web page. */
function isExtensionPage(sender: browser.Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && (sender.url ?? '').startsWith(browser.runtime.getURL(''));
}

/** Whether a message is for the login router: from an extension page, of a login/settings/session type. */
function isLoginMessage(message: unknown): message is { type: string } {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false;
  const type = String(message.type);
  return /^(login|settings|session)\//.test(type) && type !== 'login/viewChanged';
}

async function handleLoginMessage(message: unknown, sender: browser.Runtime.MessageSender): Promise<unknown> {
  if (!isExtensionPage(sender)) return { ok: false, error: { code: 'forbidden', message: 'Not allowed.' } };
  const parsed = v.safeParse(LoginRequestSchema, message);
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'invalid_request', message: v.summarize(parsed.issues) },
      view: await flow.view(),
    };
  const request = parsed.output;
  switch (request.type) {
    case 'login/getView':
      return flow.view();
    case 'login/getMethods':
      return flow.methods();
    case 'login/startProvider':
      return flow.startProvider(request.provider);
    case 'login/sendCode':
      return flow.sendCode(request.contact);
    case 'login/resendCode':
      return flow.resendCode();
    case 'login/verifyCode':
      return flow.verifyCode(request.otp);
    case 'login/retry':
      return flow.retry();
    case 'login/cancel':
      return flow.cancel();
    case 'login/logout':
      return flow.logout();
    case 'session/verifyNow':
      return flow.checkSession();
    case 'settings/get':
      return { ok: true, settings: await flow.getSettings(), view: await flow.view() };
    case 'settings/save':
      return flow.saveSettings(request.settings, request.confirmLogout);
  }
}

// The DevTools panel: `devtools/*` requests and the `okto-devtools` port that streams new activity.

async function handleDevtoolsMessage(
  message: unknown,
  sender: browser.Runtime.MessageSender,
): Promise<unknown> {
  if (!isExtensionPage(sender)) return { ok: false, error: { code: 'forbidden', message: 'Not allowed.' } };
  const parsed = v.safeParse(DevtoolsRequestSchema, message);
  if (!parsed.success)
    return { ok: false, error: { code: 'invalid_request', message: v.summarize(parsed.issues) } };
  const request = parsed.output;
  try {
    switch (request.type) {
      case 'devtools/getState': {
        await activityLog.ready;
        const entries = activityLog.list({ tabId: request.tabId });
        const origin =
          request.origin ??
          [...entries].reverse().find((e) => e.tabId === request.tabId && e.frameId === 0 && e.origin)
            ?.origin;
        const connected = origin === undefined ? undefined : await provider.permissions.isConnected(origin);
        return {
          ok: true,
          view: await flow.view(),
          origin,
          connected,
          entries: request.withEntries === false ? [] : entries,
          limit: ACTIVITY_LIMIT,
        };
      }
      case 'devtools/mintToken': {
        const { authToken, expiresAt } = await flow.mintAuthToken(request.ttlSeconds, 'devtools');
        return { ok: true, token: authToken, expiresAt };
      }
      case 'devtools/clearLog':
        activityLog.clear();
        return { ok: true };
      case 'devtools/revokeOrigin':
        await provider.permissions.revoke(request.origin);
        return { ok: true };
    }
  } catch (error) {
    return { ok: false, error: toUserError(error) };
  }
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== DEVTOOLS_PORT || !port.sender || !isExtensionPage(port.sender)) return;
  let tabId: number | undefined;
  let batch: DevtoolsPortMessage & { type: 'entries' } = { type: 'entries', entries: [] };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const message = batch;
    batch = { type: 'entries', entries: [] };
    port.postMessage(message);
  };
  const unsubscribe = activityLog.subscribe(
    (entry) => {
      if (tabId === undefined || (entry.tabId !== undefined && entry.tabId !== tabId)) return;
      batch.entries.push(entry);
      // Batched: a burst of thousands of entries is a few messages, not thousands.
      timer ??= setTimeout(flush, 50);
    },
    () => {
      batch.entries = [];
      port.postMessage({ type: 'cleared' } satisfies DevtoolsPortMessage);
    },
  );
  port.onMessage.addListener((message: unknown) => {
    const request = message as Partial<DevtoolsPortRequest>;
    if (request?.type === 'subscribe' && Number.isInteger(request.tabId)) tabId = request.tabId;
  });
  port.onDisconnect.addListener(() => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
  });
});

const version = browser.runtime.getManifest().version;

// Not `async`: a message this worker does not handle gets `undefined` (not a Promise), which leaves it
// unanswered; with webextension-polyfill, a Promise resolving to `undefined` would still answer it.
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (isLoginMessage(message)) return handleLoginMessage(message, sender);
  if (isWalletRequest(message))
    return isExtensionPage(sender)
      ? wallet.handleMessage(message)
      : Promise.resolve({ ok: false, error: { code: 'forbidden', message: 'Not allowed.' } });
  if (isDevtoolsRequest(message)) return handleDevtoolsMessage(message, sender);
  const providerAnswer = provider.onMessage(
    message,
    sender as chrome.runtime.MessageSender,
    isExtensionPage(sender),
  );
  if (providerAnswer) return providerAnswer;
  if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'ping')
    return Promise.resolve({ ok: true, version, bootId });
  return undefined;
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === VERIFY_ALARM || alarm.name === EXPIRY_ALARM) void flow.checkSession();
  if (alarm.name === JOBS_ALARM) void wallet.jobs.resume().then(scheduleJobsAlarm);
});

// On every start: read what a dApp's first request needs (the session key is opened by resume), continue
// an interrupted flow, then check the session with Okto if it is stale.
ledger.warm();
warmGeneratorWindowLater();
provider.permissions.list().catch(() => {});
const ready = flow.resume().then(async (view) => {
  if (view.step !== 'signedIn') return;
  void wallet.jobs
    .resume()
    .then(scheduleJobsAlarm)
    .catch(() => {});
  await scheduleAlarms(view);
  if (Date.now() - (view.account.verifiedAt ?? view.account.signedInAt) > VERIFY_ON_START_AFTER_MS)
    await flow.checkSession();
});

// Hooks for end-to-end tests and the DevTools console, in the development build only: `npm run package`
// builds with mode `release`, where this block is dead code and is dropped. They return tokens and views,
// never the key.
if (import.meta.env.MODE !== 'release') Object.assign(globalThis, { __okto: createTestHooks() });

function createTestHooks() {
  return {
    bootId,
    ready,
    ping: () => ({ ok: true, version, bootId }),
    view: () => flow.view(),
    mintAuthToken: (ttlSeconds?: number) => flow.mintAuthToken(ttlSeconds),
    /** Moves the login flow's clock forward, as `stack.advanceClock` moves the emulator's and companion's. */
    advanceClock: (seconds: number) => {
      clockOffsetMs += seconds * 1000;
    },
    checkSession: () => flow.checkSession(),
    activity: () => activityLog.list(),
    /** The wallet's jobs, newest first. */
    jobs: () => wallet.jobs.list(),
    /**
     * Records `count` synthetic provider requests for `tabId`, to test the panel under load. Without an
     * `origin` they come from ten origins (load-0.test … load-9.test): one origin keeps only its share.
     */
    recordActivity: (count: number, tabId = -1, origin?: string) => {
      for (let i = 0; i < count; i++)
        activityLog.record({
          kind: 'provider',
          tabId,
          origin: origin ?? `https://load-${i % 10}.test`,
          method: i % 2 ? 'eth_chainId' : 'eth_accounts',
          request: { n: i },
          response: i % 2 ? '0x1' : [],
          durationMs: i % 7,
        });
      return activityLog.list().length;
    },
  };
}
/** The worker's test hooks, as e2e tests see them on `globalThis.__okto`. */
export type OktoTestHooks = ReturnType<typeof createTestHooks>;
