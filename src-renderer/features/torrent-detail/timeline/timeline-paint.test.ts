import { describe, expect, it } from 'vitest';
import { TimelineKind, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLane } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { band, labelWidthCss, laneTop, xOf, type TimelineViewport } from './timeline-layout';
import { paintTimeline, timelinePalette, type PaintContext } from './timeline-paint';

const now = 1_000_000_000;
const palette = timelinePalette('light');

function lane(id: number, rows: number[][], closed = false): TimelineLaneData {
  const meta: TimelineLane = {
    id,
    address: '10.0.0.1',
    port: 6881,
    client: 'qBittorrent 4.6',
    transport: 'tcp',
    encrypted: false,
    incoming: false,
    openedAt: now - 60_000,
    closedAt: closed ? now - 1_000 : null,
    closeReason: closed ? 'timeout' : null,
  };
  const data = new Float64Array(rows.length * timelineRowStride);
  rows.forEach((r, i) => data.set([id, i + 1, ...r], i * timelineRowStride));
  return { meta, rows: data, count: rows.length };
}

interface Fill {
  color: string;
  rects: number[][];
}

/** A context that records each path filled (Path2D is absent here, so rects go on the path). */
function recorder(): { ctx: PaintContext; fills: Fill[]; texts: { text: string; font: string }[] } {
  const fills: Fill[] = [];
  const texts: { text: string; font: string }[] = [];
  let path: number[][] = [];
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textBaseline: 'alphabetic',
    fillRect: () => undefined,
    strokeRect: () => undefined,
    fillText(text: string) {
      texts.push({ text, font: this.font });
    },
    beginPath: () => void (path = []),
    rect: (x: number, y: number, w: number, h: number) => void path.push([x, y, w, h]),
    fill() {
      if (path.length > 0) fills.push({ color: this.fillStyle, rects: path });
    },
    moveTo: () => undefined,
    lineTo: () => undefined,
    stroke: () => undefined,
    save: () => undefined,
    restore: () => undefined,
    clip: () => undefined,
    measureText: (text: string) => ({ width: text.length * 6 }),
  };
  return { ctx: ctx as unknown as PaintContext, fills, texts };
}

const view: TimelineViewport = {
  widthCss: labelWidthCss + 600,
  heightCss: 200,
  scrollTop: 0,
  start: now - 60_000,
  end: now,
};

function paint(lanes: TimelineLaneData[]) {
  const r = recorder();
  const drawn = paintTimeline(r.ctx, {
    viewport: view,
    lanes,
    now,
    palette,
    focusLane: null,
    highlight: null,
    selectedPiece: null,
    version: 1,
  });
  return { ...r, drawn };
}

/** The pixel columns [x0, x1) a colour's rects cover on one row band. */
function covered(fills: Fill[], color: string): [number, number][] {
  return fills
    .filter((f) => f.color === color)
    .flatMap((f) => f.rects.map((r) => [r[0]!, r[0]! + r[2]!] as [number, number]))
    .sort((a, b) => a[0] - b[0]);
}

describe('paintTimeline', () => {
  it('draws the whole of a run that began before the run on the row before it', () => {
    // Rows are in id order: a run that ended later can come after one that began later.
    const t = now - 30_000;
    const { fills } = paint([
      lane(1, [
        [TimelineKind.run, t, t + 3_000, 7, 0, 0],
        [TimelineKind.run, t - 2_000, t + 1_000, 8, 0, 0],
      ]),
    ]);
    const runs = covered(fills, palette.run);
    expect(runs).toHaveLength(1);
    expect(runs[0]![0]).toBeCloseTo(xOf(view, t - 2_000), 5);
    expect(runs[0]![1]).toBeCloseTo(xOf(view, t + 3_000), 5);
  });

  it('merges markers that touch into one rect covering the same pixels', () => {
    // 60 s across 600 px: one pixel is 100 ms, a have marker two pixels wide.
    const t = now - 30_000;
    const haves = [0, 100, 200, 300, 1_000].map((d) => [TimelineKind.have, t + d, t + d, 1, 1, 0]);
    const { fills, drawn } = paint([lane(1, haves)]);
    const x = Math.round(xOf(view, t));
    expect(covered(fills, palette.have)).toEqual([
      [x - 1, x + 4],
      [x + 9, x + 11],
    ]);
    expect(drawn).toBe(2);
    const top = laneTop(view, 0);
    for (const f of fills.filter((f) => f.color === palette.have))
      for (const r of f.rects) expect(r[1]).toBe(top + band.bar.y + 3);
  });

  it('keeps markers of different lanes apart', () => {
    const t = now - 30_000;
    const { fills } = paint([
      lane(1, [[TimelineKind.have, t, t, 1, 1, 0]]),
      lane(2, [[TimelineKind.have, t + 100, t + 100, 1, 1, 0]]),
    ]);
    const rects = fills.filter((f) => f.color === palette.have).flatMap((f) => f.rects);
    expect(rects.map((r) => r[1])).toEqual([
      laneTop(view, 0) + band.bar.y + 3,
      laneTop(view, 1) + band.bar.y + 3,
    ]);
  });

  it('labels each lane once a frame, with "closed" in the detail font', () => {
    const { texts } = paint([lane(1, []), lane(2, [], true)]);
    expect(texts.filter((t) => t.text === '10.0.0.1:6881')).toHaveLength(2);
    expect(texts.filter((t) => t.text.startsWith('qBittorrent 4.6 · TCP'))).toHaveLength(2);
    expect(texts.find((t) => t.text === 'closed')?.font).toMatch(/^10px/);
    expect(texts.find((t) => t.text === '10.0.0.1:6881')?.font).toMatch(/^12px/);
  });
});
