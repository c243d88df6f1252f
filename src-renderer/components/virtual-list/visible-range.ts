/**
 * Which rows of a fixed-row-height list are on screen, plus an overscan on both sides, so a
 * list of 100k rows renders only the few dozen the viewport shows.
 * Invariant: 0 <= start <= end <= count, and padTop + rendered rows + padBottom = count * rowPx.
 */
export interface VisibleRange {
  start: number;
  /** Exclusive. */
  end: number;
  padTopPx: number;
  padBottomPx: number;
}

export function visibleRange(
  scrollTopPx: number,
  viewportPx: number,
  rowPx: number,
  count: number,
  overscanRows: number,
): VisibleRange {
  if (count <= 0 || rowPx <= 0) return { start: 0, end: 0, padTopPx: 0, padBottomPx: 0 };
  const top = Math.max(0, scrollTopPx);
  const first = Math.min(count - 1, Math.floor(top / rowPx));
  const shown = Math.ceil(Math.max(0, viewportPx) / rowPx) + 1;
  const start = Math.max(0, first - overscanRows);
  const end = Math.min(count, first + shown + overscanRows);
  return { start, end, padTopPx: start * rowPx, padBottomPx: (count - end) * rowPx };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToReveal(
  index: number,
  scrollTopPx: number,
  viewportPx: number,
  rowPx: number,
  headerPx = 0,
): number | null {
  const rowTop = index * rowPx;
  const rowBottom = rowTop + rowPx;
  const visibleTop = scrollTopPx;
  const visibleBottom = scrollTopPx + viewportPx - headerPx;
  if (rowTop < visibleTop) return rowTop;
  if (rowBottom > visibleBottom) return rowBottom - (viewportPx - headerPx);
  return null;
}
