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
  // --- piece origins (issue 19) ---
  /**
   * The origin slot of each piece (same length as `states`): the peer that delivered most of its
   * bytes, as an index into `originPeers` plus one; 0 means unknown (read from disk, checked,
   * or verified before origins were kept). Only meaningful for pieces we have. Absent from
   * hosts that do not track origins.
   */
  origins?: Uint16Array;
  /** The slot table: `originPeers[slot - 1]` describes slot `slot`. */
  originPeers?: OriginPeer[];
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
  // --- piece origins (issue 19) ---
  /**
   * Backward compatible additions: a receiver that ignores them keeps a correct state map.
   * - `origins`, when present, is aligned with `indices` like `availability`: `origins[k]` is
   *   the new origin slot of piece `indices[k]`. Left out when no origin changed.
   * - `originPeers`, when present, replaces the whole slot table (it is small and capped); left
   *   out when it did not change.
   */
  origins?: Uint16Array;
  originPeers?: OriginPeer[];
}

// --- piece origins (issue 19) ---
/** One slot of a torrent's origin table: a peer that delivered blocks to us. */
export interface OriginPeer {
  /** `address:port` when it last sent; the last slot of a full table reads "others". */
  address: string;
  /** The client name decoded from its peer id, or '' when unknown. */
  client: string;
  /** Bytes of blocks it delivered to us (this run and, after a restart, earlier runs). */
  bytes: number;
  /** Verified pieces whose origin it is. */
  pieces: number;
}
