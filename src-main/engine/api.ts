/**
 * The engine's public face: what hosts (Electron, web, CLI) may call. Everything here is plain
 * data from src-shared/model; no live engine object (peer, socket, picker) leaves the engine.
 * `Session` (session.ts) implements it.
 */
import type {
  AddTorrentOptions,
  Alert,
  CreateSeedRequest,
  FilePriority,
  FileProgress,
  JobProgress,
  PeerEvent,
  PeerSnapshot,
  PieceMapFull,
  SeedingStats,
  SessionStats,
  Settings,
  SwarmStats,
  TorrentId,
  TorrentPreview,
  TorrentSource,
  TorrentSummary,
  TrackerServerSettings,
  TrackerServerStats,
  TrackerStatus,
} from '../../src-shared/model';
import type { DhtStatus } from '../../src-shared/model'; // --- DHT (issue 17)
import type { PortMappingStatus } from '../../src-shared/model'; // --- port mapping (issue 18)
import type { TimelineView } from '../../src-shared/model'; // --- timeline (issue 19)
import type { QueueMove, TorrentLimits } from '../../src-shared/model'; // --- issue 21

/*
 * The engine's names for the shapes in src-shared/model/torrent-inputs.ts, which the contract's
 * requests use too: one definition, so the host passes a validated request through unchanged.
 */
export type TorrentInput = TorrentSource;
export type AddOptions = AddTorrentOptions;
export type CreateOptions = CreateSeedRequest;

export interface SettingsPatch extends Partial<Omit<Settings, 'tracker'>> {
  tracker?: Partial<TrackerServerSettings>;
}

/** Events are past tense (docs/ARCHITECTURE.md section 6). */
export interface EngineEventMap {
  /** A torrent's summary changed (progress, rates, state...). Hosts coalesce these. */
  'torrent-changed': TorrentId;
  'torrent-added': TorrentId;
  'torrent-removed': TorrentId;
  'job-progressed': JobProgress;
  'alert-raised': Alert;
  /** Protocol log entries of one torrent, for the Log tab. */
  'peer-event': { id: TorrentId; event: PeerEvent };
  'settings-changed': Settings;
  'tracker-server-changed': TrackerServerStats;
  // --- DHT (issue 17) ---
  /** The DHT's numbers moved (nodes, lookups); at most once per DHT_SESSION_TICK_MS. */
  'dht-changed': DhtStatus;
  // --- port mapping (issue 18) ---
  /** A UPnP or NAT-PMP/PCP mapping state changed (searching, mapped, failed, renewed). */
  'port-mapping-changed': PortMappingStatus;
}

export type EngineEventName = keyof EngineEventMap;

export interface EngineApi {
  addTorrent(input: TorrentInput, opts?: AddOptions): Promise<TorrentId>;
  inspectTorrent(input: TorrentInput): Promise<TorrentPreview>;
  pause(id: TorrentId): Promise<void>;
  resume(id: TorrentId): Promise<void>;
  /** Re-hash the torrent's data, as after a fault or a change on disk; resumes as it was. */
  recheck(id: TorrentId): Promise<void>;
  remove(id: TorrentId, deleteData: boolean): Promise<void>;
  exportTorrent(id: TorrentId): { name: string; torrentFile: Uint8Array };
  setFilePriority(id: TorrentId, files: number[], priority: FilePriority): void;
  addPeer(id: TorrentId, address: string, port: number): void;

  list(): TorrentSummary[];
  summary(id: TorrentId): TorrentSummary | null;
  sessionStats(): SessionStats;
  peers(id: TorrentId): PeerSnapshot[];
  pieceMap(id: TorrentId): PieceMapFull;
  trackers(id: TorrentId): TrackerStatus[];
  files(id: TorrentId): FileProgress[];
  seedingStats(id: TorrentId): SeedingStats;
  /** The most recent protocol events of a torrent (bounded ring). */
  recentLog(id: TorrentId): PeerEvent[];
  // --- timeline (issue 19) ---
  /** The per-peer timeline: a full view (`since` 0), or what changed since a view's cursor. */
  timeline(id: TorrentId, since: number): TimelineView;

  /** Hash `path` in the worker pool, add the torrent and seed it. Progress via 'job-progressed'. */
  createAndSeed(opts: CreateOptions): { jobId: string };
  cancelJob(jobId: string): void;

  getSettings(): Settings;
  updateSettings(patch: SettingsPatch): Promise<Settings>;

  startTracker(patch?: Partial<TrackerServerSettings>): Promise<TrackerServerStats>;
  stopTracker(): Promise<TrackerServerStats>;
  trackerStats(): TrackerServerStats;
  trackerSwarm(infoHash: string): SwarmStats | null;

  on<K extends EngineEventName>(
    name: K,
    listener: (payload: EngineEventMap[K]) => void,
  ): () => void;
  close(): Promise<void>;

  // --- disk faults: set location (issue 15) ---
  /**
   * Point the torrent at another folder: with `move`, its files move there first (progress as a
   * 'move' job); without, the data is expected there already. Then its data is checked again.
   */
  setLocation(id: TorrentId, savePath: string, move: boolean): Promise<void>;

  // --- per-torrent actions and the queue (issue 21) ---
  /** Announce now to every tracker (past their intervals) and to the DHT. */
  reannounce(id: TorrentId): void;
  /** Add a peer by address or host name (resolved once). */
  addPeerHost(id: TorrentId, host: string, port: number): Promise<void>;
  /** Replace the trackers (tiers of URLs); kept in the resume data. */
  setTrackers(id: TorrentId, tiers: string[][]): Promise<void>;
  /** The tiers announced to: the edited list, or the .torrent's own. */
  trackerTiers(id: TorrentId): string[][];
  setLimits(id: TorrentId, limits: TorrentLimits): void;
  setSequential(id: TorrentId, sequential: boolean, firstLast: boolean): void;
  queueMove(ids: TorrentId[], how: QueueMove): void;
  /** Start now, ignoring the queue. */
  forceStart(id: TorrentId): Promise<void>;
  // --- labels (issue 21) ---
  /** One label for a torrent; null clears it. Kept in session.json. */
  setLabel(id: TorrentId, label: string | null): void;
}
