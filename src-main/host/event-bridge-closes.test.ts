/** The peers view carries the peers closed since the last update (issue 19: the peer detail). */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../src-shared/contract';
import type { PeerEvent } from '../../src-shared/model';
import { ManualClock } from '../engine/time/clock';
import { createEventBridge, type EventBridge } from './event-bridge';
import { FakeEngine, fakeSummary, hexId } from './test-support/fake-engine';

const bridges: EventBridge[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.close();
});

const close = (peer: string, detail: string): PeerEvent => ({
  at: 5,
  peer,
  dir: 'local',
  type: 'close',
  detail,
});

describe('peer closes on the peers view', () => {
  it('sends each close with its reason once, only while peers are watched', () => {
    const engine = new FakeEngine();
    const clock = new ManualClock();
    const sent: { name: EventName; payload: unknown }[] = [];
    const bridge = createEventBridge(
      engine,
      (name, payload) => sent.push({ name, payload }),
      clock,
    );
    bridges.push(bridge);
    const updates = (): Events['view.update'][] =>
      sent.filter((s) => s.name === 'view.update').map((s) => s.payload as Events['view.update']);
    const a = hexId(1);
    engine.torrents.set(a, fakeSummary(a));
    engine.emit('peer-event', { id: a, event: close('10.0.0.1:1', 'before the watch') });
    bridge.watch(a, ['peers']);
    clock.advance(0);
    engine.emit('peer-event', { id: a, event: close('10.0.0.1:1', 'remote-closed') });
    engine.emit('peer-event', { id: a, event: close('10.0.0.1:1', '3 requests dropped') });
    engine.emit('peer-event', {
      id: a,
      event: { ...close('10.0.0.1:2', 'x'), type: 'have' },
    });
    clock.advance(250);
    clock.advance(250);
    const closes = updates()
      .map((u) => u.peerCloses?.map((e) => `${e.peer} ${e.detail}`))
      .filter((c) => c !== undefined);
    expect(closes).toEqual([['10.0.0.1:1 remote-closed']]);
    bridge.watch(a, ['log']);
    engine.emit('peer-event', { id: a, event: close('10.0.0.1:3', 'banned') });
    clock.advance(250);
    expect(updates().some((u) => u.peerCloses?.some((e) => e.detail === 'banned'))).toBe(false);
  });
});
