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

  it('does not grow for ever: a long seed holds at most maxKeys peers, and none older than memoryMs', () => {
    const clock = new ManualClock();
    const s = new ServedPeers(1000, 60_000);
    // A day of seeding, a new peer every 100 ms: 864,000 distinct peers.
    for (let i = 0; i < 864_000; i++) {
      s.add(`peer-${i}`, clock.now());
      clock.advance(100);
    }
    expect(s.size).toBe(864_000);
    expect(s.remembered).toBe(600); // the last minute's
    // A burst beyond maxKeys is cut at maxKeys.
    for (let i = 0; i < 5000; i++) s.add(`burst-${i}`, clock.now());
    expect(s.remembered).toBe(1000);
  });

  it('forgets a peer not served for memoryMs, and counts it again when it returns', () => {
    const clock = new ManualClock();
    const s = new ServedPeers(100, 60_000);
    s.add('a', clock.now());
    clock.advance(59_000);
    s.add('b', clock.now());
    s.add('a', clock.now()); // served again: remembered from now
    clock.advance(59_000);
    s.add('c', clock.now()); // b (last served 59 s ago) is kept, nothing is older than a minute
    expect(s.remembered).toBe(3);
    clock.advance(2_000);
    s.add('d', clock.now()); // a and b are now 61 s old
    expect(s.remembered).toBe(2);
    s.add('a', clock.now());
    expect(s.size).toBe(5);
  });
});
