// Renders assets/icon.svg (the one icon source) into every icon the installers and the tray need:
//   assets/icons/png/NxN.png   Linux (electron-builder takes the folder) and the window icon
//   assets/icons/icon.ico      Windows, PNG-compressed entries 16..256
//   assets/icons/icon.icns     macOS, PNG entries 16..1024
//   assets/tray/tray.png, tray@2x.png                 colour tray icon (Windows, Linux)
//   assets/tray/trayTemplate.png, trayTemplate@2x.png macOS template image (black + alpha)
//   assets/badges/badge-N.png, @2x (N = 1..9, 9+)    Windows taskbar overlay: active downloads
// No image package: the SVG subset (rect/circle/line, solid colours) is drawn with signed
// distance fields, one coverage sample per pixel, and the PNG/ICO/ICNS containers are written by
// hand because they are a few headers around zlib streams. Output is deterministic for a given
// zlib, and the test compares decoded pixels, not bytes, so a zlib upgrade does not break it.
//
// Usage: node scripts/icons.mjs [--check]   (--check exits 1 if the committed icons are stale)
import { deflateSync, inflateSync, crc32 } from 'node:zlib';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const iconSourcePath = path.join(root, 'assets', 'icon.svg');

export const pngSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const icoSizes = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types holding PNG data, by pixel size (Apple's icns format, 10.7+ types). */
export const icnsTypes = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];
/** Tray icons: 16 px logical (22 on some Linux panels, which scale the 32 px file). */
export const traySizePx = 16;

// ---------------------------------------------------------------------------------------------
// SVG subset

/**
 * @typedef {{ kind: 'rect', x: number, y: number, w: number, h: number, rx: number }
 *   | { kind: 'circle', cx: number, cy: number, r: number }
 *   | { kind: 'line', x1: number, y1: number, x2: number, y2: number, round: boolean }} Geometry
 * @typedef {{ geometry: Geometry, fill: number[] | null, stroke: number[] | null,
 *   strokeWidth: number, opacity: number, role: string }} Shape
 * @typedef {{ width: number, height: number, shapes: Shape[] }} Drawing
 */

function parseColor(value, where) {
  if (value === undefined || value === 'none') return null;
  const m = /^#([0-9a-f]{6})$/i.exec(value);
  if (!m) throw new Error(`icons: ${where}: colour ${JSON.stringify(value)} is not #rrggbb`);
  const n = Number.parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function num(attrs, name, where, fallback) {
  const raw = attrs[name];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`icons: ${where}: missing ${name}`);
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`icons: ${where}: ${name}=${raw} is not a number`);
  return v;
}

/**
 * Parses the subset of SVG that the renderer draws. Anything else is an error, so the source
 * never holds something the generated icons silently lack.
 * @param {string} text
 * @returns {Drawing}
 */
export function parseIconSvg(text) {
  const body = text.replace(/<!--[\s\S]*?-->/g, '');
  const tags = [...body.matchAll(/<\s*(\/?)([a-zA-Z]+)([^>]*?)(\/?)\s*>/g)];
  const shapes = [];
  let width = 0;
  let height = 0;
  for (const [, closing, name, rawAttrs] of tags) {
    if (closing) continue;
    const attrs = Object.fromEntries(
      [...rawAttrs.matchAll(/([a-zA-Z][a-zA-Z0-9:-]*)\s*=\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const where = `<${name}> #${shapes.length}`;
    if (name === 'svg') {
      const vb = (attrs.viewBox ?? '')
        .trim()
        .split(/[\s,]+/)
        .map(Number);
      if (vb.length !== 4 || vb[0] !== 0 || vb[1] !== 0 || !(vb[2] > 0) || !(vb[3] > 0)) {
        throw new Error('icons: <svg> needs viewBox="0 0 W H"');
      }
      width = vb[2];
      height = vb[3];
      continue;
    }
    /** @type {Geometry} */
    let geometry;
    if (name === 'rect') {
      geometry = {
        kind: 'rect',
        x: num(attrs, 'x', where, 0),
        y: num(attrs, 'y', where, 0),
        w: num(attrs, 'width', where),
        h: num(attrs, 'height', where),
        rx: num(attrs, 'rx', where, 0),
      };
    } else if (name === 'circle') {
      geometry = {
        kind: 'circle',
        cx: num(attrs, 'cx', where),
        cy: num(attrs, 'cy', where),
        r: num(attrs, 'r', where),
      };
    } else if (name === 'line') {
      geometry = {
        kind: 'line',
        x1: num(attrs, 'x1', where),
        y1: num(attrs, 'y1', where),
        x2: num(attrs, 'x2', where),
        y2: num(attrs, 'y2', where),
        round: attrs['stroke-linecap'] === 'round',
      };
    } else {
      throw new Error(`icons: <${name}> is outside the drawable SVG subset`);
    }
    const fill = parseColor(attrs.fill, where);
    const stroke = parseColor(attrs.stroke, where);
    if (!fill && !stroke) throw new Error(`icons: ${where}: neither fill nor stroke`);
    if (geometry.kind === 'line' && fill) throw new Error(`icons: ${where}: a line has no fill`);
    shapes.push({
      geometry,
      fill,
      stroke,
      strokeWidth: num(attrs, 'stroke-width', where, 1),
      opacity: num(attrs, 'opacity', where, 1),
      role: attrs['data-role'] ?? 'shape',
    });
  }
  if (width === 0) throw new Error('icons: no <svg> root');
  return { width, height, shapes };
}

// ---------------------------------------------------------------------------------------------
// Rasteriser

function boxSdf(px, py, halfW, halfH) {
  const qx = Math.abs(px) - halfW;
  const qy = Math.abs(py) - halfH;
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(qx, qy), 0);
}

/** Signed distance (negative inside) from (x, y) to the filled geometry, in source units. */
function fillSdf(g, x, y) {
  switch (g.kind) {
    case 'circle':
      return Math.hypot(x - g.cx, y - g.cy) - g.r;
    case 'rect': {
      const r = Math.min(g.rx, g.w / 2, g.h / 2);
      const px = x - (g.x + g.w / 2);
      const py = y - (g.y + g.h / 2);
      return boxSdf(px, py, g.w / 2 - r, g.h / 2 - r) - r;
    }
    case 'line':
      return Infinity;
  }
  throw new Error(`icons: unknown geometry ${g.kind}`);
}

function strokeSdf(g, x, y, width) {
  const half = width / 2;
  if (g.kind !== 'line') return Math.abs(fillSdf(g, x, y)) - half;
  const dx = g.x2 - g.x1;
  const dy = g.y2 - g.y1;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const along = (x - g.x1) * ux + (y - g.y1) * uy;
  const across = -(x - g.x1) * uy + (y - g.y1) * ux;
  if (g.round) {
    const t = Math.min(Math.max(along, 0), len);
    return Math.hypot(along - t, across) - half;
  }
  return boxSdf(along - len / 2, across, len / 2, half);
}

function bounds(shape) {
  const g = shape.geometry;
  const pad = (shape.stroke ? shape.strokeWidth / 2 : 0) + 1;
  if (g.kind === 'circle')
    return [g.cx - g.r - pad, g.cy - g.r - pad, g.cx + g.r + pad, g.cy + g.r + pad];
  if (g.kind === 'rect') return [g.x - pad, g.y - pad, g.x + g.w + pad, g.y + g.h + pad];
  return [
    Math.min(g.x1, g.x2) - pad,
    Math.min(g.y1, g.y2) - pad,
    Math.max(g.x1, g.x2) + pad,
    Math.max(g.y1, g.y2) + pad,
  ];
}

/**
 * Draws the drawing into a sizePx x sizePx RGBA buffer (straight alpha).
 * mode 'color' paints everything; 'template' paints non-background shapes black and lets
 * cutouts erase, which is what a macOS template image wants.
 * @param {Drawing} drawing
 * @param {number} sizePx
 * @param {'color' | 'template'} [mode]
 * @returns {Uint8Array}
 */
export function rasterize(drawing, sizePx, mode = 'color') {
  const n = sizePx * sizePx;
  const pr = new Float64Array(n);
  const pg = new Float64Array(n);
  const pb = new Float64Array(n);
  const pa = new Float64Array(n);
  const unitsPerPx = drawing.width / sizePx;
  for (const shape of drawing.shapes) {
    if (mode === 'template' && shape.role === 'background') continue;
    const erase = mode === 'template' && shape.role === 'cutout';
    const layers = [];
    if (shape.fill)
      layers.push({ color: shape.fill, sdf: (x, y) => fillSdf(shape.geometry, x, y) });
    if (shape.stroke) {
      layers.push({
        color: shape.stroke,
        sdf: (x, y) => strokeSdf(shape.geometry, x, y, shape.strokeWidth),
      });
    }
    const [bx0, by0, bx1, by1] = bounds(shape);
    const x0 = Math.max(0, Math.floor(bx0 / unitsPerPx));
    const y0 = Math.max(0, Math.floor(by0 / unitsPerPx));
    const x1 = Math.min(sizePx - 1, Math.ceil(bx1 / unitsPerPx));
    const y1 = Math.min(sizePx - 1, Math.ceil(by1 / unitsPerPx));
    for (const layer of layers) {
      const [cr, cg, cb] = mode === 'template' ? [0, 0, 0] : layer.color.map((c) => c / 255);
      for (let py = y0; py <= y1; py++) {
        const sy = (py + 0.5) * unitsPerPx;
        for (let px = x0; px <= x1; px++) {
          const sx = (px + 0.5) * unitsPerPx;
          const cover = Math.min(Math.max(0.5 - layer.sdf(sx, sy) / unitsPerPx, 0), 1);
          const a = cover * shape.opacity;
          if (a <= 0) continue;
          const i = py * sizePx + px;
          const keep = 1 - a;
          if (erase) {
            pr[i] *= keep;
            pg[i] *= keep;
            pb[i] *= keep;
            pa[i] *= keep;
          } else {
            pr[i] = cr * a + pr[i] * keep;
            pg[i] = cg * a + pg[i] * keep;
            pb[i] = cb * a + pb[i] * keep;
            pa[i] = a + pa[i] * keep;
          }
        }
      }
    }
  }
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = pa[i];
    if (a <= 0) continue;
    rgba[i * 4] = Math.round((pr[i] / a) * 255);
    rgba[i * 4 + 1] = Math.round((pg[i] / a) * 255);
    rgba[i * 4 + 2] = Math.round((pb[i] / a) * 255);
    rgba[i * 4 + 3] = Math.round(a * 255);
  }
  return rgba;
}

// ---------------------------------------------------------------------------------------------
// Containers

const pngSignature = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

function pngChunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * PNG: 8-bit RGBA (colour type 6), no interlace, filter 0 on every row.
 * @param {Uint8Array} rgba
 * @param {number} width
 * @param {number} height
 * @returns {Buffer}
 */
export function encodePng(rgba, width, height) {
  if (rgba.length !== width * height * 4) throw new Error('icons: RGBA length mismatch');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    pngSignature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Decodes the PNGs this module writes (RGBA, 8-bit, filter 0) back to pixels; other PNGs are
 * rejected. Used to check committed icons against the source.
 * @param {Uint8Array} png
 * @returns {{ width: number, height: number, rgba: Uint8Array }}
 */
export function decodePng(png) {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(pngSignature)) throw new Error('icons: not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (off + 12 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (crc32(buf.subarray(off + 4, off + 8 + len)) !== buf.readUInt32BE(off + 8 + len)) {
      throw new Error(`icons: bad CRC in ${type}`);
    }
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0)
        throw new Error('icons: not 8-bit RGBA');
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (raw.length !== (stride + 1) * height) throw new Error('icons: wrong image data length');
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error('icons: only filter 0 is supported');
    rgba.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, rgba };
}

/**
 * ICO with PNG-compressed entries (supported since Windows Vista). A width byte of 0 means 256.
 * @param {{ sizePx: number, png: Uint8Array }[]} images
 */
export function encodeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ sizePx, png }, i) => {
    if (sizePx > 256) throw new Error('icons: ICO entries are at most 256 px');
    const e = 6 + 16 * i;
    header[e] = sizePx === 256 ? 0 : sizePx;
    header[e + 1] = sizePx === 256 ? 0 : sizePx;
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((x) => Buffer.from(x.png))]);
}

/**
 * ICNS: 'icns', total length (big-endian), then (type, length including the 8-byte header, data).
 * @param {{ type: string, png: Uint8Array }[]} elements
 */
export function encodeIcns(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, Buffer.from(png)]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((s, p) => s + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/**
 * The PNG entries of an ICO written by encodeIco, in order.
 * @param {Uint8Array} ico
 * @returns {{ sizePx: number, png: Buffer }[]}
 */
export function readIcoEntries(ico) {
  const buf = Buffer.from(ico.buffer, ico.byteOffset, ico.byteLength);
  if (buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('icons: not an ICO');
  const count = buf.readUInt16LE(4);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const len = buf.readUInt32LE(e + 8);
    const at = buf.readUInt32LE(e + 12);
    if (at + len > buf.length) throw new Error('icons: ICO entry out of bounds');
    entries.push({ sizePx: buf[e] === 0 ? 256 : buf[e], png: buf.subarray(at, at + len) });
  }
  return entries;
}

/**
 * The elements of an ICNS written by encodeIcns, in order.
 * @param {Uint8Array} icns
 * @returns {{ type: string, png: Buffer }[]}
 */
export function readIcnsEntries(icns) {
  const buf = Buffer.from(icns.buffer, icns.byteOffset, icns.byteLength);
  if (buf.toString('latin1', 0, 4) !== 'icns' || buf.readUInt32BE(4) !== buf.length) {
    throw new Error('icons: not an ICNS');
  }
  const entries = [];
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off + 4);
    if (len < 8 || off + len > buf.length) throw new Error('icons: ICNS element out of bounds');
    entries.push({
      type: buf.toString('latin1', off, off + 4),
      png: buf.subarray(off + 8, off + len),
    });
    off += len;
  }
  return entries;
}

/** Decoded pixels of every image inside a generated file, so zlib versions do not matter. */
export function pixelsOf(rel, bytes) {
  const pngs = rel.endsWith('.ico')
    ? readIcoEntries(bytes).map((e) => e.png)
    : rel.endsWith('.icns')
      ? readIcnsEntries(bytes).map((e) => e.png)
      : [bytes];
  return Buffer.concat(pngs.map((p) => Buffer.from(decodePng(p).rgba)));
}

// ---------------------------------------------------------------------------------------------
// Taskbar badges: Windows has no badge count, so the count is an overlay icon. The digits are
// seven-segment strokes in the same SVG subset, so they go through the same renderer.

export const badgeLabels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+'];
export const badgeSizePx = 16;
const segmentsByDigit = {
  1: 'bc',
  2: 'abged',
  3: 'abgcd',
  4: 'fgbc',
  5: 'afgcd',
  6: 'afgedc',
  7: 'abc',
  8: 'abcdefg',
  9: 'abcdfg',
};

/** An SVG (subset) for one badge: a red disc with the label in white strokes. */
export function badgeSvg(label) {
  const digit = label[0];
  const plus = label.endsWith('+');
  const x0 = plus ? 13 : 23;
  const x1 = x0 + 17;
  const [y0, ym, y1] = [16, 32, 48];
  const ends = {
    a: [x0, y0, x1, y0],
    b: [x1, y0, x1, ym],
    c: [x1, ym, x1, y1],
    d: [x0, y1, x1, y1],
    e: [x0, ym, x0, y1],
    f: [x0, y0, x0, ym],
    g: [x0, ym, x1, ym],
  };
  const strokes = [...segmentsByDigit[digit]].map((seg) => ends[seg]);
  if (plus) strokes.push([40, 32, 54, 32], [47, 25, 47, 39]);
  const lines = strokes.map(
    ([ax, ay, bx, by]) =>
      `<line x1="${ax}" y1="${ay}" x2="${bx}" y2="${by}" stroke="#ffffff" stroke-width="6.5" stroke-linecap="round"/>`,
  );
  return `<svg viewBox="0 0 64 64"><circle cx="32" cy="32" r="31" fill="#d93025"/>${lines.join('')}</svg>`;
}

// ---------------------------------------------------------------------------------------------
// Outputs

/**
 * Every generated file, relative to the repository root, with its bytes.
 * @param {string} svgText
 * @returns {Map<string, Buffer>}
 */
export function generateIcons(svgText) {
  const drawing = parseIconSvg(svgText);
  const pngBySize = new Map();
  const png = (sizePx) => {
    let bytes = pngBySize.get(sizePx);
    if (!bytes) {
      bytes = encodePng(rasterize(drawing, sizePx), sizePx, sizePx);
      pngBySize.set(sizePx, bytes);
    }
    return bytes;
  };
  const files = new Map();
  for (const s of pngSizes) files.set(`assets/icons/png/${s}x${s}.png`, png(s));
  files.set('assets/icons/icon.ico', encodeIco(icoSizes.map((s) => ({ sizePx: s, png: png(s) }))));
  files.set(
    'assets/icons/icon.icns',
    encodeIcns(icnsTypes.map(([type, s]) => ({ type, png: png(s) }))),
  );
  for (const [scale, suffix] of [
    [1, ''],
    [2, '@2x'],
  ]) {
    const s = traySizePx * scale;
    files.set(`assets/tray/tray${suffix}.png`, png(s));
    files.set(
      `assets/tray/trayTemplate${suffix}.png`,
      encodePng(rasterize(drawing, s, 'template'), s, s),
    );
  }
  for (const label of badgeLabels) {
    const badge = parseIconSvg(badgeSvg(label));
    for (const [scale, suffix] of [
      [1, ''],
      [2, '@2x'],
    ]) {
      const s = badgeSizePx * scale;
      files.set(`assets/badges/badge-${label}${suffix}.png`, encodePng(rasterize(badge, s), s, s));
    }
  }
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const started = performance.now();
  const files = generateIcons(await readFile(iconSourcePath, 'utf8'));
  const stale = [];
  for (const [rel, bytes] of files) {
    const abs = path.join(root, rel);
    if (check) {
      const existing = await readFile(abs).catch((err) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (existing === null || !pixelsOf(rel, existing).equals(pixelsOf(rel, bytes))) {
        stale.push(rel);
      }
      continue;
    }
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, bytes);
  }
  const ms = Math.round(performance.now() - started);
  if (check && stale.length > 0) {
    console.error(`icons: stale, run node scripts/icons.mjs: ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`icons: ${files.size} files ${check ? 'checked' : 'written'} in ${ms} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`icons failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
