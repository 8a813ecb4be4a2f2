import type { ChainSummary } from '../messages/provider.ts';
import { NetworkLogo } from '../popup/NetworkLogo.tsx';
import type { CallField } from './decodeCall.ts';
import type { Warning } from './warning.ts';

// The pieces every signing and sending view is made of: the network, the warnings, labelled fields.

/** The network the request is for, with its logo. */
export function NetworkLine({ chain }: { chain: ChainSummary }) {
  return (
    <p class="network-line" data-testid="approval-network">
      <NetworkLogo name={chain.label} logo={chain.logo} size={20} />
      <span>
        on <strong>{chain.label}</strong> <span class="muted">(chain {chain.chainId})</span>
      </span>
    </p>
  );
}

/** Warnings, the dangerous ones first; screen readers announce them. */
export function Warnings({ warnings }: { warnings: Warning[] }) {
  if (warnings.length === 0) return null;
  const sorted = [...warnings].sort((a, b) => Number(b.level === 'danger') - Number(a.level === 'danger'));
  return (
    <ul class="warnings" aria-label="Warnings">
      {sorted.map((w) => (
        <li
          key={w.text}
          class={`warning warning-${w.level}`}
          role={w.level === 'danger' ? 'alert' : undefined}
          data-testid="warning"
        >
          <span class="warning-mark" aria-hidden="true">
            {w.level === 'danger' ? '!' : 'i'}
          </span>
          <span>{w.text}</span>
        </li>
      ))}
    </ul>
  );
}

/** Label / value pairs; addresses and hex in monospace, whole. */
export function Fields({ fields, label }: { fields: CallField[]; label?: string }) {
  return (
    <dl class="fields" aria-label={label}>
      {fields.map((f) => (
        <div class="field-row" key={f.label}>
          <dt>{f.label}</dt>
          <dd class={f.mono ? 'mono' : undefined}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
