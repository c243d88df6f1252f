/** The reasons each decision of decideUnchokes carries (issue 19), one test per reason. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { OPTIMISTIC_INTERVAL_MS, decideUnchokes, initialChokerState } from './decide-unchokes';
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

/** Six interested peers with distinct download rates: p5 fastest, p0 slowest. */
const sixByRate = (): ChokerPeer[] =>
  [0, 1, 2, 3, 4, 5].map((r) => peer(`p${r}`, { downRateBps: (r + 1) * 1000 }));

describe('decideUnchokes reasons', () => {
  it('gives every peer a reason, and the unchoked ones an unchoking reason', () => {
    const peers = [...sixByRate(), peer('idle', { interested: false })];
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1));
    expect([...d.reasons.keys()].sort()).toEqual(peers.map((p) => p.key).sort());
    for (const [key, r] of d.reasons)
      expect(d.unchoke.has(key)).toBe(['regular', 'optimistic', 'unlimited'].includes(r.kind));
  });

  it('names rank, count and slots of a regular unchoke by download rate while leeching', () => {
    const d = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(1));
    expect(d.reasons.get('p5')).toEqual({
      kind: 'regular',
      rank: 1,
      of: 6,
      slots: 4,
      by: 'download',
    });
    expect(d.reasons.get('p2')).toEqual({
      kind: 'regular',
      rank: 4,
      of: 6,
      slots: 4,
      by: 'download',
    });
  });

  it('ranks by upload rate while seeding', () => {
    const peers = [1, 2, 3].map((r) => peer(`s${r}`, { upRateBps: r * 1000, downRateBps: 0 }));
    const d = decideUnchokes(
      peers,
      { ...initialChokerState(), seeding: true },
      NOW,
      seededRandom(1),
      {
        slots: 1,
      },
    );
    expect(d.reasons.get('s3')).toEqual({
      kind: 'regular',
      rank: 1,
      of: 3,
      slots: 1,
      by: 'upload',
    });
  });

  it('says a choked peer is outranked: rank past the slots', () => {
    const d = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(1));
    const chokedKey = ['p0', 'p1'].find((k) => k !== d.optimistic) as string;
    expect(d.unchoke.has(chokedKey)).toBe(false);
    expect(d.reasons.get(chokedKey)).toEqual({
      kind: 'outranked',
      rank: chokedKey === 'p1' ? 5 : 6,
      of: 6,
      slots: 4,
      by: 'download',
    });
  });

  it('names the optimistic slot with its start and its rotation time', () => {
    const d = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(1));
    expect(d.optimistic).not.toBeNull();
    expect(d.reasons.get(d.optimistic as string)).toEqual({
      kind: 'optimistic',
      since: NOW,
      rotatesAt: NOW + OPTIMISTIC_INTERVAL_MS,
    });
    // Kept 10 s later: the rotation time stays that of the first draw.
    const later = decideUnchokes(sixByRate(), d.state, NOW + 10_000, seededRandom(2));
    expect(later.reasons.get(d.optimistic as string)).toEqual({
      kind: 'optimistic',
      since: NOW,
      rotatesAt: NOW + OPTIMISTIC_INTERVAL_MS,
    });
  });

  it('says snubbed for a snubbed peer left out of the regular slots', () => {
    const peers = [peer('sn', { downRateBps: 9e6, snubbed: true }), ...sixByRate()];
    // Two draws: one where the snubbed peer is not the optimistic.
    for (let seed = 1; seed < 20; seed++) {
      const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(seed));
      if (d.optimistic === 'sn') continue;
      expect(d.reasons.get('sn')).toEqual({ kind: 'snubbed' });
      return;
    }
    throw new Error('the snubbed peer was the optimistic unchoke for every seed');
  });

  it('says not interested, and seed, for peers that want nothing', () => {
    const peers = [peer('a', { interested: false }), peer('b', { isSeed: true }), peer('c')];
    const d = decideUnchokes(peers, initialChokerState(), NOW, seededRandom(1));
    expect(d.reasons.get('a')).toEqual({ kind: 'not-interested' });
    expect(d.reasons.get('b')).toEqual({ kind: 'seed' });
  });

  it('says unlimited with -1 slots and no slots with 0', () => {
    const unlimited = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(1), {
      slots: -1,
    });
    expect(unlimited.reasons.get('p0')).toEqual({ kind: 'unlimited' });
    const none = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(1), {
      slots: 0,
    });
    expect(none.unchoke.size).toBe(0);
    expect(none.reasons.get('p5')).toEqual({ kind: 'no-slots' });
  });

  it('explaining changes no decision: the same seed gives the same set as before', () => {
    // The reasons are read after the draw; a second run with the same seed agrees exactly.
    const a = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(9));
    const b = decideUnchokes(sixByRate(), initialChokerState(), NOW, seededRandom(9));
    expect([...a.unchoke].sort()).toEqual([...b.unchoke].sort());
    expect(a.optimistic).toBe(b.optimistic);
  });
});
