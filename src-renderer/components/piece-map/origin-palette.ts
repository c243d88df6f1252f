/**
 * "Colour by origin" (issue 19): each verified piece takes the colour of the peer that delivered
 * most of its bytes. Only the top peers by pieces delivered get a hue of their own; the rest share
 * one grey ("others"), and pieces with no known origin (read from disk, or verified before a
 * restart without origins) one slate. Pieces we do not have are drawn as "missing".
 *
 * It reuses the piece-map rasteriser: `originKeys` turns (states, origins) into one colour key
 * byte per piece, and `createOriginPalette` is a PiecePalette whose "state" colours are the keys'
 * colours, so the rasteriser, its downsampling and its delta repaint work unchanged.
 *
 * Invariants: keys are 0 (not had), 1 (origin unknown), 2 (others), 3 + i (the i-th top peer,
 * i < originHues.length); the palette has exactly one colour per key. Pure: no DOM.
 */
import type { OriginPeer } from '../../../src-shared/model/pieces';
import { PieceState } from '../../../src-shared/model/pieces';
import { createPalette, isLittleEndian, packRgba, parseHexRgb } from './palette';
import type { ColorScheme, PiecePalette } from './palette';

export const ORIGIN_KEY_NOT_HAD = 0;
export const ORIGIN_KEY_UNKNOWN = 1;
export const ORIGIN_KEY_OTHERS = 2;
export const ORIGIN_KEY_FIRST_PEER = 3;

/**
 * Hues for the top peers: the Okabe–Ito set, chosen to stay apart under the common colour-vision
 * deficiencies, plus one wine red (Paul Tol) to make eight. Ordered so the first few are the
 * most distinct from each other.
 */
export const originHues: Record<ColorScheme, readonly string[]> = {
  light: ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#f0e442', '#882255'],
  dark: ['#3c9ee0', '#e69f00', '#19b88a', '#d98cb8', '#f07a2a', '#7fcaf0', '#f0e442', '#c0507e'],
};

const neutral: Record<ColorScheme, { unknown: string; others: string }> = {
  light: { unknown: '#4b5563', others: '#a3a3a3' },
  dark: { unknown: '#9aa5b5', others: '#5f6670' },
};

export interface OriginLegendEntry {
  /** The origin slot (1-based); 0 for the "others" and "unknown" rows. */
  slot: number;
  key: number;
  label: string;
  /** Verified pieces in this colour. */
  pieces: number;
  css: string;
}

export interface OriginLegend {
  /** The top peers, most pieces first, then "others", then "unknown" (rows with 0 pieces left out). */
  entries: OriginLegendEntry[];
  /** The key of each slot (index = slot); slots past the table read "others". */
  keyBySlot: Uint8Array;
  /** Changes when the slot-to-colour mapping changes (a repaint of every piece is due). */
  signature: string;
}

/** A peer's legend label: its client and address. */
export function originLabel(p: OriginPeer): string {
  if (p.address === 'others') return 'Other peers';
  return p.client ? `${p.client} · ${p.address}` : p.address;
}

/**
 * The legend: verified pieces counted per slot, the top `originHues.length` slots get a hue
 * (ties to the lower slot), everything else "others". O(pieces).
 */
export function originLegend(
  states: Uint8Array,
  origins: Uint16Array,
  peers: readonly OriginPeer[],
  scheme: ColorScheme,
): OriginLegend {
  const counts = new Map<number, number>();
  let unknown = 0;
  const n = Math.min(states.length, origins.length);
  for (let i = 0; i < n; i++) {
    if (states[i] !== PieceState.have) continue;
    const slot = origins[i] as number;
    if (slot === 0 || slot > peers.length) unknown++;
    else counts.set(slot, (counts.get(slot) ?? 0) + 1);
  }
  // Pieces of a map without origins at all (an older host) count as unknown too.
  for (let i = n; i < states.length; i++) if (states[i] === PieceState.have) unknown++;
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const hues = originHues[scheme];
  const keyBySlot = new Uint8Array(peers.length + 1).fill(ORIGIN_KEY_OTHERS);
  keyBySlot[0] = ORIGIN_KEY_UNKNOWN;
  const entries: OriginLegendEntry[] = [];
  let others = 0;
  ranked.forEach(([slot, pieces], i) => {
    if (i < hues.length) {
      keyBySlot[slot] = ORIGIN_KEY_FIRST_PEER + i;
      entries.push({
        slot,
        key: ORIGIN_KEY_FIRST_PEER + i,
        label: originLabel(peers[slot - 1] as OriginPeer),
        pieces,
        css: hues[i] as string,
      });
    } else {
      others += pieces;
    }
  });
  const colours = neutral[scheme];
  if (others > 0)
    entries.push({
      slot: 0,
      key: ORIGIN_KEY_OTHERS,
      label: 'Other peers',
      pieces: others,
      css: colours.others,
    });
  if (unknown > 0)
    entries.push({
      slot: 0,
      key: ORIGIN_KEY_UNKNOWN,
      label: 'From disk or before a restart',
      pieces: unknown,
      css: colours.unknown,
    });
  const signature = entries
    .filter((e) => e.slot > 0)
    .map((e) => `${e.slot}:${e.key}`)
    .join(',');
  return { entries, keyBySlot, signature };
}

/** Writes one colour key per piece into `out` (same length as `states`). O(pieces). */
export function originKeys(
  states: Uint8Array,
  origins: Uint16Array,
  keyBySlot: Uint8Array,
  out: Uint8Array,
): void {
  for (let i = 0; i < states.length; i++) {
    if (states[i] !== PieceState.have) {
      out[i] = ORIGIN_KEY_NOT_HAD;
      continue;
    }
    const slot = (origins[i] as number) | 0;
    out[i] = slot < keyBySlot.length ? (keyBySlot[slot] as number) : ORIGIN_KEY_OTHERS;
  }
}

/** The piece-map palette whose "states" are the origin keys' colours. */
export function createOriginPalette(
  scheme: ColorScheme,
  littleEndian = isLittleEndian(),
): PiecePalette {
  const base = createPalette(scheme, littleEndian);
  const css = [
    base.stateCss[PieceState.missing] as string,
    neutral[scheme].unknown,
    neutral[scheme].others,
    ...originHues[scheme],
  ];
  const packedStates = new Uint32Array(css.length);
  const rgbStates = new Uint8Array(css.length * 3);
  css.forEach((c, i) => {
    const [r, g, b] = parseHexRgb(c);
    packedStates[i] = packRgba(r, g, b, 255, littleEndian);
    rgbStates.set([r, g, b], i * 3);
  });
  return { ...base, stateCss: css, packedStates, rgbStates };
}
