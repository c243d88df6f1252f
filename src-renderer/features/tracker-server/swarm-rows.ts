/**
 * Rows of the Tracker panel: the embedded tracker's swarms joined with our own torrents' names
 * (a swarm is "ours" when its info-hash is a torrent in this session), sorted busiest first.
 * Pure; unit-tested.
 */
import type { SwarmStats, TorrentId, TorrentSummary } from '../../../src-shared/model';

export interface SwarmRow {
  infoHash: string;
  /** Our torrent's name, or null for a swarm we do not take part in (open mode). */
  name: string | null;
  seeders: number;
  leechers: number;
  snatches: number;
  peers: number;
}

export function swarmRows(
  swarms: readonly SwarmStats[],
  torrents: ReadonlyMap<TorrentId, Pick<TorrentSummary, 'name'>>,
): SwarmRow[] {
  return swarms
    .map((s) => ({
      infoHash: s.infoHash,
      name: torrents.get(s.infoHash)?.name ?? null,
      seeders: s.seeders,
      leechers: s.leechers,
      snatches: s.snatches,
      peers: s.seeders + s.leechers,
    }))
    .sort((a, b) => b.peers - a.peers || a.infoHash.localeCompare(b.infoHash));
}

/** "0123456789abcdef…" -> "01234567…cdef": enough to tell hashes apart in a narrow column. */
export function shortHash(hex: string): string {
  return hex.length <= 16 ? hex : `${hex.slice(0, 8)}…${hex.slice(-6)}`;
}
