import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events, SyncDelta, DetailUpdate } from '../../src-shared/contract';
import { ManualClock } from '../engine/time/clock';
import { createEventBridge, type EventBridge } from './event-bridge';
import { FakeEngine, fakeSummary, hexId } from './test-support/fake-engine';

type Sent = { name: EventName; payload: unknown };

function setup(): {
  engine: FakeEngine;
  clock: ManualClock;
  bridge: EventBridge;
  sent: Sent[];
  of: <K extends EventName>(name: K) => Events[K][];
} {
  const engine = new FakeEngine();
  const clock = new ManualClock();
  const sent: Sent[] = [];
  const bridge = createEventBridge(engine, (name, payload) => sent.push({ name, payload }), clock);
  const of = <K extends EventName>(name: K): Events[K][] =>
    sent.filter((s) => s.name === name).map((s) => s.payload as Events[K]);
  bridges.push(bridge);
  return { engine, clock, bridge, sent, of };
}

const bridges: EventBridge[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.close();
});

describe('sync.delta coalescing', () => {
  it('coalesces many changes of many torrents into one delta per interval', () => {
    const { engine, clock, of } = setup();
    const a = hexId(1);
    const b = hexId(2);
    engine.torrents.set(a, fakeSummary(a));
    engine.torrents.set(b, fakeSummary(b));
    for (let i = 0; i < 100; i++) {
      engine.torrents.get(a)!.progress = i / 100;
      engine.emit('torrent-changed', a);
      engine.emit('torrent-changed', b);
    }
    clock.advance(0);
    const first = of('sync.delta');
    expect(first).toHaveLength(1);
    expect(first[0]!.seq).toBe(1);
    expect(first[0]!.upserts.map((t) => t.id).sort()).toEqual([a, b]);
    expect(first[0]!.upserts.find((t) => t.id === a)!.progress).toBe(0.99);

    // Changes right after a delta wait for the interval: 200 ms, not sooner.
    engine.emit('torrent-changed', a);
    clock.advance(150);
    expect(of('sync.delta')).toHaveLength(1);
    engine.emit('torrent-changed', a);
    clock.advance(50);
    const deltas = of('sync.delta');
    expect(deltas).toHaveLength(2);
    expect(deltas[1]).toMatchObject({ seq: 2, removed: [] });
    expect(deltas[1]!.upserts.map((t) => t.id)).toEqual([a]);
  });

  it('bounds the rate under a constant stream of changes', () => {
    const { engine, clock, of } = setup();
    const a = hexId(1);
    engine.torrents.set(a, fakeSummary(a));
    for (let ms = 0; ms < 10_000; ms += 10) {
      engine.emit('torrent-changed', a);
      clock.advance(10);
    }
    const deltas = of('sync.delta');
    expect(deltas.length).toBeGreaterThanOrEqual(49);
    expect(deltas.length).toBeLessThanOrEqual(51);
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i + 1));
  });

  it('sends nothing when nothing changed', () => {
    const { clock, of } = setup();
    clock.advance(5_000);
    expect(of('sync.delta')).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('reports removals and drops pending upserts of removed torrents', () => {
    const { engine, clock, of } = setup();
    const a = hexId(1);
    engine.torrents.set(a, fakeSummary(a));
    engine.emit('torrent-added', a);
    engine.torrents.delete(a);
    engine.emit('torrent-removed', a);
    clock.advance(0);
    expect(of('sync.delta')).toEqual([
      { seq: 1, upserts: [], removed: [a], session: engine.sessionStats() },
    ]);
  });

  it('sends a delta when only the session stats changed', () => {
    const { engine, clock, of, bridge } = setup();
    engine.emit('settings-changed', engine.settings);
    clock.advance(0);
    expect(of('sync.delta')).toHaveLength(1);
    engine.session = { ...engine.session, listenPort: 7000 };
    engine.emit('settings-changed', engine.settings);
    clock.advance(200);
    const deltas: SyncDelta[] = of('sync.delta');
    expect(deltas).toHaveLength(2);
    expect(deltas[1]!.session.listenPort).toBe(7000);
    expect(bridge.currentSeq()).toBe(2);
    // Unchanged stats make no delta.
    engine.emit('settings-changed', engine.settings);
    clock.advance(1000);
    expect(of('sync.delta')).toHaveLength(2);
  });

  it('forwards job progress, alerts and tracker stats', () => {
    const { engine, of } = setup();
    engine.emit('alert-raised', {
      kind: 'info',
      level: 'info',
      torrentId: null,
      title: 't',
      message: 'm',
      at: 1,
    });
    engine.emit('job-progressed', {
      jobId: 'j',
      kind: 'create',
      label: 'x',
      doneBytes: 1,
      totalBytes: 2,
      rateBps: 0,
      etaSec: null,
      state: 'running',
      error: null,
      result: null,
    });
    engine.emit('tracker-server-changed', engine.trackerStats());
    expect(of('alert')).toHaveLength(1);
    expect(of('job.progress')[0]!.jobId).toBe('j');
    expect(of('tracker.stats')[0]!.running).toBe(false);
  });

  it('removes every listener and timer on close', () => {
    const { engine, clock, bridge, of } = setup();
    const a = hexId(1);
    engine.torrents.set(a, fakeSummary(a));
    bridge.watch(a, ['pieces']);
    engine.emit('torrent-changed', a);
    bridge.close();
    expect(engine.listenerCount()).toBe(0);
    clock.advance(10_000);
    expect(clock.pending).toBe(0);
    expect(of('sync.delta')).toEqual([]);
    expect(of('view.update')).toEqual([]);
  });
});

describe('view.watch', () => {
  const a = hexId(1);

  it('sends the piece map in full first, then only the changed pieces', () => {
    const { engine, clock, bridge, of } = setup();
    engine.torrents.set(a, fakeSummary(a));
    const live = { states: new Uint8Array(1000), availability: new Uint16Array(1000) };
    engine.pieces.set(a, live);
    bridge.watch(a, ['pieces']);
    clock.advance(0);
    let updates: DetailUpdate[] = of('view.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.pieces).toEqual({
      full: { states: new Uint8Array(1000), availability: new Uint16Array(1000) },
    });

    live.states[3] = 4;
    live.states[999] = 2;
    live.availability[500] = 7;
    clock.advance(250);
    updates = of('view.update');
    expect(updates).toHaveLength(2);
    expect(updates[1]!.pieces).toEqual({
      delta: {
        indices: Uint32Array.from([3, 500, 999]),
        states: Uint8Array.from([4, 0, 2]),
        availability: Uint16Array.from([0, 7, 0]),
      },
    });

    // No change, no update; then a single change is a single index.
    clock.advance(250);
    expect(of('view.update')).toHaveLength(2);
    live.states[4] = 1;
    clock.advance(250);
    expect(of('view.update')[2]!.pieces).toEqual({
      delta: { indices: Uint32Array.from([4]), states: Uint8Array.from([1]) },
    });
  });

  it('runs at about 4 Hz and sends only the watched topics', () => {
    const { engine, clock, bridge, of } = setup();
    engine.torrents.set(a, fakeSummary(a));
    bridge.watch(a, ['seeding', 'trackers']);
    clock.advance(0);
    const first = of('view.update')[0]!;
    expect(Object.keys(first).sort()).toEqual(['id', 'seeding', 'trackers']);
    for (let i = 0; i < 8; i++) {
      engine.torrents.get(a)!.uploadedBytes += 100;
      clock.advance(250);
    }
    const updates = of('view.update');
    expect(updates).toHaveLength(9);
    // The unchanged tracker list is not sent again.
    expect(updates.slice(1).every((u) => u.trackers === undefined && u.seeding)).toBe(true);
    bridge.unwatch(a);
    clock.advance(1000);
    expect(of('view.update')).toHaveLength(9);
    expect(clock.pending).toBe(0);
  });

  it('sends the recent log first, then only new entries', () => {
    const { engine, clock, bridge, of } = setup();
    engine.torrents.set(a, fakeSummary(a));
    const entry = (detail: string) => ({
      at: 1,
      peer: '127.0.0.1:1',
      dir: 'in' as const,
      type: 'have' as const,
      detail,
    });
    engine.logs.set(a, [entry('old')]);
    bridge.watch(a, ['log']);
    clock.advance(0);
    engine.emit('peer-event', { id: a, event: entry('new1') });
    engine.emit('peer-event', { id: a, event: entry('new2') });
    engine.emit('peer-event', { id: hexId(9), event: entry('other torrent') });
    clock.advance(250);
    const logs = of('view.update').map((u) => u.log?.map((e) => e.detail));
    expect(logs).toEqual([['old'], ['new1', 'new2']]);
  });

  it('stops watching a removed torrent', () => {
    const { engine, clock, bridge, of } = setup();
    engine.torrents.set(a, fakeSummary(a));
    bridge.watch(a, ['peers']);
    clock.advance(0);
    engine.torrents.delete(a);
    engine.emit('torrent-removed', a);
    clock.advance(1000);
    expect(of('view.update')).toHaveLength(1);
    expect(of('alert')).toEqual([]);
  });

  it('keeps watches per bridge (per client)', () => {
    const one = setup();
    one.engine.torrents.set(a, fakeSummary(a));
    const otherSent: string[] = [];
    const other = createEventBridge(one.engine, (name) => otherSent.push(name), one.clock);
    bridges.push(other);
    one.bridge.watch(a, ['seeding']);
    one.clock.advance(1000);
    expect(one.of('view.update').length).toBeGreaterThan(0);
    expect(otherSent.filter((n) => n === 'view.update')).toEqual([]);
  });
});

describe('a watched view that fails', () => {
  it('rides out a moment without its torrent (a magnet becoming a torrent), then goes on', () => {
    const { engine, clock, bridge, of } = setup();
    const a = hexId(7);
    const summary = fakeSummary(a);
    engine.torrents.set(a, summary);
    const live = { states: new Uint8Array(10), availability: new Uint16Array(10) };
    engine.pieces.set(a, live);
    bridge.watch(a, ['pieces']);
    clock.advance(0);
    expect(of('view.update')).toHaveLength(1);
    // Neither a magnet nor a torrent for three ticks: no alert, and the watch stays.
    engine.torrents.delete(a);
    clock.advance(750);
    expect(of('alert')).toEqual([]);
    engine.torrents.set(a, summary);
    live.states[2] = 4;
    clock.advance(250);
    expect(of('alert')).toEqual([]);
    const updates = of('view.update');
    expect(updates).toHaveLength(2);
    expect(updates[1]!.pieces).toEqual({
      delta: { indices: Uint32Array.from([2]), states: Uint8Array.from([4]) },
    });
  });

  it('gives up with one alert when the torrent stays gone', () => {
    const { engine, clock, bridge, of } = setup();
    const a = hexId(8);
    engine.torrents.set(a, fakeSummary(a));
    bridge.watch(a, ['pieces']);
    clock.advance(0);
    engine.torrents.delete(a);
    clock.advance(10_000);
    const alerts = of('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ title: 'Detail view stopped', torrentId: a });
  });
});
