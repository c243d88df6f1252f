/**
 * Per-IP limits (issue 16 item 6): one host with many ports or peer ids must not take every
 * connection slot of a torrent, and a banned host must not come back with a new port and id.
 *
 * Rule: an address is one host, capped at `maxConnectionsPerIp` connections and banned as a
 * whole, unless it is loopback. Loopback peers are this machine's own processes (test swarms,
 * the bench, a local CLI seeding to the app), several per address by design; they are neither
 * capped per IP nor banned by IP, unless `limitLoopback` says so (the tests of this rule).
 */
import { MAX_CONNECTIONS_PER_IP } from '../limits';

export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
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
