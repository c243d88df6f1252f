import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { LinkedBucket } from './linked-bucket';
import { TokenBucket } from './token-bucket';

/** Bytes granted by taking 16 KiB at a time for `ms` milliseconds in 10 ms steps. */
function drain(clock: ManualClock, bucket: TokenBucket, ms: number): number {
  let total = 0;
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    total += bucket.take(16 * 1024);
  }
  return total;
}

describe('LinkedBucket: a per-torrent limit under the global one (issue 21)', () => {
  it('holds a torrent to its own rate when the global one is higher', () => {
    const clock = new ManualClock(0);
    const global = new TokenBucket(clock, 1_000_000);
    const own = new LinkedBucket(clock, 100_000, global);
    drain(clock, own, 1000); // spend the initial bursts
    const got = drain(clock, own, 10_000);
    expect(got).toBeGreaterThan(100_000 * 10 * 0.95);
    expect(got).toBeLessThan(100_000 * 10 * 1.05);
  });

  it('holds it to the global rate when that is lower, and charges the global bucket', () => {
    const clock = new ManualClock(0);
    const global = new TokenBucket(clock, 50_000);
    const own = new LinkedBucket(clock, 100_000, global);
    drain(clock, own, 2000);
    const got = drain(clock, own, 10_000);
    expect(got).toBeLessThan(50_000 * 10 * 1.05);
    // What the torrent took, the global bucket no longer has to give.
    expect(global.available()).toBeLessThan(16 * 1024);
  });

  it('with no own rate it is the global bucket alone; 0 everywhere is unlimited', () => {
    const clock = new ManualClock(0);
    const global = new TokenBucket(clock, 0);
    const own = new LinkedBucket(clock, 0, global);
    expect(own.rateBps).toBe(0);
    expect(own.take(10_000_000)).toBe(10_000_000);
    own.setRate(64 * 1024);
    expect(own.rateBps).toBe(64 * 1024);
    expect(own.ownRateBps).toBe(64 * 1024);
  });
});
