import type { CountryCode } from 'libphonenumber-js/min';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { LoginMethodsView, LoginResponse, OtpContact, SocialProvider } from '../messages/login.ts';
import { send } from './api.ts';
import { ProviderButtons } from './ProviderButtons.tsx';
import './signIn.css';
import { formatAsYouType, guessCountry, listCountries, parseWhatsAppNumber } from './phone.ts';
import { tokensStillValidText } from './time.ts';
import { Alert, Button } from './ui.tsx';

type Method = 'whatsapp' | 'email';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Until the companion answers (or if it cannot): the two code methods, as before there were others. */
const CODE_METHODS_ONLY: LoginMethodsView = { providers: [], otp: { whatsapp: true, email: true } };

/** How long the chooser waits for the companion's methods before it shows the code methods alone. */
const METHODS_WAIT_MS = 2000;

/**
 * The methods the companion offers, read through the worker when the popup opens; `undefined` while
 * they are on their way. The chooser waits for them (up to {@link METHODS_WAIT_MS}) rather than
 * showing the code tabs first: the provider buttons would then push the tabs down under the user's
 * pointer, and a click meant for "Email" would land on "Continue with Google".
 */
function useLoginMethods(): LoginMethodsView | undefined {
  const [methods, setMethods] = useState<LoginMethodsView>();
  useEffect(() => {
    const fallBack = setTimeout(() => setMethods(CODE_METHODS_ONLY), METHODS_WAIT_MS);
    send({ type: 'login/getMethods' })
      .then((answer) => setMethods(answer.ok ? answer.methods : CODE_METHODS_ONLY))
      .catch(() => setMethods(CODE_METHODS_ONLY))
      .finally(() => clearTimeout(fallBack));
    return () => clearTimeout(fallBack);
  }, []);
  return methods;
}

/**
 * The ways in, as the companion offers them: Google, Apple, X and the app's own login, then WhatsApp
 * (country + number) and email codes.
 */
export function SignIn({
  onSend,
  onStartProvider,
  notice,
  tokensValidUntil,
}: {
  onSend: (contact: OtpContact) => Promise<LoginResponse>;
  onStartProvider: (provider: SocialProvider) => Promise<LoginResponse>;
  notice?: string;
  /** After a logout: until when tokens already handed to sites still work at Okto (unix seconds). */
  tokensValidUntil?: number;
}) {
  const known = useLoginMethods();
  const methods = known ?? CODE_METHODS_ONLY;
  const codeMethods = (['whatsapp', 'email'] as const).filter((m) => methods.otp[m]);
  const [chosen, setMethod] = useState<Method>('whatsapp');
  const method = codeMethods.includes(chosen) ? chosen : (codeMethods[0] ?? chosen);
  const [starting, setStarting] = useState<SocialProvider>();
  const [providerError, setProviderError] = useState<string>();
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
    setProviderError(undefined);
    let contact: OtpContact;
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

  async function startProvider(provider: SocialProvider) {
    setProviderError(undefined);
    setServerError(undefined);
    setStarting(provider);
    try {
      const response = await onStartProvider(provider);
      if (!response.ok) setProviderError(response.error.message);
    } catch {
      setProviderError('The extension did not answer. Close and reopen this window, then try again.');
    } finally {
      setStarting(undefined);
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
    <section class={`card${methods.providers.length > 0 ? ' signin-compact' : ''}`}>
      <h1 class="title">Log in to Okto</h1>
      <p class="muted">
        {known === undefined || methods.providers.length > 0
          ? 'No password needed.'
          : 'We’ll send you a 6-digit code. No password needed.'}
      </p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {tokensValidUntil !== undefined && tokensValidUntil * 1000 > Date.now() && (
        <p class="notice" role="status" data-testid="tokens-valid-until">
          You are logged out. {tokensStillValidText('already given to sites', tokensValidUntil)}
        </p>
      )}
      {known === undefined ? (
        <p class="muted center" aria-busy="true">
          Loading…
        </p>
      ) : (
        <>
          <ProviderButtons providers={methods.providers} busy={starting} onStart={startProvider} />
          {providerError && <Alert>{providerError}</Alert>}
          {codeMethods.length > 0 && methods.providers.length > 0 && (
            <p class="divider" aria-hidden="true">
              or get a code
            </p>
          )}
          {codeMethods.length > 1 && (
            <div class="tabs" role="tablist" aria-label="How to log in">
              {tab('whatsapp', 'WhatsApp')}
              {tab('email', 'Email')}
            </div>
          )}
          {codeMethods.length > 0 && (
            <div id="signin-panel" role="tabpanel" aria-labelledby={`tab-${method}`}>
              <form onSubmit={submit} noValidate>
                {method === 'whatsapp' ? (
                  <div class="field-row">
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
                  </div>
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
          )}
        </>
      )}
    </section>
  );
}
