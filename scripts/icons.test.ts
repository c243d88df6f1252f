// The icon pipeline: SVG subset -> pixels -> PNG/ICO/ICNS, and the committed icons match the source.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  badgeLabels,
  badgeSvg,
  decodePng,
  encodeIcns,
  encodeIco,
  encodePng,
  generateIcons,
  icnsTypes,
  icoSizes,
  iconSourcePath,
  parseIconSvg,
  pixelsOf,
  pngSizes,
  rasterize,
  readIcnsEntries,
  readIcoEntries,
} from './icons.mjs';

const root = path.resolve(import.meta.dirname, '..');

function pixel(rgba: Uint8Array, sizePx: number, x: number, y: number): number[] {
  const i = (y * sizePx + x) * 4;
  return Array.from(rgba.subarray(i, i + 4));
}

describe('icon SVG subset', () => {
  it('parses rect, circle and line with colours, widths, opacity and roles', () => {
    const d = parseIconSvg(
      '<svg viewBox="0 0 10 10"><!-- <bogus/> --><rect data-role="background" width="10" height="10" rx="2" fill="#ff0000"/>' +
        '<circle cx="5" cy="5" r="2" fill="#00ff00" opacity="0.5"/>' +
        '<line x1="0" y1="0" x2="10" y2="10" stroke="#0000ff" stroke-width="3" stroke-linecap="round"/></svg>',
    );
    expect(d.width).toBe(10);
    expect(d.shapes.map((s: { geometry: { kind: string } }) => s.geometry.kind)).toEqual([
      'rect',
      'circle',
      'line',
    ]);
    const [rect, circle, line] = d.shapes;
    expect(rect?.role).toBe('background');
    expect(circle?.opacity).toBe(0.5);
    expect(line?.stroke).toEqual([0, 0, 255]);
    expect(line?.geometry).toMatchObject({ kind: 'line', round: true });
  });

  it('rejects what it cannot draw instead of dropping it', () => {
    expect(() => parseIconSvg('<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>')).toThrow(/subset/);
    expect(() =>
      parseIconSvg('<svg viewBox="0 0 1 1"><circle cx="0" cy="0" r="1" fill="red"/></svg>'),
    ).toThrow(/#rrggbb/);
    expect(() =>
      parseIconSvg('<svg viewBox="0 0 1 1"><circle cx="0" r="1" fill="#000000"/></svg>'),
    ).toThrow(/missing cy/);
    expect(() => parseIconSvg('<rect width="1" height="1" fill="#000000"/>')).toThrow(/no <svg>/);
  });

  it('rasterises coverage: inside opaque, outside transparent, edges partial', () => {
    const d = parseIconSvg(
      '<svg viewBox="0 0 100 100"><circle cx="50" cy="50" r="30" fill="#336699"/></svg>',
    );
    const px = rasterize(d, 100);
    expect(pixel(px, 100, 50, 50)).toEqual([0x33, 0x66, 0x99, 255]);
    expect(pixel(px, 100, 5, 5)).toEqual([0, 0, 0, 0]);
    const edge = pixel(px, 100, 79, 50)[3]!;
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(255);
  });

  it('template mode drops the background, paints black and punches cutouts', () => {
    const d = parseIconSvg(
      '<svg viewBox="0 0 100 100"><rect data-role="background" width="100" height="100" fill="#ffffff"/>' +
        '<circle cx="50" cy="50" r="40" fill="#ff0000"/><circle data-role="cutout" cx="50" cy="50" r="10" fill="#ffffff"/></svg>',
    );
    const t = rasterize(d, 100, 'template');
    expect(pixel(t, 100, 2, 2)[3]).toBe(0);
    expect(pixel(t, 100, 50, 25)).toEqual([0, 0, 0, 255]);
    expect(pixel(t, 100, 50, 50)[3]).toBe(0);
    const c = rasterize(d, 100, 'color');
    expect(pixel(c, 100, 50, 50)).toEqual([255, 255, 255, 255]);
  });
});

describe('taskbar badges', () => {
  it('draw each label as seven-segment strokes on a red disc', () => {
    const strokes = (label: string) =>
      parseIconSvg(badgeSvg(label)).shapes.filter(
        (x: { geometry: { kind: string } }) => x.geometry.kind === 'line',
      ).length;
    expect(strokes('1')).toBe(2);
    expect(strokes('8')).toBe(7);
    expect(strokes('9+')).toBe(6 + 2);
    const px = rasterize(parseIconSvg(badgeSvg('1')), 64);
    expect(pixel(px, 64, 32, 5)).toEqual([0xd9, 0x30, 0x25, 255]);
    expect(pixel(px, 64, 40, 24)).toEqual([255, 255, 255, 255]); // segment b of "1"
  });
});

describe('icon containers', () => {
  const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) & 255);

  it('PNG round-trips pixels and carries valid CRCs', () => {
    const png = encodePng(rgba, 3, 2);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const back = decodePng(png);
    expect([back.width, back.height]).toEqual([3, 2]);
    expect(Array.from(back.rgba)).toEqual(Array.from(rgba));
    const corrupt = Buffer.from(png);
    corrupt[20] = corrupt[20]! ^ 1; // inside IHDR
    expect(() => decodePng(corrupt)).toThrow(/CRC/);
  });

  it('ICO directory points at each PNG and encodes 256 as 0', () => {
    const a = encodePng(rgba, 3, 2);
    const ico = encodeIco([
      { sizePx: 16, png: a },
      { sizePx: 256, png: a },
    ]);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico[6 + 16]).toBe(0);
    expect(readIcoEntries(ico).map((e: { sizePx: number }) => e.sizePx)).toEqual([16, 256]);
    expect(readIcoEntries(ico)[1]?.png.equals(a)).toBe(true);
    expect(() => encodeIco([{ sizePx: 512, png: a }])).toThrow(/256/);
  });

  it('ICNS length fields add up and elements read back', () => {
    const a = encodePng(rgba, 3, 2);
    const icns = encodeIcns([
      { type: 'ic07', png: a },
      { type: 'ic10', png: a },
    ]);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(readIcnsEntries(icns).map((e: { type: string }) => e.type)).toEqual(['ic07', 'ic10']);
  });
});

describe('generated icons', () => {
  it('cover every size the installers need, and the committed files match the source', async () => {
    const files: Map<string, Buffer> = generateIcons(await readFile(iconSourcePath, 'utf8'));
    for (const s of pngSizes) expect(files.has(`assets/icons/png/${s}x${s}.png`)).toBe(true);
    for (const label of badgeLabels) {
      expect(decodePng(files.get(`assets/badges/badge-${label}@2x.png`)!).width).toBe(32);
    }
    const ico = readIcoEntries(files.get('assets/icons/icon.ico')!);
    expect(ico.map((e: { sizePx: number }) => e.sizePx)).toEqual(icoSizes);
    for (const e of ico) expect(decodePng(e.png).width).toBe(e.sizePx);
    const icns = readIcnsEntries(files.get('assets/icons/icon.icns')!);
    expect(icns.map((e: { type: string }) => e.type)).toEqual(icnsTypes.map(([t]) => t));
    expect(decodePng(icns.at(-1)!.png).width).toBe(1024);
    const stale: string[] = [];
    for (const [rel, bytes] of files) {
      const committed = await readFile(path.join(root, rel));
      if (!pixelsOf(rel, committed).equals(pixelsOf(rel, bytes))) stale.push(rel);
    }
    expect(stale, 'run node scripts/icons.mjs and commit').toEqual([]);
  });
});
