import { useState } from 'preact/hooks';
import type { LoginResponse, LoginView } from '../messages/login.ts';
import type { send } from './api.ts';
import { describeContact } from './CodeEntry.tsx';
import { Alert, Button } from './ui.tsx';

type FailedView = Extract<LoginView, { step: 'failed' }>;

/**
 * A login that failed. After a code was accepted, Try again registers the session again; after a
 * provider's sign-in, it opens a new sign-in window. Start over goes back to the methods.
 */
export function LoginFailed({
  view,
  act,
}: {
  view: FailedView;
  act: (r: Parameters<typeof send>[0]) => Promise<LoginResponse>;
}) {
  const [busy, setBusy] = useState<'retry' | 'cancel'>();
  const run = async (kind: 'retry' | 'cancel') => {
    setBusy(kind);
    try {
      await act({ type: kind === 'retry' ? 'login/retry' : 'login/cancel' });
    } finally {
      setBusy(undefined);
    }
  };
  const { contact } = view;
  const byCode = contact.method === 'email' || contact.method === 'whatsapp';
  return (
    <section class="card">
      <h1 class="title">{byCode ? 'Almost there' : 'Sign-in did not finish'}</h1>
      {byCode && (
        <p class="muted">
          Your code was accepted for {describeContact(contact)}, but the session could not be set up.
        </p>
      )}
      <Alert>{view.error.message}</Alert>
      <Button busy={busy === 'retry'} disabled={Boolean(busy)} onClick={() => run('retry')}>
        Try again
      </Button>
      <Button variant="link" busy={busy === 'cancel'} disabled={Boolean(busy)} onClick={() => run('cancel')}>
        {byCode ? 'Start over' : 'Use another method'}
      </Button>
    </section>
  );
}
