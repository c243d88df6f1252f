/**
 * The embedded tracker's state: per info-hash, the peers that announced, their counters and
 * whether they seed. Pure and clocked: no sockets, no timers; the fronts call `announce`,
 * `scrape`, and a scheduler calls `expire`.
 *
 * Invariants:
 * - A peer is keyed by address and port (what other peers will dial); a new announce from the
 *   same endpoint replaces it, whatever its peer id.
 * - No JS object per peer: each swarm keeps its seeders and leechers in two dense lists of
 *   typed arrays (compact entry, peer id, counters; swap-remove), and finds a peer through an
 *   open-addressing table keyed by that compact entry with a per-registry random seed. A new
 *   peer is a few typed-array writes, so a busy tracker gives the young-generation GC nothing
 *   to copy (copying one object per new peer made the GC pauses that set its latency tail).
 *   Counts are O(1), a sample never scans the swarm, and answers are copied out of contiguous
 *   bytes. `RegistryPeer` objects are snapshots made on demand (stats, non-compact answers).
 * - A peer not heard from for `peerTimeoutFactor` x interval is removed by `expire`; a swarm
 *   with no peers left is removed too, and shrunken stores give their bytes back, so memory
 *   follows live peers only.
 * - Every count a remote party drives is capped by a named limit (swarms, peers per swarm,
 *   peers in total, numwant), and so is what one IP (an IPv4 address or IPv6 /64) may do:
 *   peers per swarm, peers in total, announces per second (per-ip-limits.ts; loopback exempt
 *   by default).
 */
import type { Clock, Random } from '../../time/clock';
import type { AnnounceRequest } from '../codec/announce-request';
import { PEER_ID_BYTES } from '../codec/announce-request';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  compactPeer,
  formatIpv6,
  parseIpv4,
} from '../codec/compact-peers';
import {
  TRACKER_ANNOUNCE_BURST_PER_IP,
  TRACKER_ANNOUNCES_PER_IP_PER_SEC,
  TRACKER_DEFAULT_NUMWANT,
  TRACKER_MAX_NUMWANT,
  TRACKER_MAX_PEERS_PER_IP,
  TRACKER_MAX_PEERS_PER_IP_PER_SWARM,
  TRACKER_MAX_PEERS_PER_SWARM,
  TRACKER_MAX_PEERS_TOTAL,
  TRACKER_MAX_SWARMS,
  TRACKER_RATE_LIMITED_IPS,
} from '../../limits';
import { PER_IP_MESSAGES, PerIpLimits } from './per-ip-limits';
import { InfoHashMap, infoHashBytes } from './info-hash-map';
import type { PerIpConfig, PerIpRefusal } from './per-ip-limits';

/** The per-IP limits (PerIpConfig) are part of it. */
export interface RegistryConfig extends PerIpConfig {
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
  maxPeersPerIpPerSwarm: TRACKER_MAX_PEERS_PER_IP_PER_SWARM,
  maxPeersPerIp: TRACKER_MAX_PEERS_PER_IP,
  announcesPerIpPerSec: TRACKER_ANNOUNCES_PER_IP_PER_SEC,
  announceBurstPerIp: TRACKER_ANNOUNCE_BURST_PER_IP,
  rateLimitedIps: TRACKER_RATE_LIMITED_IPS,
  exemptLoopback: true,
};

/**
 * A compact entry: one length byte (6 for IPv4, 18 for IPv6), then the BEP 23 / BEP 7 bytes
 * (address, then port, big-endian). It is also the peer's key.
 */
const ENTRY_STRIDE = 1 + COMPACT_PEER6_BYTES;
/** Per slot: left, uploaded, downloaded, lastSeenMs, last event (issue 21). */
const NUMS = 5;
const LEFT = 0;
const UPLOADED = 1;
const DOWNLOADED = 2;
const LAST_SEEN = 3;
// --- tracker view (issue 21): the event of the peer's last announce, as a code ---
const LAST_EVENT = 4;
/** The events a stored peer can have last sent ('stopped' removes it), by code. */
export type RegistryPeerEvent = 'none' | 'started' | 'completed';
const EVENT_CODES: readonly RegistryPeerEvent[] = ['none', 'started', 'completed'];
const INITIAL_SLOTS = 2;
const INITIAL_TABLE = 8;

/** A snapshot of one peer, made on demand; the registry holds no such objects. */
export interface RegistryPeer {
  readonly address: string;
  readonly port: number;
  /** `address:port`: what other peers dial. */
  readonly endpoint: string;
  /** Peer id bytes as a latin1 string. */
  readonly peerId: string;
  readonly left: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /**
   * When its last announce arrived (clock ms). Left, uploaded and downloaded are as of then: a
   * peer reports them only when it announces, up to an interval apart.
   */
  readonly lastSeenMs: number;
  /** The event of that announce (issue 21). */
  readonly lastEvent: RegistryPeerEvent;
  readonly seeding: boolean;
}

/** The seeders or the leechers of a swarm, slot for slot in typed arrays (swap-remove). */
class PeerList {
  count = 0;
  entries = new Uint8Array(INITIAL_SLOTS * ENTRY_STRIDE);
  ids = new Uint8Array(INITIAL_SLOTS * PEER_ID_BYTES);
  nums = new Float64Array(INITIAL_SLOTS * NUMS);

  constructor(readonly seeding: boolean) {}

  /** Appends a peer whose compact entry is `entry` (ENTRY_STRIDE bytes at `at`); its slot. */
  push(entry: Uint8Array, at: number): number {
    const slot = this.count;
    if (slot * NUMS >= this.nums.length) this.resize(slot * 2);
    const e = this.entries;
    const o = slot * ENTRY_STRIDE;
    for (let i = 0; i < ENTRY_STRIDE; i++) e[o + i] = entry[at + i] as number;
    this.count++;
    return slot;
  }

  setPeer(
    slot: number,
    peerId: Uint8Array,
    left: number,
    up: number,
    down: number,
    now: number,
    event: RegistryPeerEvent = 'none',
    peerIdAt = 0,
  ): void {
    const o = slot * PEER_ID_BYTES;
    const n = Math.max(0, Math.min(peerId.length - peerIdAt, PEER_ID_BYTES));
    for (let i = 0; i < n; i++) this.ids[o + i] = peerId[peerIdAt + i] as number;
    for (let i = n; i < PEER_ID_BYTES; i++) this.ids[o + i] = 0;
    const f = slot * NUMS;
    this.nums[f + LEFT] = left;
    this.nums[f + UPLOADED] = up;
    this.nums[f + DOWNLOADED] = down;
    this.nums[f + LAST_SEEN] = now;
    this.nums[f + LAST_EVENT] = EVENT_CODES.indexOf(event);
  }

  /** Copies slot `from` of `src` (entry, id, counters) into slot `to` of this list. */
  copySlot(src: PeerList, from: number, to: number): void {
    this.entries.set(
      src.entries.subarray(from * ENTRY_STRIDE, (from + 1) * ENTRY_STRIDE),
      to * ENTRY_STRIDE,
    );
    this.ids.set(
      src.ids.subarray(from * PEER_ID_BYTES, (from + 1) * PEER_ID_BYTES),
      to * PEER_ID_BYTES,
    );
    this.nums.set(src.nums.subarray(from * NUMS, (from + 1) * NUMS), to * NUMS);
  }

  /** Drops the last slot, giving bytes back when the list has shrunk to a quarter. */
  pop(): void {
    this.count--;
    if (this.nums.length > INITIAL_SLOTS * 4 * NUMS && this.count * 4 * NUMS < this.nums.length)
      this.resize(Math.max(INITIAL_SLOTS, this.count * 2));
  }

  private resize(slots: number): void {
    const n = Math.max(INITIAL_SLOTS, slots);
    const entries = new Uint8Array(n * ENTRY_STRIDE);
    entries.set(this.entries.subarray(0, this.count * ENTRY_STRIDE));
    const ids = new Uint8Array(n * PEER_ID_BYTES);
    ids.set(this.ids.subarray(0, this.count * PEER_ID_BYTES));
    const nums = new Float64Array(n * NUMS);
    nums.set(this.nums.subarray(0, this.count * NUMS));
    this.entries = entries;
    this.ids = ids;
    this.nums = nums;
  }

  snapshot(slot: number): RegistryPeer {
    const e = slot * ENTRY_STRIDE;
    const len = this.entries[e] as number;
    const b = this.entries.subarray(e + 1, e + 1 + len);
    const address = len === COMPACT_PEER4_BYTES ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : formatIpv6(b);
    const port = ((b[len - 2] as number) << 8) | (b[len - 1] as number);
    const f = slot * NUMS;
    return {
      address,
      port,
      endpoint: `${address}:${port}`,
      peerId: Buffer.from(
        this.ids.buffer,
        this.ids.byteOffset + slot * PEER_ID_BYTES,
        PEER_ID_BYTES,
      ).toString('latin1'),
      left: this.nums[f + LEFT] as number,
      uploaded: this.nums[f + UPLOADED] as number,
      downloaded: this.nums[f + DOWNLOADED] as number,
      lastSeenMs: this.nums[f + LAST_SEEN] as number,
      lastEvent: EVENT_CODES[this.nums[f + LAST_EVENT] as number] ?? 'none',
      seeding: this.seeding,
    };
  }
}

/**
 * One swarm: its two lists and the table that finds a peer by its compact entry. A table cell
 * holds 0 (empty) or 1 + (slot * 2 | seeding); linear probing, at most half full, deletion by
 * backward shift (no tombstones).
 */
class Swarm {
  /** Set when the swarm joins the registry: its key in `swarms`, and in `byBytes` when hex. */
  hex = '';
  bytes: Uint8Array | null = null;
  readonly seeders = new PeerList(true);
  readonly leechers = new PeerList(false);
  table = new Int32Array(INITIAL_TABLE);
  snatches = 0;
  /**
   * IP key -> peers of this swarm from that IP (only IPs under the per-IP limits). Made with
   * the first such peer: most swarms of a loopback bench, and of a LAN, never need one.
   */
  perIp: Map<number, number> | null = null;

  constructor(private readonly seed: number) {}

  get size(): number {
    return this.seeders.count + this.leechers.count;
  }

  /** A seeded hash of the compact entry at `at` in `bytes`. */
  private hash(bytes: Uint8Array, at: number): number {
    const len = bytes[at] as number;
    let h = this.seed ^ len;
    for (let i = 1; i <= len; i++) {
      h = Math.imul(h ^ (bytes[at + i] as number), 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h ^ (h >>> 12);
  }

  private listOf(cell: number): PeerList {
    return ((cell - 1) & 1) === 1 ? this.seeders : this.leechers;
  }

  private equal(cell: number, bytes: Uint8Array, at: number): boolean {
    const list = this.listOf(cell);
    const o = ((cell - 1) >> 1) * ENTRY_STRIDE;
    const e = list.entries;
    const len = bytes[at] as number;
    if (e[o] !== len) return false;
    for (let i = 1; i <= len; i++) if (e[o + i] !== bytes[at + i]) return false;
    return true;
  }

  /** The table index of the peer whose entry is at `at` in `bytes`, or -1. */
  find(bytes: Uint8Array, at: number): number {
    const mask = this.table.length - 1;
    let i = this.hash(bytes, at) & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const cell = this.table[i] as number;
      if (cell === 0) return -1;
      if (this.equal(cell, bytes, at)) return i;
      i = (i + 1) & mask;
    }
    return -1;
  }

  list(index: number): PeerList {
    return this.listOf(this.table[index] as number);
  }

  slot(index: number): number {
    return ((this.table[index] as number) - 1) >> 1;
  }

  /** Adds a peer (entry at `at` in `entry`) to the seeders or leechers; its table index. */
  insert(entry: Uint8Array, at: number, seeding: boolean): number {
    if ((this.size + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const list = seeding ? this.seeders : this.leechers;
    const slot = list.push(entry, at);
    return this.place(entry, at, 1 + ((slot << 1) | (seeding ? 1 : 0)));
  }

  private place(bytes: Uint8Array, at: number, cell: number): number {
    const mask = this.table.length - 1;
    let i = this.hash(bytes, at) & mask;
    // Bounded: the table is at most half full.
    for (let probes = 0; probes <= mask && this.table[i] !== 0; probes++) i = (i + 1) & mask;
    this.table[i] = cell;
    return i;
  }

  /** Removes the peer at table `index`. */
  remove(index: number): void {
    const list = this.list(index);
    const slot = this.slot(index);
    this.unlinkSlot(list, slot);
    this.deleteCell(index);
    const size = this.size;
    if (this.table.length > INITIAL_TABLE && size * 8 < this.table.length)
      this.rehash(Math.max(INITIAL_TABLE, this.table.length / 2));
  }

  /** Moves the peer at table `index` to the other list (seeding changed). */
  move(index: number, seeding: boolean): void {
    const from = this.list(index);
    if (from.seeding === seeding) return;
    const fromSlot = this.slot(index);
    const to = seeding ? this.seeders : this.leechers;
    const toSlot = to.push(from.entries, fromSlot * ENTRY_STRIDE);
    to.copySlot(from, fromSlot, toSlot);
    this.table[index] = 1 + ((toSlot << 1) | (seeding ? 1 : 0));
    this.unlinkSlot(from, fromSlot);
  }

  /** Takes `slot` out of `list` by moving the last slot into it (and repointing its cell). */
  private unlinkSlot(list: PeerList, slot: number): void {
    const last = list.count - 1;
    if (slot !== last) {
      const moved = this.find(list.entries, last * ENTRY_STRIDE);
      list.copySlot(list, last, slot);
      if (moved >= 0) this.table[moved] = 1 + ((slot << 1) | (list.seeding ? 1 : 0));
    }
    list.pop();
  }

  /** Empties table cell `index`, shifting later cells of its probe run back (no tombstones). */
  private deleteCell(index: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let hole = index;
    table[hole] = 0;
    let j = hole;
    for (let probes = 0; probes < mask; probes++) {
      j = (j + 1) & mask;
      const cell = table[j] as number;
      if (cell === 0) return;
      const list = this.listOf(cell);
      const home = this.hash(list.entries, ((cell - 1) >> 1) * ENTRY_STRIDE) & mask;
      // The cell may move into the hole unless its home lies cyclically in (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        table[hole] = cell;
        table[j] = 0;
        hole = j;
      }
    }
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (let i = 0; i < old.length; i++) {
      const cell = old[i] as number;
      if (cell === 0) continue;
      const list = this.listOf(cell);
      this.place(list.entries, ((cell - 1) >> 1) * ENTRY_STRIDE, cell);
    }
  }
}

/**
 * What the registry needs of an announce: the info-hash comes as hex beside it, and the address
 * is the one the core decided on (the socket's, or an operator-allowed `ip=`), never a claim.
 */
export type RegistryAnnounce = Pick<
  AnnounceRequest,
  'peerId' | 'port' | 'uploaded' | 'downloaded' | 'left' | 'event' | 'numwant'
> & {
  address: string;
  /** Also return the sampled peers as snapshots (non-compact answers, tests). */
  peerList?: boolean;
  /** Where the 20 bytes of `peerId` start (issue 20: the UDP front passes its packet). */
  peerIdAt?: number;
};

export type RegistryRejection =
  'too-many-swarms' | 'swarm-full' | 'tracker-full' | 'bad-address' | PerIpRefusal;

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
      /** The same sample as snapshots, when the announce asked for `peerList`; else null. */
      peers: RegistryPeer[] | null;
    }
  | { ok: false; reason: RegistryRejection; message: string };

export interface ScrapeCounts {
  complete: number;
  incomplete: number;
  downloaded: number;
}

const NO_BYTES = new Uint8Array(0);

export class SwarmRegistry {
  readonly config: RegistryConfig;
  private readonly swarms = new Map<string, Swarm>();
  /** The same swarms by info-hash bytes, for announces that come with bytes. */
  private readonly byBytes: InfoHashMap<Swarm>;
  private peerCount = 0;
  /** Where samples are written; see AnnounceOutcome.peers4/peers6. */
  private scratch4: Uint8Array;
  private scratch6: Uint8Array;
  /** The announcing peer's compact entry (the key), ENTRY_STRIDE bytes. */
  private readonly key = new Uint8Array(ENTRY_STRIDE);
  /** Seeds the swarms' tables, so that nobody can aim announces at one probe run. */
  private readonly seed: number;
  private readonly perIp: PerIpLimits;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    config: Partial<RegistryConfig> = {},
  ) {
    this.config = { ...defaultRegistryConfig, ...config };
    this.scratch4 = new Uint8Array(this.config.maxNumwant * COMPACT_PEER4_BYTES);
    this.scratch6 = new Uint8Array(this.config.maxNumwant * COMPACT_PEER6_BYTES);
    this.seed = random.int(0x7fffffff) | 0;
    this.byBytes = new InfoHashMap(this.seed);
    this.perIp = new PerIpLimits(this.config);
  }

  /** IPs whose announce rate is remembered (bounded by `rateLimitedIps`). */
  get rateLimitedIpCount(): number {
    return this.perIp.rateLimitedIpCount;
  }

  /** IPs holding at least one peer under the per-IP limits (exempt loopback is not counted). */
  get countedIpCount(): number {
    return this.perIp.countedIpCount;
  }

  get swarmCount(): number {
    return this.swarms.size;
  }

  get totalPeers(): number {
    return this.peerCount;
  }

  /** Writes the compact entry of address:port to `this.key`; false for an unusable address. */
  private setKey(address: string, port: number): boolean {
    const k = this.key;
    const v = parseIpv4(address);
    if (v >= 0) {
      k[0] = COMPACT_PEER4_BYTES;
      k[1] = v >>> 24;
      k[2] = (v >>> 16) & 255;
      k[3] = (v >>> 8) & 255;
      k[4] = v & 255;
      k[5] = (port >> 8) & 255;
      k[6] = port & 255;
      return true;
    }
    const c = compactPeer(address, port);
    if (c === null) return false;
    k[0] = c.bytes.length;
    k.set(c.bytes, 1);
    return true;
  }

  /** The swarm of an info-hash, given as lower-case hex or as its 20 bytes (no hex made). */
  private swarmOf(infoHash: string | Uint8Array, at: number): Swarm | undefined {
    return typeof infoHash === 'string'
      ? this.swarms.get(infoHash)
      : this.byBytes.get(infoHash, at);
  }

  private addSwarm(infoHash: string | Uint8Array, swarm: Swarm, at: number): void {
    if (typeof infoHash === 'string') {
      swarm.hex = infoHash;
      swarm.bytes = infoHashBytes(infoHash);
    } else {
      swarm.bytes = infoHash.slice(at, at + 20);
      swarm.hex = Buffer.from(swarm.bytes.buffer, swarm.bytes.byteOffset, 20).toString('hex');
    }
    this.swarms.set(swarm.hex, swarm);
    if (swarm.bytes) this.byBytes.set(swarm.bytes, swarm);
  }

  private dropSwarm(swarm: Swarm): void {
    this.swarms.delete(swarm.hex);
    if (swarm.bytes) this.byBytes.delete(swarm.bytes);
  }

  /**
   * `infoHash` is lower-case hex, or the 20 bytes (as the fronts read them from a request: no hex
   * string per announce); the caller has already checked the allow-list. Bytes are read at
   * `infoHashAt` (issue 20: the UDP front passes its packet rather than a view of it).
   */
  announce(infoHash: string | Uint8Array, a: RegistryAnnounce, infoHashAt = 0): AnnounceOutcome {
    const now = this.clock.now();
    const usable = this.setKey(a.address, a.port);
    const ip = usable ? this.perIp.keyOf(this.key, 0) : null;
    if (ip !== null && !this.perIp.takeAnnounce(ip, now))
      return { ok: false, reason: 'rate-limited', message: PER_IP_MESSAGES['rate-limited'] };
    let swarm = this.swarmOf(infoHash, infoHashAt);
    let index = swarm && usable ? swarm.find(this.key, 0) : -1;

    if (a.event === 'stopped') {
      if (swarm && index >= 0) {
        this.perIp.count(swarm, this.key, 0, -1);
        swarm.remove(index);
        this.peerCount--;
        if (swarm.size === 0) this.dropSwarm(swarm);
      }
      return this.answer(swarm, -1, 0, a.peerList === true);
    }

    const seeding = a.left === 0;
    if (!swarm) {
      if (this.swarms.size >= this.config.maxSwarms) {
        return { ok: false, reason: 'too-many-swarms', message: 'tracker holds too many torrents' };
      }
      swarm = new Swarm(this.seed);
      // Inserted only once the peer is accepted, so a refused announce leaves no empty swarm.
    }
    if (index < 0) {
      if (swarm.size >= this.config.maxPeersPerSwarm) {
        return { ok: false, reason: 'swarm-full', message: 'swarm is full' };
      }
      if (this.peerCount >= this.config.maxPeersTotal) {
        return { ok: false, reason: 'tracker-full', message: 'tracker is full' };
      }
      if (!usable) return { ok: false, reason: 'bad-address', message: 'unusable peer address' };
      const refusal = ip === null ? null : this.perIp.refuseNewPeer(swarm, ip);
      if (refusal !== null)
        return { ok: false, reason: refusal, message: PER_IP_MESSAGES[refusal] };
      if (swarm.hex === '') this.addSwarm(infoHash, swarm, infoHashAt);
      index = swarm.insert(this.key, 0, seeding);
      this.perIp.count(swarm, this.key, 0, 1);
      this.peerCount++;
      if (a.event === 'completed') swarm.snatches++;
    } else {
      // A snatch counts once: a peer already known as a seeder that says completed again is not new.
      if (a.event === 'completed' && !swarm.list(index).seeding) swarm.snatches++;
      swarm.move(index, seeding);
    }
    swarm.list(index).setPeer(
      swarm.slot(index),
      a.peerId,
      a.left,
      a.uploaded,
      a.downloaded,
      now,
      a.event, // never 'stopped' here: that removed the peer above
      a.peerIdAt ?? 0,
    );
    const want = Math.min(a.numwant ?? this.config.defaultNumwant, this.config.maxNumwant);
    return this.answer(swarm, index, want, a.peerList === true);
  }

  private answer(
    swarm: Swarm | undefined,
    self: number,
    want: number,
    peerList: boolean,
  ): AnnounceOutcome {
    const out = {
      ok: true as const,
      complete: swarm?.seeders.count ?? 0,
      incomplete: swarm?.leechers.count ?? 0,
      downloaded: swarm?.snatches ?? 0,
      intervalSec: this.config.intervalSec,
      minIntervalSec: this.config.minIntervalSec,
      peers4: NO_BYTES,
      peers6: NO_BYTES,
      peers: peerList ? ([] as RegistryPeer[]) : null,
    };
    if (swarm && self >= 0) this.sample(swarm, self, want, out);
    return out;
  }

  /**
   * A random sample of up to `want` peers other than the one at table index `self`, written to
   * `out`; a seeder gets leechers only (seeders have nothing to give each other). Stratified,
   * as opentracker does: the pool (seeders, then leechers, without `self`) is cut into `want`
   * runs of near-equal length from a random offset and one peer is drawn from each run. Every peer
   * is equally likely to be picked, picks are distinct by construction, and the walk reads the
   * byte stores in order (one pass, prefetch-friendly).
   */
  private sample(
    swarm: Swarm,
    self: number,
    want: number,
    out: { peers4: Uint8Array; peers6: Uint8Array; peers: RegistryPeer[] | null },
  ): void {
    const seeders = swarm.seeders;
    const leechers = swarm.leechers;
    const selfSeeding = swarm.list(self).seeding;
    const seedersInPool = selfSeeding ? 0 : seeders.count;
    // A leecher is in its own pool (skipped below); a seeder's pool holds leechers only.
    const selfIndex = selfSeeding ? -1 : swarm.slot(self) + seedersInPool;
    const available = seedersInPool + leechers.count - (selfIndex >= 0 ? 1 : 0);
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
    // Runs of `base` or `base + 1` peers (the first `longer` runs are the long ones); picks
    // within a run come from a xorshift generator seeded once per sample from `random`: a
    // Math.random call and two float divisions per pick cost more than the rest of the walk.
    const base = (available / picks) | 0; // int32: keeps the modulo below an integer one
    const longer = available - base * picks;
    let x = this.random.int(0x7fffffff) | 0 || 1;
    let start = 0;
    let n4 = 0;
    let n6 = 0;
    for (let k = 0; k < picks; k++) {
      const len = k < longer ? base + 1 : base;
      let v = start + offset;
      if (len > 1) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        v += (x & 0x7fffffff) % len;
      }
      start += len;
      if (v >= available) v -= available;
      if (selfIndex >= 0 && v >= selfIndex) v++;
      const inSeeders = v < seedersInPool;
      const from = inSeeders ? seeders : leechers;
      const slot = inSeeders ? v : v - seedersInPool;
      const bytes = from.entries;
      const o = slot * ENTRY_STRIDE;
      if (bytes[o] === COMPACT_PEER4_BYTES) {
        // Unrolled: the loop's bound check and counter cost as much as the six byte moves.
        s4[n4] = bytes[o + 1] as number;
        s4[n4 + 1] = bytes[o + 2] as number;
        s4[n4 + 2] = bytes[o + 3] as number;
        s4[n4 + 3] = bytes[o + 4] as number;
        s4[n4 + 4] = bytes[o + 5] as number;
        s4[n4 + 5] = bytes[o + 6] as number;
        n4 += COMPACT_PEER4_BYTES;
      } else {
        for (let b = 1; b <= COMPACT_PEER6_BYTES; b++) s6[n6++] = bytes[o + b] as number;
      }
      if (list) list.push(from.snapshot(slot));
    }
    out.peers4 = s4.subarray(0, n4);
    out.peers6 = n6 > 0 ? s6.subarray(0, n6) : NO_BYTES;
  }

  /** BEP 48 counts; zeros for a swarm the tracker does not hold. */
  scrape(infoHashHex: string): ScrapeCounts {
    const s = this.swarms.get(infoHashHex);
    return s
      ? { complete: s.seeders.count, incomplete: s.leechers.count, downloaded: s.snatches }
      : { complete: 0, incomplete: 0, downloaded: 0 };
  }

  /** Removes peers silent for longer than the timeout; returns how many went. */
  expire(): number {
    const deadline =
      this.clock.now() - this.config.peerTimeoutFactor * this.config.intervalSec * 1000;
    let removed = 0;
    for (const swarm of this.swarms.values()) {
      for (const list of [swarm.seeders, swarm.leechers]) {
        // From the end: a removal moves the last slot, already checked, into the hole.
        for (let slot = list.count - 1; slot >= 0; slot--) {
          if ((list.nums[slot * NUMS + LAST_SEEN] as number) >= deadline) continue;
          const index = swarm.find(list.entries, slot * ENTRY_STRIDE);
          if (index < 0) continue;
          this.perIp.count(swarm, list.entries, slot * ENTRY_STRIDE, -1);
          swarm.remove(index);
          removed++;
        }
      }
      if (swarm.size === 0) this.dropSwarm(swarm);
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
      seeders: s.seeders.count,
      leechers: s.leechers.count,
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
    const out: RegistryPeer[] = [];
    for (const list of [s.seeders, s.leechers])
      for (let slot = 0; slot < list.count && out.length < limit; slot++)
        out.push(list.snapshot(slot));
    return out;
  }
}
