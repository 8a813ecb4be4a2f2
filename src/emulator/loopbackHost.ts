import { isIP } from 'node:net';

// DNS rebinding: a page on attacker.example can make its name resolve to 127.0.0.1 and then read the
// emulator (every login code, the clock) as same-origin. The browser still sends `Host: attacker.example`,
// so the emulator answers only requests addressed to a loopback name or address.

/** Which `Host` headers the emulator answers. */
export type HostPolicy = {
  /**
   * Also accept any IP literal (the emulator was bound to a non-loopback interface on purpose). DNS names
   * other than `localhost` stay refused: rebinding needs a name, an address cannot be rebound.
   */
  allowRemote?: boolean;
};

/**
 * Whether a `Host` header (name or address, optional port) names this machine's loopback:
 * `localhost`, `127.0.0.0/8` or `[::1]`.
 * @example
 * isLoopbackHost('127.0.0.1:8790'); // true
 * isLoopbackHost('localhost.attacker.example'); // false
 */
export function isLoopbackHost(host: string): boolean {
  const hostname = canonicalHostname(host);
  if (hostname === undefined) return false;
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Whether the emulator answers a request with this `Host` header under `policy`. */
export function isAllowedHost(host: string, policy: HostPolicy = {}): boolean {
  if (isLoopbackHost(host)) return true;
  if (!policy.allowRemote) return false;
  const hostname = canonicalHostname(host);
  return hostname !== undefined && isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}

/** Whether a bind address keeps the server on loopback (what `--host` may be without `--allow-remote`). */
export function isLoopbackBindAddress(host: string): boolean {
  return isLoopbackHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
}

/**
 * The host name as a URL parser reads it (lower case, IPv4 and IPv6 in canonical form), or undefined
 * when the header is not a bare `host[:port]`.
 */
function canonicalHostname(host: string): string | undefined {
  if (host === '' || /[\s/?#@\\]/.test(host)) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}
