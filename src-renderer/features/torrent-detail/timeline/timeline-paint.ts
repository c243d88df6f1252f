/**
 * Paints the timeline into a 2D context, in CSS pixels (the caller scales for the display's
 * pixel ratio). Only the lanes on screen are drawn, and each kind is one path per frame: a
 * 200-lane, ten-minute view costs a few thousand rects, merged when they touch the same pixel.
 *
 * Invariant: pure apart from the context it is given (no DOM, no clock, no store).
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLane } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { laneAddress, laneFlags } from './describe-event';
import { gatherRows, KindRects } from './timeline-events';
import type { BlitContext, LaneTiles } from './timeline-tiles';
import {
  axisHeightCss,
  band,
  labelWidthCss,
  laneHeightCss,
  laneTop,
  ticks,
  tickLabel,
  visibleLanes,
  xOf,
  type TimelineViewport,
} from './timeline-layout';

export interface TimelinePalette {
  background: string;
  laneAlt: string;
  grid: string;
  text: string;
  textDim: string;
  peerUnchoke: string;
  ourUnchoke: string;
  run: string;
  runSelected: string;
  requests: string;
  marker: string;
  handshake: string;
  bitfield: string;
  have: string;
  reject: string;
  close: string;
  interest: string;
  focus: string;
}

export function timelinePalette(scheme: 'light' | 'dark'): TimelinePalette {
  return scheme === 'dark'
    ? {
        background: '#1b1d22',
        laneAlt: '#22252b',
        grid: '#343842',
        text: '#e6e8ec',
        textDim: '#9aa1ad',
        peerUnchoke: '#3fb37f',
        ourUnchoke: '#e0a33a',
        run: '#5b9cf5',
        runSelected: '#ffffff',
        requests: '#8d96a5',
        marker: '#aab2bf',
        handshake: '#b48cf2',
        bitfield: '#38c2c9',
        have: '#7fc8f8',
        reject: '#f0a05a',
        close: '#f0616d',
        interest: '#e6e8ec',
        focus: '#ffffff',
      }
    : {
        background: '#ffffff',
        laneAlt: '#f5f7fa',
        grid: '#dde1e7',
        text: '#1d2430',
        textDim: '#5d6777',
        peerUnchoke: '#1f9d63',
        ourUnchoke: '#c27c0e',
        run: '#2f6fdb',
        runSelected: '#0b1a33',
        requests: '#7b8596',
        marker: '#5d6777',
        handshake: '#7a4cc2',
        bitfield: '#138a91',
        have: '#2d8fd1',
        reject: '#c9661c',
        close: '#cf2e3d',
        interest: '#1d2430',
        focus: '#1d2430',
      };
}

export interface TimelineScene {
  viewport: TimelineViewport;
  lanes: readonly TimelineLaneData[];
  now: number;
  palette: TimelinePalette;
  /** The lane with the keyboard focus (an index into `lanes`), or null. */
  focusLane: number | null;
  /** The event under the pointer or the keyboard: lane index and row. */
  highlight: { lane: number; row: number } | null;
  /** The piece selected (its runs are outlined). */
  selectedPiece: number | null;
  /** Moves whenever any lane's rows change: drawings of the events are kept while it stays. */
  version: number;
}

/** The subset of CanvasRenderingContext2D the painter uses (a recording fake in tests). */
export type PaintContext = Pick<
  CanvasRenderingContext2D,
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'font'
  | 'textBaseline'
  | 'fillRect'
  | 'strokeRect'
  | 'fillText'
  | 'beginPath'
  | 'rect'
  | 'fill'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'save'
  | 'restore'
  | 'clip'
  | 'measureText'
>;

/**
 * Draws the whole scene. With `tiles` (the app's canvas), the events come from its lane tiles;
 * without (tests), they are drawn directly. Returns the rects drawn (copies not counted).
 */
export function paintTimeline(
  ctx: PaintContext,
  s: TimelineScene,
  tiles?: { cache: LaneTiles; dpr: number },
): number {
  const v = s.viewport;
  const p = s.palette;
  const [first, last] = visibleLanes(v, s.lanes.length);
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, v.widthCss, v.heightCss);

  // Alternate lane shading, then the grid under everything.
  ctx.fillStyle = p.laneAlt;
  for (let i = first; i < last; i++)
    if (i % 2 === 1) ctx.fillRect(0, laneTop(v, i), v.widthCss, laneHeightCss);
  const { step, times } = ticks(v);
  ctx.strokeStyle = p.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of times) {
    const x = Math.round(xOf(v, t)) + 0.5;
    ctx.moveTo(x, axisHeightCss);
    ctx.lineTo(x, v.heightCss);
  }
  ctx.stroke();

  // Events, clipped to the plot (a span may start before the view).
  ctx.save();
  ctx.beginPath();
  ctx.rect(labelWidthCss, axisHeightCss, v.widthCss - labelWidthCss, v.heightCss - axisHeightCss);
  ctx.clip();
  const drawn = tiles
    ? tiles.cache.paint(ctx as unknown as BlitContext, s, first, last, tiles.dpr)
    : paintEvents(ctx, s, first, last);
  paintHighlights(ctx, s, first, last);
  ctx.restore();

  paintLabels(ctx, s, first, last);
  paintAxis(ctx, v, p, step, times);
  return drawn;
}

/** Reused by every direct paint: a frame allocates no rect lists. */
const directRects = new KindRects();

/** Every event of the lanes on screen in one pass over their rows, then one fill per kind. */
function paintEvents(ctx: PaintContext, s: TimelineScene, first: number, last: number): number {
  const v = s.viewport;
  const scale = (v.widthCss - labelWidthCss) / (v.end - v.start);
  const g = {
    origin: labelWidthCss - v.start * scale,
    scale,
    top: 0,
    left: labelWidthCss - 4,
    right: v.widthCss + 4,
    now: s.now,
  };
  for (let i = first; i < last; i++) {
    const lane = s.lanes[i]!;
    g.top = laneTop(v, i);
    gatherRows(directRects, lane.rows, 0, lane.count, g, 1);
  }
  return directRects.fill(ctx, s.palette);
}

/** The selected piece's runs and the event under the pointer or keyboard, outlined. */
function paintHighlights(ctx: PaintContext, s: TimelineScene, first: number, last: number): void {
  const v = s.viewport;
  ctx.lineWidth = 2;
  if (s.selectedPiece !== null) {
    ctx.strokeStyle = s.palette.runSelected;
    for (let i = first; i < last; i++) {
      const lane = s.lanes[i]!;
      const r = lane.rows;
      for (let k = 0; k < lane.count; k++) {
        const o = k * timelineRowStride;
        if (r[o + 2] !== TimelineKind.run || r[o + 5] !== s.selectedPiece) continue;
        const x0 = xOf(v, r[o + 3]!);
        const x1 = Math.max(xOf(v, r[o + 4]!), x0 + 2);
        ctx.strokeRect(x0, laneTop(v, i) + band.bar.y, x1 - x0, band.bar.h);
      }
    }
  }
  const h = s.highlight;
  if (h && h.lane >= first && h.lane < last) {
    const lane = s.lanes[h.lane]!;
    if (h.row < lane.count) {
      const o = h.row * timelineRowStride;
      const kind = lane.rows[o + 2]!;
      const t1 = lane.rows[o + 4] === timelineOpen ? s.now : lane.rows[o + 4]!;
      const x0 = xOf(v, lane.rows[o + 3]!);
      const x1 = Math.max(xOf(v, t1), x0);
      const top = laneTop(v, h.lane);
      ctx.strokeStyle = s.palette.focus;
      ctx.strokeRect(x0 - 3, top + 1, x1 - x0 + 6, laneHeightCss - 2);
      void kind;
    }
  }
}

/** A lane's label lines, cut to fit: measured once per lane's details, not every frame. */
interface LaneLabel {
  address: string;
  detail: string;
}
const labelFont = '12px system-ui, sans-serif';
const detailFont = '10px system-ui, sans-serif';
const laneLabels = new WeakMap<TimelineLane, LaneLabel>();

function laneLabel(ctx: PaintContext, m: TimelineLane): LaneLabel {
  let label = laneLabels.get(m);
  if (!label) {
    ctx.font = labelFont;
    const address = clip(ctx, laneAddress(m), 118);
    ctx.font = detailFont;
    const detail = clip(ctx, `${m.client} · ${laneFlags(m)}`, labelWidthCss - 12);
    label = { address, detail };
    laneLabels.set(m, label);
  }
  return label;
}

/** The label column: each font and colour set once per frame, not once per lane. */
function paintLabels(ctx: PaintContext, s: TimelineScene, first: number, last: number): void {
  const v = s.viewport;
  const p = s.palette;
  ctx.fillStyle = p.background;
  ctx.fillRect(0, axisHeightCss, labelWidthCss - 1, v.heightCss - axisHeightCss);
  ctx.fillStyle = p.laneAlt;
  for (let i = first; i < last; i++)
    if (i % 2 === 1) ctx.fillRect(0, laneTop(v, i), labelWidthCss - 1, laneHeightCss);
  ctx.textBaseline = 'middle';
  const labels: LaneLabel[] = [];
  for (let i = first; i < last; i++) labels.push(laneLabel(ctx, s.lanes[i]!.meta));
  ctx.font = labelFont;
  for (const closed of [false, true]) {
    ctx.fillStyle = closed ? p.textDim : p.text;
    for (let i = first; i < last; i++)
      if ((s.lanes[i]!.meta.closedAt !== null) === closed)
        ctx.fillText(labels[i - first]!.address, 6, laneTop(v, i) + 9);
  }
  ctx.font = detailFont;
  ctx.fillStyle = p.textDim;
  for (let i = first; i < last; i++) ctx.fillText(labels[i - first]!.detail, 6, laneTop(v, i) + 20);
  ctx.fillStyle = p.close;
  for (let i = first; i < last; i++)
    if (s.lanes[i]!.meta.closedAt !== null) ctx.fillText('closed', 130, laneTop(v, i) + 9);
  if (s.focusLane !== null && s.focusLane >= first && s.focusLane < last) {
    ctx.strokeStyle = p.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(1, laneTop(v, s.focusLane) + 1, v.widthCss - 2, laneHeightCss - 2);
  }
  ctx.fillStyle = p.grid;
  ctx.fillRect(labelWidthCss - 1, axisHeightCss, 1, v.heightCss - axisHeightCss);
}

function paintAxis(
  ctx: PaintContext,
  v: TimelineViewport,
  p: TimelinePalette,
  step: number,
  times: number[],
): void {
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, v.widthCss, axisHeightCss);
  ctx.fillStyle = p.grid;
  ctx.fillRect(0, axisHeightCss - 1, v.widthCss, 1);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = p.textDim;
  ctx.fillText('Peer', 6, axisHeightCss / 2);
  for (const t of times) {
    const x = xOf(v, t);
    if (x < labelWidthCss + 2) continue;
    ctx.fillRect(Math.round(x), axisHeightCss - 5, 1, 4);
    ctx.fillText(tickLabel(t, step), x + 3, axisHeightCss / 2);
  }
}

/** Text cut with an ellipsis to fit `width`. */
function clip(ctx: PaintContext, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n--;
  return `${text.slice(0, n)}…`;
}
