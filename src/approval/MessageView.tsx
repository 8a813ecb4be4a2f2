import type { PendingRequestView } from '../messages/provider.ts';
import { Fields, NetworkLine, Warnings } from './Details.tsx';
import { messageSegments, messageWarnings } from './messageText.ts';
import { parseSiwe, type SiweFields, siweWarnings } from './siwe.ts';
import type { Warning } from './warning.ts';

/** A SIWE date as the user reads it, keeping the original when it does not parse. */
const when = (value: string) => {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toLocaleString();
};

/**
 * `personal_sign`: the text exactly as Okto will sign it (characters that do not show are marked),
 * and for a Sign-In with Ethereum message its fields, checked against the site, account and chain.
 */
export function MessageView({ request }: { request: PendingRequestView<'message'> }) {
  const { chain, account, text } = request.payload;
  const siwe = parseSiwe(text);
  const warnings: Warning[] = [
    ...(siwe.kind === 'siwe'
      ? siweWarnings(siwe.fields, {
          origin: request.origin,
          account,
          chainId: chain.chainId,
          chainLabel: chain.label,
          now: Date.now(),
        })
      : []),
    ...(siwe.kind === 'malformed'
      ? [
          {
            level: 'danger' as const,
            text: `This looks like a sign-in message but does not follow EIP-4361 (${siwe.problem}), so the wallet cannot check where it signs you in.`,
          },
        ]
      : []),
    ...messageWarnings(text),
  ];
  return (
    <>
      <p>
        {siwe.kind === 'siwe'
          ? `This site asks you to sign in to ${siwe.fields.domain} with your Okto wallet.`
          : 'This site asks you to sign a message with your Okto wallet. Signing costs nothing and sends nothing, but the site can show the signature as proof that you agreed.'}
      </p>
      <NetworkLine chain={chain} />
      <Warnings warnings={warnings} />
      {siwe.kind === 'siwe' && <SiweDetails fields={siwe.fields} />}
      {siwe.kind !== 'siwe' && <Fields fields={[{ label: 'Signs as', value: account, mono: true }]} />}
      <section aria-labelledby="message-heading">
        <h2 class="section-title" id="message-heading">
          Message
        </h2>
        <pre class="message-text" data-testid="message-text">
          {messageSegments(text).map((s, i) =>
            'text' in s ? (
              s.text
            ) : (
              <mark key={i} class="hidden-char" title={`Hidden character ${s.codePoint}`}>
                {s.codePoint}
              </mark>
            ),
          )}
        </pre>
      </section>
    </>
  );
}

function SiweDetails({ fields }: { fields: SiweFields }) {
  return (
    <Fields
      label="Sign-in details"
      fields={[
        {
          label: 'Signs in to',
          value: fields.scheme ? `${fields.scheme}://${fields.domain}` : fields.domain,
        },
        { label: 'Account', value: fields.address, mono: true },
        ...(fields.statement ? [{ label: 'Statement', value: fields.statement }] : []),
        { label: 'URI', value: fields.uri },
        { label: 'Chain ID', value: String(fields.chainId) },
        { label: 'Nonce', value: fields.nonce, mono: true },
        { label: 'Issued', value: when(fields.issuedAt) },
        ...(fields.expirationTime ? [{ label: 'Expires', value: when(fields.expirationTime) }] : []),
        ...(fields.notBefore ? [{ label: 'Not before', value: when(fields.notBefore) }] : []),
        ...(fields.requestId ? [{ label: 'Request ID', value: fields.requestId }] : []),
        ...(fields.resources.length > 0 ? [{ label: 'Resources', value: fields.resources.join('\n') }] : []),
      ]}
    />
  );
}
