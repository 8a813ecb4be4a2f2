import type { Warning } from './warning.ts';

// Sign-In with Ethereum (EIP-4361) messages: parsed strictly, line by line as the EIP's grammar lays
// them out (a lenient parser lets a message show one set of fields and mean another), and checked
// against who asks: the site must be the message's domain, the address the user's, the chain the
// network's. A message that starts like one but does not parse is reported as such.

/** The first line's fixed text. */
const PREAMBLE = ' wants you to sign in with your Ethereum account:';

export type SiweFields = {
  scheme?: string;
  /** The authority (`host[:port]`) the message signs in to. */
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: string;
  chainId: number;
  nonce: string;
  issuedAt: string;
  expirationTime?: string;
  notBefore?: string;
  requestId?: string;
  resources: string[];
};

export type SiweParse =
  /** Not a sign-in message. */
  | { kind: 'none' }
  | { kind: 'siwe'; fields: SiweFields }
  /** It says it is a sign-in message but does not follow EIP-4361: `problem` says where. */
  | { kind: 'malformed'; problem: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const isDateTime = (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
const isUri = (value: string) => /^[a-zA-Z][a-zA-Z0-9+\-.]*:\S*$/.test(value);

/**
 * Parses an EIP-4361 message exactly: the lines in the EIP's order, nothing before or after (one
 * trailing newline allowed), each value in its grammar.
 */
export function parseSiwe(text: string): SiweParse {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const first = lines[0] ?? '';
  const head =
    /^(?:([a-zA-Z][a-zA-Z0-9+\-.]*):\/\/)?(\S+) wants you to sign in with your Ethereum account:$/.exec(
      first,
    );
  if (!head)
    return text.includes(PREAMBLE.trim())
      ? { kind: 'malformed', problem: 'The sign-in line is not the first line of the message.' }
      : { kind: 'none' };
  const bad = (problem: string): SiweParse => ({ kind: 'malformed', problem });
  const [, scheme, domain = ''] = head;
  if (!/^[A-Za-z0-9.\-[\]:@%_~]+$/.test(domain)) return bad('Its domain is not a host name.');
  const address = lines[1] ?? '';
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return bad('The second line is not an address.');
  if (lines[2] !== '') return bad('A blank line must follow the address.');

  // Then a statement and a blank line, or no statement (one or two blank lines, both seen in the wild).
  let i = 3;
  let statement: string | undefined;
  if (lines[i] === '') i += 1;
  else if (!lines[i]?.startsWith('URI: ')) {
    statement = lines[i];
    if (lines[i + 1] !== '') return bad('A blank line must follow the statement.');
    i += 2;
  }

  const take = (label: string, optional = false): string | undefined | null => {
    const line = lines[i];
    if (line?.startsWith(`${label}: `)) {
      i += 1;
      return line.slice(label.length + 2);
    }
    return optional ? undefined : null;
  };
  const uri = take('URI');
  if (uri == null || !isUri(uri)) return bad('The URI line is missing or not a URI.');
  const version = take('Version');
  if (version !== '1') return bad('The version must be 1.');
  const chainId = take('Chain ID');
  if (chainId == null || !/^[1-9]\d{0,15}$/.test(chainId))
    return bad('The chain ID is missing or not a number.');
  const nonce = take('Nonce');
  if (nonce == null || !/^[A-Za-z0-9]{8,}$/.test(nonce))
    return bad('The nonce must be 8 or more letters and digits.');
  const issuedAt = take('Issued At');
  if (issuedAt == null || !isDateTime(issuedAt)) return bad('The issue time is missing or not a date.');
  const expirationTime = take('Expiration Time', true);
  if (expirationTime != null && !isDateTime(expirationTime)) return bad('The expiration time is not a date.');
  const notBefore = take('Not Before', true);
  if (notBefore != null && !isDateTime(notBefore)) return bad('The not-before time is not a date.');
  const requestId = take('Request ID', true);
  const resources: string[] = [];
  if (lines[i] === 'Resources:') {
    i += 1;
    while (lines[i]?.startsWith('- ')) {
      const resource = lines[i]?.slice(2) ?? '';
      if (!isUri(resource)) return bad('A resource is not a URI.');
      resources.push(resource);
      i += 1;
    }
  }
  if (i < lines.length) return bad(`Line ${i + 1} is not part of a sign-in message.`);

  return {
    kind: 'siwe',
    fields: {
      ...(scheme ? { scheme } : {}),
      domain,
      address,
      ...(statement !== undefined ? { statement } : {}),
      uri,
      version,
      chainId: Number(chainId),
      nonce,
      issuedAt,
      ...(expirationTime != null ? { expirationTime } : {}),
      ...(notBefore != null ? { notBefore } : {}),
      ...(requestId != null ? { requestId } : {}),
      resources,
    },
  };
}

/** The host (and port) of an authority, without a user part: `user@example.com:80` → `example.com:80`. */
function hostOf(authority: string): string {
  return authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
}

export type SiweContext = {
  /** The origin Chrome reported for the site that asks. */
  origin: string;
  /** The user's account on the request's network. */
  account: string;
  chainId: number;
  chainLabel: string;
  /** Unix ms. */
  now: number;
};

/** What is wrong with signing this sign-in message for this site, account and chain, loudest first. */
export function siweWarnings(fields: SiweFields, context: SiweContext): Warning[] {
  const warnings: Warning[] = [];
  const origin = new URL(context.origin);
  const domainHost = hostOf(fields.domain);
  if (fields.domain.includes('@'))
    warnings.push({
      level: 'danger',
      text: `Its domain “${fields.domain}” hides a user part before @: it really signs you in to ${domainHost}.`,
    });
  if (domainHost !== origin.host.toLowerCase())
    warnings.push({
      level: 'danger',
      text: `This sign-in is for ${domainHost}, but ${origin.host} is asking. Signing it could let ${origin.host} log in to ${domainHost} as you. Reject it unless you know why.`,
    });
  else if (fields.scheme && `${fields.scheme.toLowerCase()}:` !== origin.protocol)
    warnings.push({
      level: 'danger',
      text: `This sign-in is for ${fields.scheme}://${fields.domain}, but the site asking uses ${origin.protocol}//.`,
    });
  if (fields.address.toLowerCase() !== context.account.toLowerCase())
    warnings.push({
      level: 'danger',
      text: `It signs in as ${fields.address}, which is not your account (${context.account}).`,
    });
  if (fields.chainId !== context.chainId)
    warnings.push({
      level: 'danger',
      text: `It is for chain ${fields.chainId}, but you are on ${context.chainLabel} (chain ${context.chainId}).`,
    });
  let uriHost: string | undefined;
  try {
    uriHost = new URL(fields.uri).host.toLowerCase();
  } catch {
    uriHost = undefined;
  }
  if (uriHost !== undefined && uriHost !== '' && uriHost !== domainHost)
    warnings.push({
      level: 'caution',
      text: `Its URI (${fields.uri}) is on another host than its domain (${domainHost}).`,
    });
  if (fields.expirationTime && Date.parse(fields.expirationTime) <= context.now)
    warnings.push({ level: 'caution', text: 'It has already expired: the site will likely refuse it.' });
  if (fields.notBefore && Date.parse(fields.notBefore) > context.now)
    warnings.push({ level: 'caution', text: 'It is not valid yet (see “Not before”).' });
  return warnings;
}
