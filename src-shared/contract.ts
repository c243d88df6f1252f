/**
 * The one typed API between the engine's hosts and the renderer (docs/ARCHITECTURE.md section 2).
 * Each command takes one object and returns one value; each event carries one payload.
 * Channel names derive from the keys. Both the Electron preload and the web host's WebSocket
 * carry exactly these names, and nothing else.
 */
import type {
  AddTorrentOptions,
  Alert,
  CreatedTorrent,
  CreateSeedRequest,
  DirListing,
  FileProgress,
  FilePriority,
  JobProgress,
  PeerEvent,
  PeerSnapshot,
  PieceMapDelta,
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
} from './model';
import type { TimelineView } from './model'; // --- timeline (issue 19)
// --- swarm lab (issue 19) ---
import type { LabAction, LabConfig, LabView } from './model';
import type { QueueMove, TorrentLimits } from './model'; // --- issue 21
import type { NetAddress } from './model'; // --- listen interface (issues 18, 21)

// Defined in model/torrent-inputs.ts, which the engine's API shares (it cannot import this file).
export type { CreateSeedRequest, TorrentSource };

/** One chunk of a file upload (see 'file.upload'). */
export interface FileUploadChunk {
  name: string;
  /** The whole file's size in bytes. */
  size: number;
  /** Where this chunk starts: the bytes sent so far. */
  offset: number;
  bytes: Uint8Array;
  /** Absent on the first chunk; the id it returned on the others. */
  uploadId?: string;
}

export type AddTorrentRequest = TorrentSource & AddTorrentOptions;

/** What a native open dialog picks (desktop only). */
export type OpenPathKind = 'file' | 'folder';

/**
 * UI actions the desktop shell's menus ask the renderer to perform (`ui.command`); the renderer
 * runs the same code as its own toolbar and shortcuts.
 */
export type UiCommand = 'open-torrent' | 'seed-file' | 'seed-folder' | 'settings' | 'tracker-panel';
export const uiCommands: readonly UiCommand[] = [
  'open-torrent',
  'seed-file',
  'seed-folder',
  'settings',
  'tracker-panel',
];

export type DetailTopic =
  | 'peers'
  | 'pieces'
  | 'trackers'
  | 'files'
  | 'log'
  | 'seeding'
  // --- timeline (issue 19) ---
  | 'timeline';
export const detailTopics: readonly DetailTopic[] = [
  'peers',
  'pieces',
  'trackers',
  'files',
  'log',
  'seeding',
  // --- timeline (issue 19) ---
  'timeline',
];

/** What a watched torrent's detail view receives; only watched topics are filled. */
export interface DetailUpdate {
  id: TorrentId;
  peers?: PeerSnapshot[];
  pieces?: { full: PieceMapFull } | { delta: PieceMapDelta };
  trackers?: TrackerStatus[];
  files?: FileProgress[];
  /** New log entries since the last update. */
  log?: PeerEvent[];
  seeding?: SeedingStats;
  // --- explainer (issue 19) ---
  /** With `peers`: peers closed since the last update ('close' events), so a view says why. */
  peerCloses?: PeerEvent[];
  // --- timeline (issue 19) ---
  /** The per-peer timeline: a full view first, then what changed (src-shared/timeline-delta.ts). */
  timeline?: TimelineView;
}

export interface Snapshot {
  seq: number;
  torrents: TorrentSummary[];
  session: SessionStats;
}

export interface SyncDelta {
  seq: number;
  upserts: TorrentSummary[];
  removed: TorrentId[];
  session: SessionStats;
}

export interface Commands {
  'torrent.add': (req: AddTorrentRequest) => { id: TorrentId };
  /** Parse a torrent for the add dialog without adding it. */
  'torrent.inspect': (req: TorrentSource) => TorrentPreview;
  'torrent.pause': (req: { ids: TorrentId[] }) => void;
  'torrent.resume': (req: { ids: TorrentId[] }) => void;
  /** Verify local data again: every piece is re-hashed; the torrent resumes as it was. */
  'torrent.recheck': (req: { ids: TorrentId[] }) => void;
  'torrent.remove': (req: { ids: TorrentId[]; deleteData: boolean }) => void;
  /** The .torrent file's bytes, for "Save .torrent…". */
  'torrent.export': (req: { id: TorrentId }) => { name: string; torrentFile: Uint8Array };
  'torrent.setFilePriority': (req: {
    id: TorrentId;
    files: number[];
    priority: FilePriority;
  }) => void;
  'torrent.addPeer': (req: { id: TorrentId; address: string; port: number }) => void;
  'sync.snapshot': (req: Record<string, never>) => Snapshot;
  /** Start creating a torrent from a path; progress arrives as `job.progress`. */
  'seed.create': (req: CreateSeedRequest) => { jobId: string };
  'job.cancel': (req: { jobId: string }) => void;
  /** Upload a file to the host's data folder (web host drop); returns its path there. */
  /**
   * Store a dropped file on the host (issue 16 item 8: in chunks, so no message is large). The
   * chunks of one file go in order: the first (offset 0, no uploadId) starts the upload and
   * returns its id; each later one names it; the one that reaches `size` returns the stored
   * file's path (null before that).
   */
  'file.upload': (req: FileUploadChunk) => { uploadId: string; path: string | null };
  /** The host's own file browser, for the web UI. */
  'fs.list': (req: { path?: string }) => DirListing;
  'settings.get': (req: Record<string, never>) => Settings;
  'settings.set': (
    req: Partial<Omit<Settings, 'tracker'>> & {
      tracker?: Partial<TrackerServerSettings>;
    },
  ) => Settings;
  'tracker.start': (req: Partial<TrackerServerSettings>) => TrackerServerStats;
  'tracker.stop': (req: Record<string, never>) => TrackerServerStats;
  'tracker.status': (req: Record<string, never>) => TrackerServerStats;
  'tracker.swarm': (req: { infoHash: string }) => SwarmStats | null;
  'view.watch': (req: { id: TorrentId; topics: DetailTopic[] }) => void;
  'view.unwatch': (req: { id: TorrentId }) => void;
  /**
   * Desktop only (the Electron host registers these; other hosts answer 'forbidden', so the
   * renderer falls back to the host file browser, a Blob download and navigator.clipboard).
   * A native open dialog; `path` is null when the user cancelled.
   */
  'dialog.openPath': (req: { kind: OpenPathKind; defaultPath?: string }) => {
    path: string | null;
  };
  /** A native save dialog for a torrent's .torrent file, written by the host; null if cancelled. */
  'dialog.saveTorrent': (req: { id: TorrentId }) => { path: string | null };
  /** Reveals a file or folder in the system file manager. */
  'shell.showItem': (req: { path: string }) => void;
  'clipboard.writeText': (req: { text: string }) => void;
  // --- disk faults: set location (issue 15) ---
  /**
   * "Set location…": with `move` false, point the torrent at a folder where its data already is;
   * with `move` true, move its files there (progress as a `job.progress` of kind 'move'). The
   * data is checked there after, and the torrent goes on as it was (seeding, say).
   */
  'torrent.setLocation': (req: { id: TorrentId; path: string; move: boolean }) => void;
  // --- swarm lab (issue 19) ---
  /**
   * Start a lab: generated content or a file, its own tracker on 127.0.0.1, and every lab peer a
   * real engine in a child process. Our session joins as an observing leecher (the torrent with
   * id `infoHashHex`). One lab at a time: 'already-exists' while one is open.
   */
  'lab.create': (req: LabConfig) => LabView;
  /** Remove the original seeder (once every piece is out), pause, resume or add a peer. */
  'lab.action': (req: LabAction) => LabView;
  /** Stop every lab process, remove the observer torrent and the lab's temp folder. */
  'lab.close': (req: Record<string, never>) => void;
  'lab.get': (req: Record<string, never>) => { lab: LabView | null };
  // --- listen interface (issues 18, 21) ---
  /** The host machine's IP addresses, for the Settings listen-interface choice. */
  'net.interfaces': (req: Record<string, never>) => { addresses: NetAddress[] };
  // --- per-torrent actions and the queue (issue 21) ---
  /** Announce now to every tracker (past their intervals) and to the DHT. */
  'torrent.reannounce': (req: { ids: TorrentId[] }) => void;
  /** Replace the trackers: tiers of http(s)/udp URLs, tried tier by tier (BEP 12). */
  'torrent.setTrackers': (req: { id: TorrentId; tiers: string[][] }) => void;
  /** The tracker tiers announced to (the edited list, or the .torrent's), for Edit trackers…. */
  'torrent.trackerTiers': (req: { id: TorrentId }) => { tiers: string[][] };
  /** Rate, peer and seeding limits of one or more torrents. */
  'torrent.setLimits': (req: { ids: TorrentId[] } & TorrentLimits) => void;
  /** Sequential download and first/last pieces first (for previewing media). */
  'torrent.setSequential': (req: {
    ids: TorrentId[];
    sequential: boolean;
    firstLast: boolean;
  }) => void;
  /** Move torrents in the queue. */
  'torrent.queueMove': (req: { ids: TorrentId[]; how: QueueMove }) => void;
  /** Start now, ignoring the queue (Pause or Resume ends it). */
  'torrent.forceStart': (req: { ids: TorrentId[] }) => void;
  /** Desktop only: open a file or folder with the system's default application. */
  'shell.openPath': (req: { path: string }) => void;
  // --- labels (issue 21) ---
  /** Label torrents (null clears it); the label is kept with the torrent. */
  'torrent.setLabel': (req: { ids: TorrentId[]; label: string | null }) => void;
}

export interface Events {
  'sync.delta': SyncDelta;
  'job.progress': JobProgress;
  alert: Alert;
  'view.update': DetailUpdate;
  'tracker.stats': TrackerServerStats;
  /** From the desktop shell's menus (Electron only). */
  'ui.command': { command: UiCommand };
  // --- swarm lab (issue 19) ---
  /** The open lab, about four times a second; null once it is closed. */
  'lab.state': { lab: LabView | null };
}

export type CommandName = keyof Commands;
export type EventName = keyof Events;
export type Req<K extends CommandName> = Parameters<Commands[K]>[0];
export type Res<K extends CommandName> = ReturnType<Commands[K]>;

/** The allow-list: exactly the commands and events the preload and the WebSocket carry. */
export const commandNames = [
  'torrent.add',
  'torrent.inspect',
  'torrent.pause',
  'torrent.resume',
  'torrent.recheck',
  'torrent.remove',
  'torrent.export',
  'torrent.setFilePriority',
  'torrent.addPeer',
  'sync.snapshot',
  'seed.create',
  'job.cancel',
  'file.upload',
  'fs.list',
  'settings.get',
  'settings.set',
  'tracker.start',
  'tracker.stop',
  'tracker.status',
  'tracker.swarm',
  'view.watch',
  'view.unwatch',
  'dialog.openPath',
  'dialog.saveTorrent',
  'shell.showItem',
  'clipboard.writeText',
  // --- disk faults: set location (issue 15) ---
  'torrent.setLocation',
  // --- swarm lab (issue 19) ---
  'lab.create',
  'lab.action',
  'lab.close',
  'lab.get',
  // --- per-torrent actions and the queue (issue 21) ---
  'torrent.reannounce',
  'torrent.setTrackers',
  'torrent.trackerTiers',
  'torrent.setLimits',
  'torrent.setSequential',
  'torrent.queueMove',
  'torrent.forceStart',
  'shell.openPath',
  // --- listen interface (issues 18, 21) ---
  'net.interfaces',
  // --- labels (issue 21) ---
  'torrent.setLabel',
] as const satisfies readonly CommandName[];

export const eventNames = [
  'sync.delta',
  'job.progress',
  'alert',
  'view.update',
  'tracker.stats',
  'ui.command',
  // --- swarm lab (issue 19) ---
  'lab.state',
] as const satisfies readonly EventName[];

// Compile-time proof that the lists are complete.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allCommandsListed: Missing<CommandName, (typeof commandNames)[number]> extends never
  ? true
  : never = true;
const _allEventsListed: Missing<EventName, (typeof eventNames)[number]> extends never
  ? true
  : never = true;
void _allCommandsListed;
void _allEventsListed;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && (commandNames as readonly string[]).includes(name);
}

/** The client side of the contract, the same over Electron IPC and the WebSocket. */
export interface SwarmscopeApi {
  invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
}

export type { CreatedTorrent };

// --- desktop drop (issue 19) ---
/**
 * What the Electron preload exposes beside the contract, as `window.swarmscopeDesktop`: the one
 * thing a sandboxed page cannot learn itself, the path on disk of a file or folder dropped onto
 * the window (Electron's `webUtils.getPathForFile`). The web host has no such bridge; there a
 * dropped file is uploaded instead.
 */
export interface DesktopBridge {
  /** The dropped File's absolute path, or '' when it has none (made in the page, say). */
  pathForFile(file: unknown): string;
}
