import { useEffect, useState } from 'preact/hooks';
import { MAX_DEVTOOLS_TOKEN_TTL_SECONDS } from '../messages/devtools.ts';
import type { AccountView } from '../messages/login.ts';
import { Alert, Button, useNow } from '../popup/ui.tsx';
import { formatRelative } from './time.ts';
import { inspectAuthToken, type TokenInspection } from './tokenInspection.ts';
import { sendDevtools } from './useDevtoolsState.ts';

const DEFAULT_TTL_SECONDS = 600;

/** Decode and check a pasted Okto auth token; mint a test token of the current session. */
export function TokenTools({ account }: { account: AccountView | undefined }) {
  const [token, setToken] = useState('');
  return (
    <div class="token-tools">
      <TokenChecker token={token} onToken={setToken} account={account} />
      <TokenMinter signedIn={account !== undefined} onCheck={setToken} />
    </div>
  );
}

function TokenChecker({
  token,
  onToken,
  account,
}: {
  token: string;
  onToken: (token: string) => void;
  account: AccountView | undefined;
}) {
  const now = useNow();
  const [inspection, setInspection] = useState<TokenInspection>();
  const sessionPublicKey = account?.sessionPublicKey;

  useEffect(() => {
    if (!token.trim()) {
      setInspection(undefined);
      return;
    }
    let current = true;
    void inspectAuthToken(token, { now: Math.floor(Date.now() / 1000), sessionPublicKey }).then((result) => {
      if (current) setInspection(result);
    });
    return () => {
      current = false;
    };
  }, [token, sessionPublicKey]);

  return (
    <section class="card" aria-labelledby="check-title">
      <h2 class="section-title" id="check-title">
        Check an auth token
      </h2>
      <label class="field">
        Auth token
        <textarea
          class="token-input mono"
          rows={4}
          spellcheck={false}
          placeholder="Paste an Okto auth token (base64, with or without “Bearer ”)"
          value={token}
          onInput={(event) => onToken(event.currentTarget.value)}
        />
      </label>
      {inspection && !inspection.ok && (
        <Alert>
          <span data-testid="token-error">{inspection.message}</span>
          {inspection.details && <span class="alert-details"> {inspection.details}.</span>}
        </Alert>
      )}
      {inspection?.ok && (
        <dl class="facts facts-inline" data-testid="token-result">
          <dt>Type</dt>
          <dd class="mono">{inspection.payload.type}</dd>
          <dt>Signature</dt>
          <dd data-testid="token-signature">
            {inspection.signatureValid ? (
              <span class="badge badge-ok">valid</span>
            ) : (
              <>
                <span class="badge badge-bad">forged</span>{' '}
                <span class="muted">{inspection.signatureDetails}</span>
              </>
            )}
          </dd>
          <dt>expire_at</dt>
          <dd data-testid="token-expiry">
            <span class="mono">{inspection.expireAt}</span>{' '}
            <span class="muted">{new Date(inspection.expireAt * 1000).toISOString()}</span>{' '}
            {inspection.expireAt * 1000 <= now ? (
              <span class="badge badge-bad">expired {formatRelative(inspection.expireAt * 1000, now)}</span>
            ) : (
              <span class="badge badge-ok">expires {formatRelative(inspection.expireAt * 1000, now)}</span>
            )}
          </dd>
          <dt>Current session</dt>
          <dd data-testid="token-session">
            {inspection.belongsToSession === undefined ? (
              <span class="muted">not logged in: nothing to compare with</span>
            ) : inspection.belongsToSession ? (
              <span class="badge badge-ok">yes, this session's key</span>
            ) : (
              <span class="badge badge-bad">no, another session's key</span>
            )}
          </dd>
          <dt>session_pub_key</dt>
          <dd class="mono wrap">{inspection.payload.data.session_pub_key}</dd>
          <dt>Session address</dt>
          <dd class="mono">{inspection.sessionAddress}</dd>
          <dt>data_signature</dt>
          <dd class="mono wrap muted">{inspection.payload.data_signature}</dd>
        </dl>
      )}
    </section>
  );
}

function TokenMinter({ signedIn, onCheck }: { signedIn: boolean; onCheck: (token: string) => void }) {
  const [ttl, setTtl] = useState(String(DEFAULT_TTL_SECONDS));
  const [busy, setBusy] = useState(false);
  const [minted, setMinted] = useState<{ token: string; expiresAt: number }>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState(false);
  const ttlSeconds = Number(ttl);
  const ttlValid =
    Number.isInteger(ttlSeconds) && ttlSeconds >= 1 && ttlSeconds <= MAX_DEVTOOLS_TOKEN_TTL_SECONDS;

  async function mint(event: Event) {
    event.preventDefault();
    if (!ttlValid) return;
    setBusy(true);
    setError(undefined);
    setCopied(false);
    try {
      const answer = await sendDevtools({ type: 'devtools/mintToken', ttlSeconds });
      if (answer.ok) setMinted({ token: answer.token, expiresAt: answer.expiresAt });
      else setError(answer.error.message);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!minted) return;
    try {
      await navigator.clipboard.writeText(minted.token);
      setCopied(true);
    } catch {
      // DevTools panels may not have clipboard access: fall back to copying the selection.
      const area = document.getElementById('minted-token') as HTMLTextAreaElement | null;
      area?.select();
      setCopied(document.execCommand('copy'));
      if (!area) setError('Could not copy. Select the token and copy it by hand.');
    }
  }

  return (
    <section class="card" aria-labelledby="mint-title">
      <h2 class="section-title" id="mint-title">
        Mint a test token
      </h2>
      <p class="muted">
        Signed by this session's key, as the extension signs the tokens it gives dApps. Treat it as a
        password: it lets anyone act as this user until it expires. Okto cannot revoke it: it keeps working
        after you log out, until it expires (at most an hour).
      </p>
      <form class="row mint-form" onSubmit={mint}>
        <label class="field field-inline">
          TTL (seconds)
          <input
            type="number"
            min={1}
            max={MAX_DEVTOOLS_TOKEN_TTL_SECONDS}
            value={ttl}
            aria-invalid={!ttlValid}
            onInput={(event) => setTtl(event.currentTarget.value)}
          />
        </label>
        <Button type="submit" busy={busy} disabled={!signedIn || !ttlValid}>
          Mint token
        </Button>
      </form>
      {!signedIn && <p class="muted">Log in from the Okto toolbar button to mint tokens.</p>}
      {error && <Alert>{error}</Alert>}
      {minted && (
        <>
          <textarea
            id="minted-token"
            class="token-input mono"
            rows={4}
            readOnly
            aria-label="Minted token"
            value={minted.token}
          />
          <div class="row">
            <span class="muted">
              Valid until {new Date(minted.expiresAt * 1000).toLocaleString()}, even after a logout
            </span>
            <span class="row">
              <Button variant="secondary" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
              <Button variant="secondary" onClick={() => onCheck(minted.token)}>
                Check it
              </Button>
            </span>
          </div>
        </>
      )}
    </section>
  );
}
