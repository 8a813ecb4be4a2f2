import { useEffect, useState } from 'preact/hooks';
import type { PendingApprovalView } from '../messages/provider.ts';
import { onSitesChanged, sendSites } from './sitesApi.ts';
import { Alert, Button } from './ui.tsx';

/**
 * Sites waiting for approval, so that a user who opens the toolbar popup instead of the approval
 * window can answer here. Renders nothing when no site waits.
 */
export function PendingApprovals() {
  const [pending, setPending] = useState<PendingApprovalView[]>([]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const load = () =>
      sendSites({ type: 'provider/listPending' }).then((answer) => {
        if (answer.ok) setPending((answer.pending ?? []).filter((p) => !p.needsLogin));
      });
    void load();
    return onSitesChanged(load);
  }, []);

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
        Waiting for your approval
      </h2>
      <ul class="list">
        {pending.map((p) => (
          <li key={p.id} class="pending">
            <span class="site-origin">{p.origin}</span>
            <span class="actions">
              <Button
                variant="secondary"
                disabled={Boolean(busy)}
                aria-label={`Reject ${p.origin}`}
                onClick={() => decide(p.id, false)}
              >
                Reject
              </Button>
              <Button
                busy={busy === p.id}
                disabled={Boolean(busy)}
                aria-label={`Approve ${p.origin}`}
                onClick={() => decide(p.id, true)}
              >
                Approve
              </Button>
            </span>
          </li>
        ))}
      </ul>
      {error && <Alert>{error}</Alert>}
    </section>
  );
}
