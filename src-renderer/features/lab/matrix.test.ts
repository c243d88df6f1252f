import { describe, expect, it } from 'vitest';
import { hitTest, matrixLayout, MATRIX_ROW_PX, tooltipPlacement } from './matrix-layout';
import { lightMatrixPalette, rasterizeMatrix } from './matrix-raster';

describe('matrix layout', () => {
  it('gives each piece whole pixels when they fit', () => {
    const l = matrixLayout(3, 100, 450);
    expect(l).toMatchObject({ piecesPerColumn: 1, columns: 100, columnPx: 4, width: 400 });
    expect(l.height).toBe(3 * MATRIX_ROW_PX);
  });

  it('groups pieces into columns when they outnumber pixels', () => {
    const l = matrixLayout(2, 1000, 300);
    expect(l).toMatchObject({ piecesPerColumn: 4, columns: 250, columnPx: 1, width: 250 });
  });

  it('hit-tests the peer and the pieces under the pointer', () => {
    const l = matrixLayout(3, 1000, 300);
    expect(hitTest(l, 10.5, MATRIX_ROW_PX * 2 + 1)).toEqual({
      row: 2,
      firstPiece: 40,
      lastPiece: 43,
    });
    expect(hitTest(l, 249, 0)).toEqual({ row: 0, firstPiece: 996, lastPiece: 999 });
    expect(hitTest(l, 250, 0)).toBeNull();
    expect(hitTest(l, 0, MATRIX_ROW_PX * 3)).toBeNull();
    expect(hitTest(l, -1, 0)).toBeNull();
  });
});

describe('matrix raster', () => {
  it('paints had pieces in the role colour and missing ones in the track colour', () => {
    const l = matrixLayout(2, 8, 8);
    const px = rasterizeMatrix(
      l,
      [
        { role: 'seeder', faded: false, have: new Uint8Array([0xff]) },
        { role: 'leecher', faded: false, have: new Uint8Array([0x80]) },
      ],
      lightMatrixPalette,
    );
    const at = (x: number, y: number) => [
      ...px.subarray((y * l.width + x) * 4, (y * l.width + x) * 4 + 3),
    ];
    expect(at(7, 0)).toEqual([...lightMatrixPalette.roles.seeder]);
    expect(at(0, MATRIX_ROW_PX)).toEqual([...lightMatrixPalette.roles.leecher]);
    expect(at(1, MATRIX_ROW_PX)).toEqual([...lightMatrixPalette.missing]);
    // The gap under a row is background.
    expect(at(0, MATRIX_ROW_PX - 1)).toEqual([...lightMatrixPalette.background]);
  });

  it('blends a column of several pieces by the share the peer has', () => {
    const l = matrixLayout(1, 4, 2);
    expect(l.piecesPerColumn).toBe(2);
    const px = rasterizeMatrix(
      l,
      [{ role: 'leecher', faded: false, have: new Uint8Array([0b1000_0000]) }],
      lightMatrixPalette,
    );
    const m = lightMatrixPalette.missing;
    const c = lightMatrixPalette.roles.leecher;
    expect([...px.subarray(0, 3)]).toEqual(
      [0, 1, 2].map((i) => Math.round(m[i]! + (c[i]! - m[i]!) / 2)),
    );
    expect([...px.subarray(4, 7)]).toEqual([...m]);
  });
});

describe('matrix hover label', () => {
  it('sits right of the pointer in the left half, and left of it in the right half', () => {
    expect(tooltipPlacement(100, 20, 1000)).toEqual({ top: 32, left: 112 });
    // Near the last pieces it must not run past the box (and the window) on the right.
    expect(tooltipPlacement(990, 20, 1000)).toEqual({ top: 32, right: 22 });
  });
});
