import { useEffect, useState } from 'preact/hooks';
import type { PendingApprovalView } from '../messages/provider.ts';
import { sendSites } from '../popup/sitesApi.ts';
import { Alert, Button } from '../popup/ui.tsx';

/**
 * The buttons wait this long after the window appears, so a site cannot open the window under a
 * double-click it provoked and have the second click land on Approve.
 */
const ARM_AFTER_MS = 400;

/** Whether an http origin is still private to this computer (then plain http is not a warning sign). */
const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/**
 * The approval window: which site asks, what it will get, Approve or Reject. Closing the window
 * rejects too (the worker hears it).
 */
export function Approval({ id }: { id: string }) {
  const [approval, setApproval] = useState<PendingApprovalView | null>();
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const [error, setError] = useState<string>();
  const [armed, setArmed] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), ARM_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    sendSites({ type: 'provider/getApproval', id }).then((answer) =>
      setApproval(answer.ok ? (answer.approval ?? null) : null),
    );
  }, [id]);

  async function decide(approve: boolean) {
    setBusy(approve ? 'approve' : 'reject');
    setError(undefined);
    const answer = await sendSites({ type: 'provider/decide', id, approve });
    if (answer.ok) return window.close();
    setError(answer.error.message);
    setBusy(undefined);
  }

  if (approval === undefined) return <p class="muted center">Loading…</p>;
  if (approval === null)
    return (
      <section class="card center">
        <h1 class="title">Nothing to approve</h1>
        <p class="muted">This request was already answered, or the site stopped waiting.</p>
        <Button variant="secondary" onClick={() => window.close()}>
          Close
        </Button>
      </section>
    );

  const url = new URL(approval.origin);
  return (
    <section class="card">
      <p class="eyebrow">Connection request</p>
      <h1 class="title origin" data-testid="approval-origin">
        {approval.origin}
      </h1>
      <p>This site wants to use your Okto wallet. If you approve, it can:</p>
      <ul class="bullets">
        <li>see your wallet address;</li>
        <li>get short-lived Okto auth tokens, which let it call Okto as you, until you revoke it.</li>
      </ul>
      {url.protocol === 'http:' && !isLoopback(url) && (
        <Alert>This site does not use HTTPS: others on the network could see or change it.</Alert>
      )}
      <p class="muted">Approve only sites you trust. You can revoke a site at any time in the Okto popup.</p>
      {error && <Alert>{error}</Alert>}
      <div class="actions">
        <Button
          variant="secondary"
          busy={busy === 'reject'}
          disabled={Boolean(busy) || !armed}
          onClick={() => decide(false)}
        >
          Reject
        </Button>
        <Button busy={busy === 'approve'} disabled={Boolean(busy) || !armed} onClick={() => decide(true)}>
          Approve
        </Button>
      </div>
    </section>
  );
}
