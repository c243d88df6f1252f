import { describe, expect, it } from 'vitest';
import { AnnounceRateLimiter } from './announce-rate-limiter';

describe('AnnounceRateLimiter', () => {
  it('allows a burst, then the sustained rate', () => {
    const r = new AnnounceRateLimiter({ perSec: 4, burst: 3, maxKeys: 10 });
    let now = 1_000_000;
    expect([1, 2, 3, 4].map(() => r.take(7, now))).toEqual([true, true, true, false]);
    now += 250; // one token at 4/s
    expect([r.take(7, now), r.take(7, now)]).toEqual([true, false]);
    now += 10_000; // idle: the bucket holds `burst`, not more
    expect([1, 2, 3, 4].map(() => r.take(7, now))).toEqual([true, true, true, false]);
    expect(r.take(8, now)).toBe(true);
  });

  it('holds at most maxKeys, forgetting keys not seen for a generation', () => {
    // Generations of 2 keys.
    const r = new AnnounceRateLimiter({ perSec: 1, burst: 1, maxKeys: 4 });
    const now = 5000;
    for (const k of [1, 2, 3]) expect(r.take(k, now)).toBe(true);
    expect(r.take(1, now)).toBe(false); // refused, and moved to the current generation
    expect(r.take(4, now)).toBe(true); // 2, not seen since, is dropped with its generation
    expect(r.size).toBe(3);
    expect(r.take(2, now)).toBe(true); // forgotten: a full bucket again
    expect(r.take(1, now)).toBe(false); // a host asking while refused stays remembered
    for (let k = 100; k < 10_000; k++) r.take(k, now);
    expect(r.size).toBeLessThanOrEqual(4);
    expect(r.take(9_999, now)).toBe(false);
  });
});
