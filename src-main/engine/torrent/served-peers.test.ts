import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { ServedPeers } from './served-peers';

describe('ServedPeers', () => {
  it('counts each peer once while it is remembered', () => {
    const clock = new ManualClock();
    const s = new ServedPeers(100, 60_000);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) s.add(`10.0.0.${i}:6881`, clock.now());
      clock.advance(1000);
    }
    expect(s.size).toBe(10);
    expect(s.remembered).toBe(10);
  });

  it('does not grow for ever: a long seed holds at most maxKeys peers', () => {
    const clock = new ManualClock();
    const s = new ServedPeers(1000, 60_000);
    // A day of seeding, a new peer every 100 ms: 864,000 distinct peers (the old Set held all).
    for (let i = 0; i < 864_000; i++) {
      s.add(`peer-${i}`, clock.now());
      clock.advance(100);
    }
    expect(s.size).toBe(864_000);
    expect(s.remembered).toBeLessThanOrEqual(1000);
    // Slower, a new peer every 10 s: the memory span, not maxKeys, bounds what is held.
    for (let i = 0; i < 1000; i++) {
      s.add(`slow-${i}`, clock.now());
      clock.advance(10_000);
    }
    expect(s.remembered).toBeLessThanOrEqual(12);
    expect(s.size).toBe(865_000);
  });

  it('forgets a peer not served for memoryMs, and counts it again when it returns', () => {
    const clock = new ManualClock();
    const s = new ServedPeers(100, 60_000);
    s.add('a', clock.now());
    s.add('b', clock.now());
    clock.advance(59_000);
    s.add('a', clock.now()); // within the memory span: the same peer
    expect(s.size).toBe(2);
    clock.advance(59_000);
    s.add('a', clock.now()); // 59 s since it was last served: still the same peer
    expect(s.size).toBe(2);
    s.add('b', clock.now()); // 118 s since: forgotten, counts again
    expect(s.size).toBe(3);
    clock.advance(60_001);
    s.add('a', clock.now()); // just over the span: counts again
    expect(s.size).toBe(4);
  });
});
