/**
 * The piece map benchmark's messages between bench/suites/piece-map.ts (Node) and its page
 * (bench-page.ts, Chromium). Types only, so both sides type-check without the other's globals.
 */
import type { PieceMapOverlay } from './rasterize';

export interface PieceMapBenchConfig {
  pieces: number;
  frames: number;
  /** Fraction of the pieces changed per frame. */
  changeFraction: number;
  cssWidth: number;
  maxHeightCss: number;
  overlay: PieceMapOverlay;
  fullFrames: number;
  seed: number;
}

export interface PieceMapBenchResult {
  mode: string;
  widthPx: number;
  heightPx: number;
  cellPx: number;
  dpr: number;
  changedPerFrame: number;
  /** setData + rasterizeDelta + putImageData per frame, ms. */
  frameMs: number[];
  /** rasterizeDelta alone for the same kind of change, ms. */
  rasterizeOnlyMs: number[];
  /** A full repaint (rasterize + putImageData), ms. */
  fullFrameMs: number[];
  /** Time between animation frames while the benchmark ran, ms. */
  frameIntervalMs: number[];
}
