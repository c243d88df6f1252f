/**
 * The piece map from the host's event bridge to the canvas, with the real pieces on both sides:
 * the bridge's diff, the store's reader and the painter's rasterize. Each side once tested only
 * its own reading of a delta, so a changed availability never reached the canvas.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DetailUpdate } from '../../../src-shared/contract';
import { PieceState } from '../../../src-shared/model/pieces';
import { createEventBridge } from '../../../src-main/host/event-bridge';
import { FakeEngine, fakeSummary, hexId } from '../../../src-main/host/test-support/fake-engine';
import { ManualClock } from '../../../src-main/engine/time/clock';
import { pieceBuffer } from '../../store/detail-slice';
import { useStore } from '../../store/store';
import { createPalette } from './palette';
import { PieceMapPainter } from './piece-map-painter';
import { rasterize } from './rasterize';
import { fakeCanvas, manualFrames } from './testing/canvas-doubles';

const palette = createPalette('light');
const id = hexId(1);
const pieceCount = 64;

afterEach(() => {
  useStore.getState().setSelection(new Set(), null, null);
});

function pixelsOf(painter: PieceMapPainter, states: Uint8Array, availability: Uint16Array) {
  const g = painter.geometry;
  const image = {
    data: new Uint32Array(g.widthPx * g.heightPx),
    width: g.widthPx,
    height: g.heightPx,
  };
  rasterize(g, states, availability, { overlay: 'availability', palette }, image);
  return [...image.data];
}

describe('piece map from the host to the canvas', () => {
  it("shows on the availability overlay a non-seed peer's HAVE, among several peers", () => {
    const engine = new FakeEngine();
    const clock = new ManualClock();
    const bridge = createEventBridge(
      engine,
      (name, payload) => {
        if (name === 'view.update') useStore.getState().applyViewUpdate(payload as DetailUpdate);
      },
      clock,
    );
    try {
      engine.torrents.set(id, fakeSummary(id));
      // Three peers, none a seed: each piece is held by one to three of them.
      const live = {
        states: new Uint8Array(pieceCount),
        availability: Uint16Array.from({ length: pieceCount }, (_, i) => 1 + (i % 3)),
      };
      live.states[0] = PieceState.have;
      engine.pieces.set(id, live);
      useStore.getState().setSelection(new Set([id]), id, id);
      bridge.watch(id, ['pieces']);

      const c = fakeCanvas();
      const frames = manualFrames();
      const painter = new PieceMapPainter(c.canvas, palette, 200, frames.scheduler);
      const feed = () =>
        painter.setData({
          states: pieceBuffer.states,
          availability: pieceBuffer.availability,
          version: useStore.getState().piecesVersion,
          changed: pieceBuffer.changed ?? undefined,
          overlay: 'availability',
        });
      painter.setSize(64, 1);
      clock.advance(0); // the full map
      feed();
      frames.run();
      expect(c.screen().length).toBeGreaterThan(0);
      expect([...c.screen()]).toEqual(pixelsOf(painter, live.states, live.availability));

      // One peer announces piece 5 and piece 40 (HAVE): only their counts change.
      const before = [...c.screen()];
      live.availability[5] = 7;
      live.availability[40] = 9;
      clock.advance(250);
      feed();
      frames.run();

      expect([...pieceBuffer.availability]).toEqual([...live.availability]);
      expect([...c.screen()]).toEqual(pixelsOf(painter, live.states, live.availability));
      expect([...c.screen()]).not.toEqual(before);
    } finally {
      bridge.close();
    }
  });
});
