import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleRange } from './visible-range';

describe('visibleRange', () => {
  it('renders only the rows in view plus the overscan, padding the rest', () => {
    const r = visibleRange(3200, 320, 32, 1000, 5);
    expect(r).toEqual({ start: 95, end: 116, padTopPx: 95 * 32, padBottomPx: (1000 - 116) * 32 });
    expect(r.padTopPx + (r.end - r.start) * 32 + r.padBottomPx).toBe(1000 * 32);
  });
  it('clamps at both ends and handles empty lists', () => {
    expect(visibleRange(-50, 100, 20, 3, 2)).toEqual({
      start: 0,
      end: 3,
      padTopPx: 0,
      padBottomPx: 0,
    });
    expect(visibleRange(1e9, 100, 20, 10, 2)).toMatchObject({ start: 7, end: 10, padBottomPx: 0 });
    expect(visibleRange(0, 100, 20, 0, 2)).toEqual({
      start: 0,
      end: 0,
      padTopPx: 0,
      padBottomPx: 0,
    });
  });
});

describe('scrollToReveal', () => {
  it('scrolls up or down just enough, and not at all when the row is visible', () => {
    expect(scrollToReveal(5, 0, 200, 20)).toBeNull();
    expect(scrollToReveal(2, 100, 200, 20)).toBe(40);
    expect(scrollToReveal(12, 0, 200, 20)).toBe(60);
    expect(scrollToReveal(8, 0, 200, 20, 30)).toBe(10);
  });
});
