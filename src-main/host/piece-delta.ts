/**
 * Piece map updates for a watched torrent (docs/ARCHITECTURE.md section 2: bulk data is compact).
 * The first update is the full map; later ones carry only the indices whose state or
 * availability changed, with their new values.
 *
 * Invariants:
 * - `delta.indices` is strictly increasing; `delta.states[i]` is the state at `indices[i]`.
 * - `delta.availability`, when present, is aligned with `indices` too (the availability at each
 *   listed index); it is left out when no availability changed.
 * - Arrays handed out are copies: later changes to the engine's maps never alter a sent update.
 * The format is documented on `PieceMapDelta`; its one reader is `applyPieceDelta` in src-shared.
 */
import type { PieceMapDelta, PieceMapFull } from '../../src-shared/model';

/** Above this share of changed pieces a full map is smaller than indices plus states. */
export const fullMapThreshold = 0.25;

/** The changes from `prev` to `next`, or null when nothing changed. Lengths must match. */
export function diffPieceMap(prev: PieceMapFull, next: PieceMapFull): PieceMapDelta | null {
  const n = next.states.length;
  if (prev.states.length !== n || prev.availability.length !== next.availability.length) {
    throw new RangeError('diffPieceMap: piece counts differ');
  }
  const hasAvailability = next.availability.length === n;
  let count = 0;
  let availabilityChanged = false;
  const hasOrigins = next.origins?.length === n && prev.origins?.length === n;
  let originsChanged = false;
  const changed = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const stateDiffers = prev.states[i] !== next.states[i];
    const availDiffers = hasAvailability && prev.availability[i] !== next.availability[i];
    if (availDiffers) availabilityChanged = true;
    // --- piece origins (issue 19): a changed origin lists its piece too.
    const originDiffers = hasOrigins && prev.origins![i] !== next.origins![i];
    if (originDiffers) originsChanged = true;
    if (stateDiffers || availDiffers || originDiffers) changed[count++] = i;
  }
  // --- piece origins (issue 19): the slot table goes whole, and only when it changed.
  const peersChanged = JSON.stringify(prev.originPeers) !== JSON.stringify(next.originPeers);
  if (count === 0 && !peersChanged) return null;
  const indices = changed.slice(0, count);
  const states = new Uint8Array(count);
  for (let k = 0; k < count; k++) states[k] = next.states[indices[k] ?? 0] ?? 0;
  const delta: PieceMapDelta = { indices, states };
  if (availabilityChanged) {
    const availability = new Uint16Array(count);
    for (let k = 0; k < count; k++) availability[k] = next.availability[indices[k] ?? 0] ?? 0;
    delta.availability = availability;
  }
  // --- piece origins (issue 19) ---
  if (originsChanged) {
    const origins = new Uint16Array(count);
    for (let k = 0; k < count; k++) origins[k] = next.origins![indices[k] ?? 0] ?? 0;
    delta.origins = origins;
  }
  if (peersChanged && next.originPeers) delta.originPeers = next.originPeers.map((p) => ({ ...p }));
  return delta;
}

export function copyPieceMap(map: PieceMapFull): PieceMapFull {
  return {
    states: map.states.slice(),
    availability: map.availability.slice(),
    // --- piece origins (issue 19) ---
    ...(map.origins ? { origins: map.origins.slice() } : {}),
    ...(map.originPeers ? { originPeers: map.originPeers.map((p) => ({ ...p })) } : {}),
  };
}

export type PieceUpdate = { full: PieceMapFull } | { delta: PieceMapDelta };

/**
 * What to send next: the full map first (or when the piece count changed, or when most pieces
 * changed), otherwise a delta; null when nothing changed.
 */
export function nextPieceUpdate(last: PieceMapFull | null, next: PieceMapFull): PieceUpdate | null {
  const sameShape =
    last !== null &&
    last.states.length === next.states.length &&
    last.availability.length === next.availability.length &&
    last.origins?.length === next.origins?.length; // --- piece origins (issue 19)
  if (!sameShape) return { full: copyPieceMap(next) };
  const delta = diffPieceMap(last, next);
  if (delta === null) return null;
  if (delta.indices.length > next.states.length * fullMapThreshold) {
    return { full: copyPieceMap(next) };
  }
  return { delta };
}
