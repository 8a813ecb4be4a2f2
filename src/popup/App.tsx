import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { LoginResponse, LoginView } from '../messages/login.ts';
import type { PendingRequestView } from '../messages/provider.ts';
import { Account } from './Account.tsx';
import { onViewChanged, send } from './api.ts';
import { CodeEntry, describeContact } from './CodeEntry.tsx';
import { LoginFailed } from './LoginFailed.tsx';
import { ProviderWait } from './ProviderWait.tsx';
import { describeRequest, isPendingLoginWindow, usePendingRequests } from './pendingLogin.ts';
import { SignIn } from './SignIn.tsx';
import { Alert } from './ui.tsx';

/** The toolbar popup: whatever step the login is at, as the service worker reports it. */
export function App() {
  const [view, setView] = useState<LoginView>();
  const [loadError, setLoadError] = useState<string>();
  const pending = usePendingRequests();
  const signedIn = view?.step === 'signedIn';

  useEffect(() => {
    const unsubscribe = onViewChanged(setView);
    send({ type: 'login/getView' })
      .then(setView)
      .catch(() =>
        setLoadError('The extension’s background did not answer. Close this window and open it again.'),
      );
    return unsubscribe;
  }, []);

  /** Every action answers with the new view; show it even if the broadcast was missed. */
  const act = async (request: Parameters<typeof send>[0]): Promise<LoginResponse> => {
    const response = (await send(request)) as LoginResponse;
    setView(response.view);
    return response;
  };

  return (
    <div class="popup">
      <header class="header">
        <span class="brand">
          <img src="/icons/icon-32.png" alt="" width={20} height={20} /> Okto
        </span>
        {pending.length > 0 && (
          <span class="pending-count" data-testid="pending-count" title="Requests waiting for your approval">
            {pending.length} waiting
          </span>
        )}
        <button type="button" class="btn btn-link" onClick={() => browser.runtime.openOptionsPage()}>
          Settings
        </button>
      </header>
      <main id="app">
        {view && !signedIn && <PendingLoginNotice pending={pending} />}
        {loadError && <Alert>{loadError}</Alert>}
        {!view && !loadError && <p class="muted center">Loading…</p>}
        {view && <Step view={view} act={act} />}
      </main>
    </div>
  );
}

/** Requests that wait for a login: what they are, and what closing the login window does to them. */
function PendingLoginNotice({ pending }: { pending: PendingRequestView[] }) {
  const [first] = pending;
  if (!first) return null;
  return (
    <p class="notice" role="status">
      {pending.length === 1
        ? `Log in to ${describeRequest(first)}.`
        : `Log in to answer ${pending.length} requests: ${pending.map(describeRequest).join(', ')}.`}
      {isPendingLoginWindow() &&
        ` Closing this window cancels ${pending.length === 1 ? 'the request' : 'them all'}.`}
    </p>
  );
}

function Step({
  view,
  act,
}: {
  view: LoginView;
  act: (r: Parameters<typeof send>[0]) => Promise<LoginResponse>;
}) {
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
      return <Account account={view.account} onLogout={() => act({ type: 'login/logout' })} />;
  }
}
