import { afterEach, describe, expect, it } from 'vitest';
import type { DetailUpdate } from '../../src-shared/contract';
import { timelineRowStride } from '../../src-shared/model';
import { applyTimelineView, emptyTimeline } from '../../src-shared/timeline-delta';
import { decodeFrame, encodeFrame } from '../../src-shared/wire-frame';
import { ManualClock } from '../engine/time/clock';
import type { PeerConnectionEvents } from '../engine/peer/peer-connection';
import { TypedEmitter } from '../engine/peer/typed-emitter';
import { PeerTimeline } from '../engine/torrent/peer-timeline';
import { createEventBridge, type EventBridge } from './event-bridge';
import { FakeEngine, fakeSummary, hexId } from './test-support/fake-engine';

/** What the timeline reads of a connection; `fire` plays its events. */
class FakePeer extends TypedEmitter<PeerConnectionEvents> {
  transportName = 'tcp';
  encrypted = false;
  clientName = 'test';
  amChoking = true;
  amInterested = false;
  readonly peerBitfield = { count: () => 0 };
  fire<K extends keyof PeerConnectionEvents>(name: K, payload: PeerConnectionEvents[K]): void {
    this.emit(name, payload);
  }
}

const bridges: EventBridge[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.close();
});

function setup() {
  const engine = new FakeEngine();
  // The bridge's clock and the timeline's are one, as in the app (both the system clock).
  const clock = new ManualClock();
  const updates: DetailUpdate[] = [];
  const bridge = createEventBridge(
    engine,
    (name, payload) => {
      if (name === 'view.update') updates.push(payload as DetailUpdate);
    },
    clock,
  );
  bridges.push(bridge);
  const id = hexId(1);
  engine.torrents.set(id, fakeSummary(id));
  const timeline = new PeerTimeline(clock);
  engine.timelines.set(id, (since) => timeline.view(since));
  const peer = new FakePeer();
  timeline.track('10.0.0.1:1', '10.0.0.1', 1, false, peer);
  return { engine, clock, bridge, updates, id, timeline, peer };
}

const block = (index: number) => ({ index, begin: 0, data: new Uint8Array(16_384), late: false });

describe('view.watch timeline', () => {
  it('sends a full view first, then only new or changed rows at about 4 Hz', () => {
    const { clock, bridge, updates, id, peer, engine } = setup();
    bridge.watch(id, ['timeline']);
    clock.advance(0);
    expect(updates).toHaveLength(1);
    const first = updates[0]!.timeline!;
    expect(first.full).toBe(true);
    expect(first.lanes.map((l) => l.address)).toEqual(['10.0.0.1']);
    expect(first.events.length).toBe(timelineRowStride); // the connect
    expect(updates[0]!.peers).toBeUndefined();

    // Many blocks between two ticks: one update, with one growing run row.
    for (let i = 0; i < 10; i++) {
      peer.fire('block', block(4));
      clock.advance(20);
    }
    clock.advance(250 - 200);
    expect(updates).toHaveLength(2);
    const delta = updates[1]!.timeline!;
    expect(delta).toMatchObject({ full: false, from: first.cursor, lanes: [], removedLanes: [] });
    expect(delta.events.length).toBe(timelineRowStride);

    // Nothing new: nothing sent, and the engine was asked from the last cursor.
    clock.advance(250);
    expect(updates).toHaveLength(2);
    const asked = engine.calls.filter((c) => c.method === 'timeline').map((c) => c.args[1]);
    expect(asked.slice(0, 3)).toEqual([0, first.cursor, delta.cursor]);
  });

  it('lets the renderer rebuild exactly the engine view from the deltas, through a frame', () => {
    const { clock, bridge, updates, id, peer, timeline } = setup();
    bridge.watch(id, ['timeline']);
    const mirror = emptyTimeline();
    for (let step = 0; step < 20; step++) {
      if (step % 3 === 0) peer.fire('have', step);
      peer.fire(step % 2 === 0 ? 'unchoke' : 'choke', [] as never);
      peer.fire('block', block(step >> 2));
      clock.advance(250);
    }
    peer.fire('closed', { reason: 'remote-closed' });
    clock.advance(250);
    for (const u of updates) {
      // The WebSocket's binary frame carries the rows as a Float64Array, not JSON numbers.
      const crossed = decodeFrame(encodeFrame(u)) as DetailUpdate;
      expect(crossed.timeline!.events).toBeInstanceOf(Float64Array);
      expect(applyTimelineView(mirror, crossed.timeline!)).toBe(true);
    }
    const truth = emptyTimeline();
    applyTimelineView(truth, timeline.view(0));
    const lane = (s: typeof truth) => {
      const l = s.lanes.get(1)!;
      return { meta: l.meta, rows: Array.from(l.rows.subarray(0, l.count * timelineRowStride)) };
    };
    expect(lane(mirror)).toEqual(lane(truth));
    expect(lane(mirror).meta.closeReason).toBe('remote-closed');
  });

  it('starts again with a full view when watched again', () => {
    const { clock, bridge, updates, id } = setup();
    bridge.watch(id, ['timeline']);
    clock.advance(0);
    bridge.unwatch(id);
    bridge.watch(id, ['timeline']);
    clock.advance(0);
    expect(updates.map((u) => u.timeline!.full)).toEqual([true, true]);
  });
});
