import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

const T0 = 1_000_000;

describe('RateLimiter', () => {
  it('allows a burst, then the steady rate', () => {
    const r = new RateLimiter(10, 5, 100);
    const allowed = Array.from({ length: 8 }, () => r.allow('a', T0)).filter(Boolean).length;
    expect(allowed).toBe(5);
    expect(r.allow('a', T0 + 100)).toBe(true); // 100 ms at 10/s refills one
    expect(r.allow('a', T0 + 100)).toBe(false);
  });

  it('limits each key on its own', () => {
    const r = new RateLimiter(1, 1, 100);
    expect(r.allow('a', T0)).toBe(true);
    expect(r.allow('a', T0)).toBe(false);
    expect(r.allow('b', T0)).toBe(true);
  });

  it('keeps at most maxKeys buckets under a flood of sources', () => {
    const r = new RateLimiter(1, 1, 50);
    for (let i = 0; i < 10_000; i++) r.allow(`10.0.${i >> 8}.${i & 255}`, T0);
    expect(r.trackedKeys).toBe(50);
  });
});
