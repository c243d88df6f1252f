/**
 * Geometry of the piece map: where each piece is drawn on the canvas, in device pixels.
 *
 * Two modes:
 * - `cells`: at least as many device pixels as pieces. Each piece gets one square cell of
 *   `cellPx` with `gapPx` between cells (a gap only when cells are large enough to afford one),
 *   laid out in reading order, `columns` per row. The largest cell that fits is chosen.
 * - `downsample`: more pieces than pixels. Every device pixel is a cell (reading order) that covers
 *   a fractional range of `pieceCount / cellCount` pieces; the rasterizer mixes their colours by
 *   coverage.
 *
 * Invariants: `columns * rows >= cellCount`; in `cells` mode `cellCount === pieceCount`; in
 * `downsample` mode `cellCount === widthPx * heightPx < pieceCount`; every cell lies inside
 * `widthPx x heightPx`. Pure: no DOM.
 */

export type PieceMapMode = 'cells' | 'downsample';

export interface PieceMapGeometry {
  mode: PieceMapMode;
  pieceCount: number;
  /** Canvas size in device pixels (the ImageData size). */
  widthPx: number;
  heightPx: number;
  dpr: number;
  columns: number;
  rows: number;
  /** Side of a cell in device pixels. */
  cellPx: number;
  /** Space between cells in device pixels. */
  gapPx: number;
  /** cellPx + gapPx. */
  pitchPx: number;
  cellCount: number;
}

export interface LayoutOptions {
  /** Largest cell side in CSS pixels, so a 10-piece torrent does not draw giant squares. */
  maxCellCss?: number;
  /** Smallest cell side in CSS pixels that gets a gap; smaller cells touch. */
  minCellCssForGap?: number;
  /** Height budget in CSS pixels when no height is given (the map then shrinks to its rows). */
  maxAutoHeightCss?: number;
}

export const defaultMaxCellCss = 14;
export const defaultMinCellCssForGap = 4;
export const defaultMaxAutoHeightCss = 320;
/** Beyond this the canvas would hold more pixels than any display shows; clamp the ratio. */
const maxDpr = 4;

/** A piece index range, both ends inclusive. */
export interface PieceRange {
  first: number;
  last: number;
}

function positiveInt(x: number): number {
  return Number.isFinite(x) && x > 0 ? Math.floor(x) : 0;
}

export function layout(
  count: number,
  cssWidth: number,
  cssHeight: number | undefined,
  dpr: number,
  options: LayoutOptions = {},
): PieceMapGeometry {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? Math.min(dpr, maxDpr) : 1;
  const pieceCount = positiveInt(count);
  const widthPx = positiveInt(cssWidth * ratio);
  const auto = cssHeight === undefined;
  const budgetCss = auto ? (options.maxAutoHeightCss ?? defaultMaxAutoHeightCss) : cssHeight;
  const budgetPx = positiveInt(budgetCss * ratio);
  const maxCellPx = Math.max(1, Math.floor((options.maxCellCss ?? defaultMaxCellCss) * ratio));
  const minCellPxForGap = Math.max(
    2,
    Math.ceil((options.minCellCssForGap ?? defaultMinCellCssForGap) * ratio),
  );
  const gapWhenLarge = Math.max(1, Math.floor(ratio));

  const empty = (heightPx: number): PieceMapGeometry => ({
    mode: 'cells',
    pieceCount,
    widthPx,
    heightPx,
    dpr: ratio,
    columns: 0,
    rows: 0,
    cellPx: 0,
    gapPx: 0,
    pitchPx: 0,
    cellCount: 0,
  });
  if (widthPx === 0 || budgetPx === 0) return empty(auto ? 0 : budgetPx);
  if (pieceCount === 0) return empty(auto ? 0 : budgetPx);

  // Largest cell first; bounded by maxCellPx (at most maxCellCss * maxDpr iterations).
  for (let cellPx = maxCellPx; cellPx >= 1; cellPx--) {
    const gapPx = cellPx >= minCellPxForGap ? gapWhenLarge : 0;
    const pitchPx = cellPx + gapPx;
    const columns = Math.min(pieceCount, Math.floor((widthPx + gapPx) / pitchPx));
    if (columns < 1) continue;
    const rows = Math.ceil(pieceCount / columns);
    const usedHeightPx = rows * pitchPx - gapPx;
    if (usedHeightPx > budgetPx) continue;
    return {
      mode: 'cells',
      pieceCount,
      widthPx,
      heightPx: auto ? usedHeightPx : budgetPx,
      dpr: ratio,
      columns,
      rows,
      cellPx,
      gapPx,
      pitchPx,
      cellCount: pieceCount,
    };
  }
  return {
    mode: 'downsample',
    pieceCount,
    widthPx,
    heightPx: budgetPx,
    dpr: ratio,
    columns: widthPx,
    rows: budgetPx,
    cellPx: 1,
    gapPx: 0,
    pitchPx: 1,
    cellCount: widthPx * budgetPx,
  };
}

/** The pieces a cell covers (downsample: every piece overlapping its fractional range). */
export function piecesOfCell(g: PieceMapGeometry, cell: number): PieceRange {
  if (g.mode === 'cells') return { first: cell, last: cell };
  // Cell c spans [c * pieceCount, (c + 1) * pieceCount) in units of 1 / cellCount piece.
  const first = Math.floor((cell * g.pieceCount) / g.cellCount);
  const last = Math.ceil(((cell + 1) * g.pieceCount) / g.cellCount) - 1;
  return { first, last: Math.min(last, g.pieceCount - 1) };
}

/** The cells a piece touches (downsample: every cell its range overlaps). */
export function cellsOfPiece(g: PieceMapGeometry, piece: number): PieceRange {
  if (g.mode === 'cells') return { first: piece, last: piece };
  const first = Math.floor((piece * g.cellCount) / g.pieceCount);
  const last = Math.ceil(((piece + 1) * g.cellCount) / g.pieceCount) - 1;
  return { first, last: Math.min(last, g.cellCount - 1) };
}

/**
 * The cell under a point given in CSS pixels relative to the canvas, or null outside the map.
 * A gap belongs to the cell on its left/top, so the tooltip does not flicker between cells.
 */
export function cellAtPoint(g: PieceMapGeometry, cssX: number, cssY: number): number | null {
  if (g.cellCount === 0 || !Number.isFinite(cssX) || !Number.isFinite(cssY)) return null;
  const x = Math.floor(cssX * g.dpr);
  const y = Math.floor(cssY * g.dpr);
  if (x < 0 || y < 0) return null;
  const column = Math.floor(x / g.pitchPx);
  const row = Math.floor(y / g.pitchPx);
  if (column >= g.columns || row >= g.rows) return null;
  const cell = row * g.columns + column;
  return cell < g.cellCount ? cell : null;
}

/** The pieces under a point given in CSS pixels relative to the canvas, or null outside the map. */
export function hitTest(g: PieceMapGeometry, cssX: number, cssY: number): PieceRange | null {
  const cell = cellAtPoint(g, cssX, cssY);
  return cell === null ? null : piecesOfCell(g, cell);
}

/** A cell's square in CSS pixels (for the keyboard focus ring and the tooltip's anchor). */
export function cellRectCss(
  g: PieceMapGeometry,
  cell: number,
): { x: number; y: number; size: number } {
  const column = cell % g.columns;
  const row = (cell - column) / g.columns;
  return { x: (column * g.pitchPx) / g.dpr, y: (row * g.pitchPx) / g.dpr, size: g.cellPx / g.dpr };
}

/**
 * The cell a key moves the keyboard focus to (arrows by one cell or one row, Home/End, PageUp/
 * PageDown by ten rows), clamped to the map; null for keys the map does not handle.
 */
export function moveCell(g: PieceMapGeometry, cell: number, key: string): number | null {
  if (g.cellCount === 0) return null;
  const last = g.cellCount - 1;
  const clamp = (c: number) => (c < 0 ? 0 : c > last ? last : c);
  switch (key) {
    case 'ArrowLeft':
      return clamp(cell - 1);
    case 'ArrowRight':
      return clamp(cell + 1);
    case 'ArrowUp':
      return clamp(cell - g.columns);
    case 'ArrowDown':
      return clamp(cell + g.columns);
    case 'PageUp':
      return clamp(cell - 10 * g.columns);
    case 'PageDown':
      return clamp(cell + 10 * g.columns);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
