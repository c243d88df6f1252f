/** The scheduler keeps the latest reason per peer (issue 19), on a manual clock. */
import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../time/clock';
import { ChokeScheduler } from './choke-scheduler';
import { OPTIMISTIC_INTERVAL_MS } from './decide-unchokes';
import type { ChokerPeer } from './decide-unchokes';

function setup(slots: number) {
  const clock = new ManualClock();
  const peers = new Map<string, ChokerPeer>();
  const scheduler = new ChokeScheduler({
    clock,
    random: seededRandom(5),
    peers: () => [...peers.values()],
    seeding: () => false,
    apply: () => undefined,
    unchokeSlots: slots,
  });
  const add = (key: string, over: Partial<ChokerPeer> = {}): ChokerPeer => {
    const p: ChokerPeer = {
      key,
      interested: false,
      downRateBps: 0,
      upRateBps: 0,
      snubbed: false,
      connectedAt: clock.now(),
      ...over,
    };
    peers.set(key, p);
    return p;
  };
  return { clock, peers, scheduler, add };
}

describe('ChokeScheduler reasons', () => {
  it('stores the rechoke reasons, and undecided for a peer it has not seen', () => {
    const h = setup(1);
    h.add('fast', { interested: true, downRateBps: 5000 });
    h.add('slow', { interested: true, downRateBps: 10 });
    h.add('third', { interested: true, downRateBps: 1 });
    h.scheduler.start();
    expect(h.scheduler.reasonFor('fast')).toEqual({
      kind: 'regular',
      rank: 1,
      of: 3,
      slots: 1,
      by: 'download',
    });
    const opt = h.scheduler.optimisticKey() as string;
    const choked = opt === 'slow' ? 'third' : 'slow';
    expect(h.scheduler.reasonFor(choked).kind).toBe('outranked');
    expect(h.scheduler.reasonFor('newcomer')).toEqual({ kind: 'undecided' });
    h.scheduler.stop();
  });

  it('names a free slot or the optimistic slot taken between rechokes', () => {
    const h = setup(1);
    h.add('a');
    h.add('b');
    h.scheduler.start();
    expect(h.scheduler.reasonFor('a')).toEqual({ kind: 'not-interested' });
    h.clock.advance(1000);
    (h.peers.get('a') as ChokerPeer).interested = true;
    h.scheduler.onPeerInterested('a');
    expect(h.scheduler.reasonFor('a')).toEqual({ kind: 'free-slot', slots: 1 });
    (h.peers.get('b') as ChokerPeer).interested = true;
    h.scheduler.onPeerInterested('b');
    const at = h.clock.now();
    expect(h.scheduler.reasonFor('b')).toEqual({
      kind: 'optimistic',
      since: at,
      rotatesAt: at + OPTIMISTIC_INTERVAL_MS,
    });
    h.scheduler.stop();
  });

  it('says undecided for an interested peer with no room, and forgets a peer that left', () => {
    const h = setup(1);
    h.add('a', { interested: true, downRateBps: 100 });
    h.add('b', { interested: true });
    h.add('c');
    h.scheduler.start();
    (h.peers.get('c') as ChokerPeer).interested = true;
    h.scheduler.onPeerInterested('c');
    expect(h.scheduler.reasonFor('c')).toEqual({ kind: 'undecided' });
    h.peers.delete('a');
    h.scheduler.onPeerGone('a');
    expect(h.scheduler.reasonFor('a')).toEqual({ kind: 'undecided' });
    h.scheduler.stop();
    expect(h.scheduler.reasonFor('b')).toEqual({ kind: 'undecided' });
  });
});
