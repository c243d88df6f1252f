/**
 * The timeline benchmark's page script (bundled by bench/suites/renderer.ts, never by the app).
 * It drives the app's own TimelinePainter on a real canvas in Chromium with 200 peers over ten
 * minutes of generated events (issue 19's budget: 8 ms a frame), timing full redraws of the
 * whole window and frames while panning and scrolling. Each frame ends with a one-pixel
 * getImageData, so the canvas's deferred drawing is inside the time measured.
 *
 * Invariants: events come from a seeded generator, so runs compare; every loop is bounded.
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLaneData, TimelineState } from '../../../../src-shared/timeline-delta';
import type { FrameScheduler } from '../../../components/piece-map/piece-map-painter';
import { contentHeight, laneOrder } from './timeline-layout';
import type { TimelineViewport } from './timeline-layout';
import { timelinePalette, type TimelineScene } from './timeline-paint';
import { TimelinePainter } from './timeline-painter';

export interface TimelineBenchConfig {
  peers: number;
  minutes: number;
  frames: number;
  seed: number;
}

export interface TimelineBenchResult {
  events: number;
  widthCss: number;
  heightCss: number;
  dpr: number;
  fullMs: number[];
  panMs: number[];
  /** The painter's own work (building the paths and issuing the draws), without the raster. */
  fullPaintMs: number[];
  /** Lane tiles drawn in each panning frame (the others were copied). */
  panTiles: number[];
}

declare global {
  interface Window {
    runTimelineBench?: (config: TimelineBenchConfig) => Promise<TimelineBenchResult>;
  }
}

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * One lane as a busy swarm fills it: connect, handshake, bitfield, interest, choke spans that
 * flip every 10 to 40 s both ways, and while unchoked a piece run every 250-600 ms with its
 * request burst, haves every second or so, now and then a reject.
 */
function generateLane(id: number, start: number, end: number, rnd: () => number): TimelineLaneData {
  const rows: number[] = [];
  let n = 1;
  const push = (kind: number, t0: number, t1: number, a = 0, b = 0, c = 0) =>
    rows.push(id, n++, kind, t0, t1, a, b, c);
  push(TimelineKind.connect, start, start, id % 2);
  push(TimelineKind.handshake, start + 20, start + 20, id % 3 === 0 ? 1 : 0, id % 2);
  push(TimelineKind.bitfield, start + 40, start + 40, Math.floor(rnd() * 4000), 0);
  push(TimelineKind.ourInterest, start + 50, start + 50, 1);
  push(TimelineKind.peerInterest, start + 60, start + 60, 1);
  let t = start + 100;
  let unchoked = rnd() < 0.7;
  let piece = Math.floor(rnd() * 4000);
  while (t < end) {
    const spanEnd = Math.min(end, t + 10_000 + rnd() * 30_000);
    if (unchoked) {
      push(TimelineKind.peerUnchoke, t, spanEnd >= end ? timelineOpen : spanEnd);
      let u = t;
      while (u < spanEnd) {
        const len = 250 + rnd() * 350;
        push(TimelineKind.requests, u, u + len * 0.8, 8 + Math.floor(rnd() * 24));
        push(TimelineKind.run, u + 20, u + len, piece, 262_144 * (1 + Math.floor(rnd() * 3)), 2);
        piece = (piece + 1 + Math.floor(rnd() * 50)) % 4000;
        if (rnd() < 0.4) push(TimelineKind.have, u + len, u + len, piece, 1);
        if (rnd() < 0.01) push(TimelineKind.reject, u + len, u + len, piece, 1);
        u += len + rnd() * 100;
      }
    } else if (rnd() < 0.5) {
      push(TimelineKind.ourUnchoke, t, spanEnd >= end ? timelineOpen : spanEnd);
    }
    unchoked = !unchoked;
    t = spanEnd;
  }
  const data = Float64Array.from(rows);
  const count = rows.length / timelineRowStride;
  return {
    meta: {
      id,
      address: `10.${(id >> 8) & 255}.${id & 255}.${1 + (id % 250)}`,
      port: 6881 + (id % 1000),
      client: ['qBittorrent 4.6.2', 'libtorrent 2.0.9', 'Transmission 4.0.5', 'aria2 1.37'][
        id % 4
      ]!,
      transport: id % 3 === 0 ? 'utp' : 'tcp',
      encrypted: id % 2 === 1,
      incoming: id % 2 === 0,
      openedAt: start,
      closedAt: null,
      closeReason: null,
    },
    rows: data,
    count,
  };
}

const manualFrames: FrameScheduler = { request: () => 0, cancel: () => undefined };
const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

async function runTimelineBench(config: TimelineBenchConfig): Promise<TimelineBenchResult> {
  const rnd = seeded(config.seed);
  const now = 1_700_000_000_000;
  const windowMs = config.minutes * 60_000;
  const state: TimelineState = {
    cursor: 1,
    now,
    windowMs,
    lanes: new Map(),
    version: 1,
  };
  let events = 0;
  for (let i = 1; i <= config.peers; i++) {
    const lane = generateLane(i, now - windowMs + rnd() * 30_000, now, rnd);
    events += lane.count;
    state.lanes.set(i, lane);
  }
  const lanes = laneOrder(state);
  const canvas = document.createElement('canvas');
  document.body.replaceChildren(canvas);
  const widthCss = 1200;
  const heightCss = 560;
  const dpr = window.devicePixelRatio || 1;
  let viewport: TimelineViewport = {
    widthCss,
    heightCss,
    scrollTop: 0,
    start: now - windowMs,
    end: now,
  };
  const palette = timelinePalette('light');
  // The data's version: a full redraw follows new data, so it draws every tile afresh.
  let version = 1;
  const scene = (): TimelineScene => ({
    viewport,
    lanes,
    now,
    palette,
    focusLane: null,
    highlight: null,
    selectedPiece: null,
    version,
  });
  const painter = new TimelinePainter(canvas, scene, manualFrames);
  painter.setSize(widthCss, heightCss, dpr);
  const ctx = canvas.getContext('2d')!;
  const frame = (): number => {
    const t0 = performance.now();
    painter.paint();
    ctx.getImageData(0, 0, 1, 1);
    return performance.now() - t0;
  };

  // A few frames first: the first draws warm the JIT and the canvas's backing store.
  for (let i = 0; i < 10; i++) {
    await nextFrame();
    frame();
  }
  // Full redraws of the whole ten minutes (as after an update, or a resize).
  const fullMs: number[] = [];
  const fullPaintMs: number[] = [];
  for (let i = 0; i < config.frames; i++) {
    await nextFrame();
    version++;
    fullMs.push(frame());
    fullPaintMs.push(painter.lastPaintMs);
  }
  // Panning: a one-minute view dragged across the window, scrolling down the lanes meanwhile
  // (between two updates of the data, so the tiles already drawn are copied).
  const panMs: number[] = [];
  const panTiles: number[] = [];
  const maxScroll = contentHeight(config.peers) - heightCss;
  for (let i = 0; i < config.frames; i++) {
    await nextFrame();
    const f = i / config.frames;
    const end = now - windowMs + 60_000 + f * (windowMs - 60_000);
    viewport = { ...viewport, start: end - 60_000, end, scrollTop: Math.floor(f * maxScroll) };
    panMs.push(frame());
    panTiles.push(painter.tilesDrawn);
  }
  return { events, widthCss, heightCss, dpr, fullMs, panMs, fullPaintMs, panTiles };
}

window.runTimelineBench = runTimelineBench;
