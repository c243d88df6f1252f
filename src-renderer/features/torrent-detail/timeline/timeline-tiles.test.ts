import { describe, expect, it } from 'vitest';
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLane } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { labelWidthCss, type TimelineViewport } from './timeline-layout';
import { timelinePalette, type TimelineScene } from './timeline-paint';
import { LaneTiles, tileDevicePx, type BlitContext, type TileContext } from './timeline-tiles';

const now = 1_000_000_000;
const palette = timelinePalette('light');

function lane(id: number, rows: number[][]): TimelineLaneData {
  const meta: TimelineLane = {
    id,
    address: '10.0.0.1',
    port: 6881,
    client: 'qBittorrent 4.6',
    transport: 'tcp',
    encrypted: false,
    incoming: false,
    openedAt: now - 60_000,
    closedAt: null,
    closeReason: null,
  };
  const data = new Float64Array(rows.length * timelineRowStride);
  rows.forEach((r, i) => data.set([id, i + 1, ...r], i * timelineRowStride));
  return { meta, rows: data, count: rows.length };
}

/** A context that records rects filled (by colour) and images copied (by surface and place). */
function recorder() {
  const fills: { color: string; rects: number[][] }[] = [];
  const copies: { image: unknown; x: number; y: number }[] = [];
  let path: number[][] = [];
  const ctx = {
    fillStyle: '',
    beginPath: () => void (path = []),
    rect: (x: number, y: number, w: number, h: number) => void path.push([x, y, w, h]),
    fill() {
      fills.push({ color: this.fillStyle, rects: path });
    },
    save: () => undefined,
    restore: () => undefined,
    setTransform: () => undefined,
    clearRect: () => undefined,
    drawImage: (image: unknown, x: number, y: number) => void copies.push({ image, x, y }),
  };
  return { ctx, fills, copies };
}

function setup() {
  const surfaces: ReturnType<typeof recorder>[] = [];
  const tiles = new LaneTiles(() => {
    const r = recorder();
    surfaces.push(r);
    return { image: r as unknown as CanvasImageSource, ctx: r.ctx as unknown as TileContext };
  });
  return { tiles, surfaces };
}

// One CSS pixel per 100 ms at a pixel ratio of 1: a tile is 25.6 s.
const viewport: TimelineViewport = {
  widthCss: labelWidthCss + 600,
  heightCss: 200,
  scrollTop: 0,
  start: now - 60_000,
  end: now,
};

function scene(lanes: TimelineLaneData[], over: Partial<TimelineScene> = {}): TimelineScene {
  return {
    viewport,
    lanes,
    now,
    palette,
    focusLane: null,
    highlight: null,
    selectedPiece: null,
    version: 1,
    ...over,
  };
}

function paint(tiles: LaneTiles, s: TimelineScene) {
  const main = recorder();
  tiles.paint(main.ctx as unknown as BlitContext, s, 0, s.lanes.length, 1);
  return main;
}

const lanes = [
  lane(1, [
    [TimelineKind.peerUnchoke, now - 50_000, timelineOpen, 0, 0, 0],
    [TimelineKind.run, now - 40_000, now - 39_000, 7, 0, 0],
  ]),
  lane(2, [[TimelineKind.have, now - 30_000, now - 30_000, 7, 1, 0]]),
];

describe('LaneTiles', () => {
  it('draws new data directly, then from tiles that later frames copy', () => {
    const { tiles, surfaces } = setup();
    const first = paint(tiles, scene(lanes));
    expect(first.copies).toHaveLength(0);
    expect(first.fills.map((f) => f.color)).toEqual([
      palette.peerUnchoke,
      palette.run,
      palette.have,
    ]);
    expect(tiles.drawnLastFrame).toBe(0);

    const second = paint(tiles, scene(lanes));
    const perLane = Math.floor(now / 25_600) - Math.floor((now - 60_000) / 25_600) + 1;
    expect(second.copies).toHaveLength(2 * perLane);
    expect(second.fills).toHaveLength(0);
    expect(tiles.drawnLastFrame).toBe(2 * perLane);
    // Tiles sit a tile apart, on whole pixels.
    const xs = second.copies.slice(0, perLane).map((c) => c.x);
    expect(
      xs.every((x, i) => Number.isInteger(x) && (i === 0 || x - xs[i - 1]! === tileDevicePx)),
    ).toBe(true);

    // Panning by a pixel copies the same surfaces one pixel along and draws none.
    const third = paint(
      tiles,
      scene(lanes, {
        viewport: { ...viewport, start: viewport.start - 100, end: viewport.end - 100 },
      }),
    );
    expect(tiles.drawnLastFrame).toBe(0);
    expect(third.copies.map((c) => c.image)).toEqual(second.copies.map((c) => c.image));
    expect(third.copies.map((c) => c.x)).toEqual(second.copies.map((c) => c.x + 1));
    expect(surfaces).toHaveLength(2 * perLane);
  });

  it('draws again only the tiles that reach the present when it moves', () => {
    const { tiles } = setup();
    paint(tiles, scene(lanes));
    paint(tiles, scene(lanes));
    const later = now + 500;
    const v = { ...viewport, start: viewport.start + 500, end: viewport.end + 500 };
    paint(tiles, scene(lanes, { now: later, viewport: v }));
    // The last tile of each lane holds `now`; the ones before it are copies.
    expect(tiles.drawnLastFrame).toBe(2);
  });

  it('starts afresh with new data, a zoom or a new palette', () => {
    const { tiles } = setup();
    paint(tiles, scene(lanes));
    paint(tiles, scene(lanes));
    for (const over of [
      { version: 2 },
      { version: 2, viewport: { ...viewport, start: now - 30_000 } },
      {
        version: 2,
        viewport: { ...viewport, start: now - 30_000 },
        palette: timelinePalette('dark'),
      },
    ]) {
      const frame = paint(tiles, scene(lanes, over));
      expect(frame.copies).toHaveLength(0);
      expect(frame.fills.length).toBeGreaterThan(0);
    }
  });

  it('draws lanes directly beyond its budget of tiles a frame, at the tiles’ positions', () => {
    const { tiles } = setup();
    const many = Array.from({ length: 30 }, (_, i) =>
      lane(i + 1, [[TimelineKind.run, now - 40_000, now - 39_000, 7, 0, 0]]),
    );
    const tall = { ...viewport, heightCss: 2_000 };
    paint(tiles, scene(many, { viewport: tall }));
    const second = paint(tiles, scene(many, { viewport: tall }));
    expect(tiles.drawnLastFrame).toBeGreaterThan(0);
    expect(tiles.drawnLastFrame).toBeLessThanOrEqual(24);
    const runs = second.fills.filter((f) => f.color === palette.run).flatMap((f) => f.rects);
    expect(runs.length).toBe(30 - second.copies.length / 3);
    // A lane drawn directly starts where its tile would put it: the tile's whole-pixel origin.
    const x = labelWidthCss + (now - 40_000 - viewport.start) / 100;
    expect(Math.abs(runs[0]![0]! - x)).toBeLessThanOrEqual(0.5);
  });
});
