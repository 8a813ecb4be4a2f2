// Which network a request comes from, for the per-network rate limits.

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
 * outermost of them appended to `X-Forwarded-For`; `undefined` when the runtime reports none.
 * Why not the leftmost entry: the client writes it, so trusting it would let anyone pick a fresh
 * address per request and walk past the per-IP limit. Proxies append, so counting from the right is
 * the first entry nobody outside could forge.
 */
export function resolveClientIp({
  forwardedFor,
  socketAddress,
  trustProxyHops,
}: ResolveClientIpParameters): string | undefined {
  if (trustProxyHops > 0 && forwardedFor) {
    const entries = forwardedFor
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const entry = entries[Math.max(0, entries.length - trustProxyHops)];
    if (entry) return entry;
  }
  return socketAddress === '' ? undefined : socketAddress;
}

/** One rate-limit bucket an address falls in: which level, and the part of the address it covers. */
export type IpSubject = { level: 'address' | 'ipv6Slash56' | 'ipv6Slash48'; subject: string };

/**
 * The buckets an address is counted in, broadest first; `undefined` for something that is not an IP
 * address (the caller refuses the request rather than pool every such caller in one bucket).
 * - IPv4: the address.
 * - IPv6: its /48, /56 and /64 (whoever holds one address of a /64 holds 2^64 of them, so single
 *   addresses would count nothing; hierarchical, so that many /64s of one site still share a budget).
 * - IPv6 that carries an IPv4 address counts as that IPv4 address: IPv4-mapped (`::ffff:a.b.c.d`),
 *   6to4 (`2002:AABB:CCDD::/48`, else one IPv4 holder gets 65 536 /64s), Teredo (`2001:0::/32`, the
 *   client's public address, stored inverted in the last 32 bits) and NAT64 (`64:ff9b::/96`).
 * @example ipRateLimitSubjects('2001:db8::1')
 * // [{ level: 'ipv6Slash48', subject: '2001:db8:0::/48' }, { level: 'ipv6Slash56', … }, { level: 'address', subject: '2001:db8:0:0::/64' }]
 */
export function ipRateLimitSubjects(ip: string): IpSubject[] | undefined {
  const address = ip
    .trim()
    .replace(/^\[([^\]]*)\](:\d+)?$/, '$1')
    .replace(/%[0-9a-z._~-]+$/i, '')
    .toLowerCase();
  const v4 = parseIpv4(address);
  if (v4) return [{ level: 'address', subject: formatIpv4(v4) }];
  const groups = parseIpv6(address);
  if (!groups) return undefined;
  const embedded = embeddedIpv4(groups);
  if (embedded) return [{ level: 'address', subject: formatIpv4(embedded) }];
  const hex = (group: number) => group.toString(16);
  const [a, b, c, d] = groups as [number, number, number, number];
  return [
    { level: 'ipv6Slash48', subject: `${hex(a)}:${hex(b)}:${hex(c)}::/48` },
    { level: 'ipv6Slash56', subject: `${hex(a)}:${hex(b)}:${hex(c)}:${hex(d & 0xff00)}::/56` },
    { level: 'address', subject: `${hex(a)}:${hex(b)}:${hex(c)}:${hex(d)}::/64` },
  ];
}

/** The IPv4 address an IPv6 address stands for, if it is one of the transition forms. */
function embeddedIpv4(g: number[]): number[] | undefined {
  const low = () => [
    (g[6] as number) >> 8,
    (g[6] as number) & 0xff,
    (g[7] as number) >> 8,
    (g[7] as number) & 0xff,
  ];
  const zero = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  // IPv4-mapped ::ffff:0:0/96.
  if (zero(0, 5) && g[5] === 0xffff) return low();
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return low();
  // 6to4 2002::/16 (RFC 3056): the IPv4 address is bits 16-47.
  if (g[0] === 0x2002)
    return [(g[1] as number) >> 8, (g[1] as number) & 0xff, (g[2] as number) >> 8, (g[2] as number) & 0xff];
  // Teredo 2001:0::/32 (RFC 4380): the client's public IPv4 address, every bit inverted, in bits 96-127.
  if (g[0] === 0x2001 && g[1] === 0) return low().map((octet) => octet ^ 0xff);
  return undefined;
}

function parseIpv4(text: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  const octets = text.split('.').map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function formatIpv4(octets: number[]): string {
  return octets.join('.');
}

/** Eight 16-bit groups, or `undefined` for text that is not an IPv6 address. */
function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): number[] | undefined => {
    if (!part) return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (piece.includes('.')) {
        // An embedded IPv4 tail: only as the last piece, worth two groups.
        const v4 = i === pieces.length - 1 ? parseIpv4(piece) : undefined;
        if (!v4) return undefined;
        groups.push(
          ((v4[0] as number) << 8) | (v4[1] as number),
          ((v4[2] as number) << 8) | (v4[3] as number),
        );
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(piece)) return undefined;
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  if (!head || !tail) return undefined;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0]?.includes('.')) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...Array.from({ length: missing }, () => 0), ...tail];
}
