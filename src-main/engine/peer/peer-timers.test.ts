import { describe, expect, it } from 'vitest';
import { PeerTimers } from './peer-timers';

const T0 = 1_000_000;
const limits = { idleMs: 150_000, keepAliveIntervalMs: 90_000, frameMs: 60_000 };

describe('PeerTimers rules', () => {
  it('a peer silent for idleMs is gone, in any phase', () => {
    const t = new PeerTimers(limits, T0);
    expect(t.tick(T0 + 149_000, false, 0)).toBeNull();
    expect(t.tick(T0 + 150_000, false, 0)).toBe('idle');
  });

  it('a keep-alive is due after keepAliveIntervalMs without a write of ours', () => {
    const t = new PeerTimers(limits, T0);
    t.received(T0 + 80_000);
    expect(t.tick(T0 + 89_000, true, 0)).toBeNull();
    expect(t.tick(T0 + 90_000, true, 0)).toBe('keep-alive');
    t.wrote();
    expect(t.tick(T0 + 91_000, true, 0)).toBeNull(); // the tick dates the write
    expect(t.tick(T0 + 180_000, true, 0)).toBeNull();
    expect(t.tick(T0 + 181_000, true, 0)).toBe('keep-alive');
    expect(t.tick(T0 + 230_000, true, 0)).toBe('idle');
  });

  it('the same partial frame for frameMs is overdue, though bytes keep arriving', () => {
    const t = new PeerTimers(limits, T0);
    for (let s = 1; s < 60; s++) {
      t.received(T0 + s * 1_000);
      t.wrote();
      expect(t.tick(T0 + s * 1_000, true, 7)).toBeNull();
    }
    t.received(T0 + 61_000);
    expect(t.tick(T0 + 61_000, true, 7)).toBe('frame-overdue');
    expect(t.frameAgeMs(T0 + 61_000)).toBe(60_000);
  });

  it('a new frame restarts the frame clock; none in progress is never overdue', () => {
    const t = new PeerTimers(limits, T0);
    t.tick(T0, true, 1);
    t.received(T0 + 59_000);
    t.tick(T0 + 59_000, true, 2);
    t.received(T0 + 100_000);
    t.wrote();
    expect(t.tick(T0 + 100_000, true, 2)).toBeNull();
    expect(t.tick(T0 + 119_000, true, 2)).toBe('frame-overdue');
    const idle = new PeerTimers(limits, T0);
    idle.tick(T0, true, 0);
    idle.received(T0 + 100_000);
    idle.wrote();
    expect(idle.tick(T0 + 100_000, true, 0)).toBeNull();
  });
});
