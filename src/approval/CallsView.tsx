import type { PendingRequestView } from '../messages/provider.ts';
import { formatAmount } from '../popup/amount.ts';
import { CallCard } from './CallCard.tsx';
import { Fields, NetworkLine } from './Details.tsx';
import { totalValue } from './decodeCall.ts';

/** `wallet_sendCalls` (EIP-5792): every call as the transaction view shows one, and that they are atomic. */
export function CallsView({ request }: { request: PendingRequestView<'calls'> }) {
  const { chain, calls } = request.payload;
  const total = totalValue(calls);
  const n = calls.length;
  return (
    <>
      <p>
        This site asks you to send {n === 1 ? 'one call' : `${n} calls`} from your Okto wallet in one
        transaction:
      </p>
      <NetworkLine chain={chain} />
      <p class="notice" data-testid="atomic-notice">
        All {n} {n === 1 ? 'call runs' : 'calls run'} together: if one fails, none happens.
      </p>
      <ol class="calls" aria-label="Calls">
        {calls.map((call, i) => (
          <li key={i}>
            <CallCard call={call} chain={chain} heading={`Call ${i + 1} of ${n}`} />
          </li>
        ))}
      </ol>
      <Fields
        fields={[
          ...(total > 0n
            ? [
                {
                  label: 'Total sent',
                  value: `${formatAmount(total, chain.nativeDecimals, chain.nativeDecimals)} ${chain.nativeSymbol}`,
                },
              ]
            : []),
          { label: 'From', value: calls[0]?.from ?? '', mono: true },
          {
            label: 'Gas',
            value: chain.sponsored ? 'Gas paid by Okto' : `Paid in ${chain.nativeSymbol} by your wallet`,
          },
        ]}
      />
    </>
  );
}
