/**
 * Colours of the piece map: one per piece state and a heat scale for availability, for the
 * light and the dark theme.
 *
 * Invariants: `packed*` entries are 32-bit pixels laid out for a Uint32Array view over ImageData
 * bytes (R, G, B, A in memory order) on this machine's endianness; `rgb*` hold the same colours as
 * 0..255 channels so the rasterizer can mix them. Indexing `packedStates` by a PieceState byte is
 * always in range for the six states; other bytes are drawn as `missing` by the rasterizer.
 * Pure: no DOM, so the unit tests run under Node.
 */
import { pieceStateNames } from '../../../src-shared/model/pieces';

export type ColorScheme = 'light' | 'dark';

/** One bucket of the availability heat scale: peers in [minPeers, maxPeers]. */
export interface HeatBucket {
  minPeers: number;
  /** Inclusive; Infinity for the last bucket. */
  maxPeers: number;
  label: string;
  css: string;
}

export interface PiecePalette {
  scheme: ColorScheme;
  /** Empty cells and the gaps between cells. */
  backgroundCss: string;
  backgroundPacked: number;
  /** CSS colours by PieceState, for the legend and tooltip. */
  stateCss: readonly string[];
  packedStates: Uint32Array;
  /** [r, g, b] per state, flattened. */
  rgbStates: Uint8Array;
  heat: readonly HeatBucket[];
  /** Heat bucket index per availability value 0..heatLookupSize-1 (larger values use the last). */
  heatIndexByPeers: Uint8Array;
  packedHeat: Uint32Array;
  rgbHeat: Uint8Array;
}

/**
 * Availability values at or above this share the last bucket; the lookup table is this long.
 * Rarity matters at the low end, so the buckets are fine there and coarse above.
 */
export const heatLookupSize = 64;

/** Peer-count buckets of the heat scale (lower bounds). 0 stands alone: nobody has the piece. */
const heatLowerBounds = [0, 1, 2, 3, 4, 6, 10, 20, 40] as const;

interface SchemeColors {
  background: string;
  states: Record<(typeof pieceStateNames)[number], string>;
  /** First entry is "0 peers" (a red apart from the ramp); then a ramp monotonic in lightness. */
  heat: readonly string[];
}

// State colours follow the app's theme tokens (styles/app.css): blue while downloading, green when
// done, amber while checking, red for errors. Each contrasts with the surface it is drawn on.
const schemes: Record<ColorScheme, SchemeColors> = {
  light: {
    background: '#ffffff',
    states: {
      missing: '#d5dae0',
      requested: '#a9c4f5',
      partial: '#2f6fdb',
      verifying: '#b5790f',
      have: '#1f9d63',
      failed: '#d1394b',
    },
    // Light theme: darker means more peers, as on a printed map; rare pieces stay pale.
    heat: [
      '#8b0a0a',
      '#c7e9b4',
      '#7fcdbb',
      '#41b6c4',
      '#1d91c0',
      '#225ea8',
      '#253494',
      '#1a2373',
      '#081d58',
    ],
  },
  dark: {
    background: '#1b1f25',
    states: {
      missing: '#363d47',
      requested: '#2d4f86',
      partial: '#5b93f0',
      verifying: '#e0a93a',
      have: '#3ec486',
      failed: '#f06a7a',
    },
    // Dark theme: brighter means more peers (viridis samples from the violet end to yellow).
    heat: [
      '#e0302a',
      '#5a3f9c',
      '#3e66a0',
      '#2b8a98',
      '#22a88c',
      '#4ac16d',
      '#8fd744',
      '#c8e020',
      '#fde725',
    ],
  },
};

/** True when a Uint32Array stores its lowest-addressed byte in the low bits. */
export function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/** A pixel for a Uint32Array view over RGBA bytes, so that memory reads R, G, B, A. */
export function packRgba(
  r: number,
  g: number,
  b: number,
  a: number,
  littleEndian: boolean,
): number {
  return littleEndian
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** Parses `#rrggbb`. Palette colours are constants here, so a bad one is a programmer error. */
export function parseHexRgb(css: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(css);
  if (!m || m[1] === undefined) throw new Error(`palette: not a #rrggbb colour: ${css}`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

function fill(
  cssList: readonly string[],
  littleEndian: boolean,
): { packed: Uint32Array; rgb: Uint8Array } {
  const packed = new Uint32Array(cssList.length);
  const rgb = new Uint8Array(cssList.length * 3);
  cssList.forEach((css, i) => {
    const [r, g, b] = parseHexRgb(css);
    packed[i] = packRgba(r, g, b, 255, littleEndian);
    rgb.set([r, g, b], i * 3);
  });
  return { packed, rgb };
}

function heatLabel(i: number): string {
  const lo = heatLowerBounds[i] as number;
  const next = heatLowerBounds[i + 1];
  if (next === undefined) return `${lo}+`;
  return next - 1 === lo ? String(lo) : `${lo}–${next - 1}`;
}

export function createPalette(scheme: ColorScheme, littleEndian = isLittleEndian()): PiecePalette {
  const colors = schemes[scheme];
  const stateCss = pieceStateNames.map((name) => colors.states[name]);
  const states = fill(stateCss, littleEndian);
  const heatPixels = fill(colors.heat, littleEndian);
  const heat: HeatBucket[] = heatLowerBounds.map((minPeers, i) => ({
    minPeers,
    maxPeers: (heatLowerBounds[i + 1] ?? Infinity) - 1,
    label: heatLabel(i),
    css: colors.heat[i] as string,
  }));
  const heatIndexByPeers = new Uint8Array(heatLookupSize);
  for (let peers = 0, bucket = 0; peers < heatLookupSize; peers++) {
    while (bucket + 1 < heatLowerBounds.length && peers >= (heatLowerBounds[bucket + 1] as number))
      bucket++;
    heatIndexByPeers[peers] = bucket;
  }
  const [br, bg, bb] = parseHexRgb(colors.background);
  return {
    scheme,
    backgroundCss: colors.background,
    backgroundPacked: packRgba(br, bg, bb, 255, littleEndian),
    stateCss,
    packedStates: states.packed,
    rgbStates: states.rgb,
    heat,
    heatIndexByPeers,
    packedHeat: heatPixels.packed,
    rgbHeat: heatPixels.rgb,
  };
}

/** The heat bucket index for a peer count. */
export function heatBucketOf(palette: PiecePalette, peers: number): number {
  const clamped = peers < heatLookupSize ? peers : heatLookupSize - 1;
  return palette.heatIndexByPeers[clamped] as number;
}
