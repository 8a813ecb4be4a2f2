import { useEffect, useRef, useState } from 'preact/hooks';
import { Fields, Warnings } from '../approval/Details.tsx';
import type { JobView, RecipientCheck, TokenBalanceView, WalletOverview } from '../messages/wallet.ts';
import { checkAddressInput, recipientWarnings } from './address.ts';
import { exactAmount, formatAmount, parseAmountInput } from './amount.ts';
import { NetworkLogo } from './NetworkLogo.tsx';
import { Alert, Button, CopyButton } from './ui.tsx';
import { sendWallet, useJob } from './walletApi.ts';

type Network = WalletOverview['networks'][number];

/** What the user reviews and confirms. */
type Draft = { network: Network; token: TokenBalanceView; recipient: string; amount: bigint };

/**
 * Send: a form (network, token, recipient, amount with Max), a review of exactly what will be sent,
 * then the job's progress until Okto reports it done (with the transaction hash) or failed (why).
 */
export function Send({ overview, onActivity }: { overview?: WalletOverview; onActivity: () => void }) {
  const [draft, setDraft] = useState<Draft>();
  const [step, setStep] = useState<'form' | 'review' | 'progress'>('form');
  const [job, setJob] = useState<JobView>();

  if (!overview) return <p class="muted center">Loading your networks…</p>;
  if (overview.networks.length === 0)
    return <p class="muted center">Your Okto wallet has no network to send on.</p>;
  if (step === 'progress' && job && draft)
    return (
      <SendProgress
        initial={job}
        draft={draft}
        onAgain={() => {
          setDraft(undefined);
          setJob(undefined);
          setStep('form');
        }}
        onActivity={onActivity}
      />
    );
  if (step === 'review' && draft)
    return (
      <SendReview
        draft={draft}
        onBack={() => setStep('form')}
        onSent={(sent) => {
          setJob(sent);
          setStep('progress');
        }}
      />
    );
  return (
    <SendForm
      overview={overview}
      initial={draft}
      onReview={(d) => {
        setDraft(d);
        setStep('review');
      }}
    />
  );
}

/** A token's key in the token list: its address, or `native`. */
const keyOf = (token: TokenBalanceView) => token.address || 'native';

/** Asks the worker about a recipient once it is a valid address: own wallet? a contract? */
function useRecipientCheck(caip2Id: string, address: string | undefined): RecipientCheck | undefined {
  const [result, setResult] = useState<{ key: string; check: RecipientCheck }>();
  const key = `${caip2Id}/${address ?? ''}`;
  useEffect(() => {
    if (!address) return;
    let live = true;
    const timer = setTimeout(async () => {
      const answer = await sendWallet({ type: 'wallet/checkRecipient', caip2Id, address });
      if (live && answer.ok && answer.recipient) setResult({ key, check: answer.recipient });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, caip2Id, address]);
  return result?.key === key ? result.check : undefined;
}

function SendForm({
  overview,
  initial,
  onReview,
}: {
  overview: WalletOverview;
  initial?: Draft;
  onReview: (draft: Draft) => void;
}) {
  const [caip2Id, setCaip2Id] = useState(initial?.network.caip2Id ?? overview.networks[0]?.caip2Id ?? '');
  const network = overview.networks.find((n) => n.caip2Id === caip2Id) ?? overview.networks[0];
  const [tokenKey, setTokenKey] = useState(initial ? keyOf(initial.token) : '');
  const token = network?.tokens.find((t) => keyOf(t) === tokenKey) ?? network?.tokens[0];
  const [recipient, setRecipient] = useState(initial?.recipient ?? '');
  const [amountText, setAmountText] = useState(
    initial ? exactAmount(initial.amount, initial.token.decimals) : '',
  );
  const [touched, setTouched] = useState({ recipient: false, amount: false });
  const recipientInput = useRef<HTMLInputElement>(null);
  const amountInput = useRef<HTMLInputElement>(null);

  const address = checkAddressInput(recipient);
  const check = useRecipientCheck(network?.caip2Id ?? '', address.ok ? address.address : undefined);
  if (!network || !token) return <p class="muted center">This network lists no token to send.</p>;
  const balance = BigInt(token.balance);
  const balanceText = formatAmount(balance, token.decimals, token.decimals);
  const amount = parseAmountInput(amountText, {
    decimals: token.decimals,
    symbol: token.symbol,
    balance,
    balanceText,
  });
  const warnings = address.ok
    ? recipientWarnings({
        address: address.address,
        networkLabel: network.label,
        tokens: network.tokens,
        ...(check ? { facts: check } : {}),
      })
    : [];
  const recipientError = touched.recipient && !address.ok ? address.error : undefined;
  const amountError = touched.amount && !amount.ok ? amount.error : undefined;

  function review(event: Event) {
    event.preventDefault();
    setTouched({ recipient: true, amount: true });
    if (!address.ok) return recipientInput.current?.focus();
    if (!amount.ok) return amountInput.current?.focus();
    if (!network || !token) return;
    onReview({ network, token, recipient: address.address, amount: amount.amount });
  }

  return (
    <section class="card" aria-labelledby="send-heading">
      <h2 class="title" id="send-heading">
        Send
      </h2>
      <form onSubmit={review} noValidate>
        <div class="field">
          <label for="send-network">Network</label>
          <select
            id="send-network"
            value={network.caip2Id}
            onChange={(e) => {
              setCaip2Id(e.currentTarget.value);
              setTokenKey('');
            }}
          >
            {overview.networks.map((n) => (
              <option key={n.caip2Id} value={n.caip2Id}>
                {n.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="send-token">Token</label>
          <select id="send-token" value={keyOf(token)} onChange={(e) => setTokenKey(e.currentTarget.value)}>
            {network.tokens.map((t) => (
              <option key={keyOf(t)} value={keyOf(t)}>
                {t.symbol} ({formatAmount(BigInt(t.balance), t.decimals, t.precision)})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="send-recipient">Recipient address</label>
          <input
            id="send-recipient"
            ref={recipientInput}
            value={recipient}
            placeholder="0x…"
            autocomplete="off"
            spellcheck={false}
            class="mono-input"
            aria-invalid={Boolean(recipientError)}
            aria-describedby={recipientError ? 'send-recipient-error' : undefined}
            onInput={(e) => setRecipient(e.currentTarget.value)}
            onBlur={() => setTouched((t) => ({ ...t, recipient: recipient.trim() !== '' || t.recipient }))}
          />
          {recipientError && (
            <p class="field-error" id="send-recipient-error">
              {recipientError}
            </p>
          )}
          {address.ok && !address.checksummed && (
            <small class="muted">This address has no checksum (all one case): check every character.</small>
          )}
          <Warnings warnings={warnings} />
        </div>
        <div class="field">
          <label for="send-amount">Amount</label>
          <div class="amount-row">
            <input
              id="send-amount"
              ref={amountInput}
              value={amountText}
              inputMode="decimal"
              placeholder="0.0"
              autocomplete="off"
              aria-invalid={Boolean(amountError)}
              aria-describedby={`send-balance${amountError ? ' send-amount-error' : ''}`}
              onInput={(e) => setAmountText(e.currentTarget.value)}
              onBlur={() => setTouched((t) => ({ ...t, amount: amountText.trim() !== '' || t.amount }))}
            />
            <span class="amount-symbol">{token.symbol}</span>
            <Button
              variant="secondary"
              disabled={balance === 0n}
              onClick={() => {
                setAmountText(exactAmount(balance, token.decimals));
                setTouched((t) => ({ ...t, amount: true }));
              }}
            >
              Max
            </Button>
          </div>
          <small class="muted" id="send-balance" data-testid="send-balance">
            Balance: {balanceText} {token.symbol}
          </small>
          {amountError && (
            <p class="field-error" id="send-amount-error">
              {amountError}
            </p>
          )}
        </div>
        <Button type="submit">Review</Button>
      </form>
    </section>
  );
}

/** What Confirm sends, in full. */
function SendReview({
  draft,
  onBack,
  onSent,
}: {
  draft: Draft;
  onBack: () => void;
  onSent: (job: JobView) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const check = useRecipientCheck(draft.network.caip2Id, draft.recipient);
  const { network, token } = draft;
  const amount = `${formatAmount(draft.amount, token.decimals, token.decimals)} ${token.symbol}`;
  const warnings = recipientWarnings({
    address: draft.recipient,
    networkLabel: network.label,
    tokens: network.tokens,
    ...(check ? { facts: check } : {}),
  });

  async function confirm() {
    setBusy(true);
    setError(undefined);
    const answer = await sendWallet({
      type: 'wallet/send',
      caip2Id: network.caip2Id,
      token: token.address,
      recipient: draft.recipient,
      amount: draft.amount.toString(),
    });
    setBusy(false);
    if (answer.ok && answer.job) onSent(answer.job);
    else setError(answer.ok ? 'The wallet did not start the send. Try again.' : answer.error.message);
  }

  return (
    <section class="card" aria-labelledby="review-heading">
      <h2 class="title" id="review-heading">
        Review your send
      </h2>
      <p class="review-amount with-logo">
        <NetworkLogo name={token.symbol} logo={token.image} size={26} />
        <span data-testid="review-amount">{amount}</span>
      </p>
      <Fields
        label="What will be sent"
        fields={[
          { label: 'Network', value: network.label },
          { label: 'Token', value: `${token.symbol} (${token.name})` },
          { label: 'To', value: draft.recipient, mono: true },
          { label: 'From', value: network.address, mono: true },
          {
            label: 'Gas',
            value: network.sponsored
              ? 'Gas paid by Okto'
              : `Paid by your wallet in ${network.tokens[0]?.symbol ?? 'the native token'}`,
          },
        ]}
      />
      <Warnings warnings={warnings} />
      <p class="muted small">Once confirmed, it cannot be undone.</p>
      {error && <Alert>{error}</Alert>}
      <div class="actions">
        <Button variant="secondary" disabled={busy} onClick={onBack}>
          Back
        </Button>
        <Button busy={busy} onClick={confirm}>
          Confirm
        </Button>
      </div>
    </section>
  );
}

type StepState = 'done' | 'active' | 'todo' | 'failed';

/** Where a send is: handed to Okto, in progress, done; from the job's status. */
function stepsOf(job: JobView): [StepState, StepState, StepState] {
  const sent = !['APPROVED', 'SENDING'].includes(job.status);
  if (job.outcome === 'succeeded') return ['done', 'done', 'done'];
  if (job.outcome === 'failed') return sent ? ['done', 'failed', 'todo'] : ['failed', 'todo', 'todo'];
  return sent ? ['done', 'active', 'todo'] : ['active', 'todo', 'todo'];
}

function SendProgress({
  initial,
  draft,
  onAgain,
  onActivity,
}: {
  initial: JobView;
  draft: Draft;
  onAgain: () => void;
  onActivity: () => void;
}) {
  const job = useJob(initial);
  const heading = useRef<HTMLHeadingElement>(null);
  const [sent, progress, done] = stepsOf(job);
  const hash = job.transactionHashes[0];
  const amount = `${formatAmount(draft.amount, draft.token.decimals, draft.token.decimals)} ${draft.token.symbol}`;
  useEffect(() => heading.current?.focus(), [job.outcome]);
  return (
    <section
      class="card"
      aria-labelledby="progress-heading"
      data-testid="send-progress"
      data-outcome={job.outcome}
    >
      <h2 class="title" id="progress-heading" ref={heading} tabIndex={-1}>
        {job.outcome === 'succeeded' ? 'Sent' : job.outcome === 'failed' ? 'The send failed' : 'Sending…'}
      </h2>
      <p class="muted">
        {amount} to <code class="inline-address">{draft.recipient}</code> on {draft.network.label}
      </p>
      <ol class="steps" aria-label="Progress">
        <Step state={sent} label="Sent to Okto" />
        <Step
          state={progress}
          label="In progress"
          detail={job.outcome === 'pending' ? job.status : undefined}
        />
        <Step state={done} label="Done" />
      </ol>
      <p class="muted small" role="status" data-testid="job-status">
        Okto’s status: {job.status}
      </p>
      {job.outcome === 'failed' && <Alert>{job.reason ?? 'It failed.'}</Alert>}
      {hash && (
        <div class="hash-row">
          <span class="muted small">Transaction</span>
          <code class="hash" data-testid="tx-hash">
            {hash}
          </code>
          <CopyButton text={hash} label="Copy transaction hash" />
        </div>
      )}
      <div class="actions">
        <Button variant="secondary" onClick={onActivity}>
          Activity
        </Button>
        <Button onClick={onAgain} disabled={job.outcome === 'pending'}>
          New send
        </Button>
      </div>
    </section>
  );
}

function Step({ state, label, detail }: { state: StepState; label: string; detail?: string }) {
  const words = { done: 'done', active: 'under way', todo: 'not yet', failed: 'failed' }[state];
  return (
    <li class={`step step-${state}`} aria-label={`${label}: ${words}`}>
      <span class="step-mark" aria-hidden="true">
        {state === 'done' ? '✓' : state === 'failed' ? '✕' : ''}
      </span>
      <span>
        {label}
        {detail && state === 'active' && <span class="muted small"> · {detail}</span>}
      </span>
    </li>
  );
}
