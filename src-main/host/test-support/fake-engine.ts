/**
 * A small in-memory EngineApi for the hosts' unit tests: it records calls, keeps torrents in a
 * Map and emits the engine's events on demand. It does no BitTorrent at all.
 */
import type {
  AddOptions,
  CreateOptions,
  EngineApi,
  EngineEventMap,
  EngineEventName,
  SettingsPatch,
  TorrentInput,
} from '../../engine';
import {
  defaultSettings,
  type FilePriority,
  type PieceMapFull,
  type PeerEvent,
  type SessionStats,
  type Settings,
  type SwarmStats,
  type TorrentId,
  type TorrentPreview,
  type TorrentSummary,
  type TrackerServerSettings,
  type TrackerServerStats,
} from '../../../src-shared/model';
import type { TimelineView } from '../../../src-shared/model'; // --- timeline (issue 19)
import type { QueueMove, TorrentLimits } from '../../../src-shared/model'; // --- issue 21

export function fakeSummary(id: TorrentId, patch: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    id,
    name: `torrent-${id.slice(0, 6)}`,
    sizeBytes: 1000,
    progress: 0,
    state: 'downloading',
    error: null,
    checkProgress: 0,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    etaSec: null,
    peers: 0,
    seeds: 0,
    ratio: 0,
    pieceCount: 8,
    pieceLength: 16384,
    verifiedPieces: 0,
    savePath: '/tmp',
    addedAt: 0,
    completedAt: null,
    magnet: `magnet:?xt=urn:btih:${id}`,
    private: false,
    ...patch,
  };
}

export function hexId(n: number): TorrentId {
  return n.toString(16).padStart(40, '0');
}

type Listener = (payload: never) => void;

export class FakeEngine implements EngineApi {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly torrents = new Map<TorrentId, TorrentSummary>();
  readonly pieces = new Map<TorrentId, PieceMapFull>();
  readonly logs = new Map<TorrentId, PeerEvent[]>();
  session: SessionStats = {
    downRateBps: 0,
    upRateBps: 0,
    listenPort: 6881,
    peers: 0,
    trackerRunning: false,
  };
  settings: Settings = defaultSettings('/downloads');
  /** When set, the next call throws it. */
  failNext: unknown = null;
  private readonly listeners = new Map<EngineEventName, Set<Listener>>();

  emit<K extends EngineEventName>(name: K, payload: EngineEventMap[K]): void {
    for (const fn of this.listeners.get(name) ?? [])
      (fn as (p: EngineEventMap[K]) => void)(payload);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext !== null) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
  }

  private need(id: TorrentId): TorrentSummary {
    const t = this.torrents.get(id);
    if (!t) throw Object.assign(new Error(`no torrent ${id}`), { code: 'not-found' });
    return t;
  }

  async addTorrent(input: TorrentInput, opts?: AddOptions): Promise<TorrentId> {
    this.record('addTorrent', input, opts);
    const id = hexId(this.torrents.size + 1);
    const name =
      'path' in input
        ? input.path
        : 'magnet' in input
          ? input.magnet
          : `bytes-${input.torrentFile.length}`;
    this.torrents.set(id, fakeSummary(id, { name }));
    this.emit('torrent-added', id);
    return id;
  }
  async inspectTorrent(input: TorrentInput): Promise<TorrentPreview> {
    this.record('inspectTorrent', input);
    return {
      id: hexId(99),
      name: 'preview',
      sizeBytes: 1,
      pieceLength: 16384,
      pieceCount: 1,
      files: [],
      trackers: [],
      private: false,
      comment: null,
      createdBy: null,
      creationDate: null,
      alreadyAdded: false,
    };
  }
  async pause(id: TorrentId): Promise<void> {
    this.record('pause', id);
    this.need(id).state = 'paused';
  }
  async resume(id: TorrentId): Promise<void> {
    this.record('resume', id);
    this.need(id).state = 'downloading';
  }
  async setLocation(id: TorrentId, savePath: string, move: boolean): Promise<void> {
    this.record('setLocation', id, savePath, move);
  }

  // --- per-torrent actions and the queue (issue 21) ---
  reannounce(id: TorrentId): void {
    this.record('reannounce', id);
  }
  async addPeerHost(id: TorrentId, host: string, port: number): Promise<void> {
    this.record('addPeerHost', id, host, port);
  }
  async setTrackers(id: TorrentId, tiers: string[][]): Promise<void> {
    this.record('setTrackers', id, tiers);
  }
  trackerTiers(id: TorrentId): string[][] {
    this.record('trackerTiers', id);
    return [['udp://tracker.example:6969']];
  }
  setLimits(id: TorrentId, limits: TorrentLimits): void {
    this.record('setLimits', id, limits);
  }
  setSequential(id: TorrentId, sequential: boolean, firstLast: boolean): void {
    this.record('setSequential', id, sequential, firstLast);
  }
  queueMove(ids: TorrentId[], how: QueueMove): void {
    this.record('queueMove', ids, how);
  }
  async forceStart(id: TorrentId): Promise<void> {
    this.record('forceStart', id);
  }

  // --- labels (issue 21) ---
  setLabel(id: TorrentId, label: string | null): void {
    this.record('setLabel', id, label);
  }

  async recheck(id: TorrentId): Promise<void> {
    this.record('recheck', id);
    this.need(id).state = 'checking';
  }
  async remove(id: TorrentId, deleteData: boolean): Promise<void> {
    this.record('remove', id, deleteData);
    this.need(id);
    this.torrents.delete(id);
    this.emit('torrent-removed', id);
  }
  exportTorrent(id: TorrentId): { name: string; torrentFile: Uint8Array } {
    this.record('exportTorrent', id);
    return { name: this.need(id).name, torrentFile: new Uint8Array([100, 101]) };
  }
  setFilePriority(id: TorrentId, files: number[], priority: FilePriority): void {
    this.record('setFilePriority', id, files, priority);
  }
  addPeer(id: TorrentId, address: string, port: number): void {
    this.record('addPeer', id, address, port);
  }
  list(): TorrentSummary[] {
    this.record('list');
    return [...this.torrents.values()].map((t) => ({ ...t }));
  }
  summary(id: TorrentId): TorrentSummary | null {
    const t = this.torrents.get(id);
    return t ? { ...t } : null;
  }
  sessionStats(): SessionStats {
    return { ...this.session };
  }
  peers(id: TorrentId) {
    this.need(id);
    return [];
  }
  pieceMap(id: TorrentId): PieceMapFull {
    this.need(id);
    const map = this.pieces.get(id);
    if (!map) return { states: new Uint8Array(0), availability: new Uint16Array(0) };
    return map;
  }
  trackers(id: TorrentId) {
    this.need(id);
    return [];
  }
  files(id: TorrentId) {
    this.need(id);
    return [];
  }
  seedingStats(id: TorrentId) {
    const t = this.need(id);
    return {
      uploadedBytes: t.uploadedBytes,
      ratio: t.ratio,
      seedingSince: null,
      peersServed: 0,
      upRateHistoryBps: [],
    };
  }
  recentLog(id: TorrentId): PeerEvent[] {
    this.need(id);
    return this.logs.get(id) ?? [];
  }

  // --- timeline (issue 19) ---
  /** Per torrent: the view for a cursor (a test's PeerTimeline, or canned views). */
  readonly timelines = new Map<TorrentId, (since: number) => TimelineView>();
  timeline(id: TorrentId, since: number): TimelineView {
    this.need(id);
    this.calls.push({ method: 'timeline', args: [id, since] });
    const view = this.timelines.get(id);
    if (view) return view(since);
    return {
      full: true,
      from: 0,
      cursor: 0,
      now: 0,
      windowMs: 600_000,
      lanes: [],
      removedLanes: [],
      events: new Float64Array(0),
    };
  }
  createAndSeed(opts: CreateOptions): { jobId: string } {
    this.record('createAndSeed', opts);
    return { jobId: 'job-1' };
  }
  cancelJob(jobId: string): void {
    this.record('cancelJob', jobId);
  }
  getSettings(): Settings {
    this.record('getSettings');
    return this.settings;
  }
  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    this.record('updateSettings', patch);
    this.settings = {
      ...this.settings,
      ...patch,
      tracker: { ...this.settings.tracker, ...patch.tracker },
    };
    return this.settings;
  }
  private trackerState(running: boolean): TrackerServerStats {
    return {
      running,
      error: null,
      httpPort: running ? 6969 : null,
      udpPort: null,
      mode: 'open',
      announceUrls: [],
      swarms: [],
      peers: 0,
      announcesPerSec: 0,
      scrapesPerSec: 0,
      rejected: {},
    };
  }
  async startTracker(patch?: Partial<TrackerServerSettings>): Promise<TrackerServerStats> {
    this.record('startTracker', patch);
    return this.trackerState(true);
  }
  async stopTracker(): Promise<TrackerServerStats> {
    this.record('stopTracker');
    return this.trackerState(false);
  }
  trackerStats(): TrackerServerStats {
    this.record('trackerStats');
    return this.trackerState(false);
  }
  trackerSwarm(infoHash: string): SwarmStats | null {
    this.record('trackerSwarm', infoHash);
    return null;
  }
  on<K extends EngineEventName>(
    name: K,
    listener: (payload: EngineEventMap[K]) => void,
  ): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }
  async close(): Promise<void> {
    this.record('close');
  }
}
