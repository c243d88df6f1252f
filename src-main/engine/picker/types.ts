/** A 16 KiB request unit inside a piece (BEP 3). */
export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

/** 0 = skip (never requested), 1 = normal, 2 = high. */
export type PiecePriority = 0 | 1 | 2;

export interface BlockReceived {
  /** Every block of the piece has now arrived: hash it. */
  pieceComplete: boolean;
  /** We already had this block (endgame race, or unrequested data): drop the bytes. */
  duplicate: boolean;
  /** Other peers that still have this block requested: send them `cancel` (BEP 3 endgame). */
  cancelFrom: string[];
}

export interface PieceFailed {
  /** Peers that sent at least one block of the failed piece, for strike counting and bans. */
  contributors: string[];
}

export interface NextRequestsOptions {
  /** BEP 6 allowed-fast pieces of this peer. */
  allowedFast?: Set<number> | number[];
  /** The peer is choking us: only its allowed-fast pieces may be requested (BEP 6). */
  onlyAllowedFast?: boolean;
}
