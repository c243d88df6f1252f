import { describe, expect, it } from 'vitest';
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../src-shared/model';
import type { TimelineView } from '../../../src-shared/model';
import { applyTimelineView, emptyTimeline } from '../../../src-shared/timeline-delta';
import { TIMELINE_MAX_EVENTS_PER_LANE, TIMELINE_MAX_LANES, TIMELINE_WINDOW_MS } from '../limits';
import type { PeerConnectionEvents } from '../peer/peer-connection';
import { TypedEmitter } from '../peer/typed-emitter';
import { ManualClock } from '../time/clock';
import { PeerTimeline } from './peer-timeline';

/** Just what the timeline reads of a connection; `fire` plays the connection's events. */
class FakePeer extends TypedEmitter<PeerConnectionEvents> {
  transportName = 'tcp';
  encrypted = false;
  clientName = 'unknown';
  amChoking = true;
  amInterested = false;
  pieces = 0;
  readonly peerBitfield = { count: () => this.pieces };
  fire<K extends keyof PeerConnectionEvents>(name: K, payload: PeerConnectionEvents[K]): void {
    this.emit(name, payload);
  }
}

interface Row {
  lane: number;
  id: number;
  kind: number;
  t0: number;
  t1: number;
  a: number;
  b: number;
  c: number;
}

function rows(view: TimelineView): Row[] {
  const out: Row[] = [];
  const e = view.events;
  for (let o = 0; o < e.length; o += timelineRowStride) {
    const [lane, id, kind, t0, t1, a, b, c] = Array.from(e.subarray(o, o + timelineRowStride));
    out.push({ lane: lane!, id: id!, kind: kind!, t0: t0!, t1: t1!, a: a!, b: b!, c: c! });
  }
  return out;
}

const blockData = new Uint8Array(16_384);
const block = (index: number, length = 16_384) => ({
  index,
  begin: 0,
  data: blockData.subarray(0, length),
  late: false,
});

function setup() {
  const clock = new ManualClock(1_000_000);
  const tl = new PeerTimeline(clock);
  const peer = new FakePeer();
  tl.track('10.0.0.1:6881', '10.0.0.1', 6881, false, peer);
  return { clock, tl, peer };
}

describe('PeerTimeline', () => {
  it('records a connection from connect to close, with spans both ways and the close reason', () => {
    const { clock, tl, peer } = setup();
    const t0 = clock.now();
    clock.advance(10);
    peer.transportName = 'utp';
    peer.encrypted = true;
    peer.clientName = 'libtorrent 2.0';
    peer.fire('handshake', {} as never);
    peer.pieces = 7;
    peer.fire('bitfield', {} as never);
    clock.advance(10);
    peer.fire('interested', undefined);
    peer.fire('unchoke', undefined);
    peer.amInterested = true;
    peer.amChoking = false;
    tl.observe('10.0.0.1:6881', peer);
    tl.requested('10.0.0.1:6881', 5);
    clock.advance(100);
    peer.fire('choke', []);
    clock.advance(50);
    peer.fire('closed', { reason: 'keepalive-timeout' });
    const view = tl.view(0);
    expect(view.full).toBe(true);
    expect(view.lanes).toHaveLength(1);
    expect(view.lanes[0]).toMatchObject({
      address: '10.0.0.1',
      port: 6881,
      client: 'libtorrent 2.0',
      transport: 'utp',
      encrypted: true,
      incoming: false,
      openedAt: t0,
      closedAt: t0 + 170,
      closeReason: 'keepalive-timeout',
    });
    const r = rows(view);
    const kinds = r.map((x) => x.kind);
    expect(kinds).toEqual([
      TimelineKind.connect,
      TimelineKind.handshake,
      TimelineKind.bitfield,
      TimelineKind.peerInterest,
      TimelineKind.peerUnchoke,
      TimelineKind.ourInterest,
      TimelineKind.ourUnchoke,
      TimelineKind.requests,
      TimelineKind.close,
    ]);
    expect(r[1]).toMatchObject({ a: 1, b: 1 }); // uTP, encrypted
    expect(r[2]).toMatchObject({ a: 7, b: 0 });
    // It unchoked us at +20 and choked us at +120; our unchoke ended with the close.
    expect(r[4]).toMatchObject({ t0: t0 + 20, t1: t0 + 120 });
    expect(r[6]).toMatchObject({ t0: t0 + 20, t1: t0 + 170 });
    expect(r[7]).toMatchObject({ a: 5 });
    // Ids grow along the lane.
    expect(r.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('leaves a span open while it lasts', () => {
    const { tl, peer } = setup();
    peer.fire('unchoke', undefined);
    const span = rows(tl.view(0)).find((x) => x.kind === TimelineKind.peerUnchoke);
    expect(span?.t1).toBe(timelineOpen);
  });

  it('coalesces the blocks of a piece into one run, and a pause ends it', () => {
    const { clock, tl, peer } = setup();
    for (let i = 0; i < 16; i++) {
      peer.fire('block', block(3));
      clock.advance(100);
    }
    clock.advance(2_000);
    peer.fire('block', block(3));
    const runs = rows(tl.view(0)).filter((x) => x.kind === TimelineKind.run);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ a: 3, b: 16 * 16_384, c: 1 });
    expect(runs[0]!.t1 - runs[0]!.t0).toBe(1_500);
    expect(runs[1]).toMatchObject({ a: 3, b: 16_384 });
  });

  it('starts a new run for the next piece once a run is older than the merge time', () => {
    const { clock, tl, peer } = setup();
    peer.fire('block', block(1));
    clock.advance(400);
    peer.fire('block', block(2));
    const runs = rows(tl.view(0)).filter((x) => x.kind === TimelineKind.run);
    expect(runs.map((x) => x.a)).toEqual([1, 2]);
  });

  it('keeps a full-speed peer under a few hundred events a minute', () => {
    const { clock, tl, peer } = setup();
    // 40 pieces a second of 16 blocks each (10 MiB/s at 256 KiB pieces), haves and requests too.
    let piece = 0;
    for (let ms = 0; ms < 60_000; ms += 5) {
      peer.fire('block', block(Math.floor(piece / 16)));
      piece++;
      if (ms % 25 === 0) peer.fire('have', piece);
      tl.requested('10.0.0.1:6881', 1);
      clock.advance(5);
    }
    const events = rows(tl.view(0)).length;
    expect(events).toBeGreaterThan(100);
    expect(events).toBeLessThan(400);
  });

  it('coalesces haves and rejects into bursts of at most two seconds', () => {
    const { clock, tl, peer } = setup();
    for (let i = 0; i < 30; i++) {
      peer.fire('have', i);
      peer.fire('reject', { index: 100 + i, begin: 0, length: 16_384 });
      clock.advance(100);
    }
    const r = rows(tl.view(0));
    const haves = r.filter((x) => x.kind === TimelineKind.have);
    const rejects = r.filter((x) => x.kind === TimelineKind.reject);
    expect(haves.map((x) => x.b)).toEqual([20, 10]);
    expect(haves.map((x) => x.a)).toEqual([19, 29]); // the last piece announced
    expect(rejects.map((x) => x.a)).toEqual([100, 120]); // the first piece rejected
  });

  it('forgets events after ten minutes, and a closed lane whole', () => {
    const { clock, tl, peer } = setup();
    peer.fire('have', 1);
    clock.advance(TIMELINE_WINDOW_MS - 1_000);
    peer.fire('have', 2);
    expect(rows(tl.view(0)).map((x) => x.kind)).toEqual([
      TimelineKind.connect,
      TimelineKind.have,
      TimelineKind.have,
    ]);
    clock.advance(2_000);
    expect(rows(tl.view(0)).map((x) => x.a)).toEqual([2]);
    peer.fire('closed', { reason: 'remote-closed' });
    const before = tl.view(0).cursor;
    clock.advance(TIMELINE_WINDOW_MS + 1);
    const delta = tl.view(before);
    expect(delta.full).toBe(false);
    expect(delta.removedLanes).toEqual([1]);
    expect(tl.laneCount).toBe(0);
  });

  it('keeps an open span past the window, so a long unchoke still shows', () => {
    const { clock, tl, peer } = setup();
    peer.fire('unchoke', undefined);
    clock.advance(TIMELINE_WINDOW_MS * 2);
    expect(rows(tl.view(0)).map((x) => x.kind)).toEqual([TimelineKind.peerUnchoke]);
  });

  it('caps events per lane, dropping the oldest', () => {
    const { clock, tl, peer } = setup();
    // Interest marks are never coalesced: a peer flipping its interest makes one event each.
    for (let i = 0; i < TIMELINE_MAX_EVENTS_PER_LANE + 50; i++) {
      peer.fire(i % 2 === 0 ? 'interested' : 'not-interested', undefined);
      clock.advance(1);
    }
    const r = rows(tl.view(0));
    expect(r).toHaveLength(TIMELINE_MAX_EVENTS_PER_LANE);
    expect(r[0]!.id).toBe(52); // the connect and the first 50 marks went
    expect(r[r.length - 1]!.id).toBe(TIMELINE_MAX_EVENTS_PER_LANE + 51);
  });

  it('caps lanes: a new one displaces the oldest closed lane, and none while all are open', () => {
    const clock = new ManualClock();
    const tl = new PeerTimeline(clock);
    const peers: FakePeer[] = [];
    for (let i = 0; i < TIMELINE_MAX_LANES; i++) {
      const p = new FakePeer();
      peers.push(p);
      tl.track(`10.0.${i >> 8}.${i & 255}:1`, `10.0.${i >> 8}.${i & 255}`, 1, true, p);
      clock.advance(1);
    }
    tl.track('10.9.9.9:1', '10.9.9.9', 1, true, new FakePeer());
    expect(tl.laneCount).toBe(TIMELINE_MAX_LANES);
    expect(tl.view(0).lanes.some((l) => l.address === '10.9.9.9')).toBe(false);
    peers[5]!.fire('closed', { reason: 'remote-closed' });
    clock.advance(1);
    peers[2]!.fire('closed', { reason: 'remote-closed' });
    tl.track('10.9.9.8:1', '10.9.9.8', 1, true, new FakePeer());
    const addresses = tl.view(0).lanes.map((l) => l.address);
    expect(addresses).toContain('10.9.9.8');
    expect(addresses).not.toContain('10.0.0.5'); // closed first
    expect(addresses).toContain('10.0.0.2');
  });

  it('sends only what changed since a cursor, and the deltas rebuild the full view', () => {
    const { clock, tl, peer } = setup();
    const mirror = emptyTimeline();
    expect(applyTimelineView(mirror, tl.view(0))).toBe(true);
    peer.fire('block', block(9));
    const first = tl.view(mirror.cursor);
    expect(first.full).toBe(false);
    expect(rows(first).map((x) => x.kind)).toEqual([TimelineKind.run]);
    expect(applyTimelineView(mirror, first)).toBe(true);
    clock.advance(100);
    peer.fire('block', block(9));
    const second = tl.view(mirror.cursor);
    // The run grew: the same row again, with its new end and bytes.
    expect(rows(second)).toMatchObject([{ kind: TimelineKind.run, b: 2 * 16_384 }]);
    expect(second.lanes).toEqual([]);
    expect(applyTimelineView(mirror, second)).toBe(true);
    // Nothing new: an empty delta.
    expect(rows(tl.view(mirror.cursor))).toEqual([]);
    peer.fire('closed', { reason: 'bad-data' });
    const closing = tl.view(mirror.cursor);
    expect(closing.lanes.map((l) => l.closeReason)).toEqual(['bad-data']);
    expect(applyTimelineView(mirror, closing)).toBe(true);
    const full = emptyTimeline();
    applyTimelineView(full, tl.view(0));
    const lane = (s: typeof full) => {
      const l = s.lanes.get(1)!;
      return { meta: l.meta, rows: Array.from(l.rows.subarray(0, l.count * timelineRowStride)) };
    };
    expect(lane(mirror)).toEqual(lane(full));
    // A delta that does not follow the mirror's cursor is refused.
    expect(applyTimelineView(mirror, { ...tl.view(mirror.cursor), from: 1 })).toBe(false);
  });
});
