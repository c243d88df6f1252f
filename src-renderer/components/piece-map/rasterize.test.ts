import { describe, expect, it } from 'vitest';
import { PieceState } from '../../../src-shared/model/pieces';
import { layout } from './layout';
import type { PieceMapGeometry } from './layout';
import { createPalette, packRgba, isLittleEndian, parseHexRgb } from './palette';
import { rasterize, rasterizeDelta } from './rasterize';
import type { RasterImage, RasterOptions } from './rasterize';

const palette = createPalette('light');
const none: RasterOptions = { overlay: 'none', palette };
const heat: RasterOptions = { overlay: 'availability', palette };
const le = isLittleEndian();

function imageFor(g: PieceMapGeometry): RasterImage {
  return { data: new Uint32Array(g.widthPx * g.heightPx), width: g.widthPx, height: g.heightPx };
}
function stateColor(s: number): number {
  return palette.packedStates[s] as number;
}
/** The RGBA bytes of a pixel as memory (and so ImageData) holds them. */
function bytesOf(pixel: number): number[] {
  return [...new Uint8Array(new Uint32Array([pixel]).buffer)];
}
function rgbOf(css: string): number[] {
  return parseHexRgb(css);
}

describe('rasterize, one cell per piece', () => {
  it('writes each state through the palette, in RGBA byte order', () => {
    const states = Uint8Array.from([0, 1, 2, 3, 4, 5]);
    const g = layout(6, 3, 2, 1);
    expect(g).toMatchObject({ mode: 'cells', cellPx: 1, columns: 3 });
    const image = imageFor(g);
    rasterize(g, states, new Uint16Array(6), none, image);
    expect([...image.data]).toEqual([0, 1, 2, 3, 4, 5].map(stateColor));
    // The bytes ImageData will see are R, G, B, A whatever the machine's endianness.
    expect(bytesOf(image.data[4] as number)).toEqual([
      ...rgbOf(palette.stateCss[4] as string),
      255,
    ]);
  });

  it('fills whole cells and leaves gaps and empty cells as background', () => {
    const g = layout(3, 12, 11, 1, { maxCellCss: 5, minCellCssForGap: 4 });
    expect(g).toMatchObject({ cellPx: 5, gapPx: 1, columns: 2, rows: 2 });
    const image = imageFor(g);
    rasterize(
      g,
      Uint8Array.from([PieceState.have, PieceState.failed, PieceState.partial]),
      new Uint16Array(3),
      none,
      image,
    );
    const at = (x: number, y: number) => image.data[y * g.widthPx + x];
    expect(at(0, 0)).toBe(stateColor(PieceState.have));
    expect(at(4, 4)).toBe(stateColor(PieceState.have));
    expect(at(5, 0)).toBe(palette.backgroundPacked); // gap column
    expect(at(6, 0)).toBe(stateColor(PieceState.failed));
    expect(at(0, 5)).toBe(palette.backgroundPacked); // gap row
    expect(at(11, 0)).toBe(palette.backgroundPacked); // beyond the last column
    expect(at(0, 6)).toBe(stateColor(PieceState.partial));
    expect(at(6, 6)).toBe(palette.backgroundPacked); // no fourth piece
  });

  it('draws unknown state bytes as missing', () => {
    const g = layout(2, 2, 1, 1);
    const image = imageFor(g);
    rasterize(g, Uint8Array.from([200, PieceState.have]), new Uint16Array(2), none, image);
    expect(image.data[0]).toBe(stateColor(PieceState.missing));
  });

  it('draws availability through the heat scale, 0 peers distinct from the ramp', () => {
    const g = layout(5, 5, 1, 1);
    const image = imageFor(g);
    rasterize(g, new Uint8Array(5), Uint16Array.from([0, 1, 5, 25, 1000]), heat, image);
    const bucket = (peers: number) =>
      palette.heat.findIndex((b) => peers >= b.minPeers && peers <= b.maxPeers);
    expect([...image.data]).toEqual([0, 1, 5, 25, 1000].map((p) => palette.packedHeat[bucket(p)]));
    expect(new Set(image.data).size).toBe(5);
  });

  it('counts our own copy in the availability overlay, so a piece we have is never 0 (issue 21)', () => {
    const g = layout(3, 3, 1, 1);
    const image = imageFor(g);
    const states = Uint8Array.from([PieceState.have, PieceState.missing, PieceState.have]);
    rasterize(g, states, Uint16Array.from([0, 0, 2]), heat, image);
    const bucket = (peers: number) =>
      palette.packedHeat[palette.heat.findIndex((b) => peers >= b.minPeers && peers <= b.maxPeers)];
    expect([...image.data]).toEqual([bucket(1), bucket(0), bucket(3)]);
  });

  it('rejects an image of the wrong size', () => {
    const g = layout(4, 2, 2, 1);
    expect(() =>
      rasterize(g, new Uint8Array(4), new Uint16Array(4), none, {
        data: new Uint32Array(4),
        width: 4,
        height: 1,
      }),
    ).toThrow(/does not match/);
  });
});

describe('rasterize, downsampled with coverage weighting', () => {
  it('mixes 3 pieces over 2 cells by the fraction of each piece inside each cell', () => {
    const g = layout(3, 2, 1, 1);
    expect(g.mode).toBe('downsample');
    const image = imageFor(g);
    // Cell 0 holds piece 0 whole and half of piece 1: weights 2/3 and 1/3.
    rasterize(
      g,
      Uint8Array.from([PieceState.have, PieceState.missing, PieceState.failed]),
      new Uint16Array(3),
      none,
      image,
    );
    const have = rgbOf(palette.stateCss[PieceState.have] as string);
    const missing = rgbOf(palette.stateCss[PieceState.missing] as string);
    const failed = rgbOf(palette.stateCss[PieceState.failed] as string);
    const mix = (a: number[], wa: number, b: number[], wb: number) =>
      a.map((v, i) => Math.round(v * wa + (b[i] as number) * wb));
    const [r0, g0, b0] = mix(have, 2 / 3, missing, 1 / 3) as [number, number, number];
    const [r1, g1, b1] = mix(missing, 1 / 3, failed, 2 / 3) as [number, number, number];
    expect(image.data[0]).toBe(packRgba(r0, g0, b0, 255, le));
    expect(image.data[1]).toBe(packRgba(r1, g1, b1, 255, le));
  });

  it('keeps a uniform run its exact colour', () => {
    const g = layout(1000, 20, 10, 1);
    const image = imageFor(g);
    rasterize(g, new Uint8Array(1000).fill(PieceState.have), new Uint16Array(1000), none, image);
    expect(new Set(image.data)).toEqual(new Set([stateColor(PieceState.have)]));
  });

  it('mixes availability colours the same way', () => {
    const g = layout(4, 2, 1, 1); // 2 pieces per cell, whole pieces
    const image = imageFor(g);
    rasterize(g, new Uint8Array(4), Uint16Array.from([0, 0, 0, 50]), heat, image);
    const zero = rgbOf(palette.heat[0]!.css);
    const top = rgbOf(palette.heat[palette.heat.length - 1]!.css);
    expect(image.data[0]).toBe(packRgba(zero[0]!, zero[1]!, zero[2]!, 255, le));
    const half = zero.map((v, i) => Math.round((v + top[i]!) / 2));
    expect(image.data[1]).toBe(packRgba(half[0]!, half[1]!, half[2]!, 255, le));
  });
});

describe('rasterizeDelta', () => {
  function changeAndCompare(
    g: PieceMapGeometry,
    count: number,
    changed: number[],
    options: RasterOptions,
  ) {
    const states = new Uint8Array(count);
    const availability = new Uint16Array(count);
    for (let i = 0; i < count; i++) {
      states[i] = i % 6;
      availability[i] = i % 7;
    }
    const image = imageFor(g);
    rasterize(g, states, availability, options, image);
    const before = image.data.slice();
    for (const i of changed) {
      states[i] = PieceState.have === states[i] ? PieceState.failed : PieceState.have;
      availability[i] = 40;
    }
    const result = rasterizeDelta(
      g,
      Uint32Array.from(changed),
      states,
      availability,
      options,
      image,
    );
    const fresh = imageFor(g);
    rasterize(g, states, availability, options, fresh);
    expect([...image.data]).toEqual([...fresh.data]);
    return { before, image, result };
  }

  it('repaints only the cells of changed pieces (one cell per piece)', () => {
    const g = layout(100, 100, 100, 1); // 9px cells
    const { before, image, result } = changeAndCompare(g, 100, [3, 57], none);
    expect(result.cellsPainted).toBe(2);
    expect(result.dirty).toEqual({ x: 30, y: 0, width: 49, height: 59 });
    // Every pixel outside the two 9x9 cells is untouched.
    let changedPixels = 0;
    for (let i = 0; i < image.data.length; i++) if (image.data[i] !== before[i]) changedPixels++;
    expect(changedPixels).toBe(2 * 81);
  });

  it('does not touch pixels of other cells (sentinel check)', () => {
    const g = layout(16, 4, 4, 1);
    const states = new Uint8Array(16);
    const image = imageFor(g);
    image.data.fill(0xdeadbeef);
    states[5] = PieceState.have;
    const result = rasterizeDelta(
      g,
      Uint32Array.from([5]),
      states,
      new Uint16Array(16),
      none,
      image,
    );
    expect(result).toEqual({ cellsPainted: 1, dirty: { x: 1, y: 1, width: 1, height: 1 } });
    expect([...image.data].filter((p) => p !== 0xdeadbeef)).toEqual([stateColor(PieceState.have)]);
  });

  it('repaints every downsampled cell a piece overlaps, and only those', () => {
    const g = layout(3, 2, 1, 1);
    const image = imageFor(g);
    image.data.fill(0xdeadbeef);
    const states = Uint8Array.from([0, PieceState.have, 0]);
    expect(
      rasterizeDelta(g, Uint32Array.from([0]), states, new Uint16Array(3), none, image)
        .cellsPainted,
    ).toBe(1);
    expect(image.data[1]).toBe(0xdeadbeef);
    expect(
      rasterizeDelta(g, Uint32Array.from([1]), states, new Uint16Array(3), none, image)
        .cellsPainted,
    ).toBe(2);
  });

  it('matches a full repaint after scattered changes, downsampled, with both overlays', () => {
    const g = layout(5000, 40, 30, 1);
    expect(g.mode).toBe('downsample');
    const changed = [0, 1, 2, 417, 418, 2500, 4998, 4999];
    const { result } = changeAndCompare(g, 5000, changed, none);
    // Sorted neighbours in one cell repaint it once.
    expect(result.cellsPainted).toBeLessThan(changed.length + 4);
    changeAndCompare(g, 5000, changed, heat);
  });

  it('ignores indices past the map and reports nothing changed', () => {
    const g = layout(4, 2, 2, 1);
    const image = imageFor(g);
    expect(
      rasterizeDelta(
        g,
        Uint32Array.from([4, 99]),
        new Uint8Array(4),
        new Uint16Array(4),
        none,
        image,
      ),
    ).toEqual({
      cellsPainted: 0,
      dirty: null,
    });
  });
});
