/**
 * Writes piece states (or availability) into one RGBA pixel buffer through a palette.
 *
 * One cell per piece when the geometry allows it; otherwise every cell is the coverage-weighted
 * mix of the pieces it overlaps, as qBittorrent draws its bars: a piece's weight is the fraction
 * of it that lies inside the cell, so a cell over 1.5 pieces counts the whole one at 2/3 and the
 * half one at 1/3. Channels are mixed in sRGB values, like qBittorrent, and rounded to nearest.
 *
 * Invariants: `image` is exactly the geometry's size; only pixels of painted cells are written
 * (gaps and empty cells keep the background written by a full rasterize), so `rasterizeDelta`
 * after a full `rasterize` yields the same pixels as a fresh full `rasterize` over the new data.
 * State bytes outside PieceState draw as missing; availability reads past the array are 0 peers.
 * The overlay counts copies in the swarm: the peers that have a piece, plus one if we have it.
 * Pure: no DOM, no allocation proportional to the piece count.
 */
import { PieceState } from '../../../src-shared/model/pieces';
import type { PieceMapGeometry } from './layout';
import { cellsOfPiece } from './layout';
import type { PiecePalette } from './palette';
import { heatLookupSize, packRgba, isLittleEndian } from './palette';

export type PieceMapOverlay = 'none' | 'availability';

export interface RasterOptions {
  overlay: PieceMapOverlay;
  palette: PiecePalette;
}

/** A Uint32Array view over an ImageData's bytes, with its size in pixels. */
export interface RasterImage {
  data: Uint32Array;
  width: number;
  height: number;
}

export interface DirtyRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DeltaResult {
  cellsPainted: number;
  /** The device-pixel rectangle holding every repainted cell, or null when nothing changed. */
  dirty: DirtyRect | null;
}

const littleEndian = isLittleEndian();
/** Cells up to this side are filled pixel by pixel rather than with TypedArray.fill. */
const smallCellPx = 16;

function checkImage(g: PieceMapGeometry, image: RasterImage): void {
  if (
    image.width !== g.widthPx ||
    image.height !== g.heightPx ||
    image.data.length < g.widthPx * g.heightPx
  ) {
    throw new Error(
      `rasterize: image ${image.width}x${image.height} (${image.data.length} px) does not match geometry ${g.widthPx}x${g.heightPx}`,
    );
  }
}

/** Palette slot of a piece: its state, or its availability's heat bucket. */
function colorKey(
  piece: number,
  states: Uint8Array,
  availability: Uint16Array,
  overlay: PieceMapOverlay,
  palette: PiecePalette,
): number {
  if (overlay === 'availability') {
    // Copies in the swarm, ours included: a piece we hold is never "nobody has it" (issue 21:
    // a complete torrent painted every piece alarm-red 0, since availability counts peers only).
    const peers =
      ((availability[piece] as number) | 0) + (states[piece] === PieceState.have ? 1 : 0);
    return palette.heatIndexByPeers[peers < heatLookupSize ? peers : heatLookupSize - 1] as number;
  }
  const state = (states[piece] as number) | 0;
  // As many keys as the palette has colours: six states, or the origin mode's keys (issue 19).
  return state < palette.packedStates.length ? state : 0;
}

function fillCell(g: PieceMapGeometry, image: RasterImage, cell: number, pixel: number): void {
  const column = cell % g.columns;
  const row = (cell - column) / g.columns;
  const x0 = column * g.pitchPx;
  const y0 = row * g.pitchPx;
  const width = image.width;
  const data = image.data;
  if (g.cellPx === 1) {
    data[y0 * width + x0] = pixel;
    return;
  }
  const side = g.cellPx;
  for (let y = y0, yEnd = y0 + side; y < yEnd; y++) {
    const start = y * width + x0;
    // TypedArray.fill has a call overhead that dominates for the few pixels of a small cell.
    if (side > smallCellPx) data.fill(pixel, start, start + side);
    else for (let x = start, xEnd = start + side; x < xEnd; x++) data[x] = pixel;
  }
}

/** The coverage-weighted mix of the pieces under a downsampled cell. */
function mixedPixel(
  g: PieceMapGeometry,
  cell: number,
  states: Uint8Array,
  availability: Uint16Array,
  options: RasterOptions,
): number {
  const { palette, overlay } = options;
  const rgb = overlay === 'availability' ? palette.rgbHeat : palette.rgbStates;
  const n = g.pieceCount;
  const c = g.cellCount;
  // Integer units: a cell spans n units, a piece spans c units, so weights sum to n exactly.
  const cellStart = cell * n;
  const cellEnd = cellStart + n;
  const first = Math.floor(cellStart / c);
  const last = Math.min(Math.ceil(cellEnd / c) - 1, n - 1);
  let r = 0;
  let gr = 0;
  let b = 0;
  for (let p = first; p <= last; p++) {
    const pieceStart = p * c;
    const from = pieceStart > cellStart ? pieceStart : cellStart;
    const to = pieceStart + c < cellEnd ? pieceStart + c : cellEnd;
    const weight = to - from;
    const k = colorKey(p, states, availability, overlay, palette) * 3;
    r += weight * (rgb[k] as number);
    gr += weight * (rgb[k + 1] as number);
    b += weight * (rgb[k + 2] as number);
  }
  return packRgba(Math.round(r / n), Math.round(gr / n), Math.round(b / n), 255, littleEndian);
}

function cellPixel(
  g: PieceMapGeometry,
  cell: number,
  states: Uint8Array,
  availability: Uint16Array,
  options: RasterOptions,
): number {
  if (g.mode === 'downsample') return mixedPixel(g, cell, states, availability, options);
  const { palette, overlay } = options;
  const table = overlay === 'availability' ? palette.packedHeat : palette.packedStates;
  return table[colorKey(cell, states, availability, overlay, palette)] as number;
}

/** Paints the whole map: background, then every cell. */
export function rasterize(
  g: PieceMapGeometry,
  states: Uint8Array,
  availability: Uint16Array,
  options: RasterOptions,
  image: RasterImage,
): void {
  checkImage(g, image);
  image.data.fill(options.palette.backgroundPacked, 0, g.widthPx * g.heightPx);
  for (let cell = 0; cell < g.cellCount; cell++) {
    fillCell(g, image, cell, cellPixel(g, cell, states, availability, options));
  }
}

/**
 * Repaints only the cells touched by `indices` (pieces whose state or availability changed).
 * `states` and `availability` are the full arrays with the changes already applied: a downsampled
 * cell mixes its neighbours too. Consecutive indices in the same cell repaint it once, so sorted
 * deltas never repaint a cell twice.
 */
export function rasterizeDelta(
  g: PieceMapGeometry,
  indices: Uint32Array,
  states: Uint8Array,
  availability: Uint16Array,
  options: RasterOptions,
  image: RasterImage,
): DeltaResult {
  checkImage(g, image);
  let cellsPainted = 0;
  let lastCell = -1;
  let minColumn = Infinity;
  let maxColumn = -1;
  let minRow = Infinity;
  let maxRow = -1;
  for (let i = 0; i < indices.length; i++) {
    const piece = indices[i] as number;
    if (piece >= g.pieceCount) continue;
    const range = cellsOfPiece(g, piece);
    for (let cell = range.first; cell <= range.last; cell++) {
      if (cell === lastCell) continue;
      lastCell = cell;
      fillCell(g, image, cell, cellPixel(g, cell, states, availability, options));
      cellsPainted++;
      const column = cell % g.columns;
      const row = (cell - column) / g.columns;
      if (column < minColumn) minColumn = column;
      if (column > maxColumn) maxColumn = column;
      if (row < minRow) minRow = row;
      if (row > maxRow) maxRow = row;
    }
  }
  if (cellsPainted === 0) return { cellsPainted, dirty: null };
  return {
    cellsPainted,
    dirty: {
      x: minColumn * g.pitchPx,
      y: minRow * g.pitchPx,
      width: (maxColumn - minColumn) * g.pitchPx + g.cellPx,
      height: (maxRow - minRow) * g.pitchPx + g.cellPx,
    },
  };
}
