/**
 * Plain, serialisable data about torrents as the UI sees them. No behaviour, no live objects:
 * the renderer refers to a torrent only by its id, the lowercase hex v1 info-hash.
 */
import type { ErrorCode } from './errors';
import type { PeerSource } from './peer';
import type { TorrentDiagnosis } from './explain';
import type { PortMappingStatus } from './port-mapping'; // --- port mapping (issue 18)
import type { TorrentActionState } from './torrent-actions'; // --- issue 21
import type { AltSpeedStatus } from './settings'; // --- alternative speed limits (issue 21)

/** 40 lowercase hex characters: the SHA-1 of the bencoded `info` dictionary. */
export type TorrentId = string;

export type TorrentState =
  | 'checking'
  | 'downloading'
  | 'seeding'
  | 'paused'
  | 'error'
  | 'queued'
  // --- magnets (issue 17) ---
  /** A magnet link whose metadata (BEP 9) is being fetched from peers: no files or pieces yet. */
  | 'fetching-metadata'
  // --- explainer (issue 19, issue 21) ---
  /**
   * Downloading, but nothing received for STALLED_AFTER_MS: a display state of a downloading
   * torrent (the summary's `diagnosis` says why). Commands treat it as 'downloading'.
   */
  | 'stalled';

export interface TorrentSummary {
  id: TorrentId;
  name: string;
  sizeBytes: number;
  /** 0..1, verified bytes over wanted bytes. */
  progress: number;
  state: TorrentState;
  /** Set while state is 'error': what failed, for the user. */
  error: string | null;
  /** 0..1 while state is 'checking'. */
  checkProgress: number;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  /** Seconds to completion at the current rate; null when unknown or done. */
  etaSec: number | null;
  peers: number;
  seeds: number;
  /** uploaded / size of what we hold. */
  ratio: number;
  /**
   * Distributed copies among connected peers: copies of the rarest piece plus the share of
   * pieces with more (2.5 = every piece twice, half of them three times). Absent for magnets.
   */
  availability?: number;
  pieceCount: number;
  pieceLength: number;
  verifiedPieces: number;
  savePath: string;
  addedAt: number;
  completedAt: number | null;
  magnet: string;
  private: boolean;
  // --- disk faults (issue 15) ---
  /** Set with `error`: what kind of fault, e.g. 'files-missing' (Recheck or Set location fix it). */
  errorCode?: ErrorCode | null;
  // --- explainer (issue 19) ---
  /** Why it has no peers, is slow or does not move; null when nothing holds it back. */
  diagnosis?: TorrentDiagnosis | null;
  // --- per-torrent actions and the queue (issue 21) ---
  /** While state is 'queued': 1-based place among the torrents waiting of its kind. */
  queuePosition?: number | null;
  /** Limits, sequential download and force start, as the torrent's menu shows them. */
  actions?: TorrentActionState;
  // --- labels (issue 21) ---
  /** The user's label for grouping and filtering; null or absent for none. */
  label?: string | null;
}

export interface SessionStats {
  downRateBps: number;
  upRateBps: number;
  listenPort: number | null;
  peers: number;
  trackerRunning: boolean;
  // --- DHT (issue 17) ---
  /** The DHT and where peers came from; absent from hosts that predate it. */
  dht?: DhtStatus;
  // --- peer sources (issue 17) ---
  /** New peer addresses each source gave, summed over the torrents in the list (status line). */
  peerSources?: Partial<Record<PeerSource, number>>;
  // --- port mapping (issue 18) ---
  /** UPnP and NAT-PMP/PCP mappings of the listen port; absent from hosts that predate it. */
  portMapping?: PortMappingStatus;
  // --- alternative speed limits (issue 21) ---
  /** The global limits in force and whether the alt ones are on; absent from older hosts. */
  altSpeed?: AltSpeedStatus;
}

// --- DHT (issue 17) ---
/** The status line's numbers: our DHT node, and the peers each source gave. */
export interface DhtStatus {
  /** The DHT setting is on and the node runs (off for a failed UDP bind, too). */
  running: boolean;
  /** Nodes in our routing table. */
  nodes: number;
  /** get_peers / find_node lookups running now. */
  lookupsInFlight: number;
  /** Torrent announces that at least one node accepted, since start. */
  announces: number;
  /** Addresses known to all torrents, by the source that gave them ('tracker', 'dht', 'manual', ...). */
  peersBySource: Record<string, number>;
}
// --- end DHT ---

export interface TorrentFileInfo {
  index: number;
  path: string;
  sizeBytes: number;
}

/** What the add dialog shows before a torrent is started. */
export interface TorrentPreview {
  id: TorrentId;
  name: string;
  sizeBytes: number;
  pieceLength: number;
  pieceCount: number;
  files: TorrentFileInfo[];
  trackers: string[][];
  private: boolean;
  comment: string | null;
  createdBy: string | null;
  creationDate: number | null;
  /** True when this torrent is already in the session. */
  alreadyAdded: boolean;
}

export type FilePriority = 'skip' | 'normal' | 'high';

export interface FileProgress extends TorrentFileInfo {
  progress: number;
  priority: FilePriority;
}

export interface SeedingStats {
  uploadedBytes: number;
  ratio: number;
  /** When the torrent became complete in this session (ms since epoch), or null. */
  seedingSince: number | null;
  /** Distinct peers that received at least one block from us. */
  peersServed: number;
  /** Upload rate samples, one a second, oldest first (at most 300). */
  upRateHistoryBps: number[];
}
