import { useEffect, useState } from 'preact/hooks';
import type { AccountView, Contact, LoginResponse } from '../messages/login.ts';
import { environments } from '../okto/environments.ts';
import { describeAccountContact } from './contactText.ts';
import { Alert, Button } from './ui.tsx';

/**
 * How the user logged in: the email, or the WhatsApp number as dialled (`+91 98765 43210`), formatted
 * once the phone-number library has loaded (the signed-in popup does not load it up front).
 */
function useContactText(contact: Contact): string {
  const [text, setText] = useState(
    describeAccountContact(contact) ?? (contact.method === 'whatsapp' ? contact.whatsappNumber : ''),
  );
  useEffect(() => {
    if (contact.method !== 'whatsapp') return;
    let live = true;
    void import('./phone.ts').then(({ formatInternational }) => {
      if (live) setText(formatInternational(contact.whatsappNumber, contact.countryShortName));
    });
    return () => {
      live = false;
    };
  }, [contact]);
  return text;
}

/** The signed-in account: the user's smart-wallet address, the environment, the session expiry, log out. */
export function Account({
  account,
  onLogout,
}: {
  account: AccountView;
  onLogout: () => Promise<LoginResponse>;
}) {
  const contactText = useContactText(account.contact);
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
    <section class="card" aria-labelledby="account-heading">
      <p class="eyebrow">
        Logged in as <span class="eyebrow-value">{contactText}</span>
      </p>
      <h2 class="title" id="account-heading">
        Account
      </h2>
      <dl class="facts">
        <dt>Okto account (smart wallet)</dt>
        <dd class="address-row">
          <code class="address" data-testid="user-swa">
            {account.userSWA}
          </code>
          <Button variant="secondary" onClick={copy} aria-label="Copy smart-wallet address">
            {copied ? 'Copied' : 'Copy'}
          </Button>
        </dd>
        <dd class="muted small">To receive funds, use a network’s address above.</dd>
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
  );
}
