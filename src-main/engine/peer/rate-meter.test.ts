import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('reports bytes per second over its window and forgets old bytes', () => {
    const clock = new ManualClock(0);
    const m = new RateMeter(clock, { windowMs: 2_000, bucketMs: 100 });
    for (let i = 0; i < 40; i++) {
      m.add(1_000);
      clock.advance(100);
    }
    // 1,000 bytes every 100 ms = 10,000 B/s, once the window is full.
    expect(m.rateBps()).toBeCloseTo(10_000, -2);
    expect(m.total).toBe(40_000);
    clock.advance(2_100);
    expect(m.rateBps()).toBe(0);
    clock.advance(60_000);
    m.add(500);
    // The window is 19 full buckets plus the current, just-started one.
    expect(m.rateBps()).toBeCloseTo(500 / 1.9, 0);
  });

  it('does not under-report while younger than its window', () => {
    const clock = new ManualClock(0);
    const m = new RateMeter(clock, { windowMs: 5_000, bucketMs: 250 });
    m.add(10_000);
    clock.advance(1_000);
    expect(m.rateBps()).toBeCloseTo(10_000, 0);
  });
});
