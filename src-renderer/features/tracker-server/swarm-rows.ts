/**
 * Rows of the Tracker view: the embedded tracker's swarms joined with our own torrents' names
 * (a swarm is "ours" when its info-hash is a torrent in this session), sorted busiest first.
 * Pure; unit-tested.
 */
import type {
  SwarmPeerInfo,
  SwarmStats,
  TorrentId,
  TorrentSummary,
} from '../../../src-shared/model';

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

// --- tracker view (issue 21): peer rows with "as of" figures ---

/**
 * "just now", "42 s ago", "7 min ago", "1 h 5 min ago": how long ago a peer's last announce
 * arrived. A clock a little behind the engine's never reads "in the future".
 */
export function agoText(at: number, now: number): string {
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h ago` : `${h} h ${m % 60} min ago`;
}

export const eventLabels: Record<SwarmPeerInfo['lastEvent'], string> = {
  none: 'Update',
  started: 'Started',
  completed: 'Completed',
};

export interface PeerRow {
  key: string;
  /** What other peers dial; IPv6 in brackets. */
  endpoint: string;
  client: string | null;
  seeding: boolean;
  event: string;
  left: number;
  uploaded: number;
  downloaded: number;
  /** When the figures were reported: the peer's last announce (ms since the epoch). */
  asOfAt: number;
  /** "as of 7 min ago". */
  asOf: string;
  /**
   * No announce for longer than the interval (plus a grace for slow clients): the peer may
   * have left without saying so. The tracker drops it at twice the interval.
   */
  late: boolean;
}

/** Clients announce a little after the interval: that much delay is not yet "late". */
export const LATE_GRACE_MS = 60_000;

/**
 * One row per peer, most recently announced first (their figures are the freshest), then by
 * endpoint so that rows do not jump between refreshes.
 */
export function peerRows(
  peers: readonly SwarmPeerInfo[],
  now: number,
  intervalSec: number | null = null,
): PeerRow[] {
  return peers
    .map((p) => {
      const endpoint = `${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`;
      return {
        key: `${endpoint}/${p.peerIdHex}`,
        endpoint,
        client: p.client || null,
        seeding: p.seeding,
        event: eventLabels[p.lastEvent] ?? 'Update',
        left: p.left,
        uploaded: p.uploaded,
        downloaded: p.downloaded,
        asOfAt: p.lastSeenAt,
        asOf: `as of ${agoText(p.lastSeenAt, now)}`,
        late: intervalSec !== null && now - p.lastSeenAt > intervalSec * 1000 + LATE_GRACE_MS,
      };
    })
    .sort((a, b) => b.asOfAt - a.asOfAt || a.endpoint.localeCompare(b.endpoint));
}

/** "2 seeders · 1 leecher · 3 completed": a swarm in one line. */
export function swarmSummary(s: Pick<SwarmStats, 'seeders' | 'leechers' | 'snatches'>): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `${n(s.seeders, 'seeder', 'seeders')} · ${n(s.leechers, 'leecher', 'leechers')} · ${s.snatches} completed`;
}
