import { type BrowserContext, expect, type Page } from '@playwright/test';

/** The parts of a CDP `ServiceWorker.ServiceWorkerVersion` used here. */
type WorkerVersion = {
  versionId: string;
  scriptURL: string;
  status: string;
  runningStatus: 'stopped' | 'starting' | 'running' | 'stopping';
};

/**
 * Stops the extension's service worker and waits until Chrome reports it `stopped`.
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
    const versions = new Map<string, WorkerVersion>();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
      for (const version of updated as WorkerVersion[]) versions.set(version.versionId, version);
    });
    await cdp.send('ServiceWorker.enable'); // replays the current versions as events
    const ours = () =>
      [...versions.values()].find(
        (v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`) && v.status === 'activated',
      );
    await expect.poll(() => ours()?.runningStatus, { message: 'extension worker running' }).toBe('running');
    const versionId = ours()?.versionId;
    if (!versionId) throw new Error(`no activated service worker for extension ${extensionId}`);
    // Seen stopped at any moment after the call: an open extension page that talks to the worker may
    // start it again within milliseconds, faster than a poll of the latest status could see it stopped.
    let stopped = false;
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
      if (
        (updated as WorkerVersion[]).some((v) => v.versionId === versionId && v.runningStatus === 'stopped')
      )
        stopped = true;
    });
    await cdp.send('ServiceWorker.stopWorker', { versionId });
    await expect.poll(() => stopped, { message: 'worker stopped' }).toBe(true);
  } finally {
    await cdp.detach().catch(() => {});
    await host.close();
  }
}

/**
 * Stops the extension's worker like `stopServiceWorker` (swControl.ts), but waits for the `stopped`
 * status to have been reported at any moment: with a dApp request in flight, the bridge re-sends it
 * and Chrome starts the worker again within milliseconds, faster than a poll could see it stopped.
 */
export async function stopWorkerSeenStopped(context: BrowserContext, extensionId: string): Promise<void> {
  const host = await context.newPage();
  const cdp = await context.newCDPSession(host);
  try {
    type Version = { versionId: string; scriptURL: string; status: string; runningStatus: string };
    const seen: Version[] = [];
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => seen.push(...(versions as Version[])));
    await cdp.send('ServiceWorker.enable');
    const ours = (v: Version) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`);
    await expect.poll(() => seen.some((v) => ours(v) && v.runningStatus === 'running')).toBe(true);
    const versionId = [...seen].reverse().find((v) => ours(v) && v.status === 'activated')?.versionId;
    if (!versionId) throw new Error('no activated worker');
    const from = seen.length;
    await cdp.send('ServiceWorker.stopWorker', { versionId });
    await expect
      .poll(() => seen.slice(from).some((v) => v.versionId === versionId && v.runningStatus === 'stopped'))
      .toBe(true);
  } finally {
    await cdp.detach().catch(() => {});
    await host.close();
  }
}
