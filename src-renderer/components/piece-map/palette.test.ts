import { describe, expect, it } from 'vitest';
import { pieceStateNames } from '../../../src-shared/model/pieces';
import { createPalette, heatBucketOf, packRgba, parseHexRgb } from './palette';
import type { ColorScheme } from './palette';

/** WCAG relative luminance and contrast ratio. */
function luminance(css: string): number {
  const channels = parseHexRgb(css).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe('palette', () => {
  it('packs pixels so memory holds R, G, B, A on either endianness', () => {
    for (const littleEndian of [true, false]) {
      const pixel = packRgba(0x11, 0x22, 0x33, 0xff, littleEndian);
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, pixel, littleEndian);
      expect([...bytes]).toEqual([0x11, 0x22, 0x33, 0xff]);
    }
  });

  it('has one colour per piece state, all different', () => {
    for (const scheme of ['light', 'dark'] as ColorScheme[]) {
      const p = createPalette(scheme);
      expect(p.stateCss).toHaveLength(pieceStateNames.length);
      expect(new Set(p.packedStates).size).toBe(pieceStateNames.length);
      expect(p.rgbStates).toHaveLength(pieceStateNames.length * 3);
    }
  });

  it('keeps the active states readable against the background in both themes', () => {
    for (const scheme of ['light', 'dark'] as ColorScheme[]) {
      const p = createPalette(scheme);
      // partial, verifying, have, failed: WCAG 1.4.11's 3:1 for graphics.
      for (const state of [2, 3, 4, 5]) {
        expect(contrast(p.stateCss[state]!, p.backgroundCss)).toBeGreaterThanOrEqual(3);
      }
      // missing and requested are quiet on purpose, but still visible.
      for (const state of [0, 1]) {
        expect(contrast(p.stateCss[state]!, p.backgroundCss)).toBeGreaterThanOrEqual(1.35);
      }
    }
  });

  it('buckets availability with 0 peers alone and a ramp monotonic in lightness', () => {
    for (const scheme of ['light', 'dark'] as ColorScheme[]) {
      const p = createPalette(scheme);
      expect(p.heat[0]).toMatchObject({ minPeers: 0, maxPeers: 0, label: '0' });
      expect(p.heat.at(-1)!.maxPeers).toBe(Infinity);
      expect(p.heat.map((b) => b.label)).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4–5',
        '6–9',
        '10–19',
        '20–39',
        '40+',
      ]);
      expect(heatBucketOf(p, 0)).toBe(0);
      expect(heatBucketOf(p, 1)).toBe(1);
      expect(heatBucketOf(p, 5)).toBe(4);
      expect(heatBucketOf(p, 39)).toBe(7);
      expect(heatBucketOf(p, 65_535)).toBe(8);
      const ramp = p.heat.slice(1).map((b) => luminance(b.css));
      const sorted = [...ramp].sort((a, b) => (scheme === 'light' ? b - a : a - b));
      expect(ramp).toEqual(sorted);
      // "Nobody has it" stands apart from "one peer has it".
      expect(contrast(p.heat[0]!.css, p.heat[1]!.css)).toBeGreaterThan(1.5);
    }
  });

  it('rejects a malformed colour', () => {
    expect(() => parseHexRgb('red')).toThrow(/#rrggbb/);
  });
});
