/**
 * When to announce next: a pure policy over one tracker group's timing (docs/ARCHITECTURE.md
 * section 3). The scheduler in TrackerClient only applies its answers.
 *
 * Rules:
 * - After a success: `interval` later (BEP 3), clamped to sane bounds because the value comes
 *   from a remote party.
 * - After failures: exponential backoff from RETRY_BASE_MS, capped at RETRY_MAX_MS, so a dead
 *   tracker is not hammered and a flaky one is retried soon.
 * - Never earlier than `min interval` after the last announce (BEP 3 extension every major
 *   tracker sends), except when forced; a forced announce still waits FORCED_FLOOR_MS.
 */
import { TRACKER_CLIENT_MAX_INTERVAL_SEC, TRACKER_CLIENT_MIN_INTERVAL_SEC } from '../../limits';

export interface AnnounceTiming {
  /** When the last announce round started (null: never). */
  lastAnnounceAt: number | null;
  intervalSec: number | null;
  minIntervalSec: number | null;
  /** Consecutive rounds in which no tracker of the group answered. */
  failures: number;
}

/** First retry after a failed round; libtorrent and Transmission both start in this range. */
export const RETRY_BASE_MS = 15_000;
export const RETRY_MAX_MS = 30 * 60_000;
/** Interval used when a tracker sends none. */
export const DEFAULT_INTERVAL_SEC = 1800;
/** Even a forced re-announce leaves this gap, so a caller in a loop cannot flood a tracker. */
export const FORCED_FLOOR_MS = 2_000;

export function clampIntervalSec(sec: number | null): number {
  const s = sec ?? DEFAULT_INTERVAL_SEC;
  return Math.min(TRACKER_CLIENT_MAX_INTERVAL_SEC, Math.max(TRACKER_CLIENT_MIN_INTERVAL_SEC, s));
}

export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(20, failures - 1)));
}

/** The earliest time the group may announce again without being asked. */
export function nextAnnounceAt(t: AnnounceTiming, now: number): number {
  if (t.lastAnnounceAt === null) return now;
  const floor = earliestAnnounceAt(t, false);
  if (t.failures > 0) return Math.max(floor, t.lastAnnounceAt + retryDelayMs(t.failures));
  return Math.max(floor, t.lastAnnounceAt + clampIntervalSec(t.intervalSec) * 1000);
}

/** The earliest time an announce asked for by the host (`announceNow`) may go out. */
export function earliestAnnounceAt(t: AnnounceTiming, force: boolean): number {
  if (t.lastAnnounceAt === null) return 0;
  if (force) return t.lastAnnounceAt + FORCED_FLOOR_MS;
  const minMs =
    Math.min(clampIntervalSec(t.intervalSec), Math.max(0, t.minIntervalSec ?? 0)) * 1000;
  return t.lastAnnounceAt + Math.max(FORCED_FLOOR_MS, minMs);
}
