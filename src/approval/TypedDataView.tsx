import type { PendingRequestView } from '../messages/provider.ts';
import { Fields, NetworkLine, Warnings } from './Details.tsx';
import { domainChainId, type TypedDataField, typedDataTree, typedDataWarnings } from './typedData.ts';

/**
 * `eth_signTypedData_v4`: who the signature is for (the domain), the message as a tree of typed
 * fields, and warnings for permits, Permit2, unlimited amounts, operator approvals and other chains.
 */
export function TypedDataView({ request }: { request: PendingRequestView<'typedData'> }) {
  const payload = request.payload;
  const { chain, domain, account } = payload;
  const warnings = typedDataWarnings(payload, chain);
  const chainId = domainChainId(domain);
  const contract = typeof domain.verifyingContract === 'string' ? domain.verifyingContract : undefined;
  const token = chain.tokens.find((t) => t.address.toLowerCase() === contract?.toLowerCase());
  return (
    <>
      <p>
        This site asks you to sign <strong>{payload.primaryType}</strong> data with your Okto wallet. A
        signature like this can move funds without a transaction: read it before you approve.
      </p>
      <NetworkLine chain={chain} />
      <Warnings warnings={warnings} />
      <Fields
        label="Domain"
        fields={[
          ...(typeof domain.name === 'string' ? [{ label: 'App', value: domain.name }] : []),
          ...(domain.version !== undefined ? [{ label: 'Version', value: String(domain.version) }] : []),
          {
            label: 'Chain',
            value:
              chainId === undefined
                ? 'Any chain (none given)'
                : chainId === BigInt(chain.chainId)
                  ? `${chain.label} (${chainId})`
                  : `Chain ${chainId}: not ${chain.label}`,
          },
          ...(contract
            ? [{ label: 'Contract', value: token ? `${contract} (${token.symbol})` : contract, mono: true }]
            : []),
          ...(domain.salt !== undefined ? [{ label: 'Salt', value: String(domain.salt), mono: true }] : []),
          { label: 'Signs as', value: account, mono: true },
        ]}
      />
      <section aria-labelledby="typed-heading">
        <h2 class="section-title" id="typed-heading">
          Message: {payload.primaryType}
        </h2>
        <div class="typed-tree" data-testid="typed-message">
          <FieldList fields={typedDataTree(payload, chain)} />
        </div>
      </section>
    </>
  );
}

function FieldList({ fields }: { fields: TypedDataField[] }) {
  return (
    <ul class="tree">
      {fields.map((f) => (
        <li key={f.name}>
          <span class="tree-name">{f.name}</span> <span class="tree-type">{f.type}</span>
          {f.value !== undefined && (
            <>
              {' '}
              <span class="tree-value mono">{f.value}</span>
            </>
          )}
          {f.hint && (
            <span class={`tree-hint${/unlimited/.test(f.hint) ? ' tree-hint-danger' : ''}`}>{f.hint}</span>
          )}
          {f.children && f.children.length > 0 && <FieldList fields={f.children} />}
          {f.children && f.children.length === 0 && <span class="muted"> (empty)</span>}
        </li>
      ))}
    </ul>
  );
}
