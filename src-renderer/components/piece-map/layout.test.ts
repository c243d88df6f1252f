import { describe, expect, it } from 'vitest';
import {
  cellAtPoint,
  cellRectCss,
  cellsOfPiece,
  hitTest,
  layout,
  moveCell,
  piecesOfCell,
} from './layout';

describe('layout', () => {
  it('gives one 1px cell per piece when pixels exactly match pieces', () => {
    const g = layout(100, 10, 10, 1);
    expect(g).toMatchObject({
      mode: 'cells',
      widthPx: 10,
      heightPx: 10,
      columns: 10,
      rows: 10,
      cellPx: 1,
      gapPx: 0,
      cellCount: 100,
    });
  });

  it('grows cells, with a 1px gap, when there are more pixels than pieces', () => {
    const g = layout(100, 100, 100, 1);
    expect(g).toMatchObject({
      mode: 'cells',
      cellPx: 9,
      gapPx: 1,
      pitchPx: 10,
      columns: 10,
      rows: 10,
    });
    // The last cell ends inside the canvas.
    expect((g.rows - 1) * g.pitchPx + g.cellPx).toBeLessThanOrEqual(g.heightPx);
  });

  it('keeps small cells touching (no gap below the threshold)', () => {
    const g = layout(1000, 100, 40, 1);
    expect(g.mode).toBe('cells');
    expect(g.cellPx).toBe(2);
    expect(g.gapPx).toBe(0);
    expect(g.columns * g.rows).toBeGreaterThanOrEqual(1000);
  });

  it('caps the cell size for tiny torrents', () => {
    const g = layout(3, 800, 400, 1, { maxCellCss: 12 });
    expect(g.cellPx).toBe(12);
    expect(g.columns).toBe(3);
    expect(g.rows).toBe(1);
  });

  it('downsamples when pieces outnumber pixels: every pixel is a cell over a range of pieces', () => {
    const g = layout(1000, 20, 10, 1);
    expect(g).toMatchObject({
      mode: 'downsample',
      widthPx: 20,
      heightPx: 10,
      columns: 20,
      rows: 10,
      cellPx: 1,
      gapPx: 0,
      cellCount: 200,
    });
    expect(piecesOfCell(g, 0)).toEqual({ first: 0, last: 4 });
    expect(piecesOfCell(g, 199)).toEqual({ first: 995, last: 999 });
  });

  it('works in device pixels at DPR 2', () => {
    const g = layout(100, 50, 50, 2);
    expect(g.widthPx).toBe(100);
    expect(g.heightPx).toBe(100);
    expect(g.dpr).toBe(2);
    expect(g.mode).toBe('cells');
    // The gap is one CSS pixel: two device pixels.
    expect(g.gapPx).toBe(2);
    expect(g.cellPx).toBe(8);
    expect(g.columns).toBe(10);
    // A DPR-1 canvas of the same CSS size would have to downsample 10,000 pieces; DPR 2 fits them.
    expect(layout(10_000, 50, 50, 1).mode).toBe('downsample');
    expect(layout(10_000, 50, 50, 2)).toMatchObject({
      mode: 'cells',
      cellPx: 1,
      columns: 100,
      rows: 100,
    });
  });

  it('shrinks to its rows when no height is given', () => {
    const g = layout(50, 100, undefined, 1, { maxCellCss: 9 });
    expect(g.mode).toBe('cells');
    expect(g.rows).toBe(5);
    expect(g.heightPx).toBe(g.rows * g.pitchPx - g.gapPx);
    const big = layout(1_000_000, 100, undefined, 1, { maxAutoHeightCss: 30 });
    expect(big).toMatchObject({ mode: 'downsample', heightPx: 30, cellCount: 3000 });
  });

  it('is empty, not broken, for zero pieces or zero width', () => {
    expect(layout(0, 100, 100, 1)).toMatchObject({ cellCount: 0, columns: 0 });
    expect(layout(10, 0, 100, 1)).toMatchObject({ cellCount: 0, widthPx: 0 });
    expect(hitTest(layout(0, 100, 100, 1), 1, 1)).toBeNull();
  });

  it('maps pieces to the downsampled cells they overlap', () => {
    const g = layout(3, 2, 1, 1);
    expect(g.mode).toBe('downsample');
    expect(cellsOfPiece(g, 0)).toEqual({ first: 0, last: 0 });
    expect(cellsOfPiece(g, 1)).toEqual({ first: 0, last: 1 });
    expect(cellsOfPiece(g, 2)).toEqual({ first: 1, last: 1 });
    expect(piecesOfCell(g, 0)).toEqual({ first: 0, last: 1 });
    expect(piecesOfCell(g, 1)).toEqual({ first: 1, last: 2 });
  });
});

describe('hitTest', () => {
  it('finds the piece under the pointer, counting a gap as the cell before it', () => {
    const g = layout(100, 100, 100, 1); // 9px cells, 1px gap, 10 columns
    expect(hitTest(g, 0, 0)).toEqual({ first: 0, last: 0 });
    expect(hitTest(g, 8.5, 3)).toEqual({ first: 0, last: 0 });
    expect(hitTest(g, 9.5, 3)).toEqual({ first: 0, last: 0 }); // the gap
    expect(hitTest(g, 10, 3)).toEqual({ first: 1, last: 1 });
    expect(hitTest(g, 25, 31)).toEqual({ first: 32, last: 32 });
  });

  it('returns null outside the map and past the last piece', () => {
    const g = layout(15, 100, 100, 1, { maxCellCss: 10 }); // 10px cells: 9 columns, 2 rows
    expect(hitTest(g, -1, 0)).toBeNull();
    expect(hitTest(g, 0, 99)).toBeNull();
    const lastRowY = (g.rows - 1) * g.pitchPx;
    const emptyColumnX = (15 % g.columns) * g.pitchPx + 1;
    expect(hitTest(g, emptyColumnX, lastRowY)).toBeNull();
  });

  it('converts CSS pixels to device pixels at DPR 2', () => {
    const g = layout(10_000, 50, 50, 2); // 1 device px cells, 100 columns
    expect(hitTest(g, 0.6, 0)).toEqual({ first: 1, last: 1 });
    expect(hitTest(g, 10, 10)).toEqual({ first: 2020, last: 2020 });
  });

  it('returns the range of pieces under a downsampled cell', () => {
    const g = layout(1000, 20, 10, 1);
    expect(hitTest(g, 1.5, 0)).toEqual({ first: 5, last: 9 });
    const odd = layout(3, 2, 1, 1);
    expect(hitTest(odd, 1.2, 0.5)).toEqual({ first: 1, last: 2 });
  });
});

describe('keyboard cells', () => {
  it('places a cell in CSS pixels and finds it back', () => {
    const g = layout(100, 50, 50, 2); // 8 device px cells + 2 px gap: 4 + 1 CSS px
    expect(cellRectCss(g, 12)).toEqual({ x: 10, y: 5, size: 4 });
    expect(cellAtPoint(g, 10 + 2, 5 + 2)).toBe(12);
    expect(cellAtPoint(g, 60, 0)).toBeNull();
  });

  it('moves by cell, by row and to the ends, clamped to the map', () => {
    const g = layout(95, 100, 100, 1); // 10 columns, last row short
    expect(g.columns).toBe(10);
    expect(moveCell(g, 0, 'ArrowLeft')).toBe(0);
    expect(moveCell(g, 0, 'ArrowRight')).toBe(1);
    expect(moveCell(g, 3, 'ArrowDown')).toBe(13);
    expect(moveCell(g, 88, 'ArrowDown')).toBe(94);
    expect(moveCell(g, 13, 'ArrowUp')).toBe(3);
    expect(moveCell(g, 5, 'PageDown')).toBe(94);
    expect(moveCell(g, 50, 'Home')).toBe(0);
    expect(moveCell(g, 50, 'End')).toBe(94);
    expect(moveCell(g, 50, 'Enter')).toBeNull();
    expect(moveCell(layout(0, 10, 10, 1), 0, 'End')).toBeNull();
  });
});
