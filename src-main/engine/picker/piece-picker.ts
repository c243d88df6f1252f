/**
 * Which blocks to request from which peer. A pure data structure: no I/O, no timers, randomness
 * injected. See NOTES.md for the strategy in prose.
 *
 * Invariants:
 * - Outside endgame a block is handed out to at most one peer at a time; in endgame to at most
 *   1 + MAX_DUPLICATE_REQUESTS peers, never twice to the same peer.
 * - `freeBlocks` = blocks of wanted, missing pieces that are neither requested nor received.
 *   Endgame is exactly `wantedMissing > 0 && freeBlocks === 0`.
 * - A piece has a `PieceDownload` only while some block of it is requested or received and it is
 *   not had; dropping its last request with nothing received deletes it again.
 * - Seeds (have-all peers) are one counter, never a per-piece update.
 * - Every peer's `inflight` set equals the blocks whose `requesters` list that peer.
 * - A block's requesters are one peer key, or an array only while endgame duplicates it: a
 *   request allocates nothing here but its BlockRef (see Requesters).
 */
import type { Random } from '../time/clock';
import { BLOCK_BYTES } from '../limits';
import { PieceState } from '../../../src-shared/model/pieces';
import { PieceOrder } from './piece-order';
import type {
  BlockReceived,
  BlockRef,
  NextRequestsOptions,
  PieceFailed,
  PiecePriority,
} from './types';

/** Endgame: a block may be requested from at most this many peers besides the first. */
export const MAX_DUPLICATE_REQUESTS = 2;
/**
 * Availability above this no longer changes the order: with hundreds of peers holding a piece,
 * rarity has stopped mattering. It bounds the bucket count and so the cost of a priority change.
 */
const AVAIL_BUCKETS = 256;
/** Buckets: priority 2 pieces by availability, then priority 1, then had/skipped pieces. */
const EXCLUDED_KEY = 2 * AVAIL_BUCKETS;

/**
 * Slots of the availability histogram (availabilityCopies): partial-peer counts up to this share
 * a slot each, higher ones the last. Bounds the walk for the lowest one.
 */
const AVAIL_HISTOGRAM_SLOTS = 1024;

const FLAG_HAVE = 1;
const FLAG_VERIFYING = 2;
const FLAG_FAILED = 4;

interface PeerRecord {
  /** BEP 3 bitfield (high bit first) of what the peer has; null while it is a seed. */
  bits: Uint8Array | null;
  count: number;
  seed: boolean;
  /** Global block ids (piece * maxBlocksPerPiece + block) requested from this peer. */
  inflight: Set<number>;
  /** Piece -> blocks of it in flight from this peer: the piece affinity of partial pieces. */
  pieces: Map<number, number>;
}

/**
 * Who has a block in flight: nobody, one peer (the rule outside endgame), or several (endgame).
 * A single key is stored as itself: thousands of requests are in flight at any moment and live
 * long enough to be promoted by the GC, so a one-element array for each was measurable garbage.
 */
type Requesters = string | string[] | undefined;

function requesterCount(r: Requesters): number {
  return r === undefined ? 0 : typeof r === 'string' ? 1 : r.length;
}

function hasRequester(r: Requesters, peerKey: string): boolean {
  return typeof r === 'string' ? r === peerKey : r !== undefined && r.includes(peerKey);
}

function withRequester(r: Requesters, peerKey: string): Requesters {
  if (r === undefined) return peerKey;
  if (typeof r === 'string') return [r, peerKey];
  r.push(peerKey);
  return r;
}

function withoutRequester(r: Requesters, peerKey: string): Requesters {
  if (typeof r === 'string' || r === undefined) return r === peerKey ? undefined : r;
  const left = r.filter((k) => k !== peerKey);
  return left.length === 0 ? undefined : left.length === 1 ? left[0] : left;
}

interface PieceDownload {
  blockCount: number;
  received: Uint8Array;
  senders: (string | undefined)[];
  requesters: Requesters[];
  receivedCount: number;
  /** Blocks neither received nor requested. */
  freeCount: number;
  /** No free block below this index. */
  freeHint: number;
}

export interface PiecePickerOptions {
  pieceCount: number;
  pieceLength: number;
  totalLength: number;
  blockBytes?: number;
  random: Random;
}

export class PiecePicker {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  readonly blockBytes: number;
  private readonly random: Random;
  private readonly maxBlocksPerPiece: number;

  private readonly flags: Uint8Array;
  /** The effective priority: `basePriority`, raised to high for boosted pieces (first/last). */
  private readonly priority: Uint8Array;
  // --- sequential and first/last pieces (issue 21) ---
  /** What setPiecePriority was told; `priority` adds the first/last boost on top. */
  private readonly basePriority: Uint8Array;
  private readonly boosted: Uint8Array;
  private sequential = false;
  /** Every piece below this index is had: sequential picking starts here. */
  private seqCursor = 0;
  /** Availability from peers with partial bitfields; seeds are in `seedCount`. */
  private readonly avail: Uint32Array;
  private seedCount = 0;
  /** Pieces by partial-peer availability (see availabilityCopies). */
  private readonly availHistogram = new Uint32Array(AVAIL_HISTOGRAM_SLOTS);
  private readonly peers = new Map<string, PeerRecord>();
  private readonly downloads = new Map<number, PieceDownload>();
  private readonly order: PieceOrder;
  private orderDirty = true;

  private haves = 0;
  private wantedMissing: number;
  private freeBlocks = 0;
  /** Sum of every peer's `inflight` size. */
  private inflightTotal = 0;

  constructor(opts: PiecePickerOptions) {
    const blockBytes = opts.blockBytes ?? BLOCK_BYTES;
    if (!Number.isInteger(opts.pieceCount) || opts.pieceCount < 0) {
      throw new RangeError('pieceCount must be a non-negative integer');
    }
    if (!(opts.pieceLength > 0) || !(blockBytes > 0)) throw new RangeError('lengths must be > 0');
    const expected = Math.ceil(opts.totalLength / opts.pieceLength);
    if (expected !== opts.pieceCount) {
      throw new RangeError(
        `pieceCount ${opts.pieceCount} does not match totalLength (${expected})`,
      );
    }
    this.pieceCount = opts.pieceCount;
    this.pieceLength = opts.pieceLength;
    this.totalLength = opts.totalLength;
    this.blockBytes = blockBytes;
    this.random = opts.random;
    this.maxBlocksPerPiece = Math.ceil(opts.pieceLength / blockBytes);
    this.flags = new Uint8Array(this.pieceCount);
    this.priority = new Uint8Array(this.pieceCount).fill(1);
    this.basePriority = new Uint8Array(this.pieceCount).fill(1);
    this.boosted = new Uint8Array(this.pieceCount);
    this.avail = new Uint32Array(this.pieceCount);
    this.availHistogram[0] = this.pieceCount;
    this.order = new PieceOrder(this.pieceCount, EXCLUDED_KEY + 1);
    this.wantedMissing = this.pieceCount;
    for (let i = 0; i < this.pieceCount; i++) this.freeBlocks += this.blockCount(i);
  }

  // ------------------------------------------------------------------ geometry

  pieceSize(index: number): number {
    return index === this.pieceCount - 1
      ? this.totalLength - this.pieceLength * (this.pieceCount - 1)
      : this.pieceLength;
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / this.blockBytes);
  }

  /** True when the block lies on the block grid of a real piece (what we would have requested). */
  isValidBlock(block: BlockRef): boolean {
    const { index, begin, length } = block;
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return false;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockBytes !== 0) return false;
    const size = this.pieceSize(index);
    if (begin >= size) return false;
    return length === Math.min(this.blockBytes, size - begin);
  }

  // ------------------------------------------------------------------ feeding

  /** A piece found on disk by a data check (or otherwise known to be had). */
  setHave(index: number): void {
    this.checkIndex(index);
    this.markHave(index);
  }

  onPeerBitfield(peerKey: string, has: ((i: number) => boolean) | Uint8Array): void {
    this.removeAvailability(peerKey);
    const bits = new Uint8Array((this.pieceCount + 7) >> 3);
    let count = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      const set =
        typeof has === 'function' ? has(i) : (((has[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1;
      if (set) {
        bits[i >> 3] = (bits[i >> 3] as number) | (0x80 >> (i & 7));
        count++;
      }
    }
    const peer = this.peerRecord(peerKey);
    if (count === this.pieceCount && count > 0) {
      peer.bits = null;
      peer.seed = true;
      peer.count = count;
      this.seedCount++;
      return;
    }
    peer.bits = bits;
    peer.count = count;
    this.addBits(bits, 1);
  }

  onPeerHave(peerKey: string, index: number): void {
    this.checkIndex(index);
    const peer = this.peerRecord(peerKey);
    if (peer.seed || !peer.bits) return;
    const mask = 0x80 >> (index & 7);
    const byte = peer.bits[index >> 3] as number;
    if (byte & mask) return;
    if (peer.count + 1 === this.pieceCount) {
      // It became a seed: trade its per-piece counts for the cheap seed counter.
      this.onPeerHaveAll(peerKey);
      return;
    }
    peer.bits[index >> 3] = byte | mask;
    peer.count++;
    this.bumpAvail(index, 1);
    this.reorder(index);
  }

  /** BEP 6 have-all: a seed costs one counter, not a touch of every piece. */
  onPeerHaveAll(peerKey: string): void {
    this.removeAvailability(peerKey);
    const peer = this.peerRecord(peerKey);
    peer.bits = null;
    peer.seed = true;
    peer.count = this.pieceCount;
    this.seedCount++;
  }

  /** BEP 6 have-none. */
  onPeerHaveNone(peerKey: string): void {
    this.removeAvailability(peerKey);
    this.peerRecord(peerKey);
  }

  /** The peer disconnected: forget its availability and return its requests to the pool. */
  onPeerGone(peerKey: string): BlockRef[] {
    const peer = this.peers.get(peerKey);
    if (!peer) return [];
    const returned: BlockRef[] = [];
    for (const id of [...peer.inflight]) {
      const block = this.blockOfId(id);
      if (this.onRequestDropped(peerKey, block)) returned.push(block);
    }
    this.removeAvailability(peerKey);
    this.peers.delete(peerKey);
    return returned;
  }

  setPiecePriority(index: number, p: PiecePriority): void {
    this.checkIndex(index);
    if (p !== 0 && p !== 1 && p !== 2) throw new RangeError(`bad priority ${String(p)}`);
    this.basePriority[index] = p;
    this.applyPriority(index, p !== 0 && this.boosted[index] === 1 ? 2 : p);
  }

  // --- sequential and first/last pieces (issue 21) ---
  /**
   * Sequential download: fresh pieces are picked in index order (within a priority), and
   * partial pieces lowest index first, so a player can read the file while it arrives.
   */
  setSequential(on: boolean): void {
    this.sequential = on;
    this.seqCursor = 0;
  }

  get isSequential(): boolean {
    return this.sequential;
  }

  /**
   * Raises these pieces to high priority while their own is not skip (the first and last
   * pieces of each wanted file: a player reads the header and the index at the end first).
   * Replaces the previous set; an empty list ends the boost.
   */
  setBoosted(pieces: Iterable<number>): void {
    const next = new Uint8Array(this.pieceCount);
    for (const i of pieces) {
      this.checkIndex(i);
      next[i] = 1;
    }
    for (let i = 0; i < this.pieceCount; i++) {
      if (next[i] === this.boosted[i]) continue;
      this.boosted[i] = next[i] as number;
      const base = this.basePriority[i] as PiecePriority;
      this.applyPriority(i, base !== 0 && next[i] === 1 ? 2 : base);
    }
  }

  private applyPriority(index: number, p: PiecePriority): void {
    if (this.priority[index] === p) return;
    const wasWanted = this.wanted(index);
    this.priority[index] = p;
    const isWanted = this.wanted(index);
    if (wasWanted !== isWanted) {
      const sign = isWanted ? 1 : -1;
      this.wantedMissing += sign;
      this.freeBlocks += sign * this.freeCountOf(index);
    }
    this.reorder(index);
  }

  /**
   * Piece priorities from file priorities: a piece shared by files takes the highest priority of
   * the files it holds bytes of. `ranges[f]` is `FileLayout.piecesOfFile(f)`.
   */
  setFilePriorities(ranges: ([number, number] | null)[], priorities: PiecePriority[]): void {
    const next = new Uint8Array(this.pieceCount);
    ranges.forEach((range, f) => {
      if (!range) return;
      const p = priorities[f] ?? 1;
      for (let i = range[0]; i <= range[1]; i++) if ((next[i] as number) < p) next[i] = p;
    });
    for (let i = 0; i < this.pieceCount; i++) this.setPiecePriority(i, next[i] as PiecePriority);
  }

  // ------------------------------------------------------------------ asking

  /**
   * Up to `n` blocks to request from this peer, marked as requested by it. Order: priority, then
   * partial pieces (this peer's own first, then the most advanced), then rarest, then random.
   */
  nextRequests(
    peerKey: string,
    peerHas: (i: number) => boolean,
    n: number,
    opts?: NextRequestsOptions,
  ): BlockRef[] {
    const out: BlockRef[] = [];
    if (n <= 0 || this.wantedMissing === 0) return out;
    const peer = this.peerRecord(peerKey);
    let allowed: Set<number> | null = null;
    if (opts?.onlyAllowedFast) {
      allowed =
        opts.allowedFast instanceof Set ? opts.allowedFast : new Set(opts.allowedFast ?? []);
      if (allowed.size === 0) return out;
    }
    const can = (i: number): boolean =>
      this.wanted(i) && (allowed === null || allowed.has(i)) && peerHas(i);

    // Partial pieces with free blocks, best first; usually a handful.
    const partial: number[] = [];
    for (const [i, dl] of this.downloads) if (dl.freeCount > 0 && can(i)) partial.push(i);
    partial.sort((a, b) => this.comparePartial(peer, a, b));

    let pi = 0;
    for (const prio of [2, 1] as const) {
      for (; pi < partial.length && out.length < n; pi++) {
        const i = partial[pi] as number;
        if (this.priority[i] !== prio) break;
        this.takeFree(peerKey, peer, i, n, out);
      }
      if (out.length >= n) return out;
      if (allowed) this.pickFromSet(peerKey, peer, allowed, prio, peerHas, n, out);
      else this.pickFresh(peerKey, peer, prio, peerHas, n, out);
      if (out.length >= n) return out;
    }
    if (out.length < n && this.isEndgame()) this.pickEndgame(peerKey, peer, can, n, out);
    return out;
  }

  // ------------------------------------------------------------------ events

  /** A request timed out, was rejected, or was discarded by a choke: the block is free again. */
  onRequestDropped(peerKey: string, block: BlockRef): boolean {
    const peer = this.peers.get(peerKey);
    if (!peer || !this.isValidBlock(block)) return false;
    const b = block.begin / this.blockBytes;
    const id = this.blockId(block.index, b);
    if (!peer.inflight.has(id)) return false;
    this.forgetInflight(peer, block.index, id);
    const dl = this.downloads.get(block.index);
    if (!dl) return true;
    const reqs = dl.requesters[b];
    if (reqs !== undefined) {
      const left = withoutRequester(reqs, peerKey);
      dl.requesters[b] = left;
      if (left === undefined) {
        if (!dl.received[b]) {
          dl.freeCount++;
          if (b < dl.freeHint) dl.freeHint = b;
          if (this.wanted(block.index)) this.freeBlocks++;
        }
      }
    }
    if (dl.receivedCount === 0 && dl.freeCount === dl.blockCount)
      this.downloads.delete(block.index);
    return true;
  }

  /**
   * A block arrived. Records who sent it (for `onPieceFailed`), and in endgame names the other
   * peers to send `cancel` to. Throws RangeError on a block off the grid: the peer layer must only
   * pass blocks matching its requests (`isValidBlock`).
   */
  onBlockReceived(peerKey: string, block: BlockRef): BlockReceived {
    if (!this.isValidBlock(block)) {
      throw new RangeError(`block ${block.index}:${block.begin}+${block.length} is off the grid`);
    }
    const index = block.index;
    const b = block.begin / this.blockBytes;
    const id = this.blockId(index, b);
    const peer = this.peers.get(peerKey);
    if (peer?.inflight.has(id)) this.forgetInflight(peer, index, id);
    const cancelFrom: string[] = [];
    const flags = this.flags[index] as number;
    let dl = this.downloads.get(index);
    if (flags & (FLAG_HAVE | FLAG_VERIFYING) || dl?.received[b]) {
      if (dl) this.removeRequester(dl, b, peerKey);
      return { pieceComplete: false, duplicate: true, cancelFrom };
    }
    if (!dl) dl = this.startDownload(index);
    const reqs = dl.requesters[b];
    if (typeof reqs === 'string') {
      this.cancelOther(reqs, peerKey, index, id, cancelFrom);
    } else if (reqs !== undefined) {
      for (const other of reqs) this.cancelOther(other, peerKey, index, id, cancelFrom);
    } else {
      dl.freeCount--;
      if (this.wanted(index)) this.freeBlocks--;
    }
    dl.requesters[b] = undefined;
    dl.received[b] = 1;
    dl.senders[b] = peerKey;
    dl.receivedCount++;
    this.flags[index] = flags & ~FLAG_FAILED;
    return { pieceComplete: dl.receivedCount === dl.blockCount, duplicate: false, cancelFrom };
  }

  /** Block `id` came from `sender`: another peer that also has it in flight is to cancel it. */
  private cancelOther(
    other: string,
    sender: string,
    index: number,
    id: number,
    cancelFrom: string[],
  ): void {
    if (other === sender) return;
    cancelFrom.push(other);
    this.forgetRequest(other, index, id);
  }

  /** The torrent is hashing this piece (shown as 'verifying'). */
  onPieceVerifying(index: number): void {
    this.checkIndex(index);
    if (!((this.flags[index] as number) & FLAG_HAVE)) {
      this.flags[index] = ((this.flags[index] as number) | FLAG_VERIFYING) & ~FLAG_FAILED;
    }
  }

  onPieceVerified(index: number): void {
    this.checkIndex(index);
    this.markHave(index);
  }

  /** The hash did not match: every block is fetched again; the senders are returned. */
  onPieceFailed(index: number): PieceFailed {
    return { contributors: this.resetPiece(index, FLAG_FAILED) };
  }

  /**
   * The piece's bytes were dropped with no verdict (the torrent stopped while it was partial,
   * hashing or being written): every block is fetched again and nobody is blamed.
   */
  onPieceAbandoned(index: number): void {
    this.resetPiece(index, 0);
  }

  /** Forgets every block of the piece and sets its flags; returns who had sent blocks. */
  private resetPiece(index: number, flags: number): string[] {
    this.checkIndex(index);
    const dl = this.downloads.get(index);
    const contributors = new Set<string>();
    const wasHave = ((this.flags[index] as number) & FLAG_HAVE) !== 0;
    const freeBefore = this.freeCountOf(index);
    if (dl) {
      for (let b = 0; b < dl.blockCount; b++) {
        const s = dl.senders[b];
        if (s !== undefined) contributors.add(s);
        this.dropRequesters(index, dl, b);
      }
      this.downloads.delete(index);
    }
    this.flags[index] = flags;
    if (wasHave) {
      this.haves--;
      if (this.priority[index] !== 0) this.wantedMissing++;
    }
    if (this.wanted(index)) this.freeBlocks += this.blockCount(index) - (wasHave ? 0 : freeBefore);
    this.reorder(index);
    return [...contributors];
  }

  // ------------------------------------------------------------------ queries

  have(index: number): boolean {
    return ((this.flags[index] ?? 0) & FLAG_HAVE) !== 0;
  }

  haveCount(): number {
    return this.haves;
  }

  /** Every wanted piece is had (skipped pieces do not count). */
  isComplete(): boolean {
    return this.wantedMissing === 0;
  }

  isEndgame(): boolean {
    return this.wantedMissing > 0 && this.freeBlocks === 0;
  }

  /** Do we want this piece (priority > 0 and not had)? */
  wants(index: number): boolean {
    return index >= 0 && index < this.pieceCount && this.wanted(index);
  }

  /** Connected peers holding each piece, seeds included, saturating at 65535. */
  /**
   * Distributed copies, as clients call a torrent's availability (issue 21's Availability column):
   * the copies of the rarest piece among connected peers, plus the share of pieces that have more
   * than that. O(histogram slots), never O(pieces): summaries run on every change.
   */
  availabilityCopies(): number {
    if (this.pieceCount === 0) return 0;
    const h = this.availHistogram;
    let min = 0;
    while (min < h.length - 1 && h[min] === 0) min++;
    const above = this.pieceCount - (h[min] as number);
    return this.seedCount + min + above / this.pieceCount;
  }

  private bumpAvail(index: number, delta: 1 | -1): void {
    const last = AVAIL_HISTOGRAM_SLOTS - 1;
    const before = this.avail[index] as number;
    const after = before + delta;
    this.avail[index] = after;
    const h = this.availHistogram;
    const from = Math.min(before, last);
    const to = Math.min(after, last);
    h[from] = (h[from] as number) - 1;
    h[to] = (h[to] as number) + 1;
  }

  availability(): Uint16Array {
    const out = new Uint16Array(this.pieceCount);
    for (let i = 0; i < this.pieceCount; i++) {
      out[i] = Math.min(0xffff, (this.avail[i] as number) + this.seedCount);
    }
    return out;
  }

  pieceStates(): Uint8Array {
    const out = new Uint8Array(this.pieceCount);
    for (let i = 0; i < this.pieceCount; i++) {
      const f = this.flags[i] as number;
      const dl = this.downloads.get(i);
      if (f & FLAG_HAVE) out[i] = PieceState.have;
      else if (f & FLAG_VERIFYING) out[i] = PieceState.verifying;
      else if (dl && dl.receivedCount > 0) out[i] = PieceState.partial;
      else if (dl) out[i] = PieceState.requested;
      else if (f & FLAG_FAILED) out[i] = PieceState.failed;
      else out[i] = PieceState.missing;
    }
    return out;
  }

  inFlight(peerKey: string): number {
    return this.peers.get(peerKey)?.inflight.size ?? 0;
  }

  /** Blocks requested from all peers together (endgame duplicates count once per peer). */
  inFlightTotal(): number {
    return this.inflightTotal;
  }

  /** Does the peer have anything we still want? Walks wanted pieces only, stops at the first. */
  interestingTo(peerHas: (i: number) => boolean): boolean {
    if (this.wantedMissing === 0) return false;
    this.ensureOrder();
    const end = this.order.start(EXCLUDED_KEY);
    for (let p = 0; p < end; p++) {
      const i = this.order.order[p] as number;
      const dl = this.downloads.get(i);
      if (dl && dl.receivedCount === dl.blockCount) continue;
      if (peerHas(i)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ internals

  private wanted(i: number): boolean {
    return this.priority[i] !== 0 && ((this.flags[i] as number) & FLAG_HAVE) === 0;
  }

  private keyOf(i: number): number {
    if (!this.wanted(i)) return EXCLUDED_KEY;
    const a = Math.min(this.avail[i] as number, AVAIL_BUCKETS - 1);
    return (2 - (this.priority[i] as number)) * AVAIL_BUCKETS + a;
  }

  private reorder(i: number): void {
    if (!this.orderDirty) this.order.setKey(i, this.keyOf(i));
  }

  private ensureOrder(): void {
    if (!this.orderDirty) return;
    this.order.rebuild((i) => this.keyOf(i), this.random);
    this.orderDirty = false;
  }

  private freeCountOf(i: number): number {
    if ((this.flags[i] as number) & FLAG_HAVE) return 0;
    const dl = this.downloads.get(i);
    return dl ? dl.freeCount : this.blockCount(i);
  }

  private blockId(index: number, block: number): number {
    return index * this.maxBlocksPerPiece + block;
  }

  private blockOfId(id: number): BlockRef {
    const index = Math.floor(id / this.maxBlocksPerPiece);
    const begin = (id - index * this.maxBlocksPerPiece) * this.blockBytes;
    return { index, begin, length: Math.min(this.blockBytes, this.pieceSize(index) - begin) };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece index ${index} out of range`);
    }
  }

  private peerRecord(peerKey: string): PeerRecord {
    let peer = this.peers.get(peerKey);
    if (!peer) {
      peer = {
        bits: new Uint8Array((this.pieceCount + 7) >> 3),
        count: 0,
        seed: false,
        inflight: new Set(),
        pieces: new Map(),
      };
      this.peers.set(peerKey, peer);
    }
    return peer;
  }

  /** Takes back what the peer contributed to availability, keeping its requests. */
  private removeAvailability(peerKey: string): void {
    const peer = this.peers.get(peerKey);
    if (!peer) return;
    if (peer.seed) {
      this.seedCount--;
    } else if (peer.bits && peer.count > 0) {
      this.addBits(peer.bits, -1);
    }
    peer.seed = false;
    peer.bits = new Uint8Array((this.pieceCount + 7) >> 3);
    peer.count = 0;
  }

  /**
   * Adds (+1) or removes (-1) a bitfield's availability. Each piece moves at most one bucket, so
   * keeping the order up to date costs one swap per piece: cheaper than a rebuild, and it keeps
   * the order's random tie-breaks stable.
   */
  private addBits(bits: Uint8Array, delta: 1 | -1): void {
    for (let byte = 0; byte < bits.length; byte++) {
      let v = bits[byte] as number;
      for (let i = byte << 3; v !== 0; i++, v = (v << 1) & 0xff) {
        if ((v & 0x80) === 0 || i >= this.pieceCount) continue;
        this.bumpAvail(i, delta);
        this.reorder(i);
      }
    }
  }

  private markHave(index: number): void {
    const f = this.flags[index] as number;
    if (f & FLAG_HAVE) return;
    if (this.wanted(index)) {
      this.wantedMissing--;
      this.freeBlocks -= this.freeCountOf(index);
    }
    const dl = this.downloads.get(index);
    if (dl) {
      for (let b = 0; b < dl.blockCount; b++) this.dropRequesters(index, dl, b);
      this.downloads.delete(index);
    }
    this.flags[index] = FLAG_HAVE;
    this.haves++;
    this.reorder(index);
  }

  private startDownload(index: number): PieceDownload {
    const blockCount = this.blockCount(index);
    const dl: PieceDownload = {
      blockCount,
      received: new Uint8Array(blockCount),
      senders: new Array<string | undefined>(blockCount),
      requesters: new Array<Requesters>(blockCount),
      receivedCount: 0,
      freeCount: blockCount,
      freeHint: 0,
    };
    this.downloads.set(index, dl);
    return dl;
  }

  private forgetInflight(peer: PeerRecord, index: number, id: number): void {
    if (!peer.inflight.delete(id)) return;
    this.inflightTotal--;
    const left = (peer.pieces.get(index) ?? 1) - 1;
    if (left > 0) peer.pieces.set(index, left);
    else peer.pieces.delete(index);
  }

  private removeRequester(dl: PieceDownload, b: number, peerKey: string): void {
    dl.requesters[b] = withoutRequester(dl.requesters[b], peerKey);
  }

  /** Forgets every request of block b (the piece is done or reset). */
  private dropRequesters(index: number, dl: PieceDownload, b: number): void {
    const reqs = dl.requesters[b];
    if (reqs === undefined) return;
    const id = this.blockId(index, b);
    if (typeof reqs === 'string') this.forgetRequest(reqs, index, id);
    else for (const r of reqs) this.forgetRequest(r, index, id);
    dl.requesters[b] = undefined;
  }

  private forgetRequest(peerKey: string, index: number, id: number): void {
    const peer = this.peers.get(peerKey);
    if (peer) this.forgetInflight(peer, index, id);
  }

  private request(
    peerKey: string,
    peer: PeerRecord,
    index: number,
    dl: PieceDownload,
    b: number,
  ): BlockRef {
    dl.requesters[b] = withRequester(dl.requesters[b], peerKey);
    const id = this.blockId(index, b);
    const before = peer.inflight.size;
    peer.inflight.add(id);
    this.inflightTotal += peer.inflight.size - before;
    peer.pieces.set(index, (peer.pieces.get(index) ?? 0) + 1);
    const begin = b * this.blockBytes;
    return { index, begin, length: Math.min(this.blockBytes, this.pieceSize(index) - begin) };
  }

  /** Hands out free blocks of one piece in order. */
  private takeFree(
    peerKey: string,
    peer: PeerRecord,
    index: number,
    n: number,
    out: BlockRef[],
  ): void {
    const dl = this.downloads.get(index) ?? this.startDownload(index);
    if (dl.freeCount > 0) this.flags[index] = (this.flags[index] as number) & ~FLAG_FAILED;
    for (let b = dl.freeHint; b < dl.blockCount && out.length < n && dl.freeCount > 0; b++) {
      if (dl.received[b] || dl.requesters[b] !== undefined) continue;
      out.push(this.request(peerKey, peer, index, dl, b));
      dl.freeCount--;
      this.freeBlocks--;
      dl.freeHint = b + 1;
    }
    if (dl.freeCount > 0 && dl.freeHint >= dl.blockCount) dl.freeHint = 0;
  }

  /** Fresh pieces of one priority, rarest first, in the bucketed order. */
  private pickFresh(
    peerKey: string,
    peer: PeerRecord,
    prio: 1 | 2,
    peerHas: (i: number) => boolean,
    n: number,
    out: BlockRef[],
  ): void {
    if (this.sequential) return this.pickInOrder(peerKey, peer, prio, peerHas, n, out);
    this.ensureOrder();
    const first = (2 - prio) * AVAIL_BUCKETS;
    const end = this.order.start(first + AVAIL_BUCKETS);
    // setKey during the walk can only move pieces we have passed or are standing on (a request
    // changes no key), so walking positions is stable.
    for (let p = this.order.start(first); p < end && out.length < n; p++) {
      const i = this.order.order[p] as number;
      if (this.downloads.has(i) || !peerHas(i)) continue;
      this.takeFree(peerKey, peer, i, n, out);
    }
  }

  /** Sequential download: fresh pieces of one priority from the lowest missing index up. */
  private pickInOrder(
    peerKey: string,
    peer: PeerRecord,
    prio: 1 | 2,
    peerHas: (i: number) => boolean,
    n: number,
    out: BlockRef[],
  ): void {
    while (this.seqCursor < this.pieceCount && this.have(this.seqCursor)) this.seqCursor++;
    for (let i = this.seqCursor; i < this.pieceCount && out.length < n; i++) {
      if (this.priority[i] !== prio || !this.wanted(i) || this.downloads.has(i) || !peerHas(i))
        continue;
      this.takeFree(peerKey, peer, i, n, out);
    }
  }

  /** Choked by the peer: only its allowed-fast pieces (BEP 6), best first. */
  private pickFromSet(
    peerKey: string,
    peer: PeerRecord,
    allowed: Set<number>,
    prio: 1 | 2,
    peerHas: (i: number) => boolean,
    n: number,
    out: BlockRef[],
  ): void {
    this.ensureOrder();
    const fresh: number[] = [];
    for (const i of allowed) {
      if (!Number.isInteger(i) || i < 0 || i >= this.pieceCount) continue;
      if (this.priority[i] !== prio || !this.wanted(i) || this.downloads.has(i) || !peerHas(i))
        continue;
      fresh.push(i);
    }
    fresh.sort((a, b) => this.order.positionOf(a) - this.order.positionOf(b));
    for (const i of fresh) {
      if (out.length >= n) return;
      this.takeFree(peerKey, peer, i, n, out);
    }
  }

  /** Endgame: blocks already requested elsewhere, least-requested first, never twice per peer. */
  private pickEndgame(
    peerKey: string,
    peer: PeerRecord,
    can: (i: number) => boolean,
    n: number,
    out: BlockRef[],
  ): void {
    const candidates: { index: number; b: number; reqs: number }[] = [];
    for (const [i, dl] of this.downloads) {
      if (dl.receivedCount === dl.blockCount || !can(i)) continue;
      for (let b = 0; b < dl.blockCount; b++) {
        if (dl.received[b]) continue;
        const reqs = dl.requesters[b];
        const count = requesterCount(reqs);
        if (count > MAX_DUPLICATE_REQUESTS || hasRequester(reqs, peerKey)) continue;
        candidates.push({ index: i, b, reqs: count });
      }
    }
    candidates.sort(
      (x, y) =>
        x.reqs - y.reqs ||
        this.order.positionOf(x.index) - this.order.positionOf(y.index) ||
        x.b - y.b,
    );
    for (const c of candidates) {
      if (out.length >= n) return;
      const dl = this.downloads.get(c.index) as PieceDownload;
      if (c.reqs === 0) {
        // A block freed since endgame began (its only request was dropped).
        dl.freeCount--;
        this.freeBlocks--;
      }
      out.push(this.request(peerKey, peer, c.index, dl, c.b));
    }
  }

  /** Priority, then this peer's own partial pieces, then most advanced, rarest, random. */
  private comparePartial(peer: PeerRecord, a: number, b: number): number {
    const da = this.downloads.get(a) as PieceDownload;
    const db = this.downloads.get(b) as PieceDownload;
    return (
      (this.priority[b] as number) - (this.priority[a] as number) ||
      (this.sequential ? a - b : 0) ||
      Number(peer.pieces.has(b)) - Number(peer.pieces.has(a)) ||
      db.blockCount - db.freeCount - (da.blockCount - da.freeCount) ||
      (this.avail[a] as number) - (this.avail[b] as number) ||
      this.order.positionOf(a) - this.order.positionOf(b)
    );
  }
}
