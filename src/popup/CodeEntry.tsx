import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact, LoginResponse, LoginView } from '../messages/login.ts';
import { describeAccountContact } from './contactText.ts';
import { formatInternational } from './phone.ts';
import { Alert, Button, formatCountdown, useNow } from './ui.tsx';

type CodeSentView = Extract<LoginView, { step: 'codeSent' }>;

/**
 * Who logged in, and how: where the code went, as the person typed it, or the account of a provider's
 * sign-in with the provider ("alice@example.com (Google)", "your X account").
 */
export function describeContact(contact: Contact): string {
  return (
    describeAccountContact(contact) ??
    (contact.method === 'whatsapp'
      ? formatInternational(contact.whatsappNumber, contact.countryShortName)
      : '')
  );
}

/** The 6-digit code step: paste or type, submits itself when complete; 5:00 countdown; resend after 30 s. */
export function CodeEntry({
  view,
  onVerify,
  onResend,
  onCancel,
}: {
  view: CodeSentView;
  onVerify: (otp: string) => Promise<LoginResponse>;
  onResend: () => Promise<LoginResponse>;
  onCancel: () => Promise<LoginResponse>;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'verify' | 'resend' | undefined>();
  const [localError, setLocalError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const now = useNow();
  const expiresIn = view.expiresAt - now;
  const resendIn = view.resendAt - now;
  const expired = expiresIn <= 0;
  const exhausted = view.attemptsLeft <= 0;

  // A new code (resend) or a new error clears what was typed, so the next code starts clean.
  useEffect(() => {
    setCode('');
    setLocalError(undefined);
    input.current?.focus();
  }, [view.sentAt, view.error?.message]);

  async function run(kind: 'verify' | 'resend', action: () => Promise<LoginResponse>) {
    setBusy(kind);
    setLocalError(undefined);
    try {
      const response = await action();
      if (
        !response.ok &&
        response.view.step === 'codeSent' &&
        response.view.error?.message === response.error.message
      )
        return; // shown from the view
      if (!response.ok) setLocalError(response.error.message);
    } catch {
      setLocalError('The extension did not answer. Close and reopen this window, then try again.');
    } finally {
      setBusy(undefined);
    }
  }

  function verify(otp: string) {
    if (busy) return;
    if (!/^\d{6}$/.test(otp)) return setLocalError('Enter the 6-digit code.');
    void run('verify', () => onVerify(otp));
  }

  const error =
    localError ??
    view.error?.message ??
    (expired ? 'The code expired after 5 minutes. Send a new code.' : undefined);

  return (
    <section class="card">
      <h1 class="title">Enter your code</h1>
      <p class="muted">
        We sent a 6-digit code by {view.contact.method === 'email' ? 'email' : 'WhatsApp'} to{' '}
        <strong>{describeContact(view.contact)}</strong>.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          verify(code);
        }}
        noValidate
      >
        <label class="field">
          <span>Verification code</span>
          <input
            ref={input}
            class="code-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            placeholder="••••••"
            value={code}
            disabled={busy === 'verify' || expired || exhausted}
            aria-invalid={Boolean(error)}
            onInput={(e) => {
              const digits = e.currentTarget.value.replace(/\D/g, '').slice(0, 6);
              e.currentTarget.value = digits;
              setCode(digits);
              if (digits.length === 6) verify(digits);
            }}
          />
        </label>
        <p class="countdown" aria-live="off">
          {expired ? 'Code expired' : `Code expires in ${formatCountdown(expiresIn)}`}
        </p>
        {error && <Alert>{error}</Alert>}
        <Button type="submit" busy={busy === 'verify'} disabled={expired || exhausted || code.length !== 6}>
          Verify
        </Button>
      </form>
      <div class="row">
        <Button
          variant="secondary"
          busy={busy === 'resend'}
          disabled={resendIn > 0 || busy === 'verify'}
          onClick={() => run('resend', onResend)}
        >
          {resendIn > 0 ? `Resend code in ${formatCountdown(resendIn)}` : 'Resend code'}
        </Button>
        <Button variant="link" disabled={Boolean(busy)} onClick={() => run('verify', onCancel)}>
          Use a different {view.contact.method === 'email' ? 'email' : 'number'}
        </Button>
      </div>
    </section>
  );
}
