import { useEffect, useState } from 'preact/hooks';
import { sendSites } from './sitesApi.ts';

/**
 * The origin of the site waiting for this login, when the worker opened the popup in its own window
 * for a dApp request (`popup.html?pending=<id>`); after the login, the worker shows the approval there.
 */
export function usePendingOrigin(): string | undefined {
  const [origin, setOrigin] = useState<string>();
  useEffect(() => {
    const id = new URLSearchParams(location.search).get('pending');
    if (!id) return;
    sendSites({ type: 'provider/getApproval', id }).then((answer) => {
      if (answer.ok && answer.approval) setOrigin(answer.approval.origin);
    });
  }, []);
  return origin;
}
