/**
 * Per-torrent options the user sets from the torrent's menu (issue 21): rate and peer limits,
 * seeding limits with what to do when one is reached, sequential download, and the queue.
 * Plain data, shared by the engine (which enforces them) and the renderer (which edits them).
 */

/** What happens to a torrent when it reaches its seed ratio or seeding-time limit. */
export type SeedLimitAction = 'pause' | 'remove';
export const seedLimitActions: readonly SeedLimitAction[] = ['pause', 'remove'];

/**
 * One torrent's limits. A rate of 0 and a count of 0 mean "no limit of its own" (the global
 * limits still apply); a null ratio or time limit means "use the global setting".
 */
export interface TorrentLimits {
  /** Bytes per second, under the global download limit; 0 = only the global one. */
  downBps: number;
  upBps: number;
  /** Connections for this torrent; 0 = the global per-torrent setting. */
  maxPeers: number;
  /** Stop seeding at this upload/size ratio; null = the global seed-ratio limit; 0 = never. */
  ratioLimit: number | null;
  /** Stop seeding after this many minutes of seeding; null or 0 = no time limit. */
  seedTimeLimitMin: number | null;
  onLimit: SeedLimitAction;
}

export const defaultTorrentLimits: TorrentLimits = {
  downBps: 0,
  upBps: 0,
  maxPeers: 0,
  ratioLimit: null,
  seedTimeLimitMin: null,
  onLimit: 'pause',
};

/** Where a torrent moves in the queue. */
export type QueueMove = 'up' | 'down' | 'top' | 'bottom';
export const queueMoves: readonly QueueMove[] = ['up', 'down', 'top', 'bottom'];

/** The per-torrent choices a summary carries, so the menu can show them checked. */
export interface TorrentActionState {
  limits: TorrentLimits;
  /** Pieces in order, for previewing media while it downloads. */
  sequential: boolean;
  /** The first and last pieces of each wanted file before the rest (players read both ends). */
  firstLast: boolean;
  /** Started by hand past the queue: runs whatever the queue limits say. */
  forced: boolean;
}

/** Highest ratio limit accepted: nobody means more, and it keeps the numbers finite. */
export const maxRatioLimit = 10_000;
/** Longest seeding-time limit accepted, in minutes (about ten years). */
export const maxSeedTimeLimitMin = 5_256_000;
