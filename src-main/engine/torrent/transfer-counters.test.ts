import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import { TransferCounters } from './transfer-counters';

describe('TransferCounters', () => {
  it('counts all-time totals from the earlier runs', () => {
    const c = new TransferCounters(new ManualClock(), { uploadedBytes: 100, downloadedBytes: 50 });
    c.sent('a', 10);
    c.received(7);
    expect(c.uploadedBytes).toBe(110);
    expect(c.downloadedBytes).toBe(57);
  });

  it('tells trackers only what this run moved', () => {
    const c = new TransferCounters(new ManualClock(), { uploadedBytes: 100, downloadedBytes: 50 });
    c.sent('a', 10);
    c.received(7);
    expect(c.thisRun()).toEqual({ uploaded: 10, downloaded: 7 });
  });

  it('counts seconds active only while started, on top of earlier runs', () => {
    const clock = new ManualClock();
    const c = new TransferCounters(clock, {
      uploadedBytes: 0,
      downloadedBytes: 0,
      activeSeconds: 100,
    });
    c.setActive(true);
    clock.advance(5_500);
    expect(c.activeSeconds).toBe(105);
    c.setActive(false);
    clock.advance(60_000);
    c.setActive(true);
    clock.advance(1_000);
    expect(c.activeSeconds).toBe(106);
  });

  it('counts a peer served twice once', () => {
    const c = new TransferCounters(new ManualClock());
    c.sent('a', 1);
    c.sent('a', 1);
    c.sent('b', 1);
    expect(c.peersServed).toBe(2);
  });

  it('measures rates from what moved in the window', () => {
    const clock = new ManualClock();
    const c = new TransferCounters(clock);
    clock.advance(1000);
    c.received(4000);
    expect(c.downRateBps()).toBeGreaterThan(0);
    expect(c.upRateBps()).toBe(0);
  });

  it('keeps only the newest upload-rate samples', () => {
    const clock = new ManualClock();
    const c = new TransferCounters(clock, undefined, 3);
    for (let i = 0; i < 5; i++) {
      c.sent('a', 1000);
      clock.advance(1000);
      c.sampleUpRate();
    }
    expect(c.upRateHistoryBps).toHaveLength(3);
    expect(c.upRateHistoryBps.every((bps) => bps > 0)).toBe(true);
  });
});
