import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { AccountView, LoginResponse, LoginView } from '../messages/login.ts';
import type { PendingRequestView } from '../messages/provider.ts';
import { onViewChanged, send } from './api.ts';
import { useHostAccess } from './hostAccess.ts';
import { describeRequest, isPendingLoginWindow, usePendingRequests } from './pendingLogin.ts';
import { Alert, Button } from './ui.tsx';

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
        <HostAccessNotice />
        {view && !signedIn && <PendingLoginNotice pending={pending} />}
        {loadError && <Alert>{loadError}</Alert>}
        {!view && !loadError && <p class="muted center">Loading…</p>}
        {view?.step === 'signedIn' && (
          <SignedIn account={view.account} onLogout={() => act({ type: 'login/logout' })} />
        )}
        {view && !signedIn && <Login view={view} act={act} />}
      </main>
    </div>
  );
}

/** A module loaded on first use, once per popup. */
function lazily<module>(load: () => Promise<module>): () => Promise<module> {
  let loading: Promise<module> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}

/** The module `load` answers, once it has loaded; `failed` when it could not be. */
function useModule<module>(load: () => Promise<module>): { module?: module; failed: boolean } {
  const [state, setState] = useState<{ module?: module; failed: boolean }>({ failed: false });
  useEffect(() => {
    load().then(
      (module) => setState({ module, failed: false }),
      () => setState({ failed: true }),
    );
  }, [load]);
  return state;
}

// The wallet and the login are loaded only when needed: a signed-in popup never needs the login's
// phone-number library, and a signed-out one has no wallet to show.
const loadLoginSteps = lazily(() => import('./LoginSteps.tsx'));
const loadWallet = lazily(() => import('./Wallet.tsx'));

const CouldNotLoad = () => (
  <Alert>This part of the popup could not be loaded. Close it and open it again.</Alert>
);
const Loading = () => <p class="muted center">Loading…</p>;

function Login({
  view,
  act,
}: {
  view: LoginView;
  act: (r: Parameters<typeof send>[0]) => Promise<LoginResponse>;
}) {
  const { module, failed } = useModule(loadLoginSteps);
  if (failed) return <CouldNotLoad />;
  return module ? <module.LoginSteps view={view} act={act} /> : <Loading />;
}

function SignedIn({ account, onLogout }: { account: AccountView; onLogout: () => Promise<LoginResponse> }) {
  const { module, failed } = useModule(loadWallet);
  if (failed) return <CouldNotLoad />;
  return module ? <module.Wallet account={account} onLogout={onLogout} /> : <Loading />;
}

/**
 * Shown when the user took the extension's access to Okto or the companion back (Firefox allows it):
 * nothing works until it is given again, and the browser asks only from a click.
 */
function HostAccessNotice() {
  const access = useHostAccess();
  const [refused, setRefused] = useState(false);
  if (access.missing.length === 0) return null;
  const hosts = access.missing.map((pattern) => pattern.replace(/^\w+:\/\/|\/\*$/g, '')).join(' and ');
  return (
    <div class="notice" role="alert" data-testid="host-access">
      <p>
        Okto Login cannot reach {hosts}: its access to{' '}
        {access.missing.length === 1 ? 'that site' : 'those sites'} was turned off in the browser. Log in,
        balances and approvals need it.
      </p>
      <Button
        onClick={() =>
          void access.request().then(
            (granted) => setRefused(!granted),
            () => setRefused(true),
          )
        }
      >
        Allow access
      </Button>
      {refused && <p class="muted">The browser did not give access. Click again and choose Allow.</p>}
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
