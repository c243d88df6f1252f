import { describe, expect, it } from 'vitest';
import type { PieceMapFull } from './model/pieces';
import { applyPieceDelta } from './piece-delta';

function map(states: number[], availability: number[]): PieceMapFull {
  return { states: Uint8Array.from(states), availability: Uint16Array.from(availability) };
}

describe('applyPieceDelta', () => {
  it('writes states and aligned availability at the listed indices only', () => {
    const m = map([0, 0, 0, 0], [1, 1, 1, 1]);
    const ok = applyPieceDelta(m, {
      indices: Uint32Array.of(1, 3),
      states: Uint8Array.of(4, 2),
      availability: Uint16Array.of(2, 3),
    });
    expect(ok).toBe(true);
    expect(m).toEqual(map([0, 4, 0, 2], [1, 2, 1, 3]));
  });

  it('keeps the counts it has when the delta carries no availability', () => {
    const m = map([0, 0], [5, 6]);
    expect(applyPieceDelta(m, { indices: Uint32Array.of(0), states: Uint8Array.of(4) })).toBe(true);
    expect(m).toEqual(map([4, 0], [5, 6]));
  });

  it('refuses a delta that does not fit and leaves the map untouched', () => {
    const m = map([0, 0], [0, 0]);
    const misfits = [
      { indices: Uint32Array.of(0, 2), states: Uint8Array.of(4, 4) },
      { indices: Uint32Array.of(0), states: Uint8Array.of(4, 4) },
      // A full-length availability array is not the format: it must be aligned with indices.
      { indices: Uint32Array.of(0), states: Uint8Array.of(4), availability: Uint16Array.of(1, 1) },
    ];
    for (const delta of misfits) expect(applyPieceDelta(m, delta)).toBe(false);
    const noCounts = { states: new Uint8Array(2), availability: new Uint16Array(0) };
    const withCounts = {
      indices: Uint32Array.of(0),
      states: Uint8Array.of(4),
      availability: Uint16Array.of(1),
    };
    expect(applyPieceDelta(noCounts, withCounts)).toBe(false);
    expect(m).toEqual(map([0, 0], [0, 0]));
    expect([...noCounts.states]).toEqual([0, 0]);
  });
});

// --- piece origins (issue 19) ---
describe('applyPieceDelta: piece origins', () => {
  const peers = [{ address: '127.0.0.1:1', client: 'x', bytes: 1, pieces: 1 }];

  it('writes aligned origins and replaces the slot table', () => {
    const m: PieceMapFull = { ...map([0, 0, 0], [0, 0, 0]), origins: new Uint16Array(3) };
    const ok = applyPieceDelta(m, {
      indices: Uint32Array.of(2),
      states: Uint8Array.of(4),
      origins: Uint16Array.of(1),
      originPeers: peers,
    });
    expect(ok).toBe(true);
    expect([...m.origins!]).toEqual([0, 0, 1]);
    expect(m.originPeers).toEqual(peers);
  });

  it('keeps the origins it has when a delta carries none (an older host)', () => {
    const m: PieceMapFull = { ...map([0, 0], [0, 0]), origins: Uint16Array.of(3, 4) };
    expect(applyPieceDelta(m, { indices: Uint32Array.of(0), states: Uint8Array.of(4) })).toBe(true);
    expect([...m.origins!]).toEqual([3, 4]);
  });

  it('refuses misaligned origins, or origins for a map that holds none, untouched', () => {
    const m: PieceMapFull = { ...map([0, 0], [0, 0]), origins: new Uint16Array(2) };
    const misaligned = {
      indices: Uint32Array.of(0),
      states: Uint8Array.of(4),
      origins: Uint16Array.of(1, 1),
    };
    expect(applyPieceDelta(m, misaligned)).toBe(false);
    const bare = map([0, 0], [0, 0]);
    expect(applyPieceDelta(bare, { ...misaligned, origins: Uint16Array.of(1) })).toBe(false);
    expect(bare).toEqual(map([0, 0], [0, 0]));
    expect([...m.origins!]).toEqual([0, 0]);
  });
});
