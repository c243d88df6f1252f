/**
 * When a seeding torrent has seeded enough (issue 21): its own ratio or seeding-time limit, or
 * the global seed-ratio limit when it has none of its own. A pure function of plain numbers and
 * `now`; the session's queue tick applies the answer (pause or remove).
 */
import type { SeedLimitAction, TorrentLimits } from '../../../src-shared/model';

export interface SeedLimitInput {
  limits: TorrentLimits;
  global: { seedRatioLimit: number; seedLimitAction: SeedLimitAction };
  /** Uploaded over the size held (TorrentSummary.ratio). */
  ratio: number;
  /** When it started seeding in this run (ms), or null while not seeding. */
  seedingSince: number | null;
  now: number;
}

/** The action to take now, or null while no limit is reached (or it is not seeding). */
export function seedLimitReached(input: SeedLimitInput): SeedLimitAction | null {
  const { limits, global, ratio, seedingSince, now } = input;
  if (seedingSince === null) return null;
  // A torrent's own ratio limit wins, 0 included (0 = "no limit for this one").
  if (limits.ratioLimit !== null) {
    if (limits.ratioLimit > 0 && ratio >= limits.ratioLimit) return limits.onLimit;
  } else if (global.seedRatioLimit > 0 && ratio >= global.seedRatioLimit) {
    return global.seedLimitAction;
  }
  const minutes = limits.seedTimeLimitMin ?? 0;
  if (minutes > 0 && now - seedingSince >= minutes * 60_000) return limits.onLimit;
  return null;
}
