import { useState } from 'preact/hooks';
import type { AccountView, LoginResponse } from '../messages/login.ts';
import { environments } from '../okto/environments.ts';
import { describeContact } from './CodeEntry.tsx';
import { ConnectedSites } from './ConnectedSites.tsx';
import { PendingApprovals } from './PendingApprovals.tsx';
import { Alert, Button } from './ui.tsx';

/**
 * The signed-in account: the user's smart-wallet address, the environment, the session expiry, log out;
 * then sites waiting for approval and the connected sites.
 */
export function Account({
  account,
  onLogout,
}: {
  account: AccountView;
  onLogout: () => Promise<LoginResponse>;
}) {
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const expiry = new Date(account.sessionExpiry * 1000);
  const daysLeft = Math.max(0, Math.round((expiry.getTime() - Date.now()) / 86_400_000));

  async function copy() {
    try {
      await navigator.clipboard.writeText(account.userSWA);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setError('Could not copy. Select the address and copy it by hand.');
    }
  }

  async function logout() {
    setBusy(true);
    try {
      const response = await onLogout();
      if (!response.ok) setError(response.error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section class="card">
        <p class="eyebrow">
          Logged in as <span class="eyebrow-value">{describeContact(account.contact)}</span>
        </p>
        <h1 class="title">Your Okto wallet</h1>
        <dl class="facts">
          <dt>Wallet address</dt>
          <dd class="address-row">
            <code class="address" data-testid="user-swa">
              {account.userSWA}
            </code>
            <Button variant="secondary" onClick={copy} aria-label="Copy wallet address">
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </dd>
          <dt>Environment</dt>
          <dd>{environments[account.environment].label}</dd>
          <dt>Session expires</dt>
          <dd>
            <time dateTime={expiry.toISOString()}>{expiry.toLocaleString()}</time>{' '}
            <span class="muted">({daysLeft === 1 ? 'in 1 day' : `in ${daysLeft} days`})</span>
          </dd>
        </dl>
        {error && <Alert>{error}</Alert>}
        <Button variant="secondary" busy={busy} onClick={logout}>
          Log out
        </Button>
      </section>
      <PendingApprovals />
      <ConnectedSites />
    </>
  );
}
