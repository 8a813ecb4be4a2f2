import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ActivityEntry } from '../messages/devtools.ts';
import { Button } from '../popup/ui.tsx';
import {
  ACTIVITY_KINDS,
  type ActivityKind,
  entryOutcome,
  entryTarget,
  filterEntries,
  isFailure,
} from './activityFilter.ts';
import { DecodedDetails } from './DecodedDetails.tsx';
import { type DecodedEntry, decodeEntry } from './decodeEntry.ts';
import type { JobHistory } from './jobHistory.ts';
import { formatClock } from './time.ts';
import { scrollToShow, visibleRange } from './virtualList.ts';

/** Fixed, so that a row's position is `index × ROW_HEIGHT` and only visible rows need a DOM node. */
export const ROW_HEIGHT = 26;

type RequestLogProps = {
  entries: readonly ActivityEntry[];
  /** `groupJobs(entries)`: what `/execute`, `/v1/paymaster` and `/orders` entries are decoded against. */
  jobs: readonly JobHistory[];
  tabId: number;
  onClear: () => Promise<void>;
  /** The selected entry, kept by the panel so that the Jobs view can open one here. */
  selectedId: number | undefined;
  onSelect: (id: number | undefined) => void;
  /** Shows a job in the Jobs view. */
  onOpenJob: (jobId: string) => void;
};

/** The live request log: filter, a virtualised list, the selected entry's decoded and redacted details, export. */
export function RequestLog({
  entries,
  jobs,
  tabId,
  onClear,
  selectedId,
  onSelect,
  onOpenJob,
}: RequestLogProps) {
  const [text, setText] = useState('');
  const [kinds, setKinds] = useState<ReadonlySet<ActivityKind>>(new Set(ACTIVITY_KINDS));
  const filtered = useMemo(() => filterEntries(entries, { text, kinds }), [entries, text, kinds]);
  const selected = selectedId === undefined ? undefined : filtered.find((e) => e.id === selectedId);
  // Decoded once per selection (and as new jobs arrive), not on every tick of the validity countdown.
  const decoded = useMemo(
    () => (selected ? decodeEntry(selected, { jobs, entries }) : undefined),
    [selected, jobs, entries],
  );

  function toggleKind(kind: ActivityKind) {
    const next = new Set(kinds);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setKinds(next);
  }

  function exportJson() {
    const blob = new Blob([JSON.stringify(filtered, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `okto-activity-${tabId >= 0 ? `tab-${tabId}-` : ''}${new Date().toISOString().replaceAll(':', '-')}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <section class="log" aria-label="Requests">
      <div class="log-toolbar">
        <input
          class="log-search"
          type="search"
          placeholder="Filter: method, URL, origin, trace id, body…"
          aria-label="Filter requests"
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <fieldset class="kinds">
          <legend class="visually-hidden">Kinds</legend>
          {ACTIVITY_KINDS.map((kind) => (
            <label key={kind} class={`kind-toggle kind-${kind}`}>
              <input type="checkbox" checked={kinds.has(kind)} onChange={() => toggleKind(kind)} />
              {kind}
            </label>
          ))}
        </fieldset>
        <span class="muted log-count" data-testid="log-count" aria-live="polite">
          {filtered.length === entries.length
            ? `${entries.length.toLocaleString('en-US')} entries`
            : `${filtered.length.toLocaleString('en-US')} of ${entries.length.toLocaleString('en-US')}`}
        </span>
        <Button variant="secondary" onClick={exportJson} disabled={filtered.length === 0}>
          Export JSON
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            onSelect(undefined);
            void onClear();
          }}
          disabled={entries.length === 0}
        >
          Clear
        </Button>
      </div>
      <div class={`log-body${selected ? ' log-body-split' : ''}`}>
        <VirtualList entries={filtered} selectedId={selected?.id} onSelect={onSelect} />
        {selected && (
          <EntryDetails
            entry={selected}
            decoded={decoded}
            onClose={() => onSelect(undefined)}
            onOpenJob={onOpenJob}
          />
        )}
      </div>
    </section>
  );
}

function VirtualList({
  entries,
  selectedId,
  onSelect,
}: {
  entries: readonly ActivityEntry[];
  selectedId: number | undefined;
  onSelect: (id: number) => void;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  /** Follow new entries while the list is scrolled to its end, as the Network panel does. */
  const follow = useRef(true);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (element && follow.current) {
      element.scrollTop = element.scrollHeight;
      setScrollTop(element.scrollTop);
    }
  }, [entries.length]);

  const { start, end } = visibleRange({
    scrollTop,
    viewportHeight: height,
    rowHeight: ROW_HEIGHT,
    count: entries.length,
  });
  const selectedIndex = selectedId === undefined ? -1 : entries.findIndex((e) => e.id === selectedId);

  useEffect(() => {
    const element = viewport.current;
    if (!element || selectedIndex < 0) return;
    const top = scrollToShow({
      index: selectedIndex,
      scrollTop: element.scrollTop,
      viewportHeight: element.clientHeight,
      rowHeight: ROW_HEIGHT,
    });
    if (top !== undefined) element.scrollTop = top;
  }, [selectedIndex]);

  function onKeyDown(event: KeyboardEvent) {
    if (entries.length === 0) return;
    const move: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    let index: number | undefined;
    if (event.key in move)
      index = Math.max(
        0,
        Math.min(
          entries.length - 1,
          (selectedIndex < 0 ? entries.length : selectedIndex) + (move[event.key] ?? 0),
        ),
      );
    if (event.key === 'Home') index = 0;
    if (event.key === 'End') index = entries.length - 1;
    if (index === undefined) return;
    event.preventDefault();
    const entry = entries[index];
    if (entry) onSelect(entry.id);
  }

  const rows = [];
  for (let index = start; index < end; index++) {
    const entry = entries[index];
    if (entry)
      rows.push(
        <Row
          key={entry.id}
          entry={entry}
          index={index}
          selected={entry.id === selectedId}
          onSelect={onSelect}
        />,
      );
  }

  return (
    <div class="log-list">
      <div class="log-row log-head" aria-hidden="true">
        <span>Time</span>
        <span>Kind</span>
        <span>Method</span>
        <span>URL / origin</span>
        <span>Status</span>
        <span class="num">ms</span>
        <span>trace_id</span>
      </div>
      <div
        class="log-viewport"
        ref={viewport}
        role="listbox"
        aria-label="Request log"
        aria-activedescendant={selectedId === undefined ? undefined : `entry-${selectedId}`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(event) => {
          const element = event.currentTarget;
          setScrollTop(element.scrollTop);
          follow.current = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT;
        }}
      >
        {entries.length === 0 ? (
          <p class="muted log-empty">
            No requests yet. They appear here as the page and the extension make them.
          </p>
        ) : (
          <div class="log-spacer" style={{ height: `${entries.length * ROW_HEIGHT}px` }}>
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}

function Row({
  entry,
  index,
  selected,
  onSelect,
}: {
  entry: ActivityEntry;
  index: number;
  selected: boolean;
  onSelect: (id: number) => void;
}) {
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys (arrows, Home, End) for its options, via aria-activedescendant.
    <div
      id={`entry-${entry.id}`}
      tabIndex={-1}
      class={`log-row${selected ? ' log-row-selected' : ''}${isFailure(entry) ? ' log-row-failed' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      role="option"
      aria-selected={selected}
      onClick={() => onSelect(entry.id)}
    >
      <span class="muted">{formatClock(entry.at)}</span>
      <span>
        <span class={`kind kind-${entry.kind}`}>{entry.kind}</span>
      </span>
      <span class="mono ellipsis" title={entry.method}>
        {entry.method}
      </span>
      <span class="mono ellipsis" title={entry.url ?? entry.origin}>
        {entryTarget(entry)}
      </span>
      <span>{entryOutcome(entry)}</span>
      <span class="num">{Math.round(entry.durationMs)}</span>
      <span class="mono ellipsis muted">{entry.traceId ?? ''}</span>
    </div>
  );
}

function EntryDetails({
  entry,
  decoded,
  onClose,
  onOpenJob,
}: {
  entry: ActivityEntry;
  decoded: DecodedEntry | undefined;
  onClose: () => void;
  onOpenJob: (jobId: string) => void;
}) {
  return (
    <aside class="details" aria-label="Request details" data-testid="entry-details">
      <div class="details-head">
        <strong class="mono">
          {entry.method} {entryTarget(entry)}
        </strong>
        <Button variant="link" onClick={onClose} aria-label="Close details">
          ✕
        </Button>
      </div>
      <dl class="facts facts-inline">
        <dt>Kind</dt>
        <dd>{entry.kind}</dd>
        <dt>At</dt>
        <dd>{new Date(entry.at).toISOString()}</dd>
        {entry.url && (
          <>
            <dt>URL</dt>
            <dd class="mono wrap">{entry.url}</dd>
          </>
        )}
        {entry.origin && (
          <>
            <dt>Origin</dt>
            <dd class="mono">{entry.origin}</dd>
          </>
        )}
        {entry.tabId !== undefined && (
          <>
            <dt>Tab</dt>
            <dd>{entry.tabId}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd>{entryOutcome(entry)}</dd>
        <dt>Duration</dt>
        <dd>{Math.round(entry.durationMs)} ms</dd>
        {entry.traceId && (
          <>
            <dt>trace_id</dt>
            <dd class="mono">{entry.traceId}</dd>
          </>
        )}
      </dl>
      {entry.error && (
        <>
          <h3 class="details-title">Error</h3>
          <pre class="json json-error">{JSON.stringify(entry.error, null, 2)}</pre>
        </>
      )}
      {decoded && <DecodedDetails decoded={decoded} onOpenJob={onOpenJob} />}
      <h3 class="details-title">{requestTitle(entry)} (redacted)</h3>
      <pre class="json" data-testid="entry-request">
        {entry.request === undefined ? '—' : JSON.stringify(entry.request, null, 2)}
      </pre>
      <h3 class="details-title">{responseTitle(entry)} (redacted)</h3>
      <pre class="json" data-testid="entry-response">
        {entry.response === undefined ? '—' : JSON.stringify(entry.response, null, 2)}
      </pre>
    </aside>
  );
}

function requestTitle(entry: ActivityEntry): string {
  return entry.kind === 'provider' ? 'Params' : entry.kind === 'job' ? 'Job' : 'Request body';
}

function responseTitle(entry: ActivityEntry): string {
  return entry.kind === 'provider' ? 'Result' : entry.kind === 'job' ? 'State' : 'Response body';
}
