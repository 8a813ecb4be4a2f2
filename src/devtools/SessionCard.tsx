import { useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { maskEmail, maskPhone } from '../background/activityLog.ts';
import type { AccountView, Contact, LoginRequest, LoginResponse, LoginView } from '../messages/login.ts';
import { environments } from '../okto/environments.ts';
import { Alert, Button, useNow } from '../popup/ui.tsx';
import { formatDuration, formatRelative } from './time.ts';
import { sendDevtools } from './useDevtoolsState.ts';

type SessionCardProps = {
  view: LoginView | undefined;
  origin: string | undefined;
  connected: boolean | undefined;
  onChanged: () => Promise<void>;
};

/** The session as a developer debugs it, and the actions they take on it. */
export function SessionCard({ view, origin, connected, onChanged }: SessionCardProps) {
  return (
    <section class="card session" aria-labelledby="session-title">
      <h2 class="section-title" id="session-title">
        Session
      </h2>
      {view === undefined ? (
        <p class="muted">Loading…</p>
      ) : view.step === 'signedIn' ? (
        <AccountFacts account={view.account} />
      ) : (
        <p class="notice" data-testid="session-state">
          {describeSignedOut(view)}
        </p>
      )}
      <dl class="facts">
        <dt>Inspected origin</dt>
        <dd data-testid="inspected-origin">
          {origin ? <code>{origin}</code> : <span class="muted">unknown (no dApp request yet)</span>}
        </dd>
        <dt>Connected to Okto</dt>
        <dd data-testid="origin-connected">
          {origin === undefined || connected === undefined ? (
            <span class="muted">—</span>
          ) : connected ? (
            <span class="badge badge-ok">connected</span>
          ) : (
            <span class="badge">not connected</span>
          )}
        </dd>
      </dl>
      <Actions
        signedIn={view?.step === 'signedIn'}
        origin={origin}
        connected={connected}
        onChanged={onChanged}
      />
    </section>
  );
}

function AccountFacts({ account }: { account: AccountView }) {
  const now = useNow();
  const expiresAt = account.sessionExpiry * 1000;
  const left = expiresAt - now;
  return (
    <dl class="facts">
      <dt>Environment</dt>
      <dd data-testid="session-environment">
        {environments[account.environment].label} <span class="muted">{account.oktoBaseUrl}</span>
      </dd>
      <dt>Logged in as</dt>
      <dd>{maskContact(account.contact)}</dd>
      <dt>User SWA</dt>
      <dd>
        <code data-testid="session-user-swa">{account.userSWA}</code>
      </dd>
      <dt>Client SWA</dt>
      <dd>
        <code>{account.clientSWA}</code>
      </dd>
      <dt>Session address</dt>
      <dd>
        <code data-testid="session-address">{account.sessionAddress}</code>
      </dd>
      <dt>Session public key</dt>
      <dd>
        <code class="wrap" data-testid="session-public-key">
          {account.sessionPublicKey}
        </code>
      </dd>
      <dt>Session expires</dt>
      <dd>
        <span class="countdown-live" data-testid="session-countdown" role="timer">
          {left > 0 ? `in ${formatDuration(left)}` : 'expired'}
        </span>{' '}
        <time class="muted" dateTime={new Date(expiresAt).toISOString()}>
          {new Date(expiresAt).toLocaleString()}
        </time>
      </dd>
      <dt>Last verified with Okto</dt>
      <dd>{account.verifiedAt ? formatRelative(account.verifiedAt, now) : 'not since login'}</dd>
    </dl>
  );
}

function Actions({
  signedIn,
  origin,
  connected,
  onChanged,
}: {
  signedIn: boolean;
  origin: string | undefined;
  connected: boolean | undefined;
  onChanged: () => Promise<void>;
}) {
  const [busy, setBusy] = useState<'verify' | 'revoke' | 'logout'>();
  const [result, setResult] = useState<{ ok: boolean; message: string }>();

  async function run(action: 'verify' | 'revoke' | 'logout', task: () => Promise<string>) {
    setBusy(action);
    setResult(undefined);
    try {
      setResult({ ok: true, message: await task() });
    } catch (error) {
      setResult({ ok: false, message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(undefined);
      await onChanged();
    }
  }

  const verify = () =>
    run('verify', async () => {
      const answer = await sendLogin({ type: 'session/verifyNow' });
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.view.step === 'signedIn'
        ? 'Okto accepted the session.'
        : `Okto no longer accepts the session: ${describeSignedOut(answer.view)}`;
    });
  const revoke = () =>
    run('revoke', async () => {
      if (!origin) throw new Error('No origin to disconnect.');
      const answer = await sendDevtools({ type: 'devtools/revokeOrigin', origin });
      if (!answer.ok) throw new Error(answer.error.message);
      return `${origin} is disconnected. It must ask again to use the Okto session.`;
    });
  const logout = () =>
    run('logout', async () => {
      const answer = await sendLogin({ type: 'login/logout' });
      if (!answer.ok) throw new Error(answer.error.message);
      return 'Logged out. Every connected site lost access to the session.';
    });

  return (
    <div class="actions">
      <div class="row">
        <Button variant="secondary" busy={busy === 'verify'} disabled={!signedIn} onClick={verify}>
          Verify session now
        </Button>
        <Button
          variant="secondary"
          busy={busy === 'revoke'}
          disabled={!origin || !connected}
          onClick={revoke}
        >
          Revoke origin
        </Button>
        <Button variant="secondary" busy={busy === 'logout'} disabled={!signedIn} onClick={logout}>
          Log out
        </Button>
      </div>
      {result &&
        (result.ok ? (
          <p class="notice" role="status">
            {result.message}
          </p>
        ) : (
          <Alert>{result.message}</Alert>
        ))}
    </div>
  );
}

function sendLogin(request: LoginRequest): Promise<LoginResponse> {
  return browser.runtime.sendMessage(request) as Promise<LoginResponse>;
}

function maskContact(contact: Contact): string {
  if (contact.method === 'email') return maskEmail(contact.email);
  if (contact.method === 'whatsapp') return `WhatsApp ${maskPhone(contact.whatsappNumber)}`;
  // A provider's sign-in: its label is an address (Google, Apple, often the app's user id) or a name.
  return `${contact.label.includes('@') ? maskEmail(contact.label) : contact.label} (${contact.method})`;
}

function describeSignedOut(view: LoginView): string {
  switch (view.step) {
    case 'signedIn':
      return 'Logged in.';
    case 'signedOut':
      return view.notice ?? 'Not logged in. Log in from the Okto toolbar button.';
    case 'expired':
      return view.notice;
    case 'failed':
      return view.error.message;
    default:
      return `Logging in (${view.step}).`;
  }
}
