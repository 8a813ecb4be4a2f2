import type { JobView } from '../messages/wallet.ts';
import { formatClockTime } from './time.ts';
import { Alert, Button, CopyButton } from './ui.tsx';
import type { JobsState } from './walletApi.ts';

const OUTCOME_WORDS: Record<JobView['outcome'], string> = {
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** One job: its outcome and Okto's status, network, what it did, when, its hash, and why it failed. */
function JobItem({ job }: { job: JobView }) {
  const hash = job.transactionHashes[0];
  return (
    <li class="card job" data-testid="job" data-outcome={job.outcome} aria-labelledby={`job-${job.id}`}>
      <div class="row">
        <span class={`badge badge-${job.outcome}`} data-testid="job-outcome">
          {OUTCOME_WORDS[job.outcome]}
        </span>
        <span class="muted small" data-testid="job-status">
          {job.status}
        </span>
      </div>
      <p class="job-title" id={`job-${job.id}`}>
        {job.title}
      </p>
      <p class="muted small">
        {job.networkLabel} ·{' '}
        <time dateTime={new Date(job.createdAt).toISOString()}>{formatClockTime(job.createdAt / 1000)}</time>
        {job.origin && <> · asked by {job.origin}</>}
      </p>
      {hash && (
        <div class="hash-row">
          <code class="hash" data-testid="job-hash" title={hash}>
            {hash}
          </code>
          <CopyButton text={hash} label={`Copy transaction hash of ${job.title}`} />
        </div>
      )}
      {job.outcome === 'failed' && job.reason && (
        <p class="field-error" data-testid="job-reason">
          {job.reason}
        </p>
      )}
    </li>
  );
}

/** The wallet's jobs, newest first; pending ones move on live. */
export function Activity({ state }: { state: JobsState }) {
  const { jobs, error, reload } = state;
  return (
    <section aria-labelledby="activity-heading" class="activity">
      <div class="row">
        <h2 class="section-title" id="activity-heading">
          Activity
        </h2>
        <Button variant="link" onClick={reload} aria-label="Refresh activity">
          Refresh
        </Button>
      </div>
      {error && (
        <div class="error-box">
          <Alert>Could not read your activity: {error}</Alert>
          <Button variant="secondary" onClick={reload}>
            Retry
          </Button>
        </div>
      )}
      {!jobs && !error && (
        <p class="muted center" aria-busy="true">
          Loading activity…
        </p>
      )}
      {jobs?.length === 0 && (
        <p class="muted center">Nothing yet. Your sends and the transactions sites ask for appear here.</p>
      )}
      {jobs && jobs.length > 0 && (
        <ul class="job-list" aria-label="Jobs">
          {jobs.map((job) => (
            <JobItem key={job.id} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}
