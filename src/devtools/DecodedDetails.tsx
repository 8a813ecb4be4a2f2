import type { ComponentChildren } from 'preact';
import type { IntentCallData } from '../okto/intents.ts';
import { useNow } from '../popup/ui.tsx';
import { formatGasPrice, formatInteger, formatTokenAmount, formatWei } from './amounts.ts';
import type {
  DecodedEntry,
  DecodedOrder,
  DecodedProviderSigning,
  DecodedSignMessage,
  DecodedTransaction,
  DecodedTypedData,
  JobRef,
} from './decodeEntry.ts';
import {
  type DecodedCallData,
  type DecodedPaymasterData,
  type DecodedUserOp,
  type PaymasterValidity,
  validityAt,
} from './decodeUserOp.ts';
import type { JobSnapshot } from './jobHistory.ts';
import { formatRelative } from './time.ts';

// The detail pane's decoded view of an entry: what a developer would otherwise work out by hand from
// the raw (redacted) bodies below it.

type DecodedDetailsProps = {
  decoded: DecodedEntry;
  /** Shows a job in the Jobs view. */
  onOpenJob?: (jobId: string) => void;
};

/** An entry decoded: a UserOp, a message to sign, orders, paymasterData, a job change, a dApp's request. */
export function DecodedDetails({ decoded, onOpenJob }: DecodedDetailsProps) {
  return (
    <div class="decoded" data-testid="entry-decoded">
      {decoded.type === 'userOp' && (
        <UserOpView
          userOp={decoded.userOp}
          oktoJobId={decoded.oktoJobId}
          job={decoded.job}
          onOpenJob={onOpenJob}
        />
      )}
      {decoded.type === 'paymaster' && (
        <>
          <Title>Paymaster data (companion)</Title>
          <Facts>
            <JobFact job={decoded.paymaster.job} onOpenJob={onOpenJob} />
            <Fact label="Nonce">
              <Mono>{decoded.paymaster.nonce}</Mono>
            </Fact>
            <Fact label="Job UUID">
              <Mono>{decoded.paymaster.jobUuid}</Mono>
            </Fact>
            <Fact label="Paymaster">
              <Mono>{decoded.paymaster.paymaster}</Mono>{' '}
              <EnvironmentNote of={decoded.paymaster.paymasterOf} />
            </Fact>
            <Fact label="Valid until" testId="decoded-paymaster-validity">
              {decoded.paymaster.validity ? <ValidityText validity={decoded.paymaster.validity} /> : '—'}
            </Fact>
            <Fact label="paymasterData" testId="decoded-paymaster-data">
              <PaymasterDataText data={decoded.paymaster.paymasterData} />
            </Fact>
          </Facts>
        </>
      )}
      {decoded.type === 'signMessage' && <SignMessageView message={decoded.signMessage} />}
      {decoded.type === 'orders' && (
        <OrdersView intentId={decoded.intentId} orders={decoded.orders} onOpenJob={onOpenJob} />
      )}
      {decoded.type === 'job' && (
        <JobSnapshotView job={decoded.job} callData={decoded.callData} onOpenJob={onOpenJob} />
      )}
      {decoded.type === 'providerSigning' && (
        <ProviderSigningView method={decoded.method} signing={decoded.signing} />
      )}
    </div>
  );
}

function UserOpView({
  userOp,
  oktoJobId,
  job,
  onOpenJob,
}: {
  userOp: DecodedUserOp;
  oktoJobId?: string;
  job?: JobRef;
  onOpenJob?: (jobId: string) => void;
}) {
  const { gas } = userOp;
  return (
    <>
      <Title>UserOp</Title>
      {userOp.cutChars !== undefined && (
        <p class="notice">
          The log kept only the beginning of this body ({formatInteger(BigInt(userOp.cutChars))} characters in
          all): the fields after the cut, callData included, are not known here.
        </p>
      )}
      <Facts>
        <JobFact job={job} onOpenJob={onOpenJob} />
        <Fact label="UserOp hash" testId="decoded-user-op-hash">
          {userOp.hash ? (
            <>
              <Mono>{userOp.hash.value}</Mono>{' '}
              <span class="muted">
                {userOp.hash.source === 'computed'
                  ? '(computed from this UserOp)'
                  : "(the job's record: the log redacts paymasterData, which the hash covers)"}
              </span>
            </>
          ) : (
            <span class="muted">
              unknown: the log redacts paymasterData, which the hash covers, and no job recorded it
            </span>
          )}
        </Fact>
        <Fact label="Sender (user SWA)">
          <Mono>{userOp.sender}</Mono>
        </Fact>
        <Fact label="Nonce">
          <Mono>{userOp.nonce}</Mono>
        </Fact>
        <Fact label="Job UUID" testId="decoded-job-uuid">
          <Mono>{userOp.jobUuid ?? '—'}</Mono>
        </Fact>
        {oktoJobId !== undefined && (
          <Fact label="Okto job id">
            <Mono>{oktoJobId}</Mono>
          </Fact>
        )}
        <Fact label="Gas limits">
          call {opt(gas.callGasLimit)} · verification {opt(gas.verificationGasLimit)} · pre-verification{' '}
          {opt(gas.preVerificationGas)} · paymaster verification {opt(gas.paymasterVerificationGasLimit)} ·
          post-op {opt(gas.paymasterPostOpGasLimit)}
        </Fact>
        <Fact label="Fees">
          max {gas.maxFeePerGas === undefined ? '—' : formatGasPrice(gas.maxFeePerGas)} · priority{' '}
          {gas.maxPriorityFeePerGas === undefined ? '—' : formatGasPrice(gas.maxPriorityFeePerGas)}
          {gas.maxCostWei !== undefined && (
            <span class="muted"> · at most {formatWei(gas.maxCostWei)} in all, paid by the paymaster</span>
          )}
        </Fact>
        <Fact label="Paymaster">
          <Mono>{userOp.paymaster ?? '—'}</Mono> <EnvironmentNote of={userOp.paymasterOf} />
        </Fact>
        <Fact label="paymasterData" testId="decoded-paymaster-data">
          <PaymasterDataText data={userOp.paymasterData} />
        </Fact>
        <Fact label="Paymaster valid until" testId="decoded-paymaster-validity">
          {userOp.validity ? (
            <ValidityText validity={userOp.validity} />
          ) : (
            <span class="muted">not in the log</span>
          )}
        </Fact>
        {userOp.signature !== undefined && (
          <Fact label="Signature">
            <Mono>{userOp.signature}</Mono>
          </Fact>
        )}
      </Facts>
      {userOp.callData && <CallDataView callData={userOp.callData} />}
    </>
  );
}

/** An intent's callData decoded: its job fields and its parameters. */
export function CallDataView({ callData }: { callData: DecodedCallData }) {
  if (!callData.ok)
    return (
      <>
        <Title>callData</Title>
        <p class="alert alert-details">Not an Okto intent: {callData.reason}</p>
      </>
    );
  const { call } = callData;
  return (
    <>
      <Title>callData: {call.intent}</Title>
      <Facts>
        <Fact label="Intent" testId="decoded-intent">
          {call.intent}
        </Fact>
        <Fact label="Job id">
          <Mono>{call.jobId}</Mono>
        </Fact>
        <Fact label="Client SWA">
          <Mono>{call.clientSWA}</Mono>
        </Fact>
        <Fact label="User SWA">
          <Mono>{call.userSWA}</Mono>
        </Fact>
        <Fact label="Fee payer">
          <Mono>{call.feePayer}</Mono>
        </Fact>
        <Fact label="Policy">
          gas station {call.policy.gsnEnabled ? 'on' : 'off'} · sponsorship{' '}
          {call.policy.sponsorshipEnabled ? 'on' : 'off'}
        </Fact>
        <Fact label="JobManager of">{call.environment}</Fact>
        <IntentParams call={call} />
      </Facts>
    </>
  );
}

function IntentParams({ call }: { call: IntentCallData }) {
  switch (call.intent) {
    case 'TOKEN_TRANSFER':
      return (
        <>
          <Fact label="Network">{call.params.caip2Id}</Fact>
          <Fact label="Recipient" testId="decoded-recipient">
            <Mono>{call.params.recipientWalletAddress}</Mono>
          </Fact>
          <Fact label="Token">
            {call.params.tokenAddress === '' ? 'the native token' : <Mono>{call.params.tokenAddress}</Mono>}
          </Fact>
          <Fact label="Amount" testId="decoded-amount">
            {call.params.tokenAddress === ''
              ? formatTokenAmount(call.params.amount)
              : `${call.params.amount} (smallest unit)`}
          </Fact>
        </>
      );
    case 'NFT_TRANSFER':
      return (
        <>
          <Fact label="Network">{call.params.caip2Id}</Fact>
          <Fact label="Recipient" testId="decoded-recipient">
            <Mono>{call.params.recipientWalletAddress}</Mono>
          </Fact>
          <Fact label="Collection">
            <Mono>{call.params.collectionAddress}</Mono> ({call.params.nftType})
          </Fact>
          <Fact label="NFT id">{call.params.nftId}</Fact>
          <Fact label="Amount" testId="decoded-amount">
            {String(call.params.amount)}
          </Fact>
        </>
      );
    case 'RAW_TRANSACTION':
      return (
        <>
          <Fact label="Network">{call.params.caip2Id}</Fact>
          {call.params.transactions.map((tx, i) => (
            <Fact key={String(i)} label={`Transaction ${i + 1}`} testId="decoded-transaction">
              <TransactionText
                transaction={{ from: tx.from, to: tx.to, value: BigInt(tx.value), data: tx.data }}
              />
            </Fact>
          ))}
        </>
      );
  }
}

function SignMessageView({ message }: { message: DecodedSignMessage }) {
  return (
    <>
      <Title>Message signing ({message.method ?? 'unknown method'})</Title>
      <Facts>
        <Fact label="Method" testId="decoded-sign-method">
          {message.method ?? '—'}
        </Fact>
        {message.message !== undefined && (
          <Fact label="Message" testId="decoded-message">
            <pre class="json">{message.message}</pre>
          </Fact>
        )}
        <Fact label="User SWA">
          <Mono>{message.userSWA}</Mono>
        </Fact>
        <Fact label="Job id">
          <Mono>{message.jobId}</Mono>
        </Fact>
        <Fact label="Transaction id">
          <Mono>{message.transactionId}</Mono>
        </Fact>
        <Fact label="Session key">
          <Mono>{message.sessionPk}</Mono>
        </Fact>
        {message.signature && (
          <Fact label="Okto's signature">
            <Mono>{message.signature}</Mono>
          </Fact>
        )}
      </Facts>
      {message.typedData && <TypedDataView typedData={message.typedData} />}
    </>
  );
}

function TypedDataView({ typedData }: { typedData: DecodedTypedData }) {
  if (!typedData.ok) return <p class="alert alert-details">The typed data is {typedData.error}.</p>;
  return (
    <>
      <Title>Typed data: {typedData.primaryType ?? '(no primaryType)'}</Title>
      <Facts>
        <Fact label="Primary type" testId="decoded-primary-type">
          {typedData.primaryType ?? '—'}
        </Fact>
        <Fact label="Types">{typedData.types.join(', ') || '—'}</Fact>
        <Fact label="Domain">
          <pre class="json">{JSON.stringify(typedData.domain ?? null, null, 2)}</pre>
        </Fact>
        <Fact label="Message">
          <pre class="json">{JSON.stringify(typedData.message ?? null, null, 2)}</pre>
        </Fact>
      </Facts>
    </>
  );
}

function OrdersView({
  intentId,
  orders,
  onOpenJob,
}: {
  intentId?: string;
  orders: DecodedOrder[];
  onOpenJob?: (jobId: string) => void;
}) {
  return (
    <>
      <Title>
        Orders{intentId ? ` of ${intentId}` : ''} ({orders.length})
      </Title>
      {orders.length === 0 && <p class="muted">Okto has no order for it (yet).</p>}
      {orders.map((order, i) => (
        <Facts key={order.intentId ?? String(i)}>
          <JobFact job={order.job} onOpenJob={onOpenJob} />
          <Fact label="Intent id">
            <Mono>{order.intentId}</Mono> {order.intentType}
          </Fact>
          <Fact label="Status" testId="decoded-order-status">
            <StatusBadge status={order.status} outcome={order.outcome} />{' '}
            {order.terminal ? '(final)' : '(pending)'}
          </Fact>
          {order.reason && <Fact label="Reason">{order.reason}</Fact>}
          <Fact label="Target chain">{order.caip2Id ?? '—'}</Fact>
          <Fact label="Target-chain transactions">
            <HashList hashes={order.targetHashes} />
          </Fact>
          <Fact label="Okto-chain transactions">
            <HashList hashes={order.oktoChainHashes} />
          </Fact>
        </Facts>
      ))}
    </>
  );
}

function JobSnapshotView({
  job,
  callData,
  onOpenJob,
}: {
  job: JobSnapshot;
  callData?: DecodedCallData;
  onOpenJob?: (jobId: string) => void;
}) {
  return (
    <>
      <Title>Job change</Title>
      <Facts>
        <JobFact job={job} onOpenJob={onOpenJob} />
        <Fact label="State">
          {job.state} <StatusBadge status={job.status} outcome={job.outcome} />
        </Fact>
        <Fact label="Network">{job.caip2Id ?? '—'}</Fact>
        <Fact label="Nonce (UUID)">
          <Mono>{job.nonce ?? '—'}</Mono>
        </Fact>
        {job.userOpHash && (
          <Fact label="UserOp hash">
            <Mono>{job.userOpHash}</Mono>
          </Fact>
        )}
        {job.oktoJobId && (
          <Fact label="Okto job id">
            <Mono>{job.oktoJobId}</Mono>
          </Fact>
        )}
        {job.paymasterValidUntil !== undefined && (
          <Fact label="Paymaster valid until">
            <ValidityText validity={{ validUntil: job.paymasterValidUntil, source: 'job' }} />
          </Fact>
        )}
        {job.transactionHashes.length > 0 && (
          <Fact label="Transactions">
            <HashList hashes={job.transactionHashes} />
          </Fact>
        )}
        {job.reason && <Fact label="Reason">{job.reason}</Fact>}
      </Facts>
      {job.requestCutChars !== undefined && (
        <p class="notice">
          The log cut this record ({job.requestCutChars} characters): its callData is not here.
        </p>
      )}
      {callData && <CallDataView callData={callData} />}
    </>
  );
}

function ProviderSigningView({ method, signing }: { method: string; signing: DecodedProviderSigning }) {
  switch (signing.kind) {
    case 'unavailable':
      return (
        <>
          <Title>{method}</Title>
          <p class="notice">
            {signing.why === 'omitted'
              ? 'The params are not in the log: the site was not connected when it asked.'
              : signing.why === 'cut'
                ? `The log kept only the beginning of the params (${signing.chars ?? '?'} characters in all), so they are not decoded; the raw preview is below.`
                : 'The params are not what this method takes.'}
          </p>
        </>
      );
    case 'personalSign':
      return (
        <>
          <Title>{method}</Title>
          <Facts>
            <Fact label="Account">
              <Mono>{signing.address}</Mono>
            </Fact>
            <Fact label="Message" testId="decoded-message">
              <pre class="json">{signing.message ?? '—'}</pre>
              <span class="muted">
                {signing.encoding === 'utf8'
                  ? 'sent as UTF-8 hex, shown as text'
                  : signing.encoding === 'hex'
                    ? 'bytes that are not UTF-8 text: Okto signs text messages only'
                    : 'sent as text'}
              </span>
            </Fact>
          </Facts>
        </>
      );
    case 'typedData':
      return (
        <>
          <Title>{method}</Title>
          <Facts>
            <Fact label="Account">
              <Mono>{signing.address}</Mono>
            </Fact>
          </Facts>
          <TypedDataView typedData={signing.typedData} />
        </>
      );
    case 'transaction':
      return (
        <>
          <Title>{method}</Title>
          <Facts>
            <Fact label="Transaction" testId="decoded-transaction">
              <TransactionText transaction={signing.transaction} />
            </Fact>
          </Facts>
        </>
      );
    case 'calls':
      return (
        <>
          <Title>
            {method} ({signing.calls.length} call{signing.calls.length === 1 ? '' : 's'})
          </Title>
          <Facts>
            <Fact label="Chain id">{signing.chainId ?? '—'}</Fact>
            <Fact label="From">
              <Mono>{signing.from ?? '—'}</Mono>
            </Fact>
            <Fact label="Version">{signing.version ?? '—'}</Fact>
            {signing.atomicRequired !== undefined && (
              <Fact label="Atomic required">{signing.atomicRequired ? 'yes' : 'no'}</Fact>
            )}
            <Fact label="Capabilities">{signing.capabilities.join(', ') || 'none'}</Fact>
            {signing.calls.map((call, i) => (
              <Fact key={String(i)} label={`Call ${i + 1}`} testId="decoded-transaction">
                <TransactionText transaction={call} />
              </Fact>
            ))}
          </Facts>
        </>
      );
  }
}

function TransactionText({ transaction }: { transaction: DecodedTransaction }) {
  const { from, to, value, data, selector, gas, chainId } = transaction;
  return (
    <span class="tx">
      {from !== undefined && (
        <span>
          from <Mono>{from}</Mono>
        </span>
      )}
      <span>
        to <Mono>{to ?? '(none)'}</Mono>
      </span>
      <span>value {value === undefined ? '0' : formatTokenAmount(value)}</span>
      {data !== undefined && data !== '0x' && (
        <span>
          data{selector ? ` (selector ${selector})` : ''} <Mono>{data}</Mono>
        </span>
      )}
      {gas !== undefined && <span class="muted">gas {String(gas)} (Okto sets its own)</span>}
      {chainId !== undefined && <span class="muted">chain {chainId}</span>}
    </span>
  );
}

/** A paymasterData's validity window, as a time and whether it still holds. */
export function ValidityText({ validity }: { validity: PaymasterValidity }) {
  const now = useNow();
  const { state } = validityAt(validity, now);
  const until = validity.validUntil * 1000;
  return (
    <span>
      <time dateTime={new Date(until).toISOString()}>{new Date(until).toISOString()}</time>{' '}
      <span class={`badge ${state === 'valid' ? 'badge-ok' : 'badge-bad'}`} data-testid="validity-state">
        {state === 'valid'
          ? `valid, ends ${formatRelative(until, now)}`
          : state === 'expired'
            ? `expired ${formatRelative(until, now)}`
            : state}
      </span>
      {validity.validAfter !== undefined && validity.validAfter > 0 && (
        <span class="muted"> · from {new Date(validity.validAfter * 1000).toISOString()}</span>
      )}
      <span class="muted">
        {' '}
        (
        {validity.source === 'paymasterData'
          ? 'from its paymasterData'
          : validity.source === 'companion'
            ? "from the companion's /v1/paymaster answer"
            : "from the job's record"}
        )
      </span>
    </span>
  );
}

function PaymasterDataText({ data }: { data: DecodedPaymasterData }) {
  switch (data.state) {
    case 'missing':
      return <span class="muted">—</span>;
    case 'redacted':
      return (
        <span>
          <Mono>{data.shown}</Mono> <span class="muted">redacted: the log keeps its first 8 characters</span>
        </span>
      );
    case 'invalid':
      return (
        <span>
          <Mono>{data.shown}</Mono>{' '}
          <span class="muted">does not decode as (clientSWA, validUntil, validAfter, signature)</span>
        </span>
      );
    case 'decoded':
      return (
        <span>
          client SWA <Mono>{data.clientSWA}</Mono>, valid {data.validAfter} – {data.validUntil}
        </span>
      );
  }
}

/** A job's status (an order status or the worker's), coloured by its outcome. */
export function StatusBadge({ status, outcome }: { status?: string; outcome?: string }) {
  const tone = outcome === 'succeeded' ? ' badge-ok' : outcome === 'failed' ? ' badge-bad' : '';
  return <span class={`badge${tone}`}>{status ?? '—'}</span>;
}

function EnvironmentNote({ of }: { of: readonly string[] }) {
  return <span class="muted">{of.length > 0 ? `(${of.join(' and ')}'s)` : '(not an Okto paymaster)'}</span>;
}

function JobFact({ job, onOpenJob }: { job?: JobRef; onOpenJob?: (jobId: string) => void }) {
  if (!job) return null;
  return (
    <Fact label="Job">
      {onOpenJob ? (
        <button type="button" class="link-button" onClick={() => onOpenJob(job.id)}>
          {job.title ?? job.id}
        </button>
      ) : (
        (job.title ?? job.id)
      )}
    </Fact>
  );
}

/** Hashes one per line, or a dash. */
export function HashList({ hashes }: { hashes: readonly string[] }) {
  if (hashes.length === 0) return <span class="muted">none yet</span>;
  return (
    <span class="hash-list">
      {hashes.map((hash) => (
        <Mono key={hash}>{hash}</Mono>
      ))}
    </span>
  );
}

export function Title({ children }: { children: ComponentChildren }) {
  return <h3 class="details-title">{children}</h3>;
}

export function Facts({ children }: { children: ComponentChildren }) {
  return <dl class="facts facts-inline">{children}</dl>;
}

export function Fact({
  label,
  testId,
  children,
}: {
  label: string;
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

export function Mono({ children }: { children: ComponentChildren }) {
  return <code class="mono wrap">{children ?? '—'}</code>;
}

function opt(value: bigint | undefined): string {
  return value === undefined ? '—' : formatInteger(value);
}
