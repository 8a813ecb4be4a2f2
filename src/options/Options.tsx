import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import type { Settings, SettingsResponse } from '../messages/login.ts';
import { SettingsSchema } from '../messages/login.ts';
import { environments, OKTO_ENVIRONMENTS, type OktoEnvironment } from '../okto/environments.ts';
import { send } from '../popup/api.ts';
import { Alert, Button } from '../popup/ui.tsx';

/** Settings: which Okto (local emulator, sandbox, production), the emulator URL, the companion URL. */
export function Options() {
  const [saved, setSaved] = useState<Settings>();
  const [draft, setDraft] = useState<Settings>();
  const [errors, setErrors] = useState<Partial<Record<keyof Settings, string>>>({});
  const [alert, setAlert] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    send({ type: 'settings/get' })
      .then((r) => {
        setSaved(r.settings);
        setDraft(r.settings);
      })
      .catch(() => setAlert('The extension’s background did not answer. Reload this page.'));
  }, []);

  if (!draft)
    return <main class="options">{alert ? <Alert>{alert}</Alert> : <p class="muted">Loading…</p>}</main>;

  const update = (patch: Partial<Settings>) => {
    setDraft({ ...draft, ...patch });
    setStatus(undefined);
    setConfirming(false);
  };

  async function save(confirmLogout: boolean) {
    setAlert(undefined);
    setStatus(undefined);
    const parsed = v.safeParse(SettingsSchema, draft);
    if (!parsed.success) {
      const flat = v.flatten<typeof SettingsSchema>(parsed.issues).nested ?? {};
      setErrors(Object.fromEntries(Object.entries(flat).map(([k, m]) => [k, m?.[0]])));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const response: SettingsResponse = await send({
        type: 'settings/save',
        settings: parsed.output,
        confirmLogout,
      });
      if (response.ok) {
        setSaved(response.settings);
        setDraft(response.settings);
        setConfirming(false);
        setStatus('Saved.');
      } else if (response.error.code === 'confirm_logout') setConfirming(true);
      else setAlert(response.error.message);
    } catch {
      setAlert('The extension’s background did not answer. Reload this page and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="options">
      <h1 class="title">Okto settings</h1>
      <form
        class="card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <label class="field">
          <span>Environment</span>
          <select
            value={draft.environment}
            onChange={(e) => update({ environment: e.currentTarget.value as OktoEnvironment })}
          >
            {OKTO_ENVIRONMENTS.map((env) => (
              <option key={env} value={env}>
                {environments[env].label}
              </option>
            ))}
          </select>
        </label>
        {draft.environment === 'local' ? (
          <UrlField
            label="Okto base URL"
            hint="The local emulator, started by npm start."
            value={draft.localBaseUrl}
            error={errors.localBaseUrl}
            onInput={(localBaseUrl) => update({ localBaseUrl })}
          />
        ) : (
          <p class="muted">
            Okto base URL: <code>{environments[draft.environment].baseUrl}</code>
          </p>
        )}
        <UrlField
          label="Companion URL"
          hint="The signing service that holds your app’s Okto client key."
          value={draft.companionUrl}
          error={errors.companionUrl}
          onInput={(companionUrl) => update({ companionUrl })}
        />
        {alert && <Alert>{alert}</Alert>}
        {confirming ? (
          <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
            <p id="confirm-text">
              Changing where Okto or the companion is ends your current session. Continue?
            </p>
            <div class="row">
              <Button busy={busy} onClick={() => save(true)}>
                Log out and save
              </Button>
              <Button
                variant="secondary"
                onClick={() => {
                  setConfirming(false);
                  setDraft(saved);
                }}
              >
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <Button type="submit" busy={busy}>
            Save
          </Button>
        )}
        {status && (
          <p class="status" role="status">
            {status}
          </p>
        )}
      </form>
    </main>
  );
}

function UrlField(p: {
  label: string;
  hint: string;
  value: string;
  error?: string;
  onInput: (v: string) => void;
}) {
  const id = p.label.replace(/\W+/g, '-').toLowerCase();
  return (
    <label class="field">
      <span>{p.label}</span>
      <input
        type="url"
        value={p.value}
        aria-invalid={Boolean(p.error)}
        aria-describedby={`${id}-hint`}
        onInput={(e) => p.onInput(e.currentTarget.value)}
      />
      <small id={`${id}-hint`} class="muted">
        {p.error ? <span class="field-error">{p.error}</span> : p.hint}
      </small>
    </label>
  );
}
