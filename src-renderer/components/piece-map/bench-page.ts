/**
 * The piece map benchmark's page script (bundled by bench/suites/piece-map.ts, never by the app).
 * It drives the app's own PieceMapPainter on a real canvas in Chromium: a full map, then frames in
 * which a fraction of the pieces change, each timed with performance.now from setData to the end
 * of putImageData (rasterizeDelta + upload), one per requestAnimationFrame.
 *
 * Invariants: the changes are drawn from a seeded generator, so runs are comparable; every loop
 * is bounded by the frame count.
 */
import { PieceState } from '../../../src-shared/model/pieces';
import { createPalette } from './palette';
import type { FrameScheduler } from './piece-map-painter';
import { PieceMapPainter } from './piece-map-painter';
import type { PieceMapBenchConfig, PieceMapBenchResult } from './bench-types';
import { rasterizeDelta } from './rasterize';

declare global {
  interface Window {
    runPieceMapBench?: (config: PieceMapBenchConfig) => Promise<PieceMapBenchResult>;
  }
}

/** xorshift32: a small deterministic generator (the page must not depend on Math.random). */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The painter is driven by hand: each measured frame calls paint() itself. */
const manualFrames: FrameScheduler = { request: () => 0, cancel: () => undefined };

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

async function runPieceMapBench(config: PieceMapBenchConfig): Promise<PieceMapBenchResult> {
  const canvas = document.createElement('canvas');
  document.body.replaceChildren(canvas);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const painter = new PieceMapPainter(
    canvas,
    createPalette(scheme),
    config.maxHeightCss,
    manualFrames,
  );
  const random = seeded(config.seed);
  const n = config.pieces;
  const states = new Uint8Array(n);
  const availability = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    states[i] = random() % 3 === 0 ? PieceState.have : PieceState.missing;
    availability[i] = random() % 24;
  }
  let version = 1;
  const overlay = config.overlay;
  painter.setData({ states, availability, version, overlay });
  painter.setSize(config.cssWidth, window.devicePixelRatio || 1);
  painter.paint();
  await nextFrame();

  const perFrame = Math.max(1, Math.round(n * config.changeFraction));
  const change = (): Uint32Array => {
    const indices = new Uint32Array(perFrame);
    for (let k = 0; k < perFrame; k++) {
      const piece = random() % n;
      indices[k] = piece;
      states[piece] = random() % 6;
      if (overlay === 'availability') availability[piece] = random() % 48;
    }
    return indices;
  };

  const frameMs: number[] = [];
  const frameIntervalMs: number[] = [];
  let last = await nextFrame();
  for (let f = 0; f < config.frames; f++) {
    const changed = change();
    const t0 = performance.now();
    painter.setData({ states, availability, version: ++version, changed, overlay });
    const stats = painter.paint();
    frameMs.push(performance.now() - t0);
    if (stats.kind !== 'delta')
      throw new Error(`piece map bench: expected a delta frame, got ${stats.kind}`);
    const now = await nextFrame();
    frameIntervalMs.push(now - last);
    last = now;
  }

  // The same work without the upload, on a scratch image of the same geometry.
  const g = painter.geometry;
  const scratch = {
    data: new Uint32Array(g.widthPx * g.heightPx),
    width: g.widthPx,
    height: g.heightPx,
  };
  const options = { overlay, palette: createPalette(scheme) };
  const rasterizeOnlyMs: number[] = [];
  for (let f = 0; f < config.frames; f++) {
    const changed = change();
    const t0 = performance.now();
    rasterizeDelta(g, changed, states, availability, options, scratch);
    rasterizeOnlyMs.push(performance.now() - t0);
  }

  const fullFrameMs: number[] = [];
  for (let f = 0; f < config.fullFrames; f++) {
    version += 2; // a skipped version forces a full frame
    const t0 = performance.now();
    painter.setData({ states, availability, version, overlay });
    const stats = painter.paint();
    fullFrameMs.push(performance.now() - t0);
    if (stats.kind !== 'full')
      throw new Error(`piece map bench: expected a full frame, got ${stats.kind}`);
    await nextFrame();
  }
  painter.dispose();
  return {
    mode: g.mode,
    widthPx: g.widthPx,
    heightPx: g.heightPx,
    cellPx: g.cellPx,
    dpr: g.dpr,
    changedPerFrame: perFrame,
    frameMs,
    rasterizeOnlyMs,
    fullFrameMs,
    frameIntervalMs,
  };
}

window.runPieceMapBench = runPieceMapBench;
