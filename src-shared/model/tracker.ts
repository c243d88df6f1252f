/** A tracker of a torrent, as the client sees it. */
export type TrackerAnnounceState = 'idle' | 'announcing' | 'working' | 'error' | 'disabled';

export interface TrackerStatus {
  url: string;
  tier: number;
  state: TrackerAnnounceState;
  lastAnnounceAt: number | null;
  nextAnnounceAt: number | null;
  seeders: number | null;
  leechers: number | null;
  downloaded: number | null;
  lastError: string | null;
  warning: string | null;
}

export type TrackerServerMode = 'allow-list' | 'open';

export interface TrackerServerSettings {
  enabled: boolean;
  http: boolean;
  udp: boolean;
  host: string;
  httpPort: number;
  udpPort: number;
  mode: TrackerServerMode;
  /** Optional file of extra allowed info-hashes, 40 hex characters a line. */
  allowListFile: string | null;
  intervalSec: number;
  minIntervalSec: number;
}

export interface SwarmPeerInfo {
  address: string;
  port: number;
  peerIdHex: string;
  client: string;
  seeding: boolean;
  left: number;
  uploaded: number;
  downloaded: number;
  lastSeenAt: number;
  // --- tracker view (issue 21) ---
  /**
   * `lastSeenAt` is when the peer's last announce arrived (ms since the epoch): left, uploaded
   * and downloaded are as of then, not live. `lastEvent` is that announce's event.
   */
  lastEvent: 'none' | 'started' | 'completed';
}

export interface SwarmStats {
  infoHash: string;
  seeders: number;
  leechers: number;
  snatches: number;
  /** Only filled when a single swarm is asked for. */
  peers?: SwarmPeerInfo[];
}

export interface TrackerServerStats {
  running: boolean;
  /** The bind error, or why it stopped. */
  error: string | null;
  httpPort: number | null;
  udpPort: number | null;
  mode: TrackerServerMode;
  /** URLs to share, LAN addresses first. */
  announceUrls: string[];
  swarms: SwarmStats[];
  peers: number;
  announcesPerSec: number;
  scrapesPerSec: number;
  rejected: Record<string, number>;
}
