import { describe, expect, it } from 'vitest';
import { chartPaths, chartSlots, niceTopBps } from './rate-chart-path';
import { formatRelative, formatSince } from './relative-time';

describe('rate chart', () => {
  it('picks a 1-2-5 top in the binary unit of the peak, at least 1 KiB/s', () => {
    expect(niceTopBps(0)).toBe(1024);
    expect(niceTopBps(3_000)).toBe(5 * 1024);
    expect(niceTopBps(5 * 1024)).toBe(5 * 1024);
    expect(niceTopBps(1.5 * 1024 * 1024)).toBe(2 * 1024 * 1024);
    expect(niceTopBps(700 * 1024)).toBe(1000 * 1024);
    expect(niceTopBps(1010 * 1024)).toBe(1024 * 1024);
    expect(chartSlots(5)).toBe(60);
    expect(chartSlots(120)).toBe(120);
    expect(chartSlots(900)).toBe(300);
  });
  it('right-aligns the newest sample and scales values to the height', () => {
    const { line, area } = chartPaths([0, 50, 100], 100, 10, 100, 3);
    expect(line).toBe('M0.0,10.0L50.0,5.0L100.0,0.0');
    expect(area).toBe(`${line}L100.0,10L0.0,10Z`);
    expect(chartPaths([100], 100, 10, 100, 3).line).toBe('M100.0,0.0');
    expect(chartPaths([], 100, 10, 100, 3)).toEqual({ line: '', area: '' });
  });
});

describe('relative times', () => {
  it('says ago, in, and now', () => {
    expect(formatRelative(null, 0)).toBe('—');
    expect(formatRelative(1_000_000, 1_000_200)).toBe('now');
    expect(formatRelative(1_000_000 - 75_000, 1_000_000)).toBe('1m 15s ago');
    expect(formatRelative(1_000_000 + 1_800_000, 1_000_000)).toBe('in 30m 00s');
    expect(formatSince(0, 3_600_000)).toBe('1h 00m');
  });
});
