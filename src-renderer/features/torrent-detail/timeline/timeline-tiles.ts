/**
 * The lanes' events kept as tiles: one lane tall, `tileDevicePx` device pixels wide, each a fixed
 * slice of time at the current zoom. A frame copies the tiles on screen and draws only those it
 * has not got, so panning, scrolling, hovering and the clock's ticks cost a few copies instead
 * of thousands of rects; new data, a zoom, a new palette or pixel ratio start afresh.
 *
 * A tile is placed on whole device pixels (copies never resample), so events may sit up to half
 * a device pixel from where the direct painter puts them. A tile that reaches the present is
 * drawn again when `now` moves, since spans still open end there.
 *
 * Invariants: tiles not on screen in a frame are released at its end (memory follows the view);
 * released surfaces are reused, at most `poolMax` kept.
 */
import { timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { gatherRows, KindRects } from './timeline-events';
import { labelWidthCss, laneHeightCss, laneTop } from './timeline-layout';
import type { PaintContext, TimelinePalette, TimelineScene } from './timeline-paint';

/** The context a tile is drawn with: the painter's subset plus clearing and scaling. */
export type TileContext = PaintContext &
  Pick<CanvasRenderingContext2D, 'clearRect' | 'setTransform'>;

export interface TileSurface {
  image: CanvasImageSource;
  ctx: TileContext;
}

/** Makes a transparent surface of the size given in device pixels. */
export type TileFactory = (widthPx: number, heightPx: number) => TileSurface;

/** What copying needs of the visible canvas's context. */
export type BlitContext = PaintContext &
  Pick<CanvasRenderingContext2D, 'setTransform' | 'drawImage'>;

export const tileDevicePx = 256;
/** Rows per chunk of a lane's time index. */
const chunkRows = 64;
const poolMax = 256;
/**
 * Tiles drawn at most per frame besides copies: a one-minute view pans about a quarter of a tile
 * column a frame at a brisk drag, and lanes scrolled into view need theirs.
 */
const tileBudget = 24;

interface Tile {
  surface: TileSurface;
  /** The `now` it was drawn at, and the last frame that used it. */
  now: number;
  frame: number;
}

/**
 * Per chunk of `chunkRows` rows, the earliest start and latest end (open: infinite), so a tile
 * visits only the chunks that reach its time slice. Rows keep id order, roughly time order.
 */
interface LaneIndex {
  rows: Float64Array;
  count: number;
  minT0: Float64Array;
  maxT1: Float64Array;
}

function indexLane(lane: TimelineLaneData): LaneIndex {
  const chunks = Math.ceil(lane.count / chunkRows);
  const minT0 = new Float64Array(chunks).fill(Infinity);
  const maxT1 = new Float64Array(chunks).fill(-Infinity);
  const r = lane.rows;
  for (let k = 0, o = 0; k < lane.count; k++, o += timelineRowStride) {
    const c = (k / chunkRows) | 0;
    const t0 = r[o + 3]!;
    const t1 = r[o + 4] === timelineOpen ? Infinity : Math.max(r[o + 4]!, t0);
    if (t0 < minT0[c]!) minT0[c] = t0;
    if (t1 > maxT1[c]!) maxT1[c] = t1;
  }
  return { rows: r, count: lane.count, minT0, maxT1 };
}

export class LaneTiles {
  private tiles = new Map<number, Map<number, Tile>>();
  private indexes = new Map<number, LaneIndex>();
  private pool: TileSurface[] = [];
  private rects = new KindRects();
  private direct = new KindRects();
  private frame = 0;
  private key = { scale: NaN, dpr: NaN, version: NaN, palette: null as TimelinePalette | null };
  /** Tiles drawn in the last frame (the rest were copies), for the tests and the bench. */
  drawnLastFrame = 0;
  private rectsDrawn = 0;

  constructor(private readonly create: TileFactory) {}

  /**
   * Draws the events of lanes [first, last) onto `ctx` (transform: `dpr` per CSS pixel, clipped
   * to the plot): a lane whose tiles are all there, or can be drawn within this frame's budget,
   * is copied from them; the others are drawn directly, at the same whole-pixel positions, so a
   * lane looks the same either way. Right after new data (or a zoom) the budget is nil: that frame
   * costs what drawing everything directly costs, and the tiles fill in over the next frames.
   * Returns the rects drawn (into new tiles or directly), not those copied.
   */
  paint(ctx: BlitContext, s: TimelineScene, first: number, last: number, dpr: number): number {
    const v = s.viewport;
    const scale = (v.widthCss - labelWidthCss) / (v.end - v.start);
    const k = this.key;
    const fresh =
      scale !== k.scale || dpr !== k.dpr || s.version !== k.version || s.palette !== k.palette;
    if (fresh) {
      this.releaseAll(dpr !== k.dpr);
      this.key = { scale, dpr, version: s.version, palette: s.palette };
    }
    this.frame++;
    this.drawnLastFrame = 0;
    let budget = fresh ? 0 : tileBudget;
    const tileMs = tileDevicePx / dpr / scale;
    const heightPx = Math.ceil(laneHeightCss * dpr);
    const kFirst = Math.floor(v.start / tileMs);
    const kLast = Math.floor(v.end / tileMs);
    // Whole device pixels: the first tile's left edge, the others a tile apart from it.
    const x0 = Math.round((labelWidthCss + (kFirst * tileMs - v.start) * scale) * dpr);
    const direct: number[] = [];
    this.rectsDrawn = 0;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (let i = first; i < last; i++) {
      const lane = s.lanes[i]!;
      let missing = 0;
      for (let t = kFirst; t <= kLast; t++) if (!this.lookup(lane, t, tileMs, scale, s)) missing++;
      if (missing > budget) {
        direct.push(i);
        continue;
      }
      budget -= missing;
      const y = Math.round(laneTop(v, i) * dpr);
      for (let t = kFirst; t <= kLast; t++) {
        const tile =
          this.lookup(lane, t, tileMs, scale, s) ??
          this.build(lane, t, tileMs, scale, dpr, heightPx, s);
        tile.frame = this.frame;
        ctx.drawImage(tile.surface.image, x0 + (t - kFirst) * tileDevicePx, y);
      }
    }
    if (direct.length > 0) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const g = {
        origin: x0 / dpr - kFirst * tileMs * scale,
        scale,
        top: 0,
        left: labelWidthCss - 4,
        right: v.widthCss + 4,
        now: s.now,
      };
      for (const i of direct) {
        const lane = s.lanes[i]!;
        g.top = Math.round(laneTop(v, i) * dpr) / dpr;
        gatherRows(this.direct, lane.rows, 0, lane.count, g, dpr);
      }
      this.rectsDrawn += this.direct.fill(ctx, s.palette);
    }
    ctx.restore();
    this.releaseUnused();
    return this.rectsDrawn;
  }

  /** The lane's tile `t` if it is there and still right; a stale one is released. */
  private lookup(
    lane: TimelineLaneData,
    t: number,
    tileMs: number,
    scale: number,
    s: TimelineScene,
  ): Tile | undefined {
    const lanes = this.tiles.get(lane.meta.id);
    const tile = lanes?.get(t);
    if (!lanes || !tile) return undefined;
    // Open spans end at `now`: a tile whose slice reaches it (give or take the few pixels a
    // span's end or a marker spreads over) changes when it moves.
    const live = (t + 1) * tileMs + 4 / scale;
    if (tile.now !== s.now && (tile.now < live || s.now < live)) {
      if (this.pool.length < poolMax) this.pool.push(tile.surface);
      lanes.delete(t);
      return undefined;
    }
    return tile;
  }

  private build(
    lane: TimelineLaneData,
    t: number,
    tileMs: number,
    scale: number,
    dpr: number,
    heightPx: number,
    s: TimelineScene,
  ): Tile {
    let lanes = this.tiles.get(lane.meta.id);
    if (!lanes) this.tiles.set(lane.meta.id, (lanes = new Map()));
    const surface = this.pool.pop() ?? this.create(tileDevicePx, heightPx);
    this.rectsDrawn += this.draw(surface, lane, t * tileMs, (t + 1) * tileMs, scale, dpr, s);
    const tile = { surface, now: s.now, frame: this.frame };
    lanes.set(t, tile);
    this.drawnLastFrame++;
    return tile;
  }

  private draw(
    surface: TileSurface,
    lane: TimelineLaneData,
    start: number,
    end: number,
    scale: number,
    dpr: number,
    s: TimelineScene,
  ): number {
    const c = surface.ctx;
    c.setTransform(1, 0, 0, 1, 0, 0);
    c.clearRect(0, 0, tileDevicePx, Math.ceil(laneHeightCss * dpr));
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    const widthCss = tileDevicePx / dpr;
    const g = { origin: -start * scale, scale, top: 0, left: -4, right: widthCss + 4, now: s.now };
    const margin = 4 / scale;
    const index = this.index(lane);
    for (let ch = 0; ch < index.minT0.length; ch++) {
      if (index.maxT1[ch]! < start - margin || index.minT0[ch]! > end + margin) continue;
      const from = ch * chunkRows;
      gatherRows(this.rects, lane.rows, from, Math.min(from + chunkRows, lane.count), g, dpr);
    }
    return this.rects.fill(c, s.palette);
  }

  /** The lane's time index, rebuilt when its rows were replaced or grew (new data clears all). */
  private index(lane: TimelineLaneData): LaneIndex {
    let index = this.indexes.get(lane.meta.id);
    if (!index || index.rows !== lane.rows || index.count !== lane.count) {
      index = indexLane(lane);
      this.indexes.set(lane.meta.id, index);
    }
    return index;
  }

  private releaseUnused(): void {
    for (const [id, lanes] of this.tiles) {
      for (const [t, tile] of lanes)
        if (tile.frame !== this.frame) {
          if (this.pool.length < poolMax) this.pool.push(tile.surface);
          lanes.delete(t);
        }
      if (lanes.size === 0) {
        this.tiles.delete(id);
        this.indexes.delete(id);
      }
    }
  }

  private releaseAll(dropPool: boolean): void {
    if (dropPool) this.pool = [];
    else
      for (const lanes of this.tiles.values())
        for (const tile of lanes.values())
          if (this.pool.length < poolMax) this.pool.push(tile.surface);
    this.tiles.clear();
    this.indexes.clear();
  }
}
