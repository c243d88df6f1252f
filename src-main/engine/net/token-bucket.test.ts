import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { TokenBucket, consumeAll, takeAll, waitMsAll } from './token-bucket';

describe('TokenBucket', () => {
  it('unlimited when the rate is 0', () => {
    const bucket = new TokenBucket(new ManualClock(), 0);
    expect(bucket.tryTake(1e12)).toBe(true);
    expect(bucket.take(5e9)).toBe(5e9);
    expect(bucket.waitMs(1e9)).toBe(0);
  });

  it('holds a long-run rate over a minute of simulated time', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 100_000, 16_384);
    let sent = 0;
    for (let guard = 0; guard < 100_000 && clock.now() < 1_000_000 + 60_000; guard++) {
      const wait = bucket.waitMs(16_384);
      if (wait > 0) clock.advance(wait);
      else sent += bucket.take(16_384);
    }
    // 60 s at 100 kB/s plus the initial burst
    expect(sent).toBeGreaterThan(6_000_000 - 16_384);
    expect(sent).toBeLessThanOrEqual(6_000_000 + 2 * 16_384);
  });

  it('take grants what is available; tryTake is all or nothing', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 1000, 5000);
    expect(bucket.take(3000)).toBe(3000);
    expect(bucket.tryTake(3000)).toBe(false);
    expect(bucket.take(3000)).toBe(2000);
    expect(bucket.waitMs(500)).toBe(500);
    clock.advance(500);
    expect(bucket.tryTake(500)).toBe(true);
    // refill stops at the burst
    clock.advance(60_000);
    expect(bucket.take(1e9)).toBe(5000);
  });

  it('consumed bytes put the bucket in debt that refill repays', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 10_000, 10_000);
    bucket.consume(30_000);
    expect(bucket.waitMs(1)).toBe(2001);
    clock.advance(2001);
    expect(bucket.take(100)).toBe(10);
  });

  it('setRate changes the refill and lifting the limit frees everything', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 1000, 1000);
    bucket.take(1000);
    bucket.setRate(2000);
    expect(bucket.waitMs(1000)).toBe(500);
    bucket.setRate(0);
    expect(bucket.tryTake(1e9)).toBe(true);
    bucket.setRate(1000);
    expect(bucket.available()).toBeLessThanOrEqual(1000);
    expect(() => bucket.setRate(-1)).toThrow(RangeError);
  });

  it('global and per-torrent buckets compose: the slowest governs', () => {
    const clock = new ManualClock();
    const global = new TokenBucket(clock, 200_000, 20_000);
    const torrentA = new TokenBucket(clock, 50_000, 10_000);
    const torrentB = new TokenBucket(clock, 0);
    let sentA = 0;
    let sentB = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      sentA += takeAll([global, torrentA], 4096);
      sentB += takeAll([global, torrentB], 4096);
      clock.advance(10);
    }
    // A is held to its own 50 kB/s; B gets the rest of the global 200 kB/s
    expect(sentA).toBeGreaterThan(480_000);
    expect(sentA).toBeLessThanOrEqual(510_000);
    expect(sentA + sentB).toBeGreaterThan(1_950_000);
    expect(sentA + sentB).toBeLessThanOrEqual(2_020_000);
    consumeAll([global, torrentA], 100_000);
    expect(waitMsAll([global, torrentA], 1000)).toBe(torrentA.waitMs(1000));
    expect(waitMsAll([global, torrentA], 1000)).toBeGreaterThan(1000);
  });
});
