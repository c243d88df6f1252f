import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('tracker RateMeter', () => {
  it('averages whole seconds over its window, counting the current second later', () => {
    const m = new RateMeter(5);
    const t0 = 1_764_000_000_000; // an epoch-sized clock, as the server's
    for (let s = 0; s < 5; s++) for (let i = 0; i < 10 * (s + 1); i++) m.record(t0 + s * 1000 + i);
    expect(m.perSec(t0 + 4999)).toBe((10 + 20 + 30 + 40) / 5);
    expect(m.perSec(t0 + 5000)).toBe((10 + 20 + 30 + 40 + 50) / 5);
  });

  it('reuses a slot for a new second and forgets the old count', () => {
    const m = new RateMeter(2);
    m.record(0, 7);
    m.record(1000, 1);
    m.record(2000, 3); // slot of second 0
    expect(m.perSec(3000)).toBe((1 + 3) / 2);
    m.record(1500, 2); // late, for a second still in the window
    expect(m.perSec(3000)).toBe((3 + 3) / 2);
  });
});
