/**
 * What one IP (an IPv4 address or an IPv6 /64, see ip-key.ts) may do in the swarm registry:
 * peers per swarm, peers over all swarms, and announces per second (issue 16 item 6).
 *
 * Invariants:
 * - The counts equal the registry's peers from each IP: the registry calls `count` exactly
 *   where it inserts or removes a peer. They are Maps of numbers, no object per peer.
 * - Loopback is exempt when `exemptLoopback`: it is the user's own machine, where the loopback
 *   swarm tests and the bench run many peers from one address. An exempt IP is never counted.
 * - Pure and clocked: the caller passes `now`.
 */
import { AnnounceRateLimiter } from './announce-rate-limiter';
import { ipKeyOfEntry, isLoopbackEntry } from './ip-key';

export interface PerIpConfig {
  maxPeersPerIpPerSwarm: number;
  maxPeersPerIp: number;
  announcesPerIpPerSec: number;
  announceBurstPerIp: number;
  rateLimitedIps: number;
  /** Loopback addresses skip the per-IP limits (tests turn this off to see them). */
  exemptLoopback: boolean;
}

export type PerIpRefusal = 'rate-limited' | 'ip-swarm-full' | 'ip-full';

export const PER_IP_MESSAGES: Record<PerIpRefusal, string> = {
  'rate-limited': 'too many announces from your address, slow down',
  'ip-swarm-full': 'too many peers from your address in this swarm',
  'ip-full': 'too many peers from your address',
};

export class PerIpLimits {
  /** IP key -> peers from that IP over all swarms. */
  private readonly total = new Map<number, number>();
  private readonly rate: AnnounceRateLimiter;

  constructor(private readonly config: PerIpConfig) {
    this.rate = new AnnounceRateLimiter({
      perSec: config.announcesPerIpPerSec,
      burst: config.announceBurstPerIp,
      maxKeys: config.rateLimitedIps,
    });
  }

  /** IPs whose announce rate is remembered (bounded by `rateLimitedIps`). */
  get rateLimitedIpCount(): number {
    return this.rate.size;
  }

  /** IPs with at least one peer counted (for the load test: expiry must bring this to 0). */
  get countedIpCount(): number {
    return this.total.size;
  }

  /** The IP key of the registry entry at `at` in `entry`, or null when it is exempt. */
  keyOf(entry: Uint8Array, at: number): number | null {
    if (this.config.exemptLoopback && isLoopbackEntry(entry, at)) return null;
    return ipKeyOfEntry(entry, at);
  }

  /** Takes one announce from `ip`'s bucket; false when it is over the rate. */
  takeAnnounce(ip: number, now: number): boolean {
    return this.rate.take(ip, now);
  }

  /** Why `ip` may not add a peer to `swarm`; null if it may. */
  refuseNewPeer(swarm: SwarmCounts, ip: number): PerIpRefusal | null {
    if ((swarm.perIp?.get(ip) ?? 0) >= this.config.maxPeersPerIpPerSwarm) return 'ip-swarm-full';
    if ((this.total.get(ip) ?? 0) >= this.config.maxPeersPerIp) return 'ip-full';
    return null;
  }

  /** One peer more or fewer from the entry's IP, in `swarm` and in total. */
  count(swarm: SwarmCounts, entry: Uint8Array, at: number, delta: 1 | -1): void {
    const ip = this.keyOf(entry, at);
    if (ip === null) return;
    bump((swarm.perIp ??= new Map()), ip, delta);
    bump(this.total, ip, delta);
  }
}

/** What a swarm keeps for the per-IP limits: its counts by IP, made on first use. */
export interface SwarmCounts {
  perIp: Map<number, number> | null;
}

function bump(counts: Map<number, number>, ip: number, delta: 1 | -1): void {
  const n = (counts.get(ip) ?? 0) + delta;
  if (n > 0) counts.set(ip, n);
  else counts.delete(ip);
}
