import type { LoginRequest, LoginResponse, LoginView } from '../messages/login.ts';
import { CodeEntry, describeContact } from './CodeEntry.tsx';
import { LoginFailed } from './LoginFailed.tsx';
import { ProviderWait } from './ProviderWait.tsx';
import { SignIn } from './SignIn.tsx';

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
          onStartProvider={(provider) => act({ type: 'login/startProvider', provider })}
        />
      );
    case 'waitingForProvider':
      return <ProviderWait view={view} onCancel={() => act({ type: 'login/cancel' })} />;
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
      return <LoginFailed view={view} act={act} />;
    case 'signedIn':
      return null;
  }
}
