/**
 * Peer addresses on both stacks (issue 18, IPv6 peers): one text form per address, the unit the
 * per-IP caps and bans count, and the `[v6]:port` form people read and type.
 *
 * Invariants:
 * - `canonicalIp` is the one form an address is stored and compared in: an IPv4-mapped IPv6
 *   address (`::ffff:1.2.3.4`, what a dual-stack socket reports for a v4 peer) is plain IPv4,
 *   and IPv6 is RFC 5952 text (lower case, `::` for the longest zero run, no brackets, no zone).
 *   Anything that is neither is returned as it came (a name; the dial will say what is wrong).
 * - `hostKey` is the unit of the per-IP rules: an IPv4 address, or an IPv6 /64. One IPv6 host is
 *   routinely given a whole /64 (SLAAC, privacy addresses), so counting single addresses would
 *   let one machine pose as 2^64 hosts; libtorrent-era clients and our embedded tracker
 *   (`tracker/server/ip-key.ts`) count the /64 too. Loopback `::1` is its own key.
 */
import { isIP } from 'node:net';
import { formatIpv6, ipv6ToBytes } from '../tracker/codec/compact-peers';

/** 4 or 6 for an address in either text form (brackets allowed), else 0. */
export function ipFamily(address: string): 0 | 4 | 6 {
  const a = canonicalIp(address);
  const f = isIP(a);
  return f === 4 || f === 6 ? f : 0;
}

export function canonicalIp(address: string): string {
  let a = address;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a.indexOf(':') < 0) return a;
  const bytes = ipv6ToBytes(a);
  if (!bytes) return a;
  if (isV4Mapped(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  return formatIpv6(bytes);
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The unit per-IP caps and bans count (see the invariants): IPv4 as is, IPv6 by its /64. */
export function hostKey(address: string): string {
  const a = canonicalIp(address);
  if (a.indexOf(':') < 0) return a;
  const bytes = ipv6ToBytes(a);
  if (!bytes || a === '::1') return a;
  const prefix = new Uint8Array(16);
  prefix.set(bytes.subarray(0, 8));
  return `${formatIpv6(prefix)}/64`;
}

/** `1.2.3.4:6881` or `[2001:db8::1]:6881`: the form logs, the Peers tab and magnets use. */
export function formatEndpoint(address: string, port: number): string {
  const a = canonicalIp(address);
  return a.indexOf(':') >= 0 ? `[${a}]:${port}` : `${a}:${port}`;
}

/**
 * Reads `host:port`, `[v6]:port`, or a bare IPv6 address followed by `:port` only when bracketed
 * (an unbracketed `a::b:6881` is ambiguous and refused); null when there is no valid port.
 */
export function parseEndpoint(text: string): { address: string; port: number } | null {
  const s = text.trim();
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') return null;
    host = s.slice(1, close);
    portText = s.slice(close + 2);
    if (isIP(host) !== 6) return null;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0 || s.indexOf(':') !== colon) return null;
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port < 1 || port > 65535) return null;
  return { address: canonicalIp(host), port };
}

/** Whether `host` (a listen address) means every interface of both stacks. */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * Which sockets a listen address asks for: the wildcard (the default) both stacks, a v4 address
 * (or a name, as before IPv6) the v4 one only, a v6 address the v6 one only. The v6 wildcard
 * socket is opened IPv6-only beside the v4 one rather than as one dual-stack socket: Windows,
 * macOS and Linux all allow that pair on one port, while whether `::` also takes v4 depends on
 * each OS's default (bindv6only, IPV6_V6ONLY), and a v4 peer keeps its plain v4 address.
 */
export function listenPlan(host: string): { v4: string | null; v6: string | null } {
  if (isWildcardHost(host)) return { v4: '0.0.0.0', v6: '::' };
  const a = canonicalIp(host);
  return isIP(a) === 6 ? { v4: null, v6: a } : { v4: host, v6: null };
}
