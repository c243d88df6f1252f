/** One byte per piece (docs/ARCHITECTURE.md section 2: bulk data is compact). */
export const PieceState = {
  missing: 0,
  requested: 1,
  partial: 2,
  verifying: 3,
  have: 4,
  failed: 5,
} as const;
export type PieceState = (typeof PieceState)[keyof typeof PieceState];
export const pieceStateNames = [
  'missing',
  'requested',
  'partial',
  'verifying',
  'have',
  'failed',
] as const;

/** A full piece map. */
export interface PieceMapFull {
  states: Uint8Array;
  /** How many connected peers have each piece. */
  availability: Uint16Array;
}

/**
 * Changes since the last update, applied to a full map of the same piece count with
 * `applyPieceDelta` (src-shared/piece-delta.ts), the one reader of this format.
 *
 * - `indices` lists every piece whose state or availability changed, strictly increasing,
 *   each below the piece count.
 * - `states[k]` is the new state of piece `indices[k]` (same length as `indices`).
 * - `availability`, when present, is aligned with `indices` too: `availability[k]` is the new
 *   peer count of piece `indices[k]`, NOT a full-length array. It is left out when no
 *   availability changed, and then the receiver keeps the counts it has.
 */
export interface PieceMapDelta {
  indices: Uint32Array;
  states: Uint8Array;
  availability?: Uint16Array;
}
