import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('measures a steady rate over the window', () => {
    const clock = new ManualClock(0);
    const meter = new RateMeter(clock, 5000);
    for (let t = 0; t < 20_000; t += 100) {
      meter.add(100_000); // 1 MB/s
      clock.advance(100);
    }
    expect(meter.rateBps()).toBeGreaterThan(0.95e6);
    expect(meter.rateBps()).toBeLessThan(1.05e6);
    expect(meter.total).toBe(200 * 100_000);
  });

  it('is accurate before the window has filled', () => {
    const clock = new ManualClock(0);
    const meter = new RateMeter(clock);
    for (let t = 0; t < 2000; t += 50) {
      clock.advance(50);
      meter.add(25_000); // 500 kB/s
    }
    expect(meter.rateBps()).toBeGreaterThan(0.47e6);
    expect(meter.rateBps()).toBeLessThan(0.53e6);
  });

  it('does not spike on the first block', () => {
    const clock = new ManualClock(0);
    const meter = new RateMeter(clock);
    clock.advance(1);
    meter.add(16_384);
    expect(meter.rateBps()).toBeLessThanOrEqual(16_384 * 2);
  });

  it('decays to zero after the window passes', () => {
    const clock = new ManualClock(0);
    const meter = new RateMeter(clock, 5000);
    meter.add(1_000_000);
    clock.advance(2_000);
    expect(meter.rateBps()).toBeGreaterThan(0);
    clock.advance(5_000);
    expect(meter.rateBps()).toBe(0);
    clock.advance(60_000);
    meter.add(5000);
    clock.advance(1000);
    expect(meter.rateBps()).toBeGreaterThan(0);
    expect(meter.total).toBe(1_005_000);
  });
});
