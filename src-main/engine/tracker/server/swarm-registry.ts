/**
 * The embedded tracker's state: per info-hash, the peers that announced, their counters and
 * whether they seed. Pure and clocked: no sockets, no timers; the fronts call `announce`,
 * `scrape`, and a scheduler calls `expire`.
 *
 * Invariants:
 * - A peer is keyed by address and port (what other peers will dial); a new announce from the
 *   same endpoint replaces it, whatever its peer id.
 * - Each swarm keeps its seeders and leechers in two dense arrays (swap-remove), and slot for
 *   slot their compact entries in a byte store, so counts are O(1), sampling never scans the
 *   swarm, and an answer is copied out of contiguous bytes without touching peer objects.
 * - A peer not heard from for `peerTimeoutFactor` x interval is removed by `expire`; a swarm
 *   with no peers left is removed too, so memory follows live peers only.
 * - Every count a remote party drives is capped by a named limit (swarms, peers per swarm,
 *   peers in total, numwant).
 */
import type { Clock, Random } from '../../time/clock';
import type { AnnounceEvent } from '../codec/announce-request';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  compactPeer,
  parseIpv4,
} from '../codec/compact-peers';
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

/**
 * A compact entry in a swarm's byte store: one length byte (6 for IPv4, 18 for IPv6), then the
 * BEP 23 / BEP 7 bytes (address, then port, big-endian).
 */
const ENTRY_STRIDE = 1 + COMPACT_PEER6_BYTES;
const INITIAL_SLOTS = 4;

export class RegistryPeer {
  /** Peer id bytes as a latin1 string (20 chars; cheaper to hold than a Uint8Array). */
  peerId: string;
  left: number;
  uploaded: number;
  downloaded: number;
  lastSeenMs: number;
  seeding: boolean;
  /** Position in its swarm's seeders or leechers list. */
  slot = 0;

  constructor(
    /** The swarm's key for this endpoint (see `endpointKey`). */
    readonly key: number | string,
    readonly address: string,
    readonly port: number,
    a: RegistryAnnounce,
    now: number,
  ) {
    this.peerId = latin1(a.peerId);
    this.left = a.left;
    this.uploaded = a.uploaded;
    this.downloaded = a.downloaded;
    this.lastSeenMs = now;
    this.seeding = a.left === 0;
  }

  /** `address:port`: what other peers dial, and what identifies a peer within its swarm. */
  get endpoint(): string {
    return `${this.address}:${this.port}`;
  }
}

/**
 * An IPv4 endpoint as the number address * 65536 + port (exact in a double, hashed without a
 * string); any other as its `address:port` string.
 */
function endpointKey(address: string, port: number, ipv4: number): number | string {
  return ipv4 >= 0 ? ipv4 * 65536 + port : `${address}:${port}`;
}

/**
 * The seeders or the leechers of a swarm: the peers in a dense array (swap-remove) and, slot for
 * slot, their compact entries in one byte store. Sampling copies bytes out of that store, so an
 * answer never touches the peer objects (scattered over the heap: a cache miss each).
 */
class PeerList {
  readonly peers: RegistryPeer[] = [];
  entries = new Uint8Array(INITIAL_SLOTS * ENTRY_STRIDE);

  get length(): number {
    return this.peers.length;
  }

  push(p: RegistryPeer, compact: Uint8Array): void {
    const slot = this.peers.length;
    if ((slot + 1) * ENTRY_STRIDE > this.entries.length) this.resize(slot * 2);
    p.slot = slot;
    this.peers.push(p);
    const o = slot * ENTRY_STRIDE;
    this.entries[o] = compact.length;
    this.entries.set(compact, o + 1);
  }

  /** Removes `p` by moving the last peer (and its entry) into its slot. */
  remove(p: RegistryPeer): void {
    const last = this.peers.pop() as RegistryPeer;
    const lastSlot = this.peers.length;
    if (last !== p) {
      this.peers[p.slot] = last;
      last.slot = p.slot;
      const from = lastSlot * ENTRY_STRIDE;
      this.entries.copyWithin(p.slot * ENTRY_STRIDE, from, from + ENTRY_STRIDE);
    }
    // A swarm that shrank a lot gives its bytes back.
    if (
      this.entries.length > INITIAL_SLOTS * 4 * ENTRY_STRIDE &&
      lastSlot * 4 * ENTRY_STRIDE < this.entries.length
    )
      this.resize(Math.max(INITIAL_SLOTS, lastSlot * 2));
  }

  /** The compact entry of `slot`, as a view. */
  entry(slot: number): Uint8Array {
    const o = slot * ENTRY_STRIDE;
    return this.entries.subarray(o + 1, o + 1 + (this.entries[o] as number));
  }

  private resize(slots: number): void {
    const next = new Uint8Array(Math.max(INITIAL_SLOTS, slots) * ENTRY_STRIDE);
    next.set(this.entries.subarray(0, this.peers.length * ENTRY_STRIDE));
    this.entries = next;
  }
}

class Swarm {
  readonly byKey = new Map<number | string, RegistryPeer>();
  readonly seeders = new PeerList();
  readonly leechers = new PeerList();
  snatches = 0;

  insert(p: RegistryPeer, compact: Uint8Array): void {
    (p.seeding ? this.seeders : this.leechers).push(p, compact);
    this.byKey.set(p.key, p);
  }

  remove(p: RegistryPeer): void {
    (p.seeding ? this.seeders : this.leechers).remove(p);
    this.byKey.delete(p.key);
  }

  setSeeding(p: RegistryPeer, seeding: boolean): void {
    if (p.seeding === seeding) return;
    const from = p.seeding ? this.seeders : this.leechers;
    // Copied: the view points into bytes that `remove` may move or reallocate.
    const compact = from.entry(p.slot).slice();
    from.remove(p);
    p.seeding = seeding;
    (seeding ? this.seeders : this.leechers).push(p, compact);
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
  /** Also return the sampled peers as objects (non-compact answers, stats, tests). */
  peerList?: boolean;
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
      /**
       * The sample's IPv4 peers as BEP 23 entries and its IPv6 peers as BEP 7 entries. Views
       * into the registry's scratch bytes: serialise them before the next `announce`.
       */
      peers4: Uint8Array;
      peers6: Uint8Array;
      /** The same sample as objects, when the announce asked for `peerList`; else null. */
      peers: RegistryPeer[] | null;
    }
  | { ok: false; reason: RegistryRejection; message: string };

export interface ScrapeCounts {
  complete: number;
  incomplete: number;
  downloaded: number;
}

function latin1(bytes: Uint8Array): string {
  // Decoded requests hand us Buffer views already; wrapping again costs an allocation each time.
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

const NO_BYTES = new Uint8Array(0);

export class SwarmRegistry {
  readonly config: RegistryConfig;
  private readonly swarms = new Map<string, Swarm>();
  private peerCount = 0;
  /** Where samples are written; see AnnounceOutcome.peers4/peers6. */
  private scratch4: Uint8Array;
  private scratch6: Uint8Array;
  private readonly compact4 = new Uint8Array(COMPACT_PEER4_BYTES);

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    config: Partial<RegistryConfig> = {},
  ) {
    this.config = { ...defaultRegistryConfig, ...config };
    this.scratch4 = new Uint8Array(this.config.maxNumwant * COMPACT_PEER4_BYTES);
    this.scratch6 = new Uint8Array(this.config.maxNumwant * COMPACT_PEER6_BYTES);
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
    const ipv4 = parseIpv4(a.address);
    const key = endpointKey(a.address, a.port, ipv4);
    let swarm = this.swarms.get(infoHashHex);
    let peer = swarm?.byKey.get(key);

    if (a.event === 'stopped') {
      if (swarm && peer) {
        swarm.remove(peer);
        this.peerCount--;
        if (swarm.byKey.size === 0) this.swarms.delete(infoHashHex);
      }
      return this.answer(swarm, null, 0, a.peerList === true);
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
      if (swarm.byKey.size >= this.config.maxPeersPerSwarm) {
        return { ok: false, reason: 'swarm-full', message: 'swarm is full' };
      }
      if (this.peerCount >= this.config.maxPeersTotal) {
        return { ok: false, reason: 'tracker-full', message: 'tracker is full' };
      }
      let compact: Uint8Array;
      if (ipv4 >= 0) {
        compact = this.compact4;
        compact[0] = ipv4 >>> 24;
        compact[1] = (ipv4 >>> 16) & 255;
        compact[2] = (ipv4 >>> 8) & 255;
        compact[3] = ipv4 & 255;
        compact[4] = (a.port >> 8) & 255;
        compact[5] = a.port & 255;
      } else {
        const c = compactPeer(a.address, a.port);
        if (c === null)
          return { ok: false, reason: 'bad-address', message: 'unusable peer address' };
        compact = c.bytes;
      }
      peer = new RegistryPeer(key, a.address, a.port, a, now);
      if (!this.swarms.has(infoHashHex)) this.swarms.set(infoHashHex, swarm);
      swarm.insert(peer, compact);
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
    return this.answer(swarm, peer, want, a.peerList === true);
  }

  private answer(
    swarm: Swarm | undefined,
    self: RegistryPeer | null,
    want: number,
    peerList: boolean,
  ): AnnounceOutcome {
    const out = {
      ok: true as const,
      complete: swarm?.seeders.length ?? 0,
      incomplete: swarm?.leechers.length ?? 0,
      downloaded: swarm?.snatches ?? 0,
      intervalSec: this.config.intervalSec,
      minIntervalSec: this.config.minIntervalSec,
      peers4: NO_BYTES,
      peers6: NO_BYTES,
      peers: peerList ? ([] as RegistryPeer[]) : null,
    };
    if (swarm && self) this.sample(swarm, self, want, out);
    return out;
  }

  /**
   * A random sample of up to `want` peers other than `self`, written to `out`; a seeder gets
   * leechers only (seeders have nothing to give each other). Stratified, as opentracker does:
   * the pool (seeders, then leechers, without `self`) is cut into `want` equal runs from a
   * random offset and one peer is drawn uniformly from each run. Every peer is equally likely
   * to be picked, picks are distinct by construction, and the walk reads the byte stores in
   * order (one pass, prefetch-friendly) instead of jumping around them.
   */
  private sample(
    swarm: Swarm,
    self: RegistryPeer,
    want: number,
    out: { peers4: Uint8Array; peers6: Uint8Array; peers: RegistryPeer[] | null },
  ): void {
    const seeders = swarm.seeders;
    const leechers = swarm.leechers;
    const seedersInPool = self.seeding ? 0 : seeders.length;
    // A leecher is in its own pool (skipped below); a seeder's pool holds leechers only.
    const selfIndex = self.seeding ? -1 : self.slot + seedersInPool;
    const available = seedersInPool + leechers.length - (selfIndex >= 0 ? 1 : 0);
    const picks = Math.min(want, available);
    if (picks <= 0) return;
    if (this.scratch4.length < picks * COMPACT_PEER4_BYTES) {
      this.scratch4 = new Uint8Array(picks * COMPACT_PEER4_BYTES);
      this.scratch6 = new Uint8Array(picks * COMPACT_PEER6_BYTES);
    }
    const s4 = this.scratch4;
    const s6 = this.scratch6;
    const list = out.peers;
    const offset = picks < available ? this.random.int(available) | 0 : 0;
    let n4 = 0;
    let n6 = 0;
    for (let k = 0; k < picks; k++) {
      // Run k is [floor(k * available / picks), floor((k + 1) * available / picks)).
      const start = Math.floor((k * available) / picks);
      const end = Math.floor(((k + 1) * available) / picks);
      let v = start + (end - start > 1 ? this.random.int(end - start) | 0 : 0) + offset;
      if (v >= available) v -= available;
      if (selfIndex >= 0 && v >= selfIndex) v++;
      const inSeeders = v < seedersInPool;
      const from = inSeeders ? seeders : leechers;
      const slot = inSeeders ? v : v - seedersInPool;
      const bytes = from.entries;
      const o = slot * ENTRY_STRIDE;
      if (bytes[o] === COMPACT_PEER4_BYTES) {
        for (let b = 1; b <= COMPACT_PEER4_BYTES; b++) s4[n4++] = bytes[o + b] as number;
      } else {
        for (let b = 1; b <= COMPACT_PEER6_BYTES; b++) s6[n6++] = bytes[o + b] as number;
      }
      if (list) list.push(from.peers[slot] as RegistryPeer);
    }
    out.peers4 = s4.subarray(0, n4);
    out.peers6 = n6 > 0 ? s6.subarray(0, n6) : NO_BYTES;
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
      for (const p of swarm.byKey.values()) {
        if (p.lastSeenMs < deadline) {
          swarm.remove(p);
          removed++;
        }
      }
      if (swarm.byKey.size === 0) this.swarms.delete(hex);
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
    return [...s.seeders.peers, ...s.leechers.peers].slice(0, limit);
  }
}
