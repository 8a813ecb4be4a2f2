import { useState } from 'preact/hooks';
import { Alert } from '../popup/ui.tsx';
import type { InspectedTab } from './inspectedTab.ts';
import { RequestLog } from './RequestLog.tsx';
import { SessionCard } from './SessionCard.tsx';
import { TokenTools } from './TokenTools.tsx';
import { useDevtoolsState } from './useDevtoolsState.ts';

type PanelTab = 'requests' | 'tokens';

/** The Okto DevTools panel: the session and its actions beside the request log and the token tools. */
export function OktoPanel({ tab }: { tab: InspectedTab }) {
  const state = useDevtoolsState(tab);
  const [shown, setShown] = useState<PanelTab>('requests');
  const account = state.view?.step === 'signedIn' ? state.view.account : undefined;

  return (
    <div class="panel">
      <header class="panel-header">
        <span class="brand">
          <img src="/icons/icon-32.png" alt="" width={18} height={18} /> Okto
        </span>
        <div class="panel-tabs" role="tablist" aria-label="Panel sections">
          {(['requests', 'tokens'] as const).map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              class={`tab${shown === id ? ' tab-active' : ''}`}
              aria-selected={shown === id}
              onClick={() => setShown(id)}
            >
              {id === 'requests' ? 'Requests' : 'Token tools'}
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
            <RequestLog entries={state.entries} tabId={tab.tabId} onClear={state.clearLog} />
          ) : (
            <TokenTools account={account} />
          )}
        </div>
      </div>
    </div>
  );
}
