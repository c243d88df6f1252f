/**
 * BEP 12 tiers: each tier is shuffled once when read, tried in order, and the tracker that
 * answered moves to the front of its tier. BEP 27: a private torrent uses one tracker at a
 * time, so all its tiers form a single group tried in sequence.
 * A group is the unit that announces: one working tracker per group.
 */
import type { Random } from '../../time/clock';

export const SUPPORTED_SCHEMES = ['http:', 'https:', 'udp:'] as const;

export interface TrackerGroup {
  /** The trackers of the group in try order; `tier` is the metainfo tier (for the UI). */
  trackers: Array<{ url: string; tier: number }>;
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}

export function isSupportedTrackerUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      (SUPPORTED_SCHEMES as readonly string[]).includes(u.protocol) &&
      u.hostname !== '' &&
      (u.protocol !== 'udp:' || u.port !== '')
    );
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/** Tiers shuffled once, duplicates removed (first occurrence wins), empty tiers dropped. */
export function buildGroups(
  announceList: readonly (readonly string[])[],
  isPrivate: boolean,
  random: Random,
): TrackerGroup[] {
  const seen = new Set<string>();
  const tiers: Array<Array<{ url: string; tier: number }>> = [];
  announceList.forEach((tier, tierIndex) => {
    const urls: Array<{ url: string; tier: number }> = [];
    for (const url of tier) {
      if (seen.has(url)) continue;
      seen.add(url);
      urls.push({ url, tier: tierIndex });
    }
    if (urls.length > 0) tiers.push(shuffle(urls, random));
  });
  if (isPrivate) return tiers.length > 0 ? [{ trackers: tiers.flat() }] : [];
  return tiers.map((trackers) => ({ trackers }));
}

/** BEP 12: the tracker at `index` answered, so it moves to the front of its own tier. */
export function promote(group: TrackerGroup, index: number): void {
  const t = group.trackers[index];
  if (!t) return;
  let start = index;
  while (start > 0 && (group.trackers[start - 1] as { tier: number }).tier === t.tier) start--;
  group.trackers.splice(index, 1);
  group.trackers.splice(start, 0, t);
}
