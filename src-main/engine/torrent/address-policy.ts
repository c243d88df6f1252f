/**
 * Per-IP limits (issue 16 item 6): one host with many ports or peer ids must not take every
 * connection slot of a torrent, and a banned host must not come back with a new port and id.
 *
 * Rule: an address is one host, capped at `maxConnectionsPerIp` connections and banned as a
 * whole, unless it is loopback. Loopback peers are this machine's own processes (test swarms,
 * the bench, a local CLI seeding to the app), several per address by design; they are neither
 * capped per IP nor banned by IP, unless `limitLoopback` says so (the tests of this rule).
 *
 * IPv6 (issue 18): "one host" is `hostKey`'s unit, an IPv4 address or an IPv6 /64 (one machine
 * is routinely handed a whole /64, so single v6 addresses would make the caps and bans
 * toothless); `::ffff:1.2.3.4` is 1.2.3.4. See net/ip-address.ts.
 */
import { MAX_CONNECTIONS_PER_IP } from '../limits';
import { canonicalIp, hostKey } from '../net/ip-address';

export function isLoopback(address: string): boolean {
  const a = canonicalIp(address);
  return a.startsWith('127.') || a === '::1';
}

/** Whether two addresses count as one host for the caps and bans (IPv6: the same /64). */
export function sameHost(a: string, b: string): boolean {
  return a === b || hostKey(a) === hostKey(b);
}

export interface AddressPolicyOptions {
  maxConnectionsPerIp?: number;
  limitLoopback?: boolean;
}

export class AddressPolicy {
  readonly maxConnectionsPerIp: number;
  private readonly limitLoopback: boolean;

  constructor(opts: AddressPolicyOptions = {}) {
    this.maxConnectionsPerIp = Math.max(1, opts.maxConnectionsPerIp ?? MAX_CONNECTIONS_PER_IP);
    this.limitLoopback = opts.limitLoopback ?? false;
  }

  /** Whether the address stands for one host: capped per IP and banned as a whole. */
  isOneHost(address: string): boolean {
    return this.limitLoopback || !isLoopback(address);
  }

  /**
   * May one more connection (in or out) be made with `address`? `current` counts those it has
   * already; it is called only for addresses that are capped.
   */
  mayConnect(address: string, current: () => number): boolean {
    return !this.isOneHost(address) || current() < this.maxConnectionsPerIp;
  }
}
