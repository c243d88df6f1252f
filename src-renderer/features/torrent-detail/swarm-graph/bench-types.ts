/**
 * The swarm graph benchmark's messages between bench/suites/swarm-graph.ts (Node) and its page
 * (bench-page.ts, Chromium). Types only, so both sides type-check without the other's globals.
 */
export interface SwarmGraphBenchConfig {
  peers: number;
  frames: number;
  cssWidth: number;
  cssHeight: number;
  /** Model updates per second (the host sends the peers view about 4 times a second). */
  updatesPerSec: number;
  seed: number;
}

export interface SwarmGraphBenchResult {
  nodes: number;
  edges: number;
  dpr: number;
  /** Per frame: model update (when due) + simulation tick + draw, ms. */
  frameMs: number[];
  /** Model rebuild and layout update, on the frames that had one, ms. */
  updateMs: number[];
  tickMs: number[];
  drawMs: number[];
  /** requestAnimationFrame intervals while measuring, ms (includes the browser's raster). */
  frameIntervalMs: number[];
}
