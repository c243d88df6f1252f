/**
 * The embedded tracker's state: per info-hash, the peers that announced, their counters and
 * whether they seed. Pure and clocked: no sockets, no timers; the fronts call `announce`,
 * `scrape`, and a scheduler calls `expire`.
 *
 * Invariants:
 * - A peer is keyed by address and port (what other peers will dial); a new announce from the
 *   same endpoint replaces it, whatever its peer id.
 * - Each swarm keeps its seeders and leechers in two dense arrays (swap-remove), so counts are
 *   O(1) and sampling never scans the swarm.
 * - A peer not heard from for `peerTimeoutFactor` x interval is removed by `expire`; a swarm
 *   with no peers left is removed too, so memory follows live peers only.
 * - Every count a remote party drives is capped by a named limit (swarms, peers per swarm,
 *   peers in total, numwant).
 */
import type { Clock, Random } from '../../time/clock';
import type { AnnounceEvent } from '../codec/announce-request';
import { compactPeerLatin1 } from '../codec/compact-peers';
import {
  TRACKER_DEFAULT_NUMWANT,
  TRACKER_MAX_NUMWANT,
  TRACKER_MAX_PEERS_PER_SWARM,
  TRACKER_MAX_PEERS_TOTAL,
  TRACKER_MAX_SWARMS,
} from '../../limits';

export interface RegistryConfig {
  intervalSec: number;
  minIntervalSec: number;
  /** Issue 5: a peer expires after 2x the announce interval. */
  peerTimeoutFactor: number;
  maxSwarms: number;
  maxPeersPerSwarm: number;
  maxPeersTotal: number;
  defaultNumwant: number;
  maxNumwant: number;
}

export const defaultRegistryConfig: RegistryConfig = {
  intervalSec: 1800,
  minIntervalSec: 60,
  peerTimeoutFactor: 2,
  maxSwarms: TRACKER_MAX_SWARMS,
  maxPeersPerSwarm: TRACKER_MAX_PEERS_PER_SWARM,
  maxPeersTotal: TRACKER_MAX_PEERS_TOTAL,
  defaultNumwant: TRACKER_DEFAULT_NUMWANT,
  maxNumwant: TRACKER_MAX_NUMWANT,
};

export interface RegistryPeer {
  /** `address:port`, the key within its swarm. */
  readonly endpoint: string;
  /** Peer id bytes as a latin1 string (20 chars; cheaper to hold than a Uint8Array). */
  peerId: string;
  readonly address: string;
  readonly port: number;
  /** The BEP 23 / BEP 7 compact entry as a latin1 string: 6 chars for IPv4, 18 for IPv6. */
  readonly compact: string;
  left: number;
  uploaded: number;
  downloaded: number;
  lastSeenMs: number;
  seeding: boolean;
  /** Position in its swarm's seeders or leechers array. */
  slot: number;
}

class Swarm {
  readonly byEndpoint = new Map<string, RegistryPeer>();
  readonly seeders: RegistryPeer[] = [];
  readonly leechers: RegistryPeer[] = [];
  snatches = 0;

  insert(p: RegistryPeer): void {
    const list = p.seeding ? this.seeders : this.leechers;
    p.slot = list.length;
    list.push(p);
    this.byEndpoint.set(p.endpoint, p);
  }

  remove(p: RegistryPeer): void {
    this.detach(p);
    this.byEndpoint.delete(p.endpoint);
  }

  setSeeding(p: RegistryPeer, seeding: boolean): void {
    if (p.seeding === seeding) return;
    this.detach(p);
    p.seeding = seeding;
    const list = seeding ? this.seeders : this.leechers;
    p.slot = list.length;
    list.push(p);
  }

  private detach(p: RegistryPeer): void {
    const list = p.seeding ? this.seeders : this.leechers;
    const last = list.pop() as RegistryPeer;
    if (last !== p) {
      list[p.slot] = last;
      last.slot = p.slot;
    }
  }
}

export interface RegistryAnnounce {
  peerId: Uint8Array;
  /** From the socket (or an operator-allowed `ip=`), never trusted from a peer otherwise. */
  address: string;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event: AnnounceEvent;
  numwant: number | null;
}

export type RegistryRejection = 'too-many-swarms' | 'swarm-full' | 'tracker-full' | 'bad-address';

export type AnnounceOutcome =
  | {
      ok: true;
      complete: number;
      incomplete: number;
      downloaded: number;
      intervalSec: number;
      minIntervalSec: number;
      peers: RegistryPeer[];
    }
  | { ok: false; reason: RegistryRejection; message: string };

export interface ScrapeCounts {
  complete: number;
  incomplete: number;
  downloaded: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function latin1(bytes: Uint8Array): string {
  // Decoded requests hand us Buffer views already; wrapping again costs an allocation each time.
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

export class SwarmRegistry {
  readonly config: RegistryConfig;
  private readonly swarms = new Map<string, Swarm>();
  private peerCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    config: Partial<RegistryConfig> = {},
  ) {
    this.config = { ...defaultRegistryConfig, ...config };
  }

  get swarmCount(): number {
    return this.swarms.size;
  }

  get totalPeers(): number {
    return this.peerCount;
  }

  /** `infoHashHex` is lower-case hex; the caller has already checked the allow-list. */
  announce(infoHashHex: string, a: RegistryAnnounce): AnnounceOutcome {
    const now = this.clock.now();
    const endpoint = `${a.address}:${a.port}`;
    let swarm = this.swarms.get(infoHashHex);
    let peer = swarm?.byEndpoint.get(endpoint);

    if (a.event === 'stopped') {
      if (swarm && peer) {
        swarm.remove(peer);
        this.peerCount--;
        if (swarm.byEndpoint.size === 0) this.swarms.delete(infoHashHex);
      }
      return this.answer(swarm, null, 0);
    }

    const seeding = a.left === 0;
    if (!swarm) {
      if (this.swarms.size >= this.config.maxSwarms) {
        return { ok: false, reason: 'too-many-swarms', message: 'tracker holds too many torrents' };
      }
      swarm = new Swarm();
      // Inserted only once the peer is accepted, so a refused announce leaves no empty swarm.
    }
    if (!peer) {
      if (swarm.byEndpoint.size >= this.config.maxPeersPerSwarm) {
        return { ok: false, reason: 'swarm-full', message: 'swarm is full' };
      }
      if (this.peerCount >= this.config.maxPeersTotal) {
        return { ok: false, reason: 'tracker-full', message: 'tracker is full' };
      }
      const compact = compactPeerLatin1(a.address, a.port);
      if (compact === null)
        return { ok: false, reason: 'bad-address', message: 'unusable peer address' };
      peer = {
        endpoint,
        peerId: latin1(a.peerId),
        address: a.address,
        port: a.port,
        compact,
        left: a.left,
        uploaded: a.uploaded,
        downloaded: a.downloaded,
        lastSeenMs: now,
        seeding,
        slot: 0,
      };
      if (!this.swarms.has(infoHashHex)) this.swarms.set(infoHashHex, swarm);
      swarm.insert(peer);
      this.peerCount++;
      if (a.event === 'completed') swarm.snatches++;
    } else {
      // A snatch counts once: a peer already known as a seeder that says completed again is not new.
      if (a.event === 'completed' && !peer.seeding) swarm.snatches++;
      peer.peerId = latin1(a.peerId);
      peer.left = a.left;
      peer.uploaded = a.uploaded;
      peer.downloaded = a.downloaded;
      peer.lastSeenMs = now;
      swarm.setSeeding(peer, seeding);
    }
    const want = Math.min(a.numwant ?? this.config.defaultNumwant, this.config.maxNumwant);
    return this.answer(swarm, peer, want);
  }

  private answer(
    swarm: Swarm | undefined,
    self: RegistryPeer | null,
    want: number,
  ): AnnounceOutcome {
    return {
      ok: true,
      complete: swarm?.seeders.length ?? 0,
      incomplete: swarm?.leechers.length ?? 0,
      downloaded: swarm?.snatches ?? 0,
      intervalSec: this.config.intervalSec,
      minIntervalSec: this.config.minIntervalSec,
      peers: swarm && self ? this.sample(swarm, self, want) : [],
    };
  }

  /**
   * A random sample of up to `want` peers other than `self`; a seeder gets leechers only
   * (seeders have nothing to give each other). The sample walks the pool from a random start
   * with a random step coprime to its size: O(want), no allocation, every peer equally likely
   * to be picked, distinct by construction.
   */
  private sample(swarm: Swarm, self: RegistryPeer, want: number): RegistryPeer[] {
    const seeders = swarm.seeders;
    const leechers = swarm.leechers;
    const seedersInPool = self.seeding ? 0 : seeders.length;
    const poolSize = seedersInPool + leechers.length;
    const out: RegistryPeer[] = [];
    // A leecher is in its own pool; a seeder's pool holds leechers only.
    const available = poolSize - (self.seeding ? 0 : 1);
    if (want <= 0 || available <= 0) return out;
    if (want >= available) {
      for (let i = 0; i < seedersInPool; i++)
        if (seeders[i] !== self) out.push(seeders[i] as RegistryPeer);
      for (const p of leechers) if (p !== self) out.push(p);
      return out;
    }
    let step = 1 + this.random.int(poolSize - 1);
    // Bounded: among any 2 log2(n) consecutive integers one is coprime to n.
    for (let tries = 0; gcd(step, poolSize) !== 1 && tries < 64; tries++)
      step = (step % (poolSize - 1)) + 1;
    if (gcd(step, poolSize) !== 1) step = 1;
    let i = this.random.int(poolSize);
    const picked = new Array<RegistryPeer>(want);
    let n = 0;
    for (let k = 0; k < poolSize && n < want; k++) {
      const p = (i < seedersInPool ? seeders[i] : leechers[i - seedersInPool]) as RegistryPeer;
      if (p !== self) picked[n++] = p;
      i += step;
      if (i >= poolSize) i -= poolSize;
    }
    picked.length = n;
    return picked;
  }

  /** BEP 48 counts; zeros for a swarm the tracker does not hold. */
  scrape(infoHashHex: string): ScrapeCounts {
    const s = this.swarms.get(infoHashHex);
    return s
      ? { complete: s.seeders.length, incomplete: s.leechers.length, downloaded: s.snatches }
      : { complete: 0, incomplete: 0, downloaded: 0 };
  }

  /** Removes peers silent for longer than the timeout; returns how many went. */
  expire(): number {
    const deadline =
      this.clock.now() - this.config.peerTimeoutFactor * this.config.intervalSec * 1000;
    let removed = 0;
    for (const [hex, swarm] of this.swarms) {
      for (const p of swarm.byEndpoint.values()) {
        if (p.lastSeenMs < deadline) {
          swarm.remove(p);
          removed++;
        }
      }
      if (swarm.byEndpoint.size === 0) this.swarms.delete(hex);
    }
    this.peerCount -= removed;
    return removed;
  }

  has(infoHashHex: string): boolean {
    return this.swarms.has(infoHashHex);
  }

  /** The swarms' counts, largest first, at most `limit` of them. */
  swarmCounts(
    limit: number,
  ): Array<{ infoHash: string; seeders: number; leechers: number; snatches: number }> {
    const all = [...this.swarms].map(([infoHash, s]) => ({
      infoHash,
      seeders: s.seeders.length,
      leechers: s.leechers.length,
      snatches: s.snatches,
    }));
    all.sort(
      (a, b) =>
        b.seeders + b.leechers - (a.seeders + a.leechers) || (a.infoHash < b.infoHash ? -1 : 1),
    );
    return all.slice(0, limit);
  }

  /** The peers of one swarm (at most `limit`), seeders first; null if unknown. */
  peers(infoHashHex: string, limit: number): RegistryPeer[] | null {
    const s = this.swarms.get(infoHashHex);
    if (!s) return null;
    return [...s.seeders, ...s.leechers].slice(0, limit);
  }
}
