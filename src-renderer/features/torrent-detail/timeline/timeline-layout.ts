/**
 * Geometry of the Timeline tab (issue 19), pure: where lanes, times and events fall on the
 * canvas in CSS pixels, the axis ticks, zoom and pan, and which event is under a point.
 *
 * A lane is `laneHeightCss` tall under a `axisHeightCss` time axis, with its label in the first
 * `labelWidthCss`. Inside a lane, from the top: the band while the peer unchokes us, the bar
 * row (piece runs, with request bursts as a thin line under them), and the band while we unchoke
 * it; markers (connect, handshake, bitfield, interest, have, reject, close) sit on the bar row.
 *
 * Invariants: a view spans at least `minSpanMs` and at most the kept window; nothing here reads
 * the DOM or the clock.
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLaneData, TimelineState } from '../../../../src-shared/timeline-delta';

export const labelWidthCss = 196;
export const axisHeightCss = 22;
export const laneHeightCss = 26;
/** The narrowest view: two seconds across the plot. */
export const minSpanMs = 2_000;
/** Half the width of an instant's hit box, in CSS pixels. */
export const markerHitCss = 4;

/** Rows of a lane, relative to its top, in CSS pixels. */
export const band = {
  peerUnchoke: { y: 2, h: 4 },
  bar: { y: 8, h: 10 },
  requests: { y: 18, h: 2 },
  ourUnchoke: { y: 20, h: 4 },
} as const;

/** What is on screen: a time range across the plot and a vertical scroll over the lanes. */
export interface TimelineViewport {
  widthCss: number;
  heightCss: number;
  /** CSS pixels scrolled down the lanes. */
  scrollTop: number;
  /** The times at the plot's left and right edges (ms, the engine's clock). */
  start: number;
  end: number;
}

export function plotWidth(v: TimelineViewport): number {
  return Math.max(1, v.widthCss - labelWidthCss);
}

export function xOf(v: TimelineViewport, t: number): number {
  return labelWidthCss + ((t - v.start) / (v.end - v.start)) * plotWidth(v);
}

export function timeAt(v: TimelineViewport, x: number): number {
  return v.start + ((x - labelWidthCss) / plotWidth(v)) * (v.end - v.start);
}

/** The lanes in drawing order: by id, the order they began. */
export function laneOrder(state: TimelineState): TimelineLaneData[] {
  return [...state.lanes.values()].sort((a, b) => a.meta.id - b.meta.id);
}

/** Total height of the lanes and the axis, for the scroll area. */
export function contentHeight(laneCount: number): number {
  return axisHeightCss + laneCount * laneHeightCss;
}

/** The lanes at least partly on screen: [first, last) indices into the lane order. */
export function visibleLanes(v: TimelineViewport, laneCount: number): [number, number] {
  const first = Math.max(0, Math.floor(v.scrollTop / laneHeightCss));
  const rows = Math.ceil((v.heightCss - axisHeightCss) / laneHeightCss) + 1;
  return [Math.min(first, laneCount), Math.min(laneCount, first + rows)];
}

/** The top of lane `i` on the canvas. */
export function laneTop(v: TimelineViewport, i: number): number {
  return axisHeightCss + i * laneHeightCss - v.scrollTop;
}

/** The lane index under `y`, or null (the axis, or below the last lane). */
export function laneAt(v: TimelineViewport, y: number, laneCount: number): number | null {
  if (y < axisHeightCss) return null;
  const i = Math.floor((y - axisHeightCss + v.scrollTop) / laneHeightCss);
  return i >= 0 && i < laneCount ? i : null;
}

/** Tick steps, smallest first: a tick at least every `minTickCss` pixels. */
const tickSteps = [
  100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

export function ticks(v: TimelineViewport, minTickCss = 84): { step: number; times: number[] } {
  const msPerCss = (v.end - v.start) / plotWidth(v);
  const step = tickSteps.find((s) => s / msPerCss >= minTickCss) ?? 600_000;
  const times: number[] = [];
  for (let t = Math.ceil(v.start / step) * step; t <= v.end && times.length < 200; t += step)
    times.push(t);
  return { step, times };
}

/** A tick's label: clock time, with tenths when ticks are closer than a second. */
export function tickLabel(t: number, step: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return step < 1_000 ? `${hms}.${Math.floor(d.getMilliseconds() / 100)}` : hms;
}

/** The view clamped: at least `minSpanMs`, at most the window, inside [now - window, now]. */
export function clampView(
  start: number,
  end: number,
  now: number,
  windowMs: number,
): { start: number; end: number } {
  const span = Math.min(Math.max(end - start, minSpanMs), windowMs);
  let e = Math.min(Math.max(end, now - windowMs + span), now);
  if (e - span < now - windowMs) e = now - windowMs + span;
  return { start: e - span, end: e };
}

/** Zooms by `factor` (< 1 zooms in) keeping the time at `anchor` where it is. */
export function zoomAt(
  v: { start: number; end: number },
  factor: number,
  anchor: number,
  now: number,
  windowMs: number,
): { start: number; end: number } {
  const span = Math.min(Math.max((v.end - v.start) * factor, minSpanMs), windowMs);
  const f = (anchor - v.start) / (v.end - v.start);
  const start = anchor - f * span;
  return clampView(start, start + span, now, windowMs);
}

export function panBy(
  v: { start: number; end: number },
  deltaMs: number,
  now: number,
  windowMs: number,
): { start: number; end: number } {
  return clampView(v.start + deltaMs, v.end + deltaMs, now, windowMs);
}

/** Where a row's event is drawn: its x range (instants get a marker's width). */
export function eventSpan(
  v: TimelineViewport,
  rows: Float64Array,
  o: number,
  now: number,
): { x0: number; x1: number; instant: boolean } {
  const kind = rows[o + 2]!;
  const t0 = rows[o + 3]!;
  const t1raw = rows[o + 4]!;
  const t1 = t1raw === timelineOpen ? now : t1raw;
  const instant = isInstant(kind);
  const x0 = xOf(v, t0);
  const x1 = instant ? x0 : Math.max(xOf(v, t1), x0 + 1);
  return { x0, x1, instant };
}

/** Kinds drawn as a marker at one time rather than a bar or a band. */
export function isInstant(kind: number): boolean {
  return (
    kind === TimelineKind.connect ||
    kind === TimelineKind.handshake ||
    kind === TimelineKind.bitfield ||
    kind === TimelineKind.peerInterest ||
    kind === TimelineKind.ourInterest ||
    kind === TimelineKind.have ||
    kind === TimelineKind.reject ||
    kind === TimelineKind.close
  );
}

export interface TimelineHit {
  laneIndex: number;
  laneId: number;
  /** The event's row in its lane, and its id. */
  row: number;
  id: number;
  kind: number;
}

/**
 * The event under (x, y) in CSS pixels on the canvas, or null. Markers win over bars, bars over
 * the unchoke bands, and a band counts only under its own strip of the lane.
 */
export function hitTest(
  v: TimelineViewport,
  lanes: readonly TimelineLaneData[],
  x: number,
  y: number,
  now: number,
): TimelineHit | null {
  if (x < labelWidthCss) return null;
  const i = laneAt(v, y, lanes.length);
  if (i === null) return null;
  const lane = lanes[i]!;
  const dy = y - laneTop(v, i);
  let best: { row: number; rank: number; dist: number } | null = null;
  for (let r = 0; r < lane.count; r++) {
    const o = r * timelineRowStride;
    const kind = lane.rows[o + 2]!;
    const { x0, x1, instant } = eventSpan(v, lane.rows, o, now);
    let rank: number;
    let dist: number;
    if (instant) {
      dist = Math.abs(x - x0);
      if (dist > markerHitCss) continue;
      rank = 3;
    } else {
      if (x < x0 - 1 || x > x1 + 1) continue;
      dist = 0;
      if (kind === TimelineKind.run) rank = 2;
      else if (kind === TimelineKind.requests) rank = 1;
      else {
        const b = kind === TimelineKind.peerUnchoke ? band.peerUnchoke : band.ourUnchoke;
        if (dy < b.y - 2 || dy > b.y + b.h + 2) continue;
        rank = 0;
      }
    }
    // Later rows win ties: the latest marker drawn on top is the one under the pointer.
    if (!best || rank > best.rank || (rank === best.rank && dist <= best.dist))
      best = { row: r, rank, dist };
  }
  if (!best) return null;
  const o = best.row * timelineRowStride;
  return {
    laneIndex: i,
    laneId: lane.meta.id,
    row: best.row,
    id: lane.rows[o + 1]!,
    kind: lane.rows[o + 2]!,
  };
}

/** The row of the next (dir 1) or previous (-1) event of a lane from `row` (-1: none yet). */
export function stepEvent(lane: TimelineLaneData, row: number, dir: 1 | -1): number | null {
  if (lane.count === 0) return null;
  if (row < 0) return dir === 1 ? 0 : lane.count - 1;
  const next = row + dir;
  return next >= 0 && next < lane.count ? next : null;
}
