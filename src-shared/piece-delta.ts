/**
 * The one reader of a piece-map delta (format in src-shared/model/pieces.ts), shared by the
 * renderer's store and the host's tests so the sender and the receiver cannot drift apart again.
 *
 * Invariant: a delta that does not fit the map changes nothing (every check runs before the
 * first write), so a caller that gets false keeps its map intact until the next full map.
 */
import type { PieceMapDelta, PieceMapFull } from './model/pieces';

/** True when `delta` can be applied to `map`: same piece count, arrays aligned with `indices`. */
export function pieceDeltaFits(map: PieceMapFull, delta: PieceMapDelta): boolean {
  const n = map.states.length;
  const { indices, states, availability } = delta;
  if (states.length !== indices.length) return false;
  if (availability !== undefined) {
    // Aligned with indices (one count per listed piece), and the map must hold counts.
    if (availability.length !== indices.length || map.availability.length !== n) return false;
  }
  // --- piece origins (issue 19): aligned with indices too, and the map must hold origins.
  if (delta.origins !== undefined) {
    if (delta.origins.length !== indices.length || map.origins?.length !== n) return false;
  }
  for (let k = 0; k < indices.length; k++) {
    if (indices[k]! >= n) return false;
  }
  return true;
}

/**
 * Writes `delta` into `map` in place. Returns false, with `map` untouched, when the delta does
 * not fit it: the receiver then needs a full map.
 */
export function applyPieceDelta(map: PieceMapFull, delta: PieceMapDelta): boolean {
  if (!pieceDeltaFits(map, delta)) return false;
  const { indices, states, availability } = delta;
  for (let k = 0; k < indices.length; k++) map.states[indices[k]!] = states[k]!;
  if (availability !== undefined) {
    for (let k = 0; k < indices.length; k++) map.availability[indices[k]!] = availability[k]!;
  }
  // --- piece origins (issue 19) ---
  const origins = delta.origins;
  if (origins !== undefined && map.origins) {
    for (let k = 0; k < indices.length; k++) map.origins[indices[k]!] = origins[k]!;
  }
  if (delta.originPeers !== undefined) map.originPeers = delta.originPeers;
  return true;
}
