/**
 * Status and snapshots: what a torrent shows, computed from plain numbers.
 *
 * Invariants:
 * - Progress is verified wanted bytes over wanted bytes; a torrent that wants nothing is done.
 * - A complete torrent shows no download rate (the meter's 5 s tail after completion is noise).
 * - Everything here is O(1) or O(files) except where the caller passes a walk in; summary()
 *   runs on every change.
 */
import type {
  PieceMapFull,
  SeedingStats,
  TorrentState,
  TorrentSummary,
  TrackerStatus,
} from '../../../src-shared/model';
import { PieceState } from '../../../src-shared/model';
import { StorageError } from '../storage/storage';

export interface PieceGeometry {
  pieceCount: number;
  pieceLength: number;
  /** Bytes of the last piece (the only one that may be short). */
  lastPieceBytes: number;
}

/** Bytes of the verified pieces, in O(1): only the last piece can be short. */
export function verifiedBytes(g: PieceGeometry, haveCount: number, haveLast: boolean): number {
  if (haveCount === 0) return 0;
  return haveCount * g.pieceLength - (haveLast ? g.pieceLength - g.lastPieceBytes : 0);
}

export interface SummaryInput {
  id: string;
  name: string;
  totalLength: number;
  state: TorrentState;
  error: string | null;
  checkedBytes: number;
  wantedBytes: number;
  verifiedWantedBytes: number;
  /** Bytes of every verified piece, wanted or not. */
  verifiedBytes: number;
  complete: boolean;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  peers: number;
  seeds: number;
  pieceCount: number;
  pieceLength: number;
  verifiedPieces: number;
  savePath: string;
  addedAt: number;
  completedAt: number | null;
  magnet: string;
  private: boolean;
  /** Distributed copies among connected peers (PiecePicker.availabilityCopies). */
  availability?: number;
}

export function buildSummary(s: SummaryInput): TorrentSummary {
  const progress = s.wantedBytes === 0 ? 1 : s.verifiedWantedBytes / s.wantedBytes;
  // A stopped torrent moves no bytes: its meters still hold the last seconds, and nothing
  // re-sends its summary as they decay, so a paused row showed its old speed (issue 21).
  const moving = s.state === 'downloading' || s.state === 'seeding';
  const downRateBps = s.complete || !moving ? 0 : s.downRateBps;
  const upRateBps = moving ? s.upRateBps : 0;
  const remaining = s.wantedBytes - s.verifiedWantedBytes;
  return {
    id: s.id,
    name: s.name,
    sizeBytes: s.totalLength,
    progress,
    state: s.state,
    error: s.error,
    checkProgress: s.totalLength === 0 ? 1 : s.checkedBytes / s.totalLength,
    downRateBps,
    upRateBps,
    downloadedBytes: s.downloadedBytes,
    uploadedBytes: s.uploadedBytes,
    etaSec: remaining > 0 && downRateBps > 0 ? Math.round(remaining / downRateBps) : null,
    peers: s.peers,
    seeds: s.seeds,
    ratio: shareRatio(s.uploadedBytes, s.verifiedBytes),
    pieceCount: s.pieceCount,
    pieceLength: s.pieceLength,
    verifiedPieces: s.verifiedPieces,
    savePath: s.savePath,
    addedAt: s.addedAt,
    completedAt: s.completedAt,
    magnet: s.magnet,
    private: s.private,
    // --- the Availability column (issue 21)
    ...(s.availability !== undefined ? { availability: s.availability } : {}),
  };
}

/** Uploaded over what we hold; 0 while we hold nothing. */
export function shareRatio(uploadedBytes: number, heldBytes: number): number {
  return heldBytes > 0 ? uploadedBytes / heldBytes : 0;
}

export function buildSeedingStats(s: {
  uploadedBytes: number;
  heldBytes: number;
  seedingSince: number | null;
  peersServed: number;
  upRateHistoryBps: readonly number[];
}): SeedingStats {
  return {
    uploadedBytes: s.uploadedBytes,
    ratio: shareRatio(s.uploadedBytes, s.heldBytes),
    seedingSince: s.seedingSince,
    peersServed: s.peersServed,
    upRateHistoryBps: [...s.upRateHistoryBps],
  };
}

/** Appends a sample and keeps the newest `max`. */
export function pushSample(history: number[], value: number, max: number): void {
  history.push(value);
  if (history.length > max) history.shift();
}

/** The picker's states, with pieces that failed their hash (and are missing again) marked. */
export function pieceMapOf(
  states: Uint8Array,
  failed: Iterable<number>,
  availability: PieceMapFull['availability'],
): PieceMapFull {
  for (const i of failed) if (states[i] === PieceState.missing) states[i] = PieceState.failed;
  return { states, availability };
}

/** Tracker rows before the tracker client runs (a paused torrent still lists its trackers). */
export function idleTrackerStatuses(announceList: readonly (readonly string[])[]): TrackerStatus[] {
  return announceList.flatMap((tier, t) =>
    tier.map((url) => ({
      url,
      tier: t,
      state: 'idle' as const,
      lastAnnounceAt: null,
      nextAnnounceAt: null,
      seeders: null,
      leechers: null,
      downloaded: null,
      lastError: null,
      warning: null,
    })),
  );
}

/**
 * The message of an I/O fault, for the user: the file concerned first, and the common causes in
 * words ("the file is missing" after a seeded file was deleted), with the code kept for search.
 */
export function faultMessage(operation: string, err: unknown): string {
  if (err instanceof StorageError && err.path !== undefined) {
    const cause =
      err.code === 'ENOENT'
        ? 'the file is missing'
        : err.code === 'ENOSPC'
          ? 'the disk is full'
          : err.message;
    return `${operation} failed: ${err.path}: ${cause} (${err.code})`;
  }
  return `${operation} failed: ${err instanceof Error ? err.message : String(err)}`;
}
