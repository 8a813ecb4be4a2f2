// Which address a request comes from, for the per-IP rate limit.

export type ResolveClientIpParameters = {
  /** The `X-Forwarded-For` header, if any. */
  forwardedFor: string | undefined;
  /** The peer address of the connection, as the runtime reports it. */
  socketAddress: string | undefined;
  /** Proxies in front of the companion that append to `X-Forwarded-For`; 0 trusts none. */
  trustProxyHops: number;
};

/**
 * The client's address: the socket's, or with `trustProxyHops` proxies in front, the entry the
 * outermost of them appended to `X-Forwarded-For`.
 * Why not the leftmost entry: the client writes it, so trusting it would let anyone pick a fresh
 * address per request and walk past the per-IP limit. Proxies append, so counting from the right is
 * the first entry nobody outside could forge.
 */
export function resolveClientIp({
  forwardedFor,
  socketAddress,
  trustProxyHops,
}: ResolveClientIpParameters): string {
  if (trustProxyHops > 0 && forwardedFor) {
    const entries = forwardedFor
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const entry = entries[Math.max(0, entries.length - trustProxyHops)];
    if (entry) return entry;
  }
  return socketAddress ?? 'unknown';
}

/**
 * The part of an address one rate-limit bucket covers: the whole IPv4 address, or the /64 prefix of an
 * IPv6 address (anyone holding one /64 holds 2^64 addresses, so counting single ones would count nothing).
 * @example ipRateLimitSubject('2001:db8::1') // '2001:db8:0:0::/64'
 */
export function ipRateLimitSubject(ip: string): string {
  const address = ip
    .replace(/^\[|\](:\d+)?$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((group) => group.replace(/^0+(?=.)/, ''))
        .join(':')}::/64`
    : address;
}

function expandIpv6(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 tail counts as two groups.
  const groupCount = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const missing = 8 - groupCount(head) - groupCount(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...tail];
  return groups.every((group) => /^[0-9a-f]{1,4}$/.test(group) || group.includes('.')) ? groups : undefined;
}
