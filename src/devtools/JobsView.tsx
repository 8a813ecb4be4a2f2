import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ActivityEntry } from '../messages/devtools.ts';
import { Button } from '../popup/ui.tsx';
import { entryOutcome, entryTarget } from './activityFilter.ts';
import {
  CallDataView,
  Fact,
  Facts,
  HashList,
  Mono,
  StatusBadge,
  Title,
  ValidityText,
} from './DecodedDetails.tsx';
import { decodeCallData } from './decodeUserOp.ts';
import { type JobHistory, type JobStep, relatedEntries } from './jobHistory.ts';
import { formatClock } from './time.ts';
import { scrollToShow, visibleRange } from './virtualList.ts';

// The Jobs view: every wallet job the log has seen (grouped from its `job` entries), newest first, and
// the selected one's timeline, facts, decoded callData and the worker's requests for it.

const JOB_ROW_HEIGHT = 26;

type JobsViewProps = {
  jobs: readonly JobHistory[];
  entries: readonly ActivityEntry[];
  selectedId: string | undefined;
  onSelect: (id: string | undefined) => void;
  /** Shows an entry in the request log. */
  onOpenEntry: (entryId: number) => void;
};

/** The jobs list beside the selected job's details. */
export function JobsView({ jobs, entries, selectedId, onSelect, onOpenEntry }: JobsViewProps) {
  const selected = selectedId === undefined ? undefined : jobs.find((job) => job.id === selectedId);
  return (
    <section class="log jobs" aria-label="Jobs">
      <div class="log-toolbar">
        <span class="muted log-count" data-testid="jobs-count" aria-live="polite">
          {jobs.length === 1 ? '1 job' : `${jobs.length.toLocaleString('en-US')} jobs`} in the log
        </span>
        <span class="muted jobs-hint">
          Each job's changes, as the worker recorded them; a cleared or full log forgets older jobs.
        </span>
      </div>
      <div class={`log-body${selected ? ' log-body-split' : ''}`}>
        <JobList jobs={jobs} selectedId={selected?.id} onSelect={onSelect} />
        {selected && (
          <JobDetails
            job={selected}
            entries={entries}
            onClose={() => onSelect(undefined)}
            onOpenEntry={onOpenEntry}
          />
        )}
      </div>
    </section>
  );
}

function JobList({
  jobs,
  selectedId,
  onSelect,
}: {
  jobs: readonly JobHistory[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const selectedIndex = selectedId === undefined ? -1 : jobs.findIndex((job) => job.id === selectedId);
  useEffect(() => {
    const element = viewport.current;
    if (!element || selectedIndex < 0) return;
    const top = scrollToShow({
      index: selectedIndex,
      scrollTop: element.scrollTop,
      viewportHeight: element.clientHeight,
      rowHeight: JOB_ROW_HEIGHT,
    });
    if (top !== undefined) element.scrollTop = top;
  }, [selectedIndex]);

  const { start, end } = visibleRange({
    scrollTop,
    viewportHeight: height,
    rowHeight: JOB_ROW_HEIGHT,
    count: jobs.length,
  });

  function onKeyDown(event: KeyboardEvent) {
    if (jobs.length === 0) return;
    const move: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    let index: number | undefined;
    if (event.key in move)
      index = Math.max(
        0,
        Math.min(jobs.length - 1, (selectedIndex < 0 ? -1 : selectedIndex) + (move[event.key] ?? 0)),
      );
    if (event.key === 'Home') index = 0;
    if (event.key === 'End') index = jobs.length - 1;
    if (index === undefined) return;
    event.preventDefault();
    const job = jobs[index];
    if (job) onSelect(job.id);
  }

  const rows = [];
  for (let index = start; index < end; index++) {
    const job = jobs[index];
    if (!job) continue;
    const selected = job.id === selectedId;
    rows.push(
      // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys for its options, via aria-activedescendant.
      <div
        key={job.id}
        id={`job-${job.id}`}
        tabIndex={-1}
        role="option"
        aria-selected={selected}
        class={`log-row job-row${selected ? ' log-row-selected' : ''}${job.outcome === 'failed' ? ' log-row-failed' : ''}`}
        style={{ transform: `translateY(${index * JOB_ROW_HEIGHT}px)` }}
        onClick={() => onSelect(job.id)}
      >
        <span class="muted">{formatClock(job.firstAt)}</span>
        <span>
          <StatusBadge status={job.status} outcome={job.outcome} />
        </span>
        <span class="ellipsis" title={job.title}>
          {job.title ?? job.id}
        </span>
        <span class="mono ellipsis">{job.caip2Id ?? ''}</span>
        <span class="mono ellipsis muted">{job.origin ?? 'wallet'}</span>
      </div>,
    );
  }

  return (
    <div class="log-list">
      <div class="log-row job-row log-head" aria-hidden="true">
        <span>Started</span>
        <span>Status</span>
        <span>Title</span>
        <span>Network</span>
        <span>Origin</span>
      </div>
      <div
        class="log-viewport"
        ref={viewport}
        role="listbox"
        aria-label="Jobs"
        aria-activedescendant={selectedId === undefined ? undefined : `job-${selectedId}`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        {jobs.length === 0 ? (
          <p class="muted log-empty">
            No jobs yet. A send from the popup, or a dApp's transaction or batch, appears here once approved.
          </p>
        ) : (
          <div class="log-spacer" style={{ height: `${jobs.length * JOB_ROW_HEIGHT}px` }}>
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}

function JobDetails({
  job,
  entries,
  onClose,
  onOpenEntry,
}: {
  job: JobHistory;
  entries: readonly ActivityEntry[];
  onClose: () => void;
  onOpenEntry: (entryId: number) => void;
}) {
  const callData = useMemo(() => (job.callData ? decodeCallData(job.callData) : undefined), [job.callData]);
  const related = useMemo(() => relatedEntries(entries, job), [entries, job]);
  return (
    <aside class="details" aria-label="Job details" data-testid="job-details">
      <div class="details-head">
        <strong>{job.title ?? job.id}</strong>
        <Button variant="link" onClick={onClose} aria-label="Close job details">
          ✕
        </Button>
      </div>
      <Facts>
        <Fact label="Status" testId="job-status">
          <StatusBadge status={job.status} outcome={job.outcome} /> {job.state}
          {job.outcome ? ` · ${job.outcome}` : ''}
        </Fact>
        <Fact label="Job id">
          <Mono>{job.id}</Mono>
        </Fact>
        <Fact label="Kind">{job.kind ?? '—'}</Fact>
        <Fact label="Network" testId="job-network">
          {job.caip2Id ?? '—'}
        </Fact>
        <Fact label="Origin">{job.origin ? <Mono>{job.origin}</Mono> : 'the wallet (popup)'}</Fact>
        <Fact label="Intent">{job.intent ?? '—'}</Fact>
        <Fact label="Nonce (UUID)">
          <Mono>{job.nonce ?? '—'}</Mono>
          {job.nonces.length > 1 && (
            <span class="muted"> · earlier: {job.nonces.slice(0, -1).join(', ')} (refused as expired)</span>
          )}
        </Fact>
        <Fact label="UserOp hash" testId="job-user-op-hash">
          <Mono>{job.userOpHash ?? '—'}</Mono>
        </Fact>
        <Fact label="Okto job id" testId="job-okto-id">
          <Mono>{job.oktoJobId ?? '—'}</Mono>
        </Fact>
        <Fact label="Paymaster valid until" testId="job-paymaster-validity">
          {job.paymasterValidUntil === undefined ? (
            <span class="muted">not signed yet</span>
          ) : (
            <ValidityText validity={{ validUntil: job.paymasterValidUntil, source: 'job' }} />
          )}
        </Fact>
        <Fact label="Transactions" testId="job-transactions">
          <HashList hashes={job.transactionHashes} />
        </Fact>
        {job.reason && (
          <Fact label="Reason" testId="job-reason">
            {job.reason}
          </Fact>
        )}
      </Facts>
      <Title>Timeline ({job.updates} records)</Title>
      <Timeline steps={job.steps} />
      {callData && <CallDataView callData={callData} />}
      <Title>Requests for this job ({related.length})</Title>
      {related.length === 0 ? (
        <p class="muted">None in the log.</p>
      ) : (
        <ul class="related" data-testid="job-requests">
          {related.map((entry) => (
            <li key={entry.id}>
              <button type="button" class="link-button mono" onClick={() => onOpenEntry(entry.id)}>
                {formatClock(entry.at)} {entry.method} {entryTarget(entry)}
              </button>{' '}
              <span class="muted">{entryOutcome(entry)}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

/** The job's changes, oldest first, each with its time and the time since the job started. */
function Timeline({ steps }: { steps: readonly JobStep[] }) {
  const first = steps[0]?.at ?? 0;
  return (
    <ol class="timeline" data-testid="job-timeline">
      {steps.map((step) => (
        <li key={step.entryId} class={`timeline-step timeline-${step.state}`}>
          <span class="muted">{formatClock(step.at)}</span>
          <strong>{step.state}</strong>
          {step.status && <span class="mono">{step.status}</span>}
          <span class="muted">+{((step.at - first) / 1000).toFixed(1)} s</span>
        </li>
      ))}
    </ol>
  );
}
