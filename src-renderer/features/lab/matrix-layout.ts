/**
 * The peers × pieces matrix's geometry (issue 19), pure: one row per lab peer, one column per
 * piece - or, when pieces outnumber pixels, per run of `piecesPerColumn` pieces, drawn
 * coverage-weighted like the piece map. `hitTest` turns a pointer position into the peer and
 * pieces under it.
 */

/** Row height in CSS pixels, gap included; the row labels beside the canvas use the same. */
export const MATRIX_ROW_PX = 24;
export const MATRIX_ROW_GAP_PX = 2;

export interface MatrixLayout {
  rows: number;
  pieceCount: number;
  /** Pieces per drawn column (1 when every piece gets its own). */
  piecesPerColumn: number;
  columns: number;
  /** Width of one column in pixels. */
  columnPx: number;
  width: number;
  height: number;
  rowPx: number;
}

export function matrixLayout(rows: number, pieceCount: number, widthPx: number): MatrixLayout {
  const avail = Math.max(1, Math.floor(widthPx));
  const pieces = Math.max(0, pieceCount);
  let piecesPerColumn = 1;
  let columnPx = 1;
  if (pieces > 0 && pieces <= avail) {
    columnPx = Math.floor(avail / pieces);
  } else if (pieces > avail) {
    piecesPerColumn = Math.ceil(pieces / avail);
  }
  const columns = pieces === 0 ? 0 : Math.ceil(pieces / piecesPerColumn);
  return {
    rows,
    pieceCount: pieces,
    piecesPerColumn,
    columns,
    columnPx,
    width: Math.max(1, columns * columnPx),
    height: Math.max(1, rows * MATRIX_ROW_PX),
    rowPx: MATRIX_ROW_PX,
  };
}

export interface MatrixHit {
  row: number;
  /** First and last piece under the pointer (equal when a column is one piece). */
  firstPiece: number;
  lastPiece: number;
}

export function hitTest(l: MatrixLayout, x: number, y: number): MatrixHit | null {
  if (x < 0 || y < 0 || x >= l.columns * l.columnPx || y >= l.rows * l.rowPx) return null;
  const row = Math.floor(y / l.rowPx);
  const column = Math.floor(x / l.columnPx);
  const firstPiece = column * l.piecesPerColumn;
  if (firstPiece >= l.pieceCount) return null;
  const lastPiece = Math.min(l.pieceCount - 1, firstPiece + l.piecesPerColumn - 1);
  return { row, firstPiece, lastPiece };
}

/** Gap between the pointer and the matrix's hover label. */
const TOOLTIP_GAP_PX = 12;

/**
 * Where the hover label goes in the matrix box: right of and below the pointer, but left of it
 * in the box's right half, so that a label near the last pieces is not cut off by the window.
 */
export function tooltipPlacement(
  x: number,
  y: number,
  boxWidth: number,
): { top: number; left?: number; right?: number } {
  const top = y + TOOLTIP_GAP_PX;
  return x > boxWidth / 2
    ? { top, right: Math.max(0, boxWidth - x + TOOLTIP_GAP_PX) }
    : { top, left: x + TOOLTIP_GAP_PX };
}
