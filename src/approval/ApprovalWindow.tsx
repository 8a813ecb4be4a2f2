import { useEffect, useRef, useState } from 'preact/hooks';
import type { PendingRequestView } from '../messages/provider.ts';
import { onSitesChanged, sendSites } from '../popup/sitesApi.ts';
import { Alert, Button } from '../popup/ui.tsx';
import { GuardedButton, useInputArming } from './GuardedButton.tsx';
import { RequestOrigin } from './RequestOrigin.tsx';
import { titles, viewOf } from './views.ts';

/**
 * The approval window: the first request of the queue (with "1 of 3" when more wait), in the view of
 * its kind, and Approve or Reject. Answering shows the next; the worker closes the window after the
 * last. Closing the window rejects the request it shows; the others stay queued.
 */
export function ApprovalWindow() {
  const [queue, setQueue] = useState<PendingRequestView[]>();
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const [error, setError] = useState<string>();
  const actions = useRef<HTMLDivElement>(null);
  const current = queue?.[0];
  const arming = useInputArming(current?.id ?? '');

  const load = () =>
    sendSites({ type: 'provider/listPending' }).then((answer) => {
      if (answer.ok) setQueue(answer.pending ?? []);
      else setError(answer.error.message);
      return answer.ok ? (answer.pending ?? []) : undefined;
    });

  useEffect(() => {
    void load();
    return onSitesChanged(() => void load());
  }, []);

  // A new request on screen: no leftover error, and the focus on Reject, the harmless answer.
  useEffect(() => {
    setError(undefined);
    setBusy(undefined);
    actions.current?.querySelector('button')?.focus();
  }, [current?.id]);

  async function decide(approve: boolean) {
    if (!current) return;
    setBusy(approve ? 'approve' : 'reject');
    setError(undefined);
    const answer = await sendSites({ type: 'provider/decide', id: current.id, approve });
    const rest = await load();
    if (answer.ok && rest?.length === 0) return window.close();
    if (!answer.ok) setError(answer.error.message);
    setBusy(undefined);
  }

  if (queue === undefined && !error) return <p class="muted center">Loading…</p>;
  if (!current)
    return (
      <section class="card center">
        <h1 class="title">Nothing to approve</h1>
        <p class="muted">Every request was answered, or the sites stopped waiting.</p>
        {error && <Alert>{error}</Alert>}
        <Button variant="secondary" onClick={() => window.close()}>
          Close
        </Button>
      </section>
    );

  const View = viewOf(current);
  return (
    <section class="card" aria-labelledby="request-title">
      <p class="eyebrow queue-head" id="request-title">
        <span>{titles[current.kind]}</span>
        {queue && queue.length > 1 && (
          <span class="queue-position" data-testid="queue-position">
            1 of {queue.length}
          </span>
        )}
      </p>
      <RequestOrigin request={current} />
      <View request={current} />
      {error && <Alert>{error}</Alert>}
      <div class="actions approval-actions" ref={actions}>
        <GuardedButton
          arming={arming}
          variant="secondary"
          busy={busy === 'reject'}
          disabled={Boolean(busy)}
          onClick={() => decide(false)}
        >
          Reject
        </GuardedButton>
        <GuardedButton
          arming={arming}
          busy={busy === 'approve'}
          disabled={Boolean(busy)}
          onClick={() => decide(true)}
        >
          Approve
        </GuardedButton>
      </div>
    </section>
  );
}
