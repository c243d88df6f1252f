import { describe, expect, it } from 'vitest';
import type { OriginPeer } from '../../../src-shared/model/pieces';
import { PieceState } from '../../../src-shared/model/pieces';
import { layout } from './layout';
import {
  ORIGIN_KEY_FIRST_PEER,
  ORIGIN_KEY_NOT_HAD,
  ORIGIN_KEY_OTHERS,
  ORIGIN_KEY_UNKNOWN,
  createOriginPalette,
  originHues,
  originKeys,
  originLegend,
} from './origin-palette';
import { describeOrigins } from './origin-tooltip';
import { rasterize } from './rasterize';

const H = PieceState.have;
const M = PieceState.missing;
const peer = (n: number): OriginPeer => ({
  address: `10.0.0.${n}:6881`,
  client: n === 1 ? 'libtorrent 2.0.9' : '',
  bytes: 1,
  pieces: 0,
});
const peers = Array.from({ length: 10 }, (_, i) => peer(i + 1));

describe('colour by origin', () => {
  it('ranks peers by verified pieces, ties to the lower slot, the rest as others and unknown', () => {
    // Slot 2 has 3 pieces, slots 1 and 3 two each (tie), one piece is missing (not counted),
    // one had piece has no origin.
    const states = Uint8Array.from([H, H, H, H, H, H, H, M, H]);
    const origins = Uint16Array.from([2, 2, 2, 3, 1, 3, 1, 1, 0]);
    const legend = originLegend(states, origins, peers, 'light');
    expect(legend.entries.map((e) => [e.slot, e.key, e.pieces])).toEqual([
      [2, ORIGIN_KEY_FIRST_PEER, 3],
      [1, ORIGIN_KEY_FIRST_PEER + 1, 2],
      [3, ORIGIN_KEY_FIRST_PEER + 2, 2],
      [0, ORIGIN_KEY_UNKNOWN, 1],
    ]);
    expect(legend.entries[1]!.label).toBe('libtorrent 2.0.9 · 10.0.0.1:6881');
    expect(legend.entries[0]!.label).toBe('10.0.0.2:6881');
    expect(legend.entries[0]!.css).toBe(originHues.light[0]);
    const keys = new Uint8Array(states.length);
    originKeys(states, origins, legend.keyBySlot, keys);
    expect([...keys]).toEqual([3, 3, 3, 5, 4, 5, 4, ORIGIN_KEY_NOT_HAD, ORIGIN_KEY_UNKNOWN]);
  });

  it('gives hues to the top peers only; the others share one grey', () => {
    const n = originHues.light.length + 2;
    const states = new Uint8Array(n).fill(H);
    // One piece per slot: every slot ties, so the lower slots take the hues.
    const origins = Uint16Array.from({ length: n }, (_, i) => i + 1);
    const legend = originLegend(states, origins, peers, 'dark');
    const others = legend.entries.at(-1)!;
    expect(others).toMatchObject({ key: ORIGIN_KEY_OTHERS, pieces: 2, label: 'Other peers' });
    expect(legend.entries).toHaveLength(originHues.dark.length + 1);
    expect(legend.keyBySlot[n]).toBe(ORIGIN_KEY_OTHERS);
    expect(legend.keyBySlot[1]).toBe(ORIGIN_KEY_FIRST_PEER);
  });

  it('reads a map without origins (an older host) as all unknown', () => {
    const legend = originLegend(Uint8Array.from([H, M, H]), new Uint16Array(0), [], 'light');
    expect(legend.entries).toEqual([
      expect.objectContaining({ key: ORIGIN_KEY_UNKNOWN, pieces: 2 }),
    ]);
  });

  it('changes its signature when the ranking changes, not when counts alone do', () => {
    const states = new Uint8Array(4).fill(H);
    const a = originLegend(states, Uint16Array.from([1, 1, 2, 0]), peers, 'light');
    const b = originLegend(states, Uint16Array.from([1, 1, 1, 2]), peers, 'light');
    const c = originLegend(states, Uint16Array.from([2, 2, 1, 0]), peers, 'light');
    expect(b.signature).toBe(a.signature);
    expect(c.signature).not.toBe(a.signature);
  });

  it('has one distinct colour per key, and the rasteriser paints keys past the six states', () => {
    for (const scheme of ['light', 'dark'] as const) {
      const palette = createOriginPalette(scheme);
      expect(palette.stateCss).toHaveLength(ORIGIN_KEY_FIRST_PEER + originHues[scheme].length);
      expect(new Set(palette.stateCss).size).toBe(palette.stateCss.length);
      const keys = Uint8Array.from({ length: palette.stateCss.length }, (_, i) => i);
      const g = layout(keys.length, keys.length, 2, 1);
      const image = {
        data: new Uint32Array(g.widthPx * g.heightPx),
        width: g.widthPx,
        height: g.heightPx,
      };
      rasterize(g, keys, new Uint16Array(keys.length), { overlay: 'none', palette }, image);
      expect([...image.data.subarray(0, keys.length)]).toEqual([...palette.packedStates]);
    }
  });

  it('names the origin of the pieces under the pointer', () => {
    const states = Uint8Array.from([H, H, M, H]);
    const origins = Uint16Array.from([1, 2, 0, 0]);
    expect(describeOrigins(states, origins, peers, { first: 0, last: 0 })).toBe(
      'From libtorrent 2.0.9 · 10.0.0.1:6881',
    );
    expect(describeOrigins(states, origins, peers, { first: 0, last: 1 })).toBe('From 2 sources');
    expect(describeOrigins(states, origins, peers, { first: 3, last: 3 })).toBe(
      'From disk or before a restart',
    );
    expect(describeOrigins(states, origins, peers, { first: 2, last: 2 })).toBeNull();
  });
});
