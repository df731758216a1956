import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv6 } from 'node:net';

/**
 * Who a request comes from, for per-client quotas: the peer address until authentication
 * exists, then the principal id (`principal:<id>`) should replace it. IPv4-mapped IPv6
 * addresses count as their IPv4 address; an IPv6 peer counts by its /64 prefix, since one
 * host commonly holds a whole /64.
 */
export type ClientKeyResolver = (req: IncomingMessage) => string;

export const clientKeyFor: ClientKeyResolver = (req) => keyOfAddress(req.socket.remoteAddress ?? 'unknown');

/**
 * Like {@link clientKeyFor}, behind reverse proxies: when the peer is one of `trustedProxies`
 * (addresses or CIDR ranges), the client is the right-most address of `X-Forwarded-For` that is
 * not itself a trusted proxy. A peer that is not trusted is the client whatever it sends, so a
 * client cannot pick its own key by forging the header.
 * @throws Error naming an entry that is neither an address nor a CIDR range.
 */
export function clientKeyBehindProxies(trustedProxies: readonly string[]): ClientKeyResolver {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) throw new Error(`trusted proxy "${entry}" is not an address or a CIDR range`);
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  const isTrusted = (address: string) => {
    const plain = unmapped(address);
    return isIP(plain) !== 0 && trusted.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!isTrusted(peer)) return keyOfAddress(peer);
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((hop) => hop.trim());
    for (let i = forwarded.length - 1; i >= 0; i--) {
      const hop = forwarded[i]!;
      if (isIP(unmapped(hop)) === 0) break; // a malformed hop: nothing left of it can be believed
      if (!isTrusted(hop)) return keyOfAddress(hop);
    }
    return keyOfAddress(peer);
  };
}

function keyOfAddress(address: string): string {
  const plain = unmapped(address);
  if (isIPv6(plain)) return `ip:${ipv6Prefix64(plain)}::/64`;
  return `ip:${plain}`;
}

/** An IPv4-mapped IPv6 address as its IPv4 address. */
function unmapped(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

/** The first four groups of an IPv6 address, `::` expanded. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':');
}
