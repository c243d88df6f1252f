/**
 * Owns the Timeline tab's canvas: its size in device pixels (HiDPI), and redraws coalesced to
 * one per animation frame however many updates, pointer moves or scrolls ask for one.
 *
 * Invariants: the scene is read when the frame runs, never earlier, so the last state wins;
 * `dispose` cancels the pending frame.
 */
import type { FrameScheduler } from '../../../components/piece-map/piece-map-painter';
import { animationFrames } from '../../../components/piece-map/piece-map-painter';
import { paintTimeline, type PaintContext, type TimelineScene } from './timeline-paint';
import { LaneTiles, type TileContext, type TileSurface } from './timeline-tiles';

/** A lane tile's surface: an offscreen canvas where there is one (never shown, never laid out). */
function newTileSurface(widthPx: number, heightPx: number): TileSurface {
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(widthPx, heightPx)
      : Object.assign(document.createElement('canvas'), { width: widthPx, height: heightPx });
  const ctx = canvas.getContext('2d') as TileContext | null;
  if (!ctx) throw new Error('timeline: no 2D context for a lane tile');
  return { image: canvas, ctx };
}

export class TimelinePainter {
  private readonly ctx: CanvasRenderingContext2D | null;
  private frame: number | null = null;
  private widthCss = 0;
  private heightCss = 0;
  private dpr = 1;
  /** Time of the last paint's work, for the bench and the tests. */
  lastPaintMs = 0;

  private readonly tiles = new LaneTiles(newTileSurface);

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly scene: () => TimelineScene | null,
    private readonly frames: FrameScheduler = animationFrames,
  ) {
    this.ctx = canvas.getContext('2d');
  }

  /** Lane tiles drawn in the last paint (the rest were copied), for the bench. */
  get tilesDrawn(): number {
    return this.tiles.drawnLastFrame;
  }

  /** The canvas's box in CSS pixels and the display's pixel ratio. */
  setSize(widthCss: number, heightCss: number, dpr: number): void {
    const w = Math.max(0, Math.floor(widthCss));
    const h = Math.max(0, Math.floor(heightCss));
    const ratio = Math.min(Math.max(dpr, 1), 4);
    if (w === this.widthCss && h === this.heightCss && ratio === this.dpr) return;
    this.widthCss = w;
    this.heightCss = h;
    this.dpr = ratio;
    this.canvas.width = Math.round(w * ratio);
    this.canvas.height = Math.round(h * ratio);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.request();
  }

  get size(): { widthCss: number; heightCss: number } {
    return { widthCss: this.widthCss, heightCss: this.heightCss };
  }

  /** Asks for a redraw on the next animation frame (several asks, one redraw). */
  request(): void {
    if (this.frame !== null) return;
    this.frame = this.frames.request(() => {
      this.frame = null;
      this.paint();
    });
  }

  /** Paints now; returns the rects and markers drawn (those copied from tiles not counted). */
  paint(): number {
    const ctx = this.ctx;
    const scene = this.scene();
    if (!ctx || !scene || this.widthCss === 0 || this.heightCss === 0) return 0;
    const t0 = performance.now();
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const drawn = paintTimeline(ctx as PaintContext, scene, { cache: this.tiles, dpr: this.dpr });
    this.lastPaintMs = performance.now() - t0;
    return drawn;
  }

  dispose(): void {
    if (this.frame !== null) this.frames.cancel(this.frame);
    this.frame = null;
  }
}
