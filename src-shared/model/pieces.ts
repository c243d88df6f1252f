/** One byte per piece (ARCHITECTURE.md section 2: bulk data is compact). */
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

/** Changes since the last update: piece indices and their new states. */
export interface PieceMapDelta {
  indices: Uint32Array;
  states: Uint8Array;
  availability?: Uint16Array;
}
