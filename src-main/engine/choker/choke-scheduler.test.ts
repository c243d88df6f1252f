import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../time/clock';
import { ChokeScheduler } from './choke-scheduler';
import { OPTIMISTIC_INTERVAL_MS, RECHOKE_INTERVAL_MS } from './decide-unchokes';
import type { ChokerPeer } from './decide-unchokes';

interface Harness {
  clock: ManualClock;
  peers: Map<string, ChokerPeer>;
  scheduler: ChokeScheduler;
  applied: { at: number; unchoke: string[]; optimistic: string | null }[];
  seeding: { value: boolean };
}

function harness(unchokeSlots?: number): Harness {
  const clock = new ManualClock();
  const peers = new Map<string, ChokerPeer>();
  const applied: Harness['applied'] = [];
  const seeding = { value: false };
  const scheduler = new ChokeScheduler({
    clock,
    random: seededRandom(5),
    peers: () => [...peers.values()],
    seeding: () => seeding.value,
    apply: (unchoke, optimistic) =>
      applied.push({ at: clock.now(), unchoke: [...unchoke].sort(), optimistic }),
    ...(unchokeSlots !== undefined ? { unchokeSlots } : {}),
  });
  return { clock, peers, scheduler, applied, seeding };
}

function add(h: Harness, key: string, over: Partial<ChokerPeer> = {}): ChokerPeer {
  const p: ChokerPeer = {
    key,
    interested: false,
    downRateBps: 0,
    upRateBps: 0,
    snubbed: false,
    connectedAt: h.clock.now(),
    ...over,
  };
  h.peers.set(key, p);
  return p;
}

describe('ChokeScheduler', () => {
  it('rechokes every 10 s and rotates the optimistic unchoke every 30 s', () => {
    const h = harness();
    for (let i = 0; i < 10; i++)
      add(h, `p${i}`, { interested: true, downRateBps: i < 4 ? 1e6 : 0 });
    h.scheduler.start();
    const optimistics: (string | null)[] = [];
    for (let t = 0; t < 10; t++) {
      h.clock.advance(RECHOKE_INTERVAL_MS);
      optimistics.push(h.scheduler.optimisticKey());
    }
    // start + 10 rechokes, 100 s of protocol time
    expect(h.applied).toHaveLength(11);
    expect(h.applied.map((a) => a.at - (h.applied[0]?.at ?? 0))).toEqual(
      Array.from({ length: 11 }, (_, i) => i * RECHOKE_INTERVAL_MS),
    );
    for (const a of h.applied) {
      expect(a.unchoke).toEqual(expect.arrayContaining(['p0', 'p1', 'p2', 'p3']));
      expect(a.unchoke).toHaveLength(5);
    }
    // the optimistic changes exactly at 30 s boundaries
    const changes = optimistics.filter((o, i) => i > 0 && o !== optimistics[i - 1]).length;
    expect(OPTIMISTIC_INTERVAL_MS / RECHOKE_INTERVAL_MS).toBe(3);
    expect(changes).toBe(3);
    h.scheduler.stop();
    expect(h.clock.pending).toBe(0);
  });

  it('unchokes a new interested peer promptly when a slot is free', () => {
    const h = harness();
    h.scheduler.start();
    h.clock.advance(1_000);
    const p = add(h, 'late');
    p.interested = true;
    h.scheduler.onPeerInterested('late');
    expect(h.applied.at(-1)).toEqual({ at: h.clock.now(), unchoke: ['late'], optimistic: null });
    h.scheduler.stop();
  });

  it('a newcomer takes the optimistic slot when regular slots are full and none is held', () => {
    const h = harness(2);
    add(h, 'a', { interested: true, downRateBps: 5 });
    add(h, 'b', { interested: true, downRateBps: 6 });
    h.scheduler.start();
    expect(h.applied.at(-1)?.unchoke).toEqual(['a', 'b']);
    add(h, 'c', { interested: true });
    h.scheduler.onPeerInterested('c');
    expect(h.applied.at(-1)).toMatchObject({ unchoke: ['a', 'b', 'c'], optimistic: 'c' });
    add(h, 'd', { interested: true });
    const before = h.applied.length;
    h.scheduler.onPeerInterested('d');
    expect(h.applied.length).toBe(before); // waits for the next rechoke
    h.scheduler.stop();
  });

  it('a slot freed by a departing or uninterested peer is refilled at once', () => {
    const h = harness(1);
    add(h, 'a', { interested: true, downRateBps: 10 });
    add(h, 'b', { interested: true, downRateBps: 5 });
    add(h, 'c', { interested: true, downRateBps: 1 });
    h.scheduler.start();
    const first = h.applied.at(-1);
    expect(first?.unchoke).toContain('a');
    h.clock.advance(2_000);
    h.peers.delete('a');
    h.scheduler.onPeerGone('a');
    expect(h.applied.at(-1)?.unchoke).toContain('b');
    expect(h.applied.at(-1)?.at).toBe(h.clock.now());
    (h.peers.get('b') as ChokerPeer).interested = false;
    h.scheduler.onPeerInterested('b');
    expect(h.applied.at(-1)?.unchoke).toEqual(['c']);
    h.scheduler.stop();
  });

  it('unlimited slots unchoke every interested peer immediately', () => {
    const h = harness(-1);
    h.seeding.value = true;
    h.scheduler.start();
    for (let i = 0; i < 50; i++) {
      add(h, `p${i}`, { interested: true });
      h.scheduler.onPeerInterested(`p${i}`);
    }
    expect(h.applied.at(-1)?.unchoke).toHaveLength(50);
    h.clock.advance(RECHOKE_INTERVAL_MS);
    expect(h.applied.at(-1)?.unchoke).toHaveLength(50);
    h.scheduler.stop();
    h.scheduler.onPeerInterested('p1');
    expect(h.clock.pending).toBe(0);
  });
});
