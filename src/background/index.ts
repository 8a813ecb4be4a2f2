import browser from 'webextension-polyfill';

// Placeholder service worker: answers a ping so the build and e2e harness can prove the worker runs.

/** A fresh id per worker start, so tests can tell a restarted worker from the old one. */
const bootId = crypto.randomUUID();
const version = browser.runtime.getManifest().version;

/** What the worker answers to `{ type: 'ping' }`. */
function ping(): { ok: true; version: string; bootId: string } {
  return { ok: true, version, bootId };
}

// Not `async`: returning `undefined` (not a Promise) for other messages leaves them to other listeners;
// with webextension-polyfill a Promise that resolves to `undefined` would still answer, and win the race.
browser.runtime.onMessage.addListener((message: unknown, _sender: browser.Runtime.MessageSender) => {
  if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'ping')
    return Promise.resolve(ping());
  return undefined;
});

// Test hook: Playwright calls `serviceWorker.evaluate(() => globalThis.__okto.ping())`.
Object.assign(globalThis, { __okto: { bootId, ping } });
