import { useRef, useState } from 'preact/hooks';
import type { AccountView, LoginResponse } from '../messages/login.ts';
import { Account } from './Account.tsx';
import { Activity } from './Activity.tsx';
import { ConnectedSites } from './ConnectedSites.tsx';
import { Home } from './Home.tsx';
import { PendingApprovals } from './PendingApprovals.tsx';
import { Send } from './Send.tsx';
import { useJobs, useOverview } from './walletApi.ts';

const TABS = ['Home', 'Send', 'Activity'] as const;
type Tab = (typeof TABS)[number];

/**
 * The signed-in popup: a wallet with Home (balances, then the account, requests waiting for approval
 * and connected sites), Send and Activity. Every panel stays mounted, so a send in progress or a form
 * half filled survives a look at another tab.
 */
export function Wallet({
  account,
  onLogout,
}: {
  account: AccountView;
  onLogout: () => Promise<LoginResponse>;
}) {
  const [tab, setTab] = useState<Tab>('Home');
  const overview = useOverview();
  const jobs = useJobs();
  const tabs = useRef<HTMLDivElement>(null);

  const select = (next: Tab, focus = false) => {
    setTab(next);
    if (focus) tabs.current?.querySelector<HTMLButtonElement>(`#tab-${next}`)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    select(next, true);
  };
  const pendingJobs = jobs.jobs?.filter((j) => j.outcome === 'pending').length ?? 0;

  return (
    <>
      <div class="tabs wallet-tabs" role="tablist" aria-label="Wallet" ref={tabs} onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            class={`tab${tab === name ? ' tab-active' : ''}`}
            onClick={() => select(name)}
          >
            {name}
            {name === 'Activity' && pendingJobs > 0 && (
              <>
                <span class="tab-count" aria-hidden="true">
                  {pendingJobs}
                </span>
                <span class="visually-hidden"> ({pendingJobs} pending)</span>
              </>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-Home" aria-labelledby="tab-Home" hidden={tab !== 'Home'} class="panel">
        <PendingApprovals />
        <Home state={overview} />
        <Account account={account} onLogout={onLogout} />
        <ConnectedSites />
      </div>
      <div role="tabpanel" id="panel-Send" aria-labelledby="tab-Send" hidden={tab !== 'Send'} class="panel">
        <Send overview={overview.overview} onActivity={() => select('Activity')} />
      </div>
      <div
        role="tabpanel"
        id="panel-Activity"
        aria-labelledby="tab-Activity"
        hidden={tab !== 'Activity'}
        class="panel"
      >
        <Activity state={jobs} />
      </div>
    </>
  );
}
