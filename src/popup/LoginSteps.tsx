import { useState } from 'preact/hooks';
import type { LoginRequest, LoginResponse, LoginView } from '../messages/login.ts';
import { CodeEntry, describeContact } from './CodeEntry.tsx';
import { SignIn } from './SignIn.tsx';
import { Alert, Button } from './ui.tsx';

// The popup's login, step by step as the worker reports it. Loaded on demand by App.tsx: only a
// signed-out popup needs it (and its phone-number library).

type Act = (r: LoginRequest) => Promise<LoginResponse>;

/** Whatever login step the worker is at, short of signed in. */
export function LoginSteps({ view, act }: { view: LoginView; act: Act }) {
  switch (view.step) {
    case 'signedOut':
    case 'expired':
      return (
        <SignIn
          notice={view.notice}
          tokensValidUntil={view.step === 'signedOut' ? view.tokensValidUntil : undefined}
          onSend={(contact) => act({ type: 'login/sendCode', contact })}
        />
      );
    case 'codeSent':
      return (
        <CodeEntry
          view={view}
          onVerify={(otp) => act({ type: 'login/verifyCode', otp })}
          onResend={() => act({ type: 'login/resendCode' })}
          onCancel={() => act({ type: 'login/cancel' })}
        />
      );
    case 'verifying':
    case 'registering':
      return (
        <section class="card center" aria-busy="true">
          <span class="spinner spinner-large" aria-hidden="true" />
          <h1 class="title">
            {view.step === 'verifying' ? 'Checking your code…' : 'Securing your session…'}
          </h1>
          <p class="muted">{describeContact(view.contact)}</p>
        </section>
      );
    case 'failed':
      return <Failed view={view} act={act} />;
    case 'signedIn':
      return null;
  }
}

function Failed({ view, act }: { view: Extract<LoginView, { step: 'failed' }>; act: Act }) {
  const [busy, setBusy] = useState<'retry' | 'cancel'>();
  const run = async (kind: 'retry' | 'cancel') => {
    setBusy(kind);
    try {
      await act({ type: kind === 'retry' ? 'login/retry' : 'login/cancel' });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section class="card">
      <h1 class="title">Almost there</h1>
      <p class="muted">
        Your code was accepted for {describeContact(view.contact)}, but the session could not be set up.
      </p>
      <Alert>{view.error.message}</Alert>
      <Button busy={busy === 'retry'} disabled={Boolean(busy)} onClick={() => run('retry')}>
        Try again
      </Button>
      <Button variant="link" busy={busy === 'cancel'} disabled={Boolean(busy)} onClick={() => run('cancel')}>
        Start over
      </Button>
    </section>
  );
}
