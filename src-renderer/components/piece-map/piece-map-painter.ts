/**
 * Draws a piece map on a canvas outside React: owns the geometry, one ImageData with its
 * Uint32Array view (both reused until the size changes), and the redraw schedule.
 *
 * Invariants:
 * - At most one frame is requested at a time; every change before it runs is coalesced into it.
 * - A delta frame is drawn only when every version since the last drawn one brought its changed
 *   indices; a skipped version, a new array, a resize, a palette or overlay switch all force a
 *   full frame. So the canvas always equals a full rasterize of the current arrays.
 * - With the availability overlay on, availability is also compared with a copy of what was
 *   drawn. A host delta lists every piece whose count changed among its changed indices (format
 *   on `PieceMapDelta`), but callers that mutate the counts without listing them still repaint.
 */
import type { PieceMapGeometry } from './layout';
import { layout } from './layout';
import type { PiecePalette } from './palette';
import type { DirtyRect, PieceMapOverlay, RasterImage, RasterOptions } from './rasterize';
import { rasterize, rasterizeDelta } from './rasterize';

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export interface PainterData {
  states: Uint8Array;
  availability: Uint16Array;
  /** Bumps on every change of the arrays' contents. */
  version: number;
  /** Pieces changed since the previous version; absent means "anything may have changed". */
  changed?: Uint32Array | undefined;
  overlay: PieceMapOverlay;
}

export interface FrameStats {
  kind: 'full' | 'delta' | 'none';
  cellsPainted: number;
}

/** A delta touching more pieces than this fraction of the cells is drawn as a full frame. */
const fullFrameFraction = 0.5;

function union(a: DirtyRect | null, b: DirtyRect | null): DirtyRect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

export class PieceMapPainter {
  private readonly context: CanvasRenderingContext2D;
  private geometryNow: PieceMapGeometry;
  private imageData: ImageData | null = null;
  private image: RasterImage | null = null;
  private cssWidth = 0;
  private dpr = 1;
  private data: PainterData = {
    states: new Uint8Array(0),
    availability: new Uint16Array(0),
    version: 0,
    overlay: 'none',
  };
  private needsFull = true;
  private pending: Uint32Array[] = [];
  private pendingCount = 0;
  private drawnAvailability = new Uint16Array(0);
  private availabilityScratch = new Uint32Array(0);
  private frame: number | null = null;
  private disposed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private palette: PiecePalette,
    private readonly maxAutoHeightCss: number,
    private readonly frames: FrameScheduler = animationFrames,
  ) {
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('piece map: the canvas has no 2d context');
    this.context = context;
    this.geometryNow = layout(0, 0, undefined, 1);
  }

  get geometry(): PieceMapGeometry {
    return this.geometryNow;
  }

  /** The container's width in CSS pixels and the display's devicePixelRatio. */
  setSize(cssWidth: number, dpr: number): void {
    if (cssWidth === this.cssWidth && dpr === this.dpr) return;
    this.cssWidth = cssWidth;
    this.dpr = dpr;
    this.relayout();
  }

  setPalette(palette: PiecePalette): void {
    if (palette === this.palette) return;
    this.palette = palette;
    this.needsFull = true;
    this.schedule();
  }

  setData(next: PainterData): void {
    const prev = this.data;
    this.data = next;
    if (next.states.length !== prev.states.length) {
      this.relayout();
      return;
    }
    const sameArrays = next.states === prev.states && next.availability === prev.availability;
    if (!sameArrays || next.overlay !== prev.overlay) {
      this.needsFull = true;
    } else if (next.version === prev.version) {
      return;
    } else if (next.changed && next.version === prev.version + 1) {
      this.pending.push(next.changed);
      this.pendingCount += next.changed.length;
    } else {
      this.needsFull = true;
    }
    this.schedule();
  }

  /** Draws what is pending now (the frame callback; benchmarks call it directly). */
  paint(): FrameStats {
    this.frame = null;
    const image = this.image;
    const imageData = this.imageData;
    const g = this.geometryNow;
    if (!image || !imageData) return { kind: 'none', cellsPainted: 0 };
    const { states, availability, overlay } = this.data;
    const options: RasterOptions = { overlay, palette: this.palette };
    const full = this.needsFull || this.pendingCount > g.cellCount * fullFrameFraction;
    let stats: FrameStats;
    if (full) {
      rasterize(g, states, availability, options, image);
      this.context.putImageData(imageData, 0, 0);
      stats = { kind: 'full', cellsPainted: g.cellCount };
    } else {
      let dirty: DirtyRect | null = null;
      let cellsPainted = 0;
      for (const indices of this.pending) {
        const r = rasterizeDelta(g, indices, states, availability, options, image);
        dirty = union(dirty, r.dirty);
        cellsPainted += r.cellsPainted;
      }
      if (overlay === 'availability') {
        const r = rasterizeDelta(
          g,
          this.changedAvailability(),
          states,
          availability,
          options,
          image,
        );
        dirty = union(dirty, r.dirty);
        cellsPainted += r.cellsPainted;
      }
      if (dirty) {
        this.context.putImageData(imageData, 0, 0, dirty.x, dirty.y, dirty.width, dirty.height);
      }
      stats = { kind: 'delta', cellsPainted };
    }
    if (overlay === 'availability') this.rememberAvailability();
    this.needsFull = false;
    this.pending = [];
    this.pendingCount = 0;
    return stats;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame !== null) this.frames.cancel(this.frame);
    this.frame = null;
  }

  private relayout(): void {
    const g = layout(this.data.states.length, this.cssWidth, undefined, this.dpr, {
      maxAutoHeightCss: this.maxAutoHeightCss,
    });
    this.geometryNow = g;
    const style = this.canvas.style;
    style.width = `${g.widthPx / g.dpr}px`;
    style.height = `${g.heightPx / g.dpr}px`;
    if (g.widthPx === 0 || g.heightPx === 0) {
      this.image = null;
      this.imageData = null;
    } else if (
      this.canvas.width !== g.widthPx ||
      this.canvas.height !== g.heightPx ||
      !this.imageData
    ) {
      this.canvas.width = g.widthPx;
      this.canvas.height = g.heightPx;
      const imageData = this.context.createImageData(g.widthPx, g.heightPx);
      this.imageData = imageData;
      this.image = {
        data: new Uint32Array(
          imageData.data.buffer,
          imageData.data.byteOffset,
          g.widthPx * g.heightPx,
        ),
        width: g.widthPx,
        height: g.heightPx,
      };
    }
    this.needsFull = true;
    this.schedule();
  }

  /** Indices whose availability differs from what was last drawn. */
  private changedAvailability(): Uint32Array {
    const now = this.data.availability;
    const drawn = this.drawnAvailability;
    if (drawn.length !== now.length) {
      // Never drawn with this length: everything differs (a full frame normally covers this).
      return Uint32Array.from({ length: now.length }, (_, i) => i);
    }
    if (this.availabilityScratch.length < now.length)
      this.availabilityScratch = new Uint32Array(now.length);
    const out = this.availabilityScratch;
    let n = 0;
    for (let i = 0; i < now.length; i++) if (now[i] !== drawn[i]) out[n++] = i;
    return out.subarray(0, n);
  }

  private rememberAvailability(): void {
    const now = this.data.availability;
    if (this.drawnAvailability.length !== now.length)
      this.drawnAvailability = new Uint16Array(now.length);
    this.drawnAvailability.set(now);
  }

  private schedule(): void {
    if (this.frame !== null || this.disposed) return;
    this.frame = this.frames.request(() => this.paint());
  }
}
