import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { STALLED_AFTER_MS, StallWatch } from './stall-watch';

/** The Stalled rule (issue 21) on a manual clock, observed once a second like the torrent tick. */
function run(w: StallWatch, clock: ManualClock, ms: number, wanting = true): void {
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    w.observe(wanting, clock.now());
  }
}

describe('StallWatch', () => {
  it('is stalled after 30 s of wanting data and receiving none, and names since when', () => {
    expect(STALLED_AFTER_MS).toBe(30_000);
    const clock = new ManualClock();
    const w = new StallWatch();
    w.observe(true, clock.now());
    const start = clock.now();
    run(w, clock, STALLED_AFTER_MS - 1000);
    expect(w.stalledSince(clock.now())).toBeNull();
    run(w, clock, 1000);
    expect(w.stalledSince(clock.now())).toBe(start);
  });

  it('data restarts the 30 s', () => {
    const clock = new ManualClock();
    const w = new StallWatch();
    w.observe(true, clock.now());
    run(w, clock, 25_000);
    w.received(clock.now());
    const at = clock.now();
    run(w, clock, 25_000);
    expect(w.stalledSince(clock.now())).toBeNull();
    run(w, clock, 5_000);
    expect(w.stalledSince(clock.now())).toBe(at);
  });

  it('is never stalled while not wanting, and starts afresh when it wants again', () => {
    const clock = new ManualClock();
    const w = new StallWatch();
    run(w, clock, 60_000, false);
    expect(w.stalledSince(clock.now())).toBeNull();
    w.observe(true, clock.now());
    run(w, clock, 40_000);
    expect(w.stalledSince(clock.now())).not.toBeNull();
    // Paused (reset) for a minute, then resumed: not stalled until 30 s more pass.
    w.reset();
    clock.advance(60_000);
    w.observe(true, clock.now());
    expect(w.stalledSince(clock.now())).toBeNull();
    run(w, clock, 29_000);
    expect(w.stalledSince(clock.now())).toBeNull();
  });

  it('data before wanting does not count as progress', () => {
    const clock = new ManualClock();
    const w = new StallWatch();
    w.received(clock.now());
    clock.advance(40_000);
    expect(w.stalledSince(clock.now())).toBeNull();
  });
});
