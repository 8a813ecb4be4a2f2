import { type BrowserContext, expect, type Page } from '@playwright/test';

/** The parts of a CDP `ServiceWorker.ServiceWorkerVersion` used here. */
type WorkerVersion = {
  versionId: string;
  scriptURL: string;
  status: string;
  runningStatus: 'stopped' | 'starting' | 'running' | 'stopping';
};

/**
 * Stops the extension's service worker and waits until Chrome has reported it `stopped`, at any moment
 * after the call: an open extension page or a dApp request the bridge re-sends may start it again
 * within milliseconds, faster than a poll of the latest status could see it stopped.
 *
 * Why force it: Chrome never idle-stops a worker under Playwright, because the attached DevTools session disables the
 * 30 s idle timeout. `ServiceWorker.stopWorker` on a page's CDP session takes the same StopWorker path as that timeout.
 * Playwright's Worker object fires no `close` event and is reused for the next instance, so the CDP status is the
 * signal. `serviceWorker.evaluate()` does not wake a stopped worker: wake it with a real event (a runtime message).
 *
 * @example
 * await stopServiceWorker(context, extensionId);
 * await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' })); // starts a new instance
 */
export async function stopServiceWorker(context: BrowserContext, extensionId: string): Promise<void> {
  const host: Page = await context.newPage(); // about:blank is enough to host a CDP session
  const cdp = await context.newCDPSession(host);
  try {
    // Every status Chrome reports, in order.
    const seen: WorkerVersion[] = [];
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) =>
      seen.push(...(versions as WorkerVersion[])),
    );
    await cdp.send('ServiceWorker.enable'); // replays the current versions as events
    const ours = (v: WorkerVersion) =>
      v.scriptURL.startsWith(`chrome-extension://${extensionId}/`) && v.status === 'activated';
    await expect
      .poll(() => seen.some((v) => ours(v) && v.runningStatus === 'running'), {
        message: 'extension worker running',
      })
      .toBe(true);
    const versionId = [...seen].reverse().find(ours)?.versionId;
    if (!versionId) throw new Error(`no activated service worker for extension ${extensionId}`);
    const from = seen.length;
    await cdp.send('ServiceWorker.stopWorker', { versionId });
    await expect
      .poll(() => seen.slice(from).some((v) => v.versionId === versionId && v.runningStatus === 'stopped'), {
        message: 'worker stopped',
      })
      .toBe(true);
  } finally {
    await cdp.detach().catch(() => {});
    await host.close();
  }
}
