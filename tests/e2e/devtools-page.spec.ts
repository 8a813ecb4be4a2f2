import { rmSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';
import { startDappServer } from './dappServer.ts';
import { expect, getServiceWorker, launchExtension, makeUserDataDir, test } from './fixtures.ts';

// The real thing: Chromium opens DevTools for every tab (`--auto-open-devtools-for-tabs`), the
// extension's devtools_page adds the Okto panel, and the panel, shown inside DevTools, debugs the
// inspected tab (chrome.devtools.inspectedWindow), with no query string.

type TargetInfo = { targetId: string; type: string; url: string };

/** Evaluates `expression` in another target (the DevTools frontend, or an extension iframe in it). */
async function evaluateIn(cdp: CDPSession, targetId: string, expression: string): Promise<unknown> {
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
  try {
    const answer = new Promise<{ result?: { result?: { value?: unknown } }; error?: unknown }>((resolve) => {
      const onMessage = (event: { sessionId: string; message: string }) => {
        const message = JSON.parse(event.message);
        if (event.sessionId !== sessionId || message.id !== 1) return;
        cdp.off('Target.receivedMessageFromTarget', onMessage);
        resolve(message);
      };
      cdp.on('Target.receivedMessageFromTarget', onMessage);
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({
        id: 1,
        method: 'Runtime.evaluate',
        params: { expression, returnByValue: true, awaitPromise: true },
      }),
    });
    const message = await answer;
    if (message.error) throw new Error(JSON.stringify(message.error));
    return message.result?.result?.value;
  } finally {
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
  }
}

async function targets(cdp: CDPSession): Promise<TargetInfo[]> {
  return (await cdp.send('Target.getTargets')).targetInfos as TargetInfo[];
}

// Selects the panel through DevTools' own InspectorView (the tab strip hides panels that do not fit).
const SHOW_OKTO_PANEL = `(async () => {
  const UI = await import('./ui/legacy/legacy.js');
  const view = UI.InspectorView.InspectorView.instance();
  const pane = view.tabbedPane ?? view.tabbedPaneInternal;
  const ids = pane.tabIds ? pane.tabIds() : pane.tabs.map((tab) => tab.id);
  const okto = ids.find((id) => id.endsWith('Okto'));
  if (okto) await view.showPanel(okto);
  return okto ?? null;
})()`;

test('the devtools_page adds an Okto panel that debugs the inspected tab and shows its requests', async () => {
  const server = await startDappServer();
  const origin = server.origin('127.0.0.1');
  const userDataDir = makeUserDataDir();
  const context = await launchExtension(userDataDir, ['--auto-open-devtools-for-tabs']);
  try {
    const serviceWorker = await getServiceWorker(context);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url('127.0.0.1'));
    const tabId = await serviceWorker.evaluate(
      async (url) => (await chrome.tabs.query({})).find((tab) => tab.url === url)?.id,
      page.url(),
    );
    const cdp = await context.newCDPSession(page);

    // DevTools is open on the dApp's tab, with the extension's devtools page loaded in it.
    let frontend: TargetInfo | undefined;
    await expect
      .poll(async () => {
        const all = await targets(cdp);
        frontend = all.find((t) => t.type === 'page' && t.url.startsWith('devtools://'));
        return frontend !== undefined && all.some((t) => t.url.endsWith('/devtools.html'));
      })
      .toBe(true);
    const frontendId = frontend?.targetId ?? '';
    // The panel was created (by name) and can be shown.
    await expect.poll(() => evaluateIn(cdp, frontendId, SHOW_OKTO_PANEL)).toMatch(/Okto$/);

    let panelId = '';
    await expect
      .poll(async () => {
        panelId = (await targets(cdp)).find((t) => t.url.endsWith('/panel.html'))?.targetId ?? '';
        return panelId;
      })
      .not.toBe('');
    const panelText = () => evaluateIn(cdp, panelId, 'document.body.innerText') as Promise<string>;
    // The inspected tab and its origin, as DevTools reports them.
    await expect.poll(panelText).toContain(`Tab ${tabId} · ${origin}`);

    // A provider request in the inspected page shows up in the panel.
    await page.evaluate(() =>
      (window as unknown as { okto: { request(a: { method: string }): Promise<unknown> } }).okto
        .request({ method: 'eth_chainId' })
        .catch(() => undefined),
    );
    await expect.poll(panelText).toContain('eth_chainId');
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
