import { useState } from 'preact/hooks';
import { GuardedButton, useInputArming } from '../approval/GuardedButton.tsx';
import { describeRequest, usePendingRequests } from './pendingLogin.ts';
import { sendSites } from './sitesApi.ts';
import { Alert, Button } from './ui.tsx';

/**
 * Requests waiting in the approval queue, so that a user who opens the toolbar popup instead of the
 * approval window can answer here: a connection at once, a signature or a transaction after reviewing
 * it in the approval page (opened in the popup), which shows what it does. The buttons are guarded like the window's: they ignore clicks and
 * keys for a moment after the popup opens, gains focus, or the list changes. Renders nothing when
 * nothing waits.
 */
export function PendingApprovals() {
  const pending = usePendingRequests();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const arming = useInputArming(pending.map((p) => p.id).join());

  async function decide(id: string, approve: boolean) {
    setBusy(id);
    setError(undefined);
    const answer = await sendSites({ type: 'provider/decide', id, approve });
    if (!answer.ok) setError(answer.error.message);
    setBusy(undefined);
  }

  if (pending.length === 0) return null;
  return (
    <section class="card" aria-labelledby="pending-approvals">
      <h2 class="section-title" id="pending-approvals">
        Waiting for your approval ({pending.length})
      </h2>
      <ul class="list">
        {pending.map((p) => (
          <li key={p.id} class="pending">
            <span class="site">
              <span class="site-origin">{p.site}</span>
              <span class="muted site-date">
                {describeRequest(p)}
                {p.embeddedIn.length > 0 && `, inside ${p.embeddedIn.map((e) => e.site).join(', ')}`}
              </span>
            </span>
            <span class="actions">
              <GuardedButton
                arming={arming}
                variant="secondary"
                disabled={Boolean(busy)}
                aria-label={`Reject ${p.origin}`}
                onClick={() => decide(p.id, false)}
              >
                Reject
              </GuardedButton>
              {p.kind === 'connect' ? (
                <GuardedButton
                  arming={arming}
                  busy={busy === p.id}
                  disabled={Boolean(busy)}
                  aria-label={`Approve ${p.origin}`}
                  onClick={() => decide(p.id, true)}
                >
                  Approve
                </GuardedButton>
              ) : (
                // What a signature or a transaction does is shown only in the approval page's view.
                <Button
                  disabled={Boolean(busy)}
                  aria-label={`Review the request of ${p.origin}`}
                  onClick={() => location.assign('/approval.html')}
                >
                  Review
                </Button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {error && <Alert>{error}</Alert>}
    </section>
  );
}
