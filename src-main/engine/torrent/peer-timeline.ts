/**
 * The per-peer timeline (issue 19): what each peer of one torrent did and when, one lane per
 * connection, for the Timeline tab. The peer wiring hands it each connection (`track`), whose
 * events it follows itself; the downloader reports our requests and, through `observe`, our
 * choke and interest flags as they change.
 *
 * Invariants:
 * - Memory is bounded: events older than TIMELINE_WINDOW_MS go (open spans stay), at most
 *   TIMELINE_MAX_EVENTS_PER_LANE per lane (the oldest go first) and TIMELINE_MAX_LANES lanes (a
 *   new lane displaces the oldest closed one; with every lane open, a new peer is not recorded).
 * - Coalescing: blocks become piece runs (a run lasting less than TIMELINE_MERGE_MS takes in the
 *   next piece too), requests, haves and rejects become bursts of at most TIMELINE_BURST_MAX_MS;
 *   a pause longer than TIMELINE_RUN_GAP_MS ends any of them. A full-speed peer costs about five
 *   events a second.
 * - Every change bumps a revision stored with the row and lane it touched, so `view(since)`
 *   returns exactly what changed since an earlier view; ids grow along a lane.
 * - Time comes only from the injected Clock.
 */
import {
  TimelineKind,
  timelineOpen,
  timelineRowStride,
  type TimelineLane,
  type TimelineView,
} from '../../../src-shared/model';
import {
  TIMELINE_BURST_MAX_MS,
  TIMELINE_MAX_EVENTS_PER_LANE,
  TIMELINE_MAX_LANES,
  TIMELINE_MERGE_MS,
  TIMELINE_RUN_GAP_MS,
  TIMELINE_WINDOW_MS,
} from '../limits';
import type { Clock } from '../time/clock';
import type { BlockReceived } from '../peer/peer-connection';
import type { CloseReason } from '../peer/close-reason';
import type { BlockRef } from '../wire/message';

/** What the timeline reads of a peer connection (PeerConnection has it all). */
export interface TimelinePeer {
  readonly transportName: string;
  readonly encrypted: boolean;
  readonly clientName: string;
  readonly amChoking: boolean;
  readonly amInterested: boolean;
  readonly peerBitfield: { count(): number };
  on(event: 'handshake', fn: () => void): unknown;
  on(event: 'bitfield' | 'have-all' | 'have-none', fn: () => void): unknown;
  on(event: 'interested' | 'not-interested' | 'unchoke', fn: () => void): unknown;
  on(event: 'choke', fn: (dropped: BlockRef[]) => void): unknown;
  on(event: 'have', fn: (index: number) => void): unknown;
  on(event: 'reject', fn: (b: BlockRef) => void): unknown;
  on(event: 'block', fn: (b: BlockReceived) => void): unknown;
  on(event: 'closed', fn: (e: { reason: CloseReason }) => void): unknown;
}

/** Row layout in a lane: [id, rev, kind, t0, t1, a, b, c]. */
const S = 8;
const ID = 0;
const REV = 1;
const KIND = 2;
const T0 = 3;
const T1 = 4;
const A = 5;
const B = 6;
const C = 7;

/** One connection's events in a growable Float64Array; rows leave from the front. */
class Lane {
  rev = 0;
  metaRev = 0;
  private buf = new Float64Array(16 * S);
  /** Physical row of the first kept row, and rows kept. */
  private head = 0;
  count = 0;
  /** Absolute number of the first kept row (rows appended since the lane began). */
  private first = 0;
  private nextId = 1;
  /** Absolute rows of the events still growing, or -1. */
  peerUnchoke = -1;
  ourUnchoke = -1;
  run = -1;
  requests = -1;
  have = -1;
  reject = -1;
  /** Our flags as last observed: start choked and not interested (BEP 3). */
  ourChoking = true;
  ourInterested = false;
  runPiece = -1;

  constructor(
    readonly meta: TimelineLane,
    readonly peer: TimelinePeer | null,
    /** The peer key (address:port) it is open under. */
    readonly key: string,
  ) {}

  /** The physical offset of absolute row `r`, or -1 once it is gone. */
  at(r: number): number {
    if (r < this.first || r >= this.first + this.count) return -1;
    return (this.head + r - this.first) * S;
  }

  get rows(): Float64Array {
    return this.buf;
  }

  /** Physical offset of the i-th kept row. */
  offset(i: number): number {
    return (this.head + i) * S;
  }

  append(rev: number, kind: number, t0: number, t1: number, a = 0, b = 0, c = 0): number {
    if (this.count >= TIMELINE_MAX_EVENTS_PER_LANE) this.dropFirst();
    if ((this.head + this.count + 1) * S > this.buf.length) this.makeRoom();
    const o = (this.head + this.count) * S;
    const buf = this.buf;
    buf[o + ID] = this.nextId++;
    buf[o + REV] = rev;
    buf[o + KIND] = kind;
    buf[o + T0] = t0;
    buf[o + T1] = t1;
    buf[o + A] = a;
    buf[o + B] = b;
    buf[o + C] = c;
    this.count++;
    this.rev = rev;
    return this.first + this.count - 1;
  }

  dropFirst(): void {
    this.head++;
    this.first++;
    this.count--;
  }

  /** Slides the kept rows to the front, or doubles the buffer when they fill half of it. */
  private makeRoom(): void {
    const used = this.count * S;
    const from = this.head * S;
    if (used * 2 <= this.buf.length) {
      this.buf.copyWithin(0, from, from + used);
    } else {
      const grown = new Float64Array(Math.max(this.buf.length * 2, 16 * S));
      grown.set(this.buf.subarray(from, from + used));
      this.buf = grown;
    }
    this.head = 0;
  }

  /** Drops rows ended before `horizon` from the front; an open span there stops the sweep. */
  evictBefore(horizon: number): void {
    while (this.count > 0) {
      const o = this.head * S;
      const t1 = this.buf[o + T1]!;
      const end = t1 === timelineOpen ? Number.POSITIVE_INFINITY : t1;
      if (end >= horizon) return;
      this.dropFirst();
    }
  }
}

export class PeerTimeline {
  /** Starts at 1: cursor 0 means "nothing seen yet", so asks for a full view. */
  private rev = 1;
  private nextLane = 1;
  /** Every kept lane by id, oldest first (Map order is insertion order). */
  private readonly lanes = new Map<number, Lane>();
  /** Open lanes by peer key. */
  private readonly open = new Map<string, Lane>();
  /** Lanes removed, with the revision of their removal, so deltas can name them. */
  private removed: { id: number; rev: number }[] = [];
  /** A view older than this revision may have missed a removal: it gets a full view. */
  private forgotten = 0;

  constructor(private readonly clock: Clock) {}

  /** A new connection: its lane begins, and the timeline follows its events. */
  track(key: string, address: string, port: number, incoming: boolean, peer: TimelinePeer): void {
    const lane = this.begin(key, address, port, incoming, peer);
    if (!lane) return;
    peer.on('handshake', () => {
      this.label(lane);
      const utp = peer.transportName === 'utp' ? 1 : 0;
      this.instant(lane, TimelineKind.handshake, utp, peer.encrypted ? 1 : 0);
    });
    peer.on('bitfield', () =>
      this.instant(lane, TimelineKind.bitfield, peer.peerBitfield.count(), 0),
    );
    peer.on('have-all', () =>
      this.instant(lane, TimelineKind.bitfield, peer.peerBitfield.count(), 1),
    );
    peer.on('have-none', () => this.instant(lane, TimelineKind.bitfield, 0, 2));
    peer.on('interested', () => this.instant(lane, TimelineKind.peerInterest, 1));
    peer.on('not-interested', () => this.instant(lane, TimelineKind.peerInterest, 0));
    peer.on('unchoke', () => this.peerChoked(lane, false));
    peer.on('choke', () => this.peerChoked(lane, true));
    peer.on('have', (index) => this.burst(lane, 'have', TimelineKind.have, index));
    peer.on('reject', (b) => this.burst(lane, 'reject', TimelineKind.reject, b.index));
    peer.on('block', (b) => this.block(lane, b.index, b.data.length));
    peer.on('closed', ({ reason }) => this.close(lane, reason));
  }

  /** Our choke and interest flags as they are now: a change since the last call is recorded. */
  observe(key: string, flags: { amChoking: boolean; amInterested: boolean }): void {
    const lane = this.open.get(key);
    if (!lane) return;
    if (flags.amInterested !== lane.ourInterested) {
      lane.ourInterested = flags.amInterested;
      this.instant(lane, TimelineKind.ourInterest, flags.amInterested ? 1 : 0);
    }
    if (flags.amChoking !== lane.ourChoking) {
      lane.ourChoking = flags.amChoking;
      lane.ourUnchoke = this.toggleSpan(
        lane,
        lane.ourUnchoke,
        !flags.amChoking,
        TimelineKind.ourUnchoke,
      );
    }
  }

  /** We sent `count` requests to this peer. */
  requested(key: string, count: number): void {
    if (count <= 0) return;
    const lane = this.open.get(key);
    if (!lane) return;
    const now = this.clock.now();
    const o = lane.at(lane.requests);
    const rows = lane.rows;
    if (
      o >= 0 &&
      now - rows[o + T1]! <= TIMELINE_RUN_GAP_MS &&
      now - rows[o + T0]! < TIMELINE_BURST_MAX_MS
    ) {
      rows[o + T1] = now;
      rows[o + A] = rows[o + A]! + count;
      this.touch(lane, o);
    } else lane.requests = lane.append(++this.rev, TimelineKind.requests, now, now, count);
  }

  /** The lanes and events changed since the view whose cursor was `since` (0: everything). */
  view(since = 0): TimelineView {
    const now = this.clock.now();
    this.prune(now);
    const full = since <= 0 || since < this.forgotten || since > this.rev;
    const lanes: TimelineLane[] = [];
    let rows = 0;
    for (const lane of this.lanes.values()) {
      if (full || lane.metaRev > since) lanes.push({ ...lane.meta });
      if (full) rows += lane.count;
      else if (lane.rev > since)
        for (let i = 0; i < lane.count; i++) if (lane.rows[lane.offset(i) + REV]! > since) rows++;
    }
    const events = new Float64Array(rows * timelineRowStride);
    let w = 0;
    for (const lane of this.lanes.values()) {
      if (!full && lane.rev <= since) continue;
      const src = lane.rows;
      for (let i = 0; i < lane.count; i++) {
        const o = lane.offset(i);
        if (!full && src[o + REV]! <= since) continue;
        events[w++] = lane.meta.id;
        events[w++] = src[o + ID]!;
        for (let k = KIND; k < S; k++) events[w++] = src[o + k]!;
      }
    }
    return {
      full,
      from: full ? 0 : since,
      cursor: this.rev,
      now,
      windowMs: TIMELINE_WINDOW_MS,
      lanes,
      removedLanes: full ? [] : this.removed.filter((r) => r.rev > since).map((r) => r.id),
      events,
    };
  }

  /** Lanes kept (for tests and the snapshot's counts). */
  get laneCount(): number {
    return this.lanes.size;
  }

  // ------------------------------------------------------------------ recording

  private begin(
    key: string,
    address: string,
    port: number,
    incoming: boolean,
    peer: TimelinePeer,
  ): Lane | null {
    const now = this.clock.now();
    this.prune(now);
    if (this.lanes.size >= TIMELINE_MAX_LANES && !this.dropOldestClosed()) return null;
    const lane = new Lane(
      {
        id: this.nextLane++,
        address,
        port,
        client: peer.clientName,
        transport: peer.transportName === 'utp' ? 'utp' : 'tcp',
        encrypted: peer.encrypted,
        incoming,
        openedAt: now,
        closedAt: null,
        closeReason: null,
      },
      peer,
      key,
    );
    lane.metaRev = ++this.rev;
    lane.append(this.rev, TimelineKind.connect, now, now, incoming ? 1 : 0);
    this.lanes.set(lane.meta.id, lane);
    // A second connection under the same key replaces the first in `open` (its lane stays).
    this.open.set(key, lane);
    return lane;
  }

  /** The label follows the connection: its client is known after the (extended) handshake. */
  private label(lane: Lane): void {
    const p = lane.peer;
    if (!p || lane.meta.closedAt !== null) return;
    const transport = p.transportName === 'utp' ? 'utp' : 'tcp';
    const m = lane.meta;
    if (m.client === p.clientName && m.transport === transport && m.encrypted === p.encrypted)
      return;
    m.client = p.clientName;
    m.transport = transport;
    m.encrypted = p.encrypted;
    lane.metaRev = ++this.rev;
    lane.rev = this.rev;
  }

  private instant(lane: Lane, kind: number, a = 0, b = 0): void {
    if (lane.meta.closedAt !== null) return;
    const now = this.clock.now();
    lane.append(++this.rev, kind, now, now, a, b);
  }

  private peerChoked(lane: Lane, choked: boolean): void {
    if (lane.meta.closedAt !== null) return;
    lane.peerUnchoke = this.toggleSpan(lane, lane.peerUnchoke, !choked, TimelineKind.peerUnchoke);
  }

  /** Opens a span (when `on` and none is open) or ends the open one; returns the open row. */
  private toggleSpan(lane: Lane, row: number, on: boolean, kind: number): number {
    const now = this.clock.now();
    const o = lane.at(row);
    if (on) return o >= 0 ? row : lane.append(++this.rev, kind, now, timelineOpen);
    if (o >= 0) {
      lane.rows[o + T1] = now;
      this.touch(lane, o);
    }
    return -1;
  }

  private burst(lane: Lane, which: 'have' | 'reject', kind: number, index: number): void {
    if (lane.meta.closedAt !== null) return;
    const now = this.clock.now();
    const row = lane[which];
    const o = lane.at(row);
    const rows = lane.rows;
    if (
      o >= 0 &&
      now - rows[o + T1]! <= TIMELINE_RUN_GAP_MS &&
      now - rows[o + T0]! < TIMELINE_BURST_MAX_MS
    ) {
      rows[o + T1] = now;
      // A have names the last piece announced; a reject keeps its first.
      if (kind === TimelineKind.have) rows[o + A] = index;
      rows[o + B] = rows[o + B]! + 1;
      this.touch(lane, o);
    } else lane[which] = lane.append(++this.rev, kind, now, now, index, 1);
  }

  private block(lane: Lane, piece: number, bytes: number): void {
    if (lane.meta.closedAt !== null) return;
    const now = this.clock.now();
    const o = lane.at(lane.run);
    const rows = lane.rows;
    if (
      o >= 0 &&
      now - rows[o + T1]! <= TIMELINE_RUN_GAP_MS &&
      (piece === lane.runPiece || now - rows[o + T0]! < TIMELINE_MERGE_MS)
    ) {
      rows[o + T1] = now;
      rows[o + B] = rows[o + B]! + bytes;
      if (piece !== lane.runPiece) rows[o + C] = rows[o + C]! + 1;
      this.touch(lane, o);
    } else lane.run = lane.append(++this.rev, TimelineKind.run, now, now, piece, bytes, 1);
    lane.runPiece = piece;
  }

  private close(lane: Lane, reason: CloseReason): void {
    if (lane.meta.closedAt !== null) return;
    const now = this.clock.now();
    lane.peerUnchoke = this.toggleSpan(lane, lane.peerUnchoke, false, TimelineKind.peerUnchoke);
    lane.ourUnchoke = this.toggleSpan(lane, lane.ourUnchoke, false, TimelineKind.ourUnchoke);
    lane.append(++this.rev, TimelineKind.close, now, now);
    lane.meta.closedAt = now;
    lane.meta.closeReason = reason;
    lane.metaRev = this.rev;
    if (this.open.get(lane.key) === lane) this.open.delete(lane.key);
  }

  private touch(lane: Lane, o: number): void {
    lane.rows[o + REV] = ++this.rev;
    lane.rev = this.rev;
  }

  // ------------------------------------------------------------------ bounds

  /** Old events go; closed lanes whose close is out of the window go whole. */
  private prune(now: number): void {
    const horizon = now - TIMELINE_WINDOW_MS;
    for (const lane of [...this.lanes.values()]) {
      if (lane.meta.closedAt !== null && lane.meta.closedAt < horizon) this.remove(lane);
      else {
        this.label(lane);
        lane.evictBefore(horizon);
      }
    }
  }

  private dropOldestClosed(): boolean {
    let oldest: Lane | null = null;
    for (const lane of this.lanes.values()) {
      const at = lane.meta.closedAt;
      if (at !== null && (oldest === null || at < oldest.meta.closedAt!)) oldest = lane;
    }
    if (!oldest) return false;
    this.remove(oldest);
    return true;
  }

  private remove(lane: Lane): void {
    this.lanes.delete(lane.meta.id);
    this.removed.push({ id: lane.meta.id, rev: ++this.rev });
    // Removals are remembered for a while; a view older than the ones forgotten gets a full one.
    if (this.removed.length > TIMELINE_MAX_LANES * 2) {
      const gone = this.removed.splice(0, this.removed.length - TIMELINE_MAX_LANES);
      this.forgotten = gone[gone.length - 1]!.rev;
    }
  }
}
