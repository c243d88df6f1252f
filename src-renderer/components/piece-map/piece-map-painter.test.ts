import { describe, expect, it } from 'vitest';
import { PieceState } from '../../../src-shared/model/pieces';
import { createPalette } from './palette';
import type { PainterData } from './piece-map-painter';
import { PieceMapPainter } from './piece-map-painter';
import { rasterize } from './rasterize';
import { fakeCanvas, manualFrames } from './testing/canvas-doubles';

const palette = createPalette('light');

function setup(count: number, cssWidth: number) {
  const c = fakeCanvas();
  const frames = manualFrames();
  const painter = new PieceMapPainter(c.canvas, palette, 200, frames.scheduler);
  const data: PainterData = {
    states: new Uint8Array(count),
    availability: new Uint16Array(count),
    version: 1,
    overlay: 'none',
  };
  painter.setData(data);
  painter.setSize(cssWidth, 1);
  return { ...c, frames, painter, data };
}

function expected(painter: PieceMapPainter, data: PainterData): Uint32Array {
  const g = painter.geometry;
  const image = {
    data: new Uint32Array(g.widthPx * g.heightPx),
    width: g.widthPx,
    height: g.heightPx,
  };
  rasterize(g, data.states, data.availability, { overlay: data.overlay, palette }, image);
  return image.data;
}

describe('PieceMapPainter', () => {
  it('sizes the canvas from the layout and draws one full frame', () => {
    const { canvas, frames, painter, puts, screen, data } = setup(1000, 100);
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(puts).toEqual([{ dirty: null }]);
    expect(canvas.width).toBe(painter.geometry.widthPx);
    expect(canvas.style.height).toBe(`${painter.geometry.heightPx}px`);
    expect([...screen()]).toEqual([...expected(painter, data)]);
  });

  it('coalesces several versions into one delta frame with a dirty rectangle', () => {
    const { frames, painter, puts, screen, data } = setup(1000, 100);
    frames.run();
    let version = data.version;
    for (const piece of [10, 11, 500]) {
      data.states[piece] = PieceState.have;
      painter.setData({ ...data, version: ++version, changed: Uint32Array.of(piece) });
    }
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(puts).toHaveLength(2);
    expect(puts[1]!.dirty).not.toBeNull();
    expect([...screen()]).toEqual([...expected(painter, { ...data })]);
  });

  it('draws a full frame when a version was skipped or came without changed indices', () => {
    const { frames, painter, puts, data } = setup(100, 100);
    frames.run();
    data.states[3] = PieceState.failed;
    painter.setData({ ...data, version: 3, changed: Uint32Array.of(3) }); // 2 was never seen
    expect(painter.paint().kind).toBe('full');
    painter.setData({ ...data, version: 4 });
    expect(painter.paint().kind).toBe('full');
    painter.setData({ ...data, version: 5, changed: Uint32Array.of(3) });
    expect(painter.paint()).toEqual({ kind: 'delta', cellsPainted: 1 });
    expect(puts.length).toBeGreaterThanOrEqual(3);
  });

  it('repaints changed availability under the overlay even without changed indices for it', () => {
    const { frames, painter, screen, data } = setup(400, 100);
    painter.setData({ ...data, overlay: 'availability' });
    frames.run();
    data.availability[7] = 12;
    data.availability[300] = 2;
    data.states[9] = PieceState.have;
    painter.setData({
      ...data,
      overlay: 'availability',
      version: data.version + 1,
      changed: Uint32Array.of(9),
    });
    const stats = painter.paint();
    expect(stats).toEqual({ kind: 'delta', cellsPainted: 3 });
    expect([...screen()]).toEqual([...expected(painter, { ...data, overlay: 'availability' })]);
  });

  it('relayouts when the width or the piece count changes, and stops after dispose', () => {
    const { frames, painter, data } = setup(100, 100);
    frames.run();
    const wide = painter.geometry;
    painter.setSize(40, 1);
    expect(painter.geometry.widthPx).toBe(40);
    expect(painter.geometry.cellPx).toBeLessThan(wide.cellPx);
    painter.setData({
      ...data,
      states: new Uint8Array(5000),
      availability: new Uint16Array(5000),
      version: 9,
    });
    expect(painter.geometry.pieceCount).toBe(5000);
    expect(frames.pending()).toBe(1);
    painter.dispose();
    expect(frames.pending()).toBe(0);
    painter.setData({ ...data, version: 10 });
    expect(frames.pending()).toBe(0);
  });
});
