/**
 * Paints the peers × pieces matrix into RGBA pixels (issue 19), pure, so it is tested without a
 * canvas. A cell is the row's role colour where the peer has the piece, the track colour where
 * it does not; a column of several pieces blends by the share the peer has. A gap under every
 * row keeps rows apart.
 */
import { hasPiece } from '../../../src-shared/model';
import type { LabRole } from '../../../src-shared/model';
import { MATRIX_ROW_GAP_PX, type MatrixLayout } from './matrix-layout';

export type Rgb = readonly [number, number, number];

export interface MatrixPalette {
  roles: Record<LabRole, Rgb>;
  missing: Rgb;
  background: Rgb;
  /** Rows of peers that are not running (paused, away, removed): drawn faded. */
  fadedAlpha: number;
}

export const lightMatrixPalette: MatrixPalette = {
  roles: {
    seeder: [31, 157, 99],
    leecher: [47, 111, 219],
    freeloader: [201, 138, 18],
    corrupt: [209, 57, 75],
  },
  missing: [226, 230, 235],
  background: [255, 255, 255],
  fadedAlpha: 0.35,
};

export const darkMatrixPalette: MatrixPalette = {
  roles: {
    seeder: [62, 196, 134],
    leecher: [91, 147, 240],
    freeloader: [224, 169, 58],
    corrupt: [240, 106, 122],
  },
  missing: [44, 50, 59],
  background: [27, 31, 37],
  fadedAlpha: 0.35,
};

export interface MatrixRow {
  role: LabRole;
  faded: boolean;
  have: Uint8Array;
}

function mix(a: Rgb, b: Rgb, t: number): [number, number, number] {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

export function rasterizeMatrix(
  l: MatrixLayout,
  rows: readonly MatrixRow[],
  p: MatrixPalette,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(l.width * l.height * 4);
  for (let i = 0; i < l.width * l.height; i++) {
    out[i * 4] = p.background[0];
    out[i * 4 + 1] = p.background[1];
    out[i * 4 + 2] = p.background[2];
    out[i * 4 + 3] = 255;
  }
  const cellRows = Math.max(1, l.rowPx - MATRIX_ROW_GAP_PX);
  rows.slice(0, l.rows).forEach((row, r) => {
    const on = row.faded ? mix(p.missing, p.roles[row.role], p.fadedAlpha) : p.roles[row.role];
    for (let c = 0; c < l.columns; c++) {
      const first = c * l.piecesPerColumn;
      const last = Math.min(l.pieceCount, first + l.piecesPerColumn);
      let had = 0;
      for (let i = first; i < last; i++) if (hasPiece(row.have, i)) had++;
      const color = mix(p.missing, on, had / (last - first));
      for (let y = r * l.rowPx; y < r * l.rowPx + cellRows; y++) {
        for (let x = c * l.columnPx; x < (c + 1) * l.columnPx; x++) {
          const o = (y * l.width + x) * 4;
          out[o] = color[0];
          out[o + 1] = color[1];
          out[o + 2] = color[2];
        }
      }
    }
  });
  return out;
}
