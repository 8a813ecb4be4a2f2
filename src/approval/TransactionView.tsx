import type { PendingRequestView } from '../messages/provider.ts';
import { CallCard } from './CallCard.tsx';
import { Fields, NetworkLine } from './Details.tsx';

/** `eth_sendTransaction`: the one call, decoded where it is a common token call, and who pays the gas. */
export function TransactionView({ request }: { request: PendingRequestView<'transaction'> }) {
  const { chain, call } = request.payload;
  return (
    <>
      <p>This site asks you to send a transaction from your Okto wallet:</p>
      <NetworkLine chain={chain} />
      <CallCard call={call} chain={chain} />
      <Fields
        fields={[
          { label: 'From', value: call.from, mono: true },
          {
            label: 'Gas',
            value: chain.sponsored ? 'Gas paid by Okto' : `Paid in ${chain.nativeSymbol} by your wallet`,
          },
        ]}
      />
    </>
  );
}
