/**
 * Paints the timeline into a 2D context, in CSS pixels (the caller scales for the display's
 * pixel ratio). Only the lanes on screen are drawn, and each kind is one path per frame: a
 * 200-lane, ten-minute view costs a few thousand rects, merged when they touch the same pixel.
 *
 * Invariant: pure apart from the context it is given (no DOM, no clock, no store).
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { laneAddress, laneFlags } from './describe-event';
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

/** Rects of one colour, merged while they touch: one path and one fill per colour and frame. */
class RectBatch {
  private x0 = 0;
  private x1 = -1;
  private y = 0;
  private h = 0;
  count = 0;
  constructor(private readonly ctx: PaintContext) {}
  begin(): void {
    this.ctx.beginPath();
    this.x1 = -1;
    this.count = 0;
  }
  add(x0: number, x1: number, y: number, h: number): void {
    if (this.x1 >= 0 && y === this.y && h === this.h && x0 <= this.x1 + 0.5) {
      if (x1 > this.x1) this.x1 = x1;
      return;
    }
    this.flushOne();
    this.x0 = x0;
    this.x1 = x1;
    this.y = y;
    this.h = h;
  }
  private flushOne(): void {
    if (this.x1 < 0) return;
    this.ctx.rect(this.x0, this.y, Math.max(1, this.x1 - this.x0), this.h);
    this.count++;
  }
  end(fillStyle: string): void {
    this.flushOne();
    this.x1 = -1;
    this.ctx.fillStyle = fillStyle;
    this.ctx.fill();
  }
}

/** Draws the whole scene; returns the number of rects and markers drawn (for the bench). */
export function paintTimeline(ctx: PaintContext, s: TimelineScene): number {
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
  let drawn = 0;
  const batch = new RectBatch(ctx);
  const layers: { kinds: number[]; color: string; y: number; h: number }[] = [
    { kinds: [TimelineKind.peerUnchoke], color: p.peerUnchoke, ...band.peerUnchoke },
    { kinds: [TimelineKind.ourUnchoke], color: p.ourUnchoke, ...band.ourUnchoke },
    { kinds: [TimelineKind.requests], color: p.requests, ...band.requests },
    { kinds: [TimelineKind.run], color: p.run, ...band.bar },
  ];
  const left = labelWidthCss - 1;
  const right = v.widthCss + 1;
  for (const layer of layers) {
    const kind = layer.kinds[0]!;
    batch.begin();
    for (let i = first; i < last; i++) {
      const lane = s.lanes[i]!;
      const top = laneTop(v, i) + layer.y;
      const r = lane.rows;
      for (let k = 0; k < lane.count; k++) {
        const o = k * timelineRowStride;
        if (r[o + 2] !== kind) continue;
        const t1 = r[o + 4] === timelineOpen ? s.now : r[o + 4]!;
        const x1 = xOf(v, t1);
        if (x1 < left) continue;
        const x0 = xOf(v, r[o + 3]!);
        if (x0 > right) continue;
        batch.add(Math.max(x0, left), Math.min(Math.max(x1, x0 + 1), right), top, layer.h);
      }
    }
    batch.end(layer.color);
    drawn += batch.count;
  }
  drawn += paintMarkers(ctx, s, first, last);
  paintHighlights(ctx, s, first, last);
  ctx.restore();

  paintLabels(ctx, s, first, last);
  paintAxis(ctx, v, p, step, times);
  return drawn;
}

const markerColors = (p: TimelinePalette): Record<number, string> => ({
  [TimelineKind.connect]: p.marker,
  [TimelineKind.handshake]: p.handshake,
  [TimelineKind.bitfield]: p.bitfield,
  [TimelineKind.have]: p.have,
  [TimelineKind.reject]: p.reject,
  [TimelineKind.close]: p.close,
  [TimelineKind.peerInterest]: p.interest,
  [TimelineKind.ourInterest]: p.interest,
});

/** Markers: a tick per event on the bar row, interest as a notch above (it) or below (us). */
function paintMarkers(ctx: PaintContext, s: TimelineScene, first: number, last: number): number {
  const v = s.viewport;
  const colors = markerColors(s.palette);
  let drawn = 0;
  for (const kindKey of Object.keys(colors)) {
    const kind = Number(kindKey);
    ctx.beginPath();
    for (let i = first; i < last; i++) {
      const lane = s.lanes[i]!;
      const top = laneTop(v, i);
      const r = lane.rows;
      let lastX = -10;
      for (let k = 0; k < lane.count; k++) {
        const o = k * timelineRowStride;
        if (r[o + 2] !== kind) continue;
        const x = Math.round(xOf(v, r[o + 3]!));
        if (x < labelWidthCss - 4 || x > v.widthCss + 4 || x === lastX) continue;
        lastX = x;
        drawn++;
        if (kind === TimelineKind.peerInterest) ctx.rect(x - 2, top + band.bar.y - 2, 4, 2);
        else if (kind === TimelineKind.ourInterest)
          ctx.rect(x - 2, top + band.bar.y + band.bar.h, 4, 2);
        else if (kind === TimelineKind.close) ctx.rect(x - 1, top + 2, 3, laneHeightCss - 4);
        else if (kind === TimelineKind.have) ctx.rect(x - 1, top + band.bar.y + 3, 2, 4);
        else ctx.rect(x - 1, top + band.bar.y - 1, 2, band.bar.h + 2);
      }
    }
    ctx.fillStyle = colors[kind]!;
    ctx.fill();
  }
  return drawn;
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

function paintLabels(ctx: PaintContext, s: TimelineScene, first: number, last: number): void {
  const v = s.viewport;
  const p = s.palette;
  ctx.fillStyle = p.background;
  ctx.fillRect(0, axisHeightCss, labelWidthCss - 1, v.heightCss - axisHeightCss);
  ctx.textBaseline = 'middle';
  for (let i = first; i < last; i++) {
    const m = s.lanes[i]!.meta;
    const top = laneTop(v, i);
    if (i % 2 === 1) {
      ctx.fillStyle = p.laneAlt;
      ctx.fillRect(0, top, labelWidthCss - 1, laneHeightCss);
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = m.closedAt !== null ? p.textDim : p.text;
    ctx.fillText(clip(ctx, laneAddress(m), 118), 6, top + 9);
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = p.textDim;
    ctx.fillText(clip(ctx, `${m.client} · ${laneFlags(m)}`, labelWidthCss - 12), 6, top + 20);
    if (m.closedAt !== null) {
      ctx.fillStyle = p.close;
      ctx.fillText('closed', 130, top + 9);
    }
    if (s.focusLane === i) {
      ctx.strokeStyle = p.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(1, top + 1, v.widthCss - 2, laneHeightCss - 2);
    }
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
