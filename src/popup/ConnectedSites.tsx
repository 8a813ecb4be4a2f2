import { useEffect, useState } from 'preact/hooks';
import type { ConnectedSiteView } from '../messages/provider.ts';
import { NetworkLogo } from './NetworkLogo.tsx';
import { onSitesChanged, sendSites } from './sitesApi.ts';
import { formatClockTime, tokensStillValidText } from './time.ts';
import { Alert, Button } from './ui.tsx';

/** The sites the user approved, with the network each is on, the date of each approval and a Revoke button. */
export function ConnectedSites() {
  const [sites, setSites] = useState<ConnectedSiteView[]>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [revoked, setRevoked] = useState<{ origin: string; tokensValidUntil?: number }>();

  useEffect(() => {
    const load = () =>
      sendSites({ type: 'sites/list' }).then((answer) =>
        answer.ok ? setSites(answer.sites ?? []) : setError(answer.error.message),
      );
    void load();
    return onSitesChanged(load);
  }, []);

  async function revoke(origin: string) {
    setBusy(origin);
    setError(undefined);
    const answer = await sendSites({ type: 'sites/revoke', origin });
    if (answer.ok) {
      setSites(answer.sites ?? []);
      setRevoked(answer.revoked ?? { origin });
    } else setError(answer.error.message);
    setBusy(undefined);
  }

  return (
    <section class="card" aria-labelledby="connected-sites">
      <h2 class="section-title" id="connected-sites">
        Connected sites
      </h2>
      {revoked && (
        <p class="notice" role="status" data-testid="revoked-notice">
          Disconnected <strong>{revoked.origin}</strong>.{' '}
          {revoked.tokensValidUntil
            ? tokensStillValidText('it already has', revoked.tokensValidUntil)
            : 'It has no token that still works.'}
        </p>
      )}
      {sites?.length === 0 && (
        <p class="muted">No site is connected. A site asks you before it gets your wallet.</p>
      )}
      {sites && sites.length > 0 && (
        <ul class="list" data-testid="connected-sites">
          {sites.map((site) => (
            <li key={site.origin}>
              <span class="site">
                <span class="site-origin">{site.origin}</span>
                {site.network && (
                  <span class="site-network" data-testid="site-network">
                    <NetworkLogo name={site.network.label} logo={site.network.logo} size={14} />
                    on {site.network.label}
                  </span>
                )}
                <span class="muted site-date">
                  Approved{' '}
                  <time dateTime={new Date(site.approvedAt).toISOString()}>
                    {new Date(site.approvedAt).toLocaleDateString()}
                  </time>
                  {site.tokensValidUntil && (
                    <> · its latest token works until {formatClockTime(site.tokensValidUntil)}</>
                  )}
                </span>
              </span>
              <Button
                variant="secondary"
                busy={busy === site.origin}
                disabled={Boolean(busy)}
                aria-label={`Revoke ${site.origin}`}
                onClick={() => revoke(site.origin)}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {error && <Alert>{error}</Alert>}
    </section>
  );
}
