import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type {
  JobView,
  WalletAnswer,
  WalletChanged,
  WalletOverview,
  WalletRequest,
} from '../messages/wallet.ts';

/** Sends a wallet request to the worker; a worker that does not answer is an error the user can retry. */
export async function sendWallet(request: WalletRequest): Promise<WalletAnswer> {
  try {
    return ((await browser.runtime.sendMessage(request)) as WalletAnswer | undefined) ?? noAnswer;
  } catch {
    return noAnswer;
  }
}

const noAnswer: WalletAnswer = {
  ok: false,
  error: { code: 'no_answer', message: 'The extension’s background did not answer. Try again.' },
};

/** Calls `listener` on every `wallet/changed` broadcast (a job moved on); returns the unsubscribe function. */
export function onWalletChanged(listener: (job: JobView | undefined) => void): () => void {
  const handler = (message: unknown) => {
    if ((message as WalletChanged | null)?.type === 'wallet/changed')
      listener((message as WalletChanged).job);
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}

export type OverviewState = {
  overview?: WalletOverview;
  /** Why the last read failed (the overview, if any, is then the one before). */
  error?: string;
  /** A read from Okto is under way. */
  refreshing: boolean;
  /** Reads the balances from Okto again. */
  refresh(): void;
};

/**
 * The networks and balances: the worker's copy at once, then Okto's (`refresh: true`) on open, and
 * again whenever a job ends (its send or call may have moved funds).
 */
export function useOverview(): OverviewState {
  const [overview, setOverview] = useState<WalletOverview>();
  const [error, setError] = useState<string>();
  const [refreshing, setRefreshing] = useState(true);
  const latest = useRef(0);

  const load = useCallback(async (refresh: boolean) => {
    const ticket = ++latest.current;
    setRefreshing(true);
    const answer = await sendWallet({ type: 'wallet/overview', ...(refresh ? { refresh: true } : {}) });
    if (ticket !== latest.current) return; // a newer read is under way: its answer wins
    if (answer.ok && answer.overview) {
      setOverview(answer.overview);
      setError(undefined);
    } else setError(answer.ok ? 'The wallet answered without balances. Try again.' : answer.error.message);
    setRefreshing(false);
  }, []);

  useEffect(() => {
    void sendWallet({ type: 'wallet/overview' }).then((answer) => {
      if (answer.ok && answer.overview && latest.current <= 1) setOverview((o) => o ?? answer.overview);
    });
    void load(true);
    return onWalletChanged((job) => {
      if (job && job.outcome !== 'pending') void load(false);
    });
  }, [load]);

  return { overview, error, refreshing, refresh: () => void load(true) };
}

export type JobsState = {
  jobs?: JobView[];
  error?: string;
  reload(): void;
};

/** The jobs, newest first, kept current by `wallet/changed`; re-read every 15 s while one is pending. */
export function useJobs(): JobsState {
  const [jobs, setJobs] = useState<JobView[]>();
  const [error, setError] = useState<string>();

  const reload = useCallback(async () => {
    const answer = await sendWallet({ type: 'wallet/jobs' });
    if (answer.ok) {
      setJobs(answer.jobs ?? []);
      setError(undefined);
    } else setError(answer.error.message);
  }, []);

  useEffect(() => {
    void reload();
    return onWalletChanged((job) => {
      if (!job) return void reload();
      setJobs((list) => upsertJob(list ?? [], job));
    });
  }, [reload]);

  const hasPending = jobs?.some((j) => j.outcome === 'pending') ?? false;
  useEffect(() => {
    if (!hasPending) return;
    const timer = setInterval(() => void reload(), 15_000);
    return () => clearInterval(timer);
  }, [hasPending, reload]);

  return { jobs, error, reload: () => void reload() };
}

/** The list with `job` in it (replacing its older copy), newest first. */
export function upsertJob(list: readonly JobView[], job: JobView): JobView[] {
  const rest = list.filter((j) => j.id !== job.id);
  return [job, ...rest].sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * One job as it moves on: its broadcasts, and a read every 3 s in case one was missed (a popup that
 * was closed and opened again). `undefined` until known.
 */
export function useJob(initial: JobView): JobView {
  const [job, setJob] = useState(initial);
  const done = job.outcome !== 'pending';
  useEffect(() => {
    const unsubscribe = onWalletChanged((changed) => {
      if (changed?.id === initial.id) setJob(changed);
    });
    return unsubscribe;
  }, [initial.id]);
  useEffect(() => {
    if (done) return;
    const timer = setInterval(async () => {
      const answer = await sendWallet({ type: 'wallet/job', id: initial.id });
      if (answer.ok && answer.job)
        setJob((current) => (answer.job && answer.job.updatedAt >= current.updatedAt ? answer.job : current));
    }, 3000);
    return () => clearInterval(timer);
  }, [initial.id, done]);
  return job;
}
