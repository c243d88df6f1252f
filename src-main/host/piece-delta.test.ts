import { describe, expect, it } from 'vitest';
import type { PieceMapDelta, PieceMapFull } from '../../src-shared/model';
import { applyPieceDelta } from '../../src-shared/piece-delta';
import { diffPieceMap, nextPieceUpdate } from './piece-delta';

function map(states: number[], availability?: number[]): PieceMapFull {
  return {
    states: Uint8Array.from(states),
    availability: Uint16Array.from(availability ?? states.map(() => 0)),
  };
}

/** The renderer's reader of the format, so this test proves the two sides agree. */
function apply(target: PieceMapFull, delta: PieceMapDelta): void {
  if (!applyPieceDelta(target, delta)) throw new Error('the delta does not fit the map');
}

describe('piece map deltas', () => {
  it('lists changed indices with their new states', () => {
    const delta = diffPieceMap(map([0, 0, 0, 0, 0]), map([0, 4, 0, 0, 2]));
    expect(delta).toEqual({ indices: Uint32Array.from([1, 4]), states: Uint8Array.from([4, 2]) });
  });

  it('adds aligned availability only when availability changed', () => {
    const delta = diffPieceMap(map([0, 0, 0], [1, 1, 1]), map([0, 4, 0], [1, 2, 3]));
    expect(delta).toEqual({
      indices: Uint32Array.from([1, 2]),
      states: Uint8Array.from([4, 0]),
      availability: Uint16Array.from([2, 3]),
    });
  });

  it('returns null when nothing changed', () => {
    expect(diffPieceMap(map([1, 2]), map([1, 2]))).toBeNull();
    expect(nextPieceUpdate(map([1, 2]), map([1, 2]))).toBeNull();
  });

  it('sends the full map first, on a shape change, and when most pieces changed', () => {
    expect(nextPieceUpdate(null, map([1]))).toEqual({ full: map([1]) });
    expect(nextPieceUpdate(map([1]), map([1, 2]))).toEqual({ full: map([1, 2]) });
    expect(nextPieceUpdate(map([0, 0, 0, 0]), map([4, 4, 0, 0]))).toEqual({
      full: map([4, 4, 0, 0]),
    });
    const eight = [0, 0, 0, 0, 0, 0, 0, 0];
    const next = nextPieceUpdate(map(eight), map([0, 0, 0, 4, 0, 0, 0, 0]));
    expect(next).toEqual({
      delta: { indices: Uint32Array.from([3]), states: Uint8Array.from([4]) },
    });
  });

  it('hands out copies', () => {
    const live = map([0, 0]);
    const update = nextPieceUpdate(null, live);
    live.states[0] = 4;
    expect(update).toEqual({ full: map([0, 0]) });
  });

  it('rebuilds the map from random deltas', () => {
    let x = 7;
    const rand = (n: number): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const n = 10_000;
    const host = map(Array.from({ length: n }, () => 0));
    const client = map(Array.from({ length: n }, () => 0));
    let last = map(Array.from({ length: n }, () => 0));
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 100; k++) {
        host.states[rand(n)] = rand(6);
        host.availability[rand(n)] = rand(50);
      }
      const delta = diffPieceMap(last, host);
      if (delta) apply(client, delta);
      last = { states: host.states.slice(), availability: host.availability.slice() };
    }
    expect(client).toEqual(host);
  });

  it('refuses maps of different lengths', () => {
    expect(() => diffPieceMap(map([1]), map([1, 2]))).toThrow(RangeError);
  });
});

// --- piece origins (issue 19) ---
describe('piece map deltas: origins', () => {
  const peer = (pieces: number) => ({ address: '127.0.0.1:1', client: 'c', bytes: 9, pieces });
  const withOrigins = (states: number[], origins: number[], pieces = 1): PieceMapFull => ({
    ...map(states),
    origins: Uint16Array.from(origins),
    originPeers: [peer(pieces)],
  });

  it('lists a piece whose origin changed, with origins aligned to the indices', () => {
    const delta = diffPieceMap(
      withOrigins([4, 4, 0], [0, 0, 0]),
      withOrigins([4, 4, 0], [0, 1, 0]),
    );
    expect(delta).toEqual({
      indices: Uint32Array.from([1]),
      states: Uint8Array.from([4]),
      origins: Uint16Array.from([1]),
    });
  });

  it('sends the slot table only when it changed, even with no piece changed', () => {
    const delta = diffPieceMap(withOrigins([4], [1], 1), withOrigins([4], [1], 2));
    expect(delta).toEqual({
      indices: new Uint32Array(0),
      states: new Uint8Array(0),
      originPeers: [peer(2)],
    });
  });

  it('rebuilds origins and the slot table on the receiving side', () => {
    const first = withOrigins([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], 0);
    const next = withOrigins([4, 0, 0, 0, 0, 0, 0, 4], [1, 0, 0, 0, 0, 0, 0, 1], 2);
    const seen: PieceMapFull = {
      ...first,
      states: first.states.slice(),
      origins: first.origins!.slice(),
    };
    const update = nextPieceUpdate(first, next);
    expect(update && 'delta' in update).toBe(true);
    if (update && 'delta' in update) apply(seen, update.delta);
    expect(seen).toEqual(next);
  });
});
