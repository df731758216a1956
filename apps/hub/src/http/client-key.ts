import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Who a request comes from, for per-client quotas: the peer address until authentication
 * exists, then the principal id (`principal:<id>`) should replace it. IPv4-mapped IPv6
 * addresses count as their IPv4 address; an IPv6 peer counts by its /64 prefix, since one
 * host commonly holds a whole /64.
 */
export type ClientKeyResolver = (req: IncomingMessage) => string;

export const clientKeyFor: ClientKeyResolver = (req) => {
  const address = req.socket.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `ip:${mapped[1]}`;
  if (isIPv6(address)) return `ip:${ipv6Prefix64(address)}::/64`;
  return `ip:${address}`;
};

/** The first four groups of an IPv6 address, `::` expanded. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':');
}
