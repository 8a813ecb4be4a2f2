import browser from 'webextension-polyfill';
import type { SitesAnswer, SitesChanged, SitesRequest } from '../messages/provider.ts';

/** Sends an approvals / connected-sites request to the worker. */
export async function sendSites(request: SitesRequest): Promise<SitesAnswer> {
  try {
    return ((await browser.runtime.sendMessage(request)) as SitesAnswer | undefined) ?? noAnswer;
  } catch {
    return noAnswer;
  }
}

const noAnswer: SitesAnswer = {
  ok: false,
  error: { code: 'no_answer', message: 'The extension’s background did not answer. Try again.' },
};

/** Calls `listener` whenever pending approvals or connected sites change; returns the unsubscribe function. */
export function onSitesChanged(listener: () => void): () => void {
  const handler = (message: unknown) => {
    if ((message as SitesChanged | null)?.type === 'sites/changed') listener();
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}
