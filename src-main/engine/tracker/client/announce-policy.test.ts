import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../time/clock';
import {
  FORCED_FLOOR_MS,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  earliestAnnounceAt,
  nextAnnounceAt,
} from './announce-policy';
import type { AnnounceTiming } from './announce-policy';
import { buildGroups, promote } from './tiers';

const t0 = 1_000_000;
const timing = (over: Partial<AnnounceTiming>): AnnounceTiming => ({
  lastAnnounceAt: t0,
  intervalSec: 1800,
  minIntervalSec: 60,
  failures: 0,
  ...over,
});

describe('nextAnnounceAt', () => {
  it('announces at once when never announced', () => {
    expect(nextAnnounceAt(timing({ lastAnnounceAt: null }), t0)).toBe(t0);
  });

  it('waits the tracker interval after a success', () => {
    expect(nextAnnounceAt(timing({}), t0 + 5)).toBe(t0 + 1_800_000);
  });

  it('clamps absurd intervals from the tracker', () => {
    expect(nextAnnounceAt(timing({ intervalSec: 1, minIntervalSec: null }), t0)).toBe(t0 + 30_000);
    expect(nextAnnounceAt(timing({ intervalSec: 10 ** 9 }), t0)).toBe(t0 + 6 * 3600_000);
    expect(nextAnnounceAt(timing({ intervalSec: null, minIntervalSec: null }), t0)).toBe(
      t0 + 1_800_000,
    );
  });

  it('backs off exponentially after failed rounds, capped, never before min interval', () => {
    expect(nextAnnounceAt(timing({ failures: 1, minIntervalSec: null }), t0)).toBe(
      t0 + RETRY_BASE_MS,
    );
    expect(nextAnnounceAt(timing({ failures: 2, minIntervalSec: null }), t0)).toBe(
      t0 + 2 * RETRY_BASE_MS,
    );
    expect(nextAnnounceAt(timing({ failures: 3, minIntervalSec: null }), t0)).toBe(
      t0 + 4 * RETRY_BASE_MS,
    );
    expect(nextAnnounceAt(timing({ failures: 50 }), t0)).toBe(t0 + RETRY_MAX_MS);
    expect(nextAnnounceAt(timing({ failures: 1, minIntervalSec: 60 }), t0)).toBe(t0 + 60_000);
  });
});

describe('earliestAnnounceAt (announceNow)', () => {
  it('honours min interval unless forced; a forced announce keeps a floor', () => {
    expect(earliestAnnounceAt(timing({}), false)).toBe(t0 + 60_000);
    expect(earliestAnnounceAt(timing({}), true)).toBe(t0 + FORCED_FLOOR_MS);
    expect(earliestAnnounceAt(timing({ minIntervalSec: 0 }), false)).toBe(t0 + FORCED_FLOOR_MS);
    expect(earliestAnnounceAt(timing({ lastAnnounceAt: null }), false)).toBe(0);
  });
});

describe('tiers (BEP 12)', () => {
  const list = [
    ['a1', 'a2', 'a3', 'a4'],
    ['b1', 'b2'],
  ];

  it('shuffles within each tier only, once, and drops duplicates', () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const g = buildGroups([...list, ['a1', 'c1']], false, seededRandom(seed));
      expect(g).toHaveLength(3);
      expect(g[0]?.trackers.map((t) => t.url).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
      expect(g[2]?.trackers.map((t) => t.url)).toEqual(['c1']);
      orders.add(g[0]?.trackers.map((t) => t.url).join() ?? '');
    }
    expect(orders.size).toBeGreaterThan(5);
  });

  it('makes one group of all tiers, in tier order, for a private torrent (BEP 27)', () => {
    const [g, ...rest] = buildGroups(list, true, seededRandom(1));
    expect(rest).toEqual([]);
    expect(g?.trackers.map((t) => t.tier)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('promotes a tracker to the front of its own tier', () => {
    const [g] = buildGroups(list, true, seededRandom(1));
    if (!g) throw new Error('no group');
    const b = g.trackers[5]?.url;
    promote(g, 5);
    expect(g.trackers[4]?.url).toBe(b);
    expect(g.trackers.map((t) => t.tier)).toEqual([0, 0, 0, 0, 1, 1]);
    const a = g.trackers[2]?.url;
    promote(g, 2);
    expect(g.trackers[0]?.url).toBe(a);
  });
});
