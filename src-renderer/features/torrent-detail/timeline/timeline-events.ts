/**
 * Turns a lane's rows into rects, one list per kind, for the canvas to fill one kind at a time.
 * Shared by the direct painter (timeline-paint.ts) and the lane tiles (timeline-tiles.ts).
 *
 * Rects of a kind that touch merge, markers included: at ten minutes across, haves a pixel or
 * two apart would otherwise be thousands of rects a frame, and the raster time grows with their
 * count. The lists are reused from frame to frame, so a frame allocates nothing here.
 *
 * Invariant: pure apart from the lists and the context it is given (no DOM, no clock).
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import { band, laneHeightCss } from './timeline-layout';
import type { PaintContext, TimelinePalette } from './timeline-paint';

/** Where each kind is drawn in its lane and in which colour; markers are ticks on the bar row. */
interface KindStyle {
  color: (p: TimelinePalette) => string;
  /** Bars and bands: their strip of the lane. Markers: x offset, y, width, height. */
  bar?: { y: number; h: number };
  marker?: { dx: number; y: number; w: number; h: number };
}

const kindStyles: Record<number, KindStyle> = {
  [TimelineKind.peerUnchoke]: { color: (p) => p.peerUnchoke, bar: band.peerUnchoke },
  [TimelineKind.ourUnchoke]: { color: (p) => p.ourUnchoke, bar: band.ourUnchoke },
  [TimelineKind.requests]: { color: (p) => p.requests, bar: band.requests },
  [TimelineKind.run]: { color: (p) => p.run, bar: band.bar },
  [TimelineKind.connect]: {
    color: (p) => p.marker,
    marker: { dx: -1, y: band.bar.y - 1, w: 2, h: band.bar.h + 2 },
  },
  [TimelineKind.handshake]: {
    color: (p) => p.handshake,
    marker: { dx: -1, y: band.bar.y - 1, w: 2, h: band.bar.h + 2 },
  },
  [TimelineKind.bitfield]: {
    color: (p) => p.bitfield,
    marker: { dx: -1, y: band.bar.y - 1, w: 2, h: band.bar.h + 2 },
  },
  [TimelineKind.have]: { color: (p) => p.have, marker: { dx: -1, y: band.bar.y + 3, w: 2, h: 4 } },
  [TimelineKind.reject]: {
    color: (p) => p.reject,
    marker: { dx: -1, y: band.bar.y - 1, w: 2, h: band.bar.h + 2 },
  },
  [TimelineKind.close]: {
    color: (p) => p.close,
    marker: { dx: -1, y: 2, w: 3, h: laneHeightCss - 4 },
  },
  // Interest: a notch above the bar row (it is interested) or below it (we are).
  [TimelineKind.peerInterest]: {
    color: (p) => p.interest,
    marker: { dx: -2, y: band.bar.y - 2, w: 4, h: 2 },
  },
  [TimelineKind.ourInterest]: {
    color: (p) => p.interest,
    marker: { dx: -2, y: band.bar.y + band.bar.h, w: 4, h: 2 },
  },
};

/** Drawing order: bands and bars under the markers, the close on top. */
const paintOrder = [
  TimelineKind.peerUnchoke,
  TimelineKind.ourUnchoke,
  TimelineKind.requests,
  TimelineKind.run,
  TimelineKind.connect,
  TimelineKind.handshake,
  TimelineKind.bitfield,
  TimelineKind.peerInterest,
  TimelineKind.ourInterest,
  TimelineKind.have,
  TimelineKind.reject,
  TimelineKind.close,
];
const kindCount = 16;

/**
 * One growing list of rects per kind, with the rect being extended while the next one touches it
 * on the same row. Rows are in id order, not time order (a run ends after one that began later),
 * so a rect may extend the pending one on either side.
 */
export class KindRects {
  private buf: Float64Array[] = [];
  private len = new Int32Array(kindCount);
  // The pending rect per kind: x0, x1 (-1: none), y, h.
  private pend = new Float64Array(kindCount * 4);

  constructor() {
    for (let k = 0; k < kindCount; k++) this.buf.push(new Float64Array(256));
    this.clear();
  }

  clear(): void {
    this.len.fill(0);
    for (let k = 0; k < kindCount; k++) this.pend[k * 4 + 1] = -1;
  }

  /** Bars merge when within half a pixel; markers, whole pixels apart, only when they touch. */
  add(kind: number, x0: number, x1: number, y: number, h: number): void {
    const p = this.pend;
    const o = kind * 4;
    const px1 = p[o + 1]!;
    if (px1 >= 0 && y === p[o + 2] && h === p[o + 3] && x0 <= px1 + 0.5 && x1 >= p[o]! - 0.5) {
      if (x0 < p[o]!) p[o] = x0;
      if (x1 > px1) p[o + 1] = x1;
      return;
    }
    this.flushKind(kind);
    p[o] = x0;
    p[o + 1] = x1;
    p[o + 2] = y;
    p[o + 3] = h;
  }

  private flushKind(kind: number): void {
    const p = this.pend;
    const o = kind * 4;
    if (p[o + 1]! < 0) return;
    let b = this.buf[kind]!;
    const n = this.len[kind]!;
    if (n + 4 > b.length) {
      const grown = new Float64Array(b.length * 2);
      grown.set(b);
      this.buf[kind] = b = grown;
    }
    b[n] = p[o]!;
    b[n + 1] = p[o + 2]!;
    b[n + 2] = Math.max(1, p[o + 1]! - p[o]!);
    b[n + 3] = p[o + 3]!;
    this.len[kind] = n + 4;
    p[o + 1] = -1;
  }

  /** Fills every kind's rects, one path and one fill per kind; returns the rects drawn. */
  fill(ctx: PaintContext, palette: TimelinePalette): number {
    let drawn = 0;
    for (const kind of paintOrder) {
      this.flushKind(kind);
      const n = this.len[kind]!;
      if (n === 0) continue;
      const b = this.buf[kind]!;
      ctx.beginPath();
      for (let i = 0; i < n; i += 4) ctx.rect(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
      ctx.fillStyle = kindStyles[kind]!.color(palette);
      ctx.fill();
      drawn += n / 4;
    }
    this.clear();
    return drawn;
  }
}

/**
 * Adds the rects of rows [from, to) of a lane, drawn at `top`, with times mapped to
 * `origin + t * scale`; rects wholly outside [left, right] are skipped and the rest cut to it.
 * Markers sit on whole pixels of `pixel` (the display's pixel ratio), so they stay sharp.
 */
export function gatherRows(
  out: KindRects,
  rows: Float64Array,
  from: number,
  to: number,
  g: { origin: number; scale: number; top: number; left: number; right: number; now: number },
  pixel: number,
): void {
  const { origin, scale, top, left, right, now } = g;
  for (let k = from, o = from * timelineRowStride; k < to; k++, o += timelineRowStride) {
    const kind = rows[o + 2]!;
    const style = kindStyles[kind];
    if (!style) continue;
    const x0 = origin + rows[o + 3]! * scale;
    if (x0 > right) continue;
    if (style.bar) {
      const t1 = rows[o + 4] === timelineOpen ? now : rows[o + 4]!;
      const x1 = origin + t1 * scale;
      if (x1 < left) continue;
      out.add(
        kind,
        Math.max(x0, left),
        Math.min(Math.max(x1, x0 + 1), right),
        top + style.bar.y,
        style.bar.h,
      );
    } else if (style.marker) {
      const x = Math.round(x0 * pixel) / pixel;
      if (x < left) continue;
      const m = style.marker;
      out.add(kind, x + m.dx, x + m.dx + m.w, top + m.y, m.h);
    }
  }
}
