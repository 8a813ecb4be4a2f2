import type { CountryCode } from 'libphonenumber-js/min';
import { useMemo, useState } from 'preact/hooks';
import type { Contact, LoginResponse } from '../messages/login.ts';
import { formatAsYouType, guessCountry, listCountries, parseWhatsAppNumber } from './phone.ts';
import { tokensStillValidText } from './time.ts';
import { Alert, Button } from './ui.tsx';

type Method = 'whatsapp' | 'email';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The two ways in: WhatsApp (country + number) and email. */
export function SignIn({
  onSend,
  notice,
  tokensValidUntil,
}: {
  onSend: (contact: Contact) => Promise<LoginResponse>;
  notice?: string;
  /** After a logout: until when tokens already handed to sites still work at Okto (unix seconds). */
  tokensValidUntil?: number;
}) {
  const [method, setMethod] = useState<Method>('whatsapp');
  const [country, setCountry] = useState<CountryCode>(() => guessCountry());
  const [number, setNumber] = useState('');
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const countries = useMemo(() => listCountries(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setServerError(undefined);
    let contact: Contact;
    if (method === 'whatsapp') {
      const parsed = parseWhatsAppNumber(number, country);
      if (!parsed.ok) return setFieldError(parsed.message);
      contact = { method, countryShortName: parsed.countryShortName, whatsappNumber: parsed.whatsappNumber };
    } else {
      const trimmed = email.trim();
      if (trimmed.length === 0) return setFieldError('Enter your email address.');
      if (trimmed.length > 254 || !EMAIL.test(trimmed))
        return setFieldError('This is not a valid email address. Check it and try again.');
      contact = { method, email: trimmed.toLowerCase() };
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const response = await onSend(contact);
      if (!response.ok) setServerError(response.error.message);
    } catch {
      setServerError('The extension did not answer. Close and reopen this window, then try again.');
    } finally {
      setBusy(false);
    }
  }

  const tab = (value: Method, label: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${value}`}
      aria-selected={method === value}
      aria-controls="signin-panel"
      class={`tab ${method === value ? 'tab-active' : ''}`}
      onClick={() => {
        setMethod(value);
        setFieldError(undefined);
        setServerError(undefined);
      }}
    >
      {label}
    </button>
  );

  return (
    <section class="card">
      <h1 class="title">Log in to Okto</h1>
      <p class="muted">We’ll send you a 6-digit code. No password needed.</p>
      {notice && <p class="notice">{notice}</p>}
      {tokensValidUntil !== undefined && tokensValidUntil * 1000 > Date.now() && (
        <p class="notice" role="status" data-testid="tokens-valid-until">
          You are logged out. {tokensStillValidText('already given to sites', tokensValidUntil)}
        </p>
      )}
      <div class="tabs" role="tablist" aria-label="How to log in">
        {tab('whatsapp', 'WhatsApp')}
        {tab('email', 'Email')}
      </div>
      <div id="signin-panel" role="tabpanel" aria-labelledby={`tab-${method}`}>
        <form onSubmit={submit} noValidate>
          {method === 'whatsapp' ? (
            <>
              <label class="field">
                <span>Country</span>
                <select
                  value={country}
                  onChange={(e) => {
                    const next = e.currentTarget.value as CountryCode;
                    setCountry(next);
                    setNumber(formatAsYouType(number.replace(/\D/g, ''), next));
                  }}
                >
                  {countries.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name} (+{c.callingCode})
                    </option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span>WhatsApp number</span>
                <input
                  type="tel"
                  inputMode="tel"
                  autoComplete="tel-national"
                  placeholder="98765 43210"
                  value={number}
                  aria-invalid={Boolean(fieldError)}
                  aria-describedby={fieldError ? 'field-error' : undefined}
                  onInput={(e) => {
                    setNumber(formatAsYouType(e.currentTarget.value, country));
                    setFieldError(undefined);
                  }}
                />
              </label>
            </>
          ) : (
            <label class="field">
              <span>Email address</span>
              <input
                type="email"
                autoComplete="email"
                placeholder="you@example.com"
                value={email}
                aria-invalid={Boolean(fieldError)}
                aria-describedby={fieldError ? 'field-error' : undefined}
                onInput={(e) => {
                  setEmail(e.currentTarget.value);
                  setFieldError(undefined);
                }}
              />
            </label>
          )}
          {fieldError && (
            <p id="field-error" class="field-error" role="alert">
              {fieldError}
            </p>
          )}
          {serverError && <Alert>{serverError}</Alert>}
          <Button type="submit" busy={busy}>
            Send code
          </Button>
        </form>
      </div>
    </section>
  );
}
