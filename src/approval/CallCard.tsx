import type { CallSummary, ChainSummary } from '../messages/provider.ts';
import { Fields, Warnings } from './Details.tsx';
import { describeCall } from './decodeCall.ts';

/**
 * One call of a transaction: what it does in words, its details, its warnings, and the raw calldata
 * (collapsed; open by default when the wallet could not read it).
 */
export function CallCard({
  call,
  chain,
  heading,
}: {
  call: CallSummary;
  chain: ChainSummary;
  heading?: string;
}) {
  const description = describeCall(call, chain);
  const bytes = (call.data.length - 2) / 2;
  return (
    <article class="call" aria-label={heading ?? description.title} data-testid="call">
      {heading && <p class="eyebrow">{heading}</p>}
      <h2 class="call-title" data-testid="call-title">
        {description.title}
      </h2>
      <Warnings warnings={description.warnings} />
      <Fields fields={description.fields} />
      {bytes > 0 && (
        <details class="raw" open={description.decoded.kind === 'unknown'}>
          <summary>
            Raw data ({bytes} {bytes === 1 ? 'byte' : 'bytes'})
          </summary>
          <pre class="mono raw-hex" data-testid="raw-data">
            {call.data}
          </pre>
        </details>
      )}
    </article>
  );
}
