import { useState } from 'preact/hooks';
import type { LoginResponse, LoginView } from '../messages/login.ts';
import { ProviderLogo } from './ProviderButtons.tsx';
import { Alert, Button, formatCountdown, useNow } from './ui.tsx';

type WaitingView = Extract<LoginView, { step: 'waitingForProvider' }>;

/** A provider's sign-in window is open: "Waiting for Google…", and Cancel. */
export function ProviderWait({
  view,
  onCancel,
}: {
  view: WaitingView;
  onCancel: () => Promise<LoginResponse>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const left = view.expiresAt - useNow();

  async function cancel() {
    setBusy(true);
    try {
      const response = await onCancel();
      if (!response.ok) setError(response.error.message);
    } catch {
      setError('The extension did not answer. Close and reopen this window, then try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card center" aria-busy="true" data-testid="waiting-for-provider">
      <span class="waiting-provider">
        <ProviderLogo provider={view.provider} />
      </span>
      <h1 class="title">Waiting for {view.label}…</h1>
      <p class="muted">
        Finish signing in in the {view.label} window.
        {left > 0 && <> It stops in {formatCountdown(left)}.</>}
      </p>
      {error && <Alert>{error}</Alert>}
      <Button variant="secondary" busy={busy} onClick={cancel}>
        Cancel
      </Button>
    </section>
  );
}
