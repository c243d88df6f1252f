import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import {
  OPTIMISTIC_INTERVAL_MS,
  REGULAR_UNCHOKE_SLOTS,
  decideUnchokes,
  initialChokerState,
} from './decide-unchokes';
import type { ChokerPeer } from './decide-unchokes';

const NOW = 1_000_000;

function peer(key: string, over: Partial<ChokerPeer> = {}): ChokerPeer {
  return {
    key,
    interested: true,
    downRateBps: 0,
    upRateBps: 0,
    snubbed: false,
    connectedAt: NOW - 600_000,
    ...over,
  };
}

describe('decideUnchokes', () => {
  it('gives the four regular slots to the fastest uploaders to us while leeching', () => {
    const peers = [10, 50, 20, 40, 30, 5].map((r, i) => peer(`p${i}`, { downRateBps: r * 1000 }));
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1));
    expect(REGULAR_UNCHOKE_SLOTS).toBe(4);
    const regular = [...d.unchoke].filter((k) => k !== d.optimistic);
    expect(regular.sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(['p0', 'p5']).toContain(d.optimistic);
    expect(d.unchoke.size).toBe(5);
  });

  it('ranks by our upload rate to the peer while seeding', () => {
    const peers = [1, 2, 3, 4, 5].map((r, i) =>
      peer(`p${i}`, { upRateBps: r * 1000, downRateBps: (10 - r) * 1000 }),
    );
    const state = { ...initialChokerState(), seeding: true };
    const d = decideUnchokes(peers, state, NOW, seededRandom(1));
    expect([...d.unchoke].filter((k) => k !== d.optimistic).sort()).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    expect(d.optimistic).toBe('p0');
  });

  it('never unchokes uninterested peers or seeds', () => {
    const peers = [
      peer('a', { interested: false, downRateBps: 9e6 }),
      peer('b', { isSeed: true, downRateBps: 9e6 }),
      peer('c'),
    ];
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1));
    expect([...d.unchoke]).toEqual(['c']);
  });

  it('snubbed peers lose regular slots while leeching', () => {
    const peers = [
      peer('fast-but-snubbed', { downRateBps: 9e6, snubbed: true }),
      ...[1, 2, 3, 4].map((r) => peer(`p${r}`, { downRateBps: r })),
    ];
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1));
    expect([...d.unchoke].filter((k) => k !== d.optimistic).sort()).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    // It may still be the optimistic unchoke: that is how a snubbed peer gets another chance.
    expect(d.optimistic).toBe('fast-but-snubbed');
  });

  it('keeps the optimistic unchoke for 30 s, then rotates', () => {
    const peers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => peer(k));
    peers.slice(0, 4).forEach((p, i) => (p.downRateBps = 1000 * (i + 1)));
    const first = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(2));
    const o = first.optimistic;
    expect(['e', 'f', 'g']).toContain(o);
    const same = decideUnchokes(
      peers,
      first.state,
      NOW + OPTIMISTIC_INTERVAL_MS - 1,
      seededRandom(3),
    );
    expect(same.optimistic).toBe(o);
    const next = decideUnchokes(peers, same.state, NOW + OPTIMISTIC_INTERVAL_MS, seededRandom(4));
    expect(next.optimistic).not.toBe(o);
    expect(next.state.optimisticSince).toBe(NOW + OPTIMISTIC_INTERVAL_MS);
  });

  it('weights newly connected peers three times for the optimistic unchoke', () => {
    const peers = [
      ...[1, 2, 3, 4].map((r) => peer(`fast${r}`, { downRateBps: 1e6 * r })),
      peer('old'),
      peer('new', { connectedAt: NOW - 5_000 }),
    ];
    const counts = new Map<string, number>();
    const rnd = seededRandom(7);
    for (let i = 0; i < 4000; i++) {
      const d = decideUnchokes(peers, initialChokerState(), NOW, rnd);
      counts.set(d.optimistic as string, (counts.get(d.optimistic as string) ?? 0) + 1);
    }
    const ratio = (counts.get('new') ?? 0) / (counts.get('old') ?? 1);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
  });

  it('unlimited slots unchoke every interested peer', () => {
    const peers = Array.from({ length: 30 }, (_, i) => peer(`p${i}`, { interested: i % 3 !== 0 }));
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1), { slots: -1 });
    expect(d.unchoke.size).toBe(20);
    expect(d.optimistic).toBeNull();
  });

  it('random tie-break among equal rates', () => {
    const peers = Array.from({ length: 10 }, (_, i) => peer(`p${i}`));
    const seen = new Set<string>();
    for (let s = 1; s < 20; s++) {
      for (const k of decideUnchokes(peers, initialChokerState(), NOW, seededRandom(s)).unchoke)
        seen.add(k);
    }
    expect(seen.size).toBe(10);
  });
});
