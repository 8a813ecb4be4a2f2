import { useEffect, useState } from 'preact/hooks';
import type { PendingRequestView } from '../messages/provider.ts';
import { onSitesChanged, sendSites } from './sitesApi.ts';

/** The requests waiting in the approval queue, oldest first, kept current. */
export function usePendingRequests(): PendingRequestView[] {
  const [pending, setPending] = useState<PendingRequestView[]>([]);
  useEffect(() => {
    const load = () =>
      sendSites({ type: 'provider/listPending' }).then((answer) => {
        if (answer.ok) setPending(answer.pending ?? []);
      });
    void load();
    return onSitesChanged(() => void load());
  }, []);
  return pending;
}

/**
 * Whether this popup is the window the worker opened because requests wait while nobody is logged in
 * (`popup.html?pending=queue`); after the login, the worker shows the approval page there.
 */
export const isPendingLoginWindow = () => new URLSearchParams(location.search).has('pending');

/** A request in a few words: `connect https://app.example`. */
export function describeRequest(request: PendingRequestView): string {
  switch (request.kind) {
    case 'connect':
      return `connect ${request.origin}`;
    case 'message':
    case 'typedData':
      return `sign a message for ${request.origin}`;
    case 'transaction':
      return `send a transaction for ${request.origin}`;
    case 'calls':
      return `send ${request.payload.calls.length} calls for ${request.origin}`;
  }
}
