import { useMemo, useState } from 'preact/hooks';
import { Alert } from '../popup/ui.tsx';
import type { InspectedTab } from './inspectedTab.ts';
import { JobsView } from './JobsView.tsx';
import { groupJobs } from './jobHistory.ts';
import { RequestLog } from './RequestLog.tsx';
import { SessionCard } from './SessionCard.tsx';
import { TokenTools } from './TokenTools.tsx';
import { useDevtoolsState } from './useDevtoolsState.ts';

type PanelTab = 'requests' | 'jobs' | 'tokens';

const TAB_LABELS: Record<PanelTab, string> = { requests: 'Requests', jobs: 'Jobs', tokens: 'Token tools' };

/** The Okto DevTools panel: the session and its actions beside the request log, the jobs and the token tools. */
export function OktoPanel({ tab }: { tab: InspectedTab }) {
  const state = useDevtoolsState(tab);
  const [shown, setShown] = useState<PanelTab>('requests');
  const account = state.view?.step === 'signedIn' ? state.view.account : undefined;
  const jobs = useMemo(() => groupJobs(state.entries), [state.entries]);
  const [selectedEntryId, setSelectedEntryId] = useState<number>();
  const [selectedJobId, setSelectedJobId] = useState<string>();
  const openJob = (jobId: string) => {
    setSelectedJobId(jobId);
    setShown('jobs');
  };
  const openEntry = (entryId: number) => {
    setSelectedEntryId(entryId);
    setShown('requests');
  };

  return (
    <div class="panel">
      <header class="panel-header">
        <span class="brand">
          <img src="/icons/icon-32.png" alt="" width={18} height={18} /> Okto
        </span>
        <div class="panel-tabs" role="tablist" aria-label="Panel sections">
          {(['requests', 'jobs', 'tokens'] as const).map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              class={`tab${shown === id ? ' tab-active' : ''}`}
              aria-selected={shown === id}
              onClick={() => setShown(id)}
            >
              {TAB_LABELS[id]}
              {id === 'jobs' && jobs.length > 0 && <span class="tab-count">{jobs.length}</span>}
            </button>
          ))}
        </div>
        <span class="muted panel-target">
          {tab.tabId >= 0 ? `Tab ${tab.tabId}` : 'No tab'}
          {state.origin ? ` · ${state.origin}` : ''}
        </span>
      </header>
      {state.error && <Alert>{state.error}</Alert>}
      <div class="panel-body">
        <aside class="panel-side">
          <SessionCard
            view={state.view}
            origin={state.origin}
            connected={state.connected}
            onChanged={state.refresh}
          />
        </aside>
        <div class="panel-main" role="tabpanel">
          {shown === 'requests' ? (
            <RequestLog
              entries={state.entries}
              jobs={jobs}
              tabId={tab.tabId}
              onClear={state.clearLog}
              selectedId={selectedEntryId}
              onSelect={setSelectedEntryId}
              onOpenJob={openJob}
            />
          ) : shown === 'jobs' ? (
            <JobsView
              jobs={jobs}
              entries={state.entries}
              selectedId={selectedJobId}
              onSelect={setSelectedJobId}
              onOpenEntry={openEntry}
            />
          ) : (
            <TokenTools account={account} />
          )}
        </div>
      </div>
    </div>
  );
}
