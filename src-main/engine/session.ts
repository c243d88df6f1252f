/**
 * The session: many torrents, one listen port, session-wide limits, the hash-and-write pool, and the event
 * stream the hosts use. It keeps the registry of torrents; its parts live in session/:
 * the listener (listener.ts), create-and-seed jobs (seed-jobs.ts), the embedded tracker's host
 * side (tracker-host.ts), the data folder (persistence.ts, atomic-file.ts, restore-list.ts) and
 * reading .torrent input (torrent-input.ts).
 *
 * Invariants:
 * - One Torrent per info-hash. Incoming connections are routed by the info-hash of their
 *   handshake; unknown hashes are closed.
 * - With a data folder, settings.json, session.json and torrents/<id>.torrent are written
 *   atomically, one writer per file, on every change, so a crash or a burst of changes never
 *   leaves them half-written; a damaged list is recovered from its backup or from torrents/.
 * - Alerts raised before any host listens (while restoring) reach the first listener.
 * - `close()` stops everything it started: listener, torrents, tracker server, workers, timers,
 *   and saves the list (with the all-time totals) last.
 */
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type {
  Alert,
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
  TorrentSummary,
  TrackerServerSettings,
  TrackerServerStats,
  TrackerStatus,
} from '../../src-shared/model';
import { defaultSettings, defaultTrackerServerSettings } from '../../src-shared/model';
import type {
  AddOptions,
  CreateOptions,
  EngineApi,
  EngineEventMap,
  EngineEventName,
  SettingsPatch,
  TorrentInput,
} from './api';
import { EngineError } from './errors';
import type { Metainfo } from './metainfo';
import { resolveInside } from './metainfo';
import { HashWritePool } from './hash';
import { systemClock, systemRandom } from './time/clock';
import type { Clock, Random, TimerHandle } from './time/clock';
import { generatePeerId } from './peer/peer-id';
import type { Handshake } from './wire/handshake';
import { FileLayout } from './storage/file-layout';
import { FileStorage } from './storage/file-storage';
import type { Storage } from './storage/storage';
import { TokenBucket } from './net/token-bucket';
import { Torrent } from './torrent/torrent';
import { FileLogger, MemoryLogger } from './log/logger';
import type { Logger } from './log/logger';
import { MAX_EARLY_ALERTS, SESSION_TOTALS_SAVE_INTERVAL_MS } from './limits';
import { Listener } from './session/listener';
import { SeedJobs } from './session/seed-jobs';
import { TrackerHost } from './session/tracker-host';
import { SessionStore } from './session/persistence';
import { restoreTorrentList } from './session/restore-list';
import { readTorrentInput, torrentPreview } from './session/torrent-input';
import type { PersistedTorrent } from './session/persistence';
// --- encryption, MSE/PE (issue 18) ---
import { SkeyTable } from './crypto/mse-keys';
import type { EncryptionPolicy } from './crypto/mse-handshake';
import type { PeerTransport } from './peer/transport';
import { encryptionModes } from '../../src-shared/model';

export const CLIENT_VERSION = 'Swarmscope 0.1.0';

export interface SessionOptions {
  /** Where settings, the torrent list and the log live; null keeps nothing (CLI, tests). */
  dataDir: string | null;
  downloadDir?: string;
  /** Overrides the listen port setting; 0 picks any free port. */
  listenPort?: number;
  /** Address to listen on; all interfaces by default. */
  listenHost?: string;
  settings?: SettingsPatch;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  hashThreads?: number;
  /** Storage per torrent; files under the save path by default. Tests pass memory or faulty. */
  storageFactory?: (meta: Metainfo, savePath: string) => Storage;
  /** Regular unchoke slots (4 by default, -1 for unlimited). */
  unchokeSlots?: number;
  /** Memory for piece data per download (64 MiB by default); tests make it small. */
  pipelineBudgetBytes?: number;
  /** Fail when the listen port is taken instead of trying the next ones. */
  strictPort?: boolean;
  /** Announce to the torrents' trackers (on by default). */
  useTrackers?: boolean;
  /** Token the embedded tracker's /stats requires from clients off loopback. */
  trackerStatsToken?: string;
  /** Connections per IP per torrent, and whether loopback counts too (see torrent/address-policy). */
  maxConnectionsPerIp?: number;
  limitLoopbackPeers?: boolean;
}

export class Session implements EngineApi {
  private readonly torrents = new Map<TorrentId, Torrent>();
  private readonly persisted = new Map<TorrentId, PersistedTorrent>();
  private readonly emitter = new EventEmitter();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly hashWritePool: HashWritePool;
  readonly peerId: Uint8Array;
  readonly logger: Logger;
  private settings: Settings;
  private readonly listener: Listener;
  private readonly jobs: SeedJobs;
  private readonly trackerHost: TrackerHost;
  /** The data folder's files; null without one. */
  private readonly store: SessionStore | null;
  private connections = 0;
  private readonly downBucket: TokenBucket;
  private readonly upBucket: TokenBucket;
  private totalsTimer: TimerHandle | null = null;
  private savedTotals = 0;
  /**
   * Alerts raised while opening (restoring the list), before any host can listen; handed to the
   * first 'alert-raised' listener. Null once handed over.
   */
  private earlyAlerts: Alert[] | null = [];
  // --- encryption, MSE/PE (issue 18) ---
  /** Every torrent's HASH('req2', info-hash), for the listener's MSE lookup. */
  private readonly skeys = new SkeyTable();
  private opening = true;
  private closed = false;

  private constructor(
    private readonly opts: SessionOptions,
    settings: Settings,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? systemRandom;
    this.settings = settings;
    this.peerId = generatePeerId(this.random);
    this.logger =
      opts.logger ??
      (opts.dataDir
        ? new FileLogger({
            file: path.join(opts.dataDir, 'logs', 'swarmscope.log'),
            level: settings.logLevel,
          })
        : new MemoryLogger(settings.logLevel));
    this.hashWritePool = new HashWritePool({ threads: opts.hashThreads });
    this.downBucket = new TokenBucket(this.clock, settings.downloadLimitBps);
    this.upBucket = new TokenBucket(this.clock, settings.uploadLimitBps);
    this.emitter.setMaxListeners(100);
    this.listener = new Listener({
      clock: this.clock,
      logger: this.logger,
      host: opts.listenHost ?? '0.0.0.0',
      strictPort: opts.strictPort,
      accept: (socket, handshake, rest) => this.onHandshake(socket, handshake, rest),
      // --- encryption, MSE/PE (issue 18) ---
      encryption: () => this.encryptionPolicy(),
      skeys: this.skeys,
      random: this.random,
      acceptEncrypted: (transport, infoHash, remote) =>
        this.onEncrypted(transport, infoHash, remote),
    });
    this.jobs = new SeedJobs({
      clock: this.clock,
      hashWritePool: this.hashWritePool,
      createdBy: CLIENT_VERSION,
      trackerStats: () => this.trackerStats(),
      has: (id) => this.torrents.has(id),
      addMeta: (meta, addOpts, complete) => this.addMeta(meta, addOpts, complete),
      progressed: (p) => this.emit('job-progressed', p),
    });
    this.trackerHost = new TrackerHost({
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      isAllowed: (hex) => this.torrents.has(hex),
      statsToken: opts.trackerStatsToken,
      changed: (stats) => this.emit('tracker-server-changed', stats),
    });
    this.store = opts.dataDir
      ? new SessionStore(
          opts.dataDir,
          () => this.persistedList(),
          () => this.settings,
        )
      : null;
  }

  /** Open a session: read settings and the torrent list, listen, and resume torrents. */
  static async open(opts: SessionOptions): Promise<Session> {
    const downloadDir = opts.downloadDir ?? path.join(os.homedir(), 'Downloads', 'Swarmscope');
    let settings = defaultSettings(downloadDir);
    let settingsProblem: string | null = null;
    if (opts.dataDir) {
      await SessionStore.prepare(opts.dataDir);
      const saved = await SessionStore.loadSettings(opts.dataDir);
      if (saved.settings) settings = mergeSettings(settings, saved.settings);
      settingsProblem = saved.problem;
    }
    if (opts.settings) settings = mergeSettings(settings, opts.settings);
    const session = new Session(opts, settings);
    if (settingsProblem) {
      session.logger.log('warn', 'session', settingsProblem);
      session.raise({
        kind: 'info',
        level: 'warn',
        torrentId: null,
        title: 'Settings were reset',
        message: settingsProblem,
      });
    }
    await session.listener.listen(opts.listenPort ?? settings.listenPort);
    await session.restore();
    if (settings.tracker.enabled) await session.startTracker();
    session.opening = false;
    return session;
  }

  // ---------------------------------------------------------------- listening

  private onHandshake(socket: net.Socket, handshake: Handshake, rest: Uint8Array): boolean {
    const id = Buffer.from(handshake.infoHash).toString('hex');
    const torrent = this.torrents.get(id);
    if (!torrent || this.closed) {
      this.logger.log('debug', 'session', `incoming for unknown info-hash ${id} closed`);
      return false;
    }
    torrent.acceptIncoming(socket, handshake, rest);
    return true;
  }

  // --- encryption, MSE/PE (issue 18) ---
  /** The setting, read for each new connection; a bad value in settings.json means prefer. */
  private encryptionPolicy(): EncryptionPolicy {
    const mode = this.settings.encryption;
    return encryptionModes.includes(mode) ? mode : 'prefer';
  }

  /** An MSE handshake named `infoHash` (by its SKEY hash): its torrent takes the transport. */
  private onEncrypted(
    transport: PeerTransport,
    infoHash: Uint8Array,
    remote: { address: string; port: number },
  ): boolean {
    const torrent = this.torrents.get(Buffer.from(infoHash).toString('hex'));
    if (!torrent || this.closed) return false;
    torrent.acceptEncrypted(transport, remote.address, remote.port);
    return true;
  }

  get listenPort(): number | null {
    return this.listener.port;
  }

  /** Incoming connections still in their handshake, for tests of the listener's caps. */
  get pendingHandshakes(): number {
    return this.listener.pendingCount;
  }

  // ---------------------------------------------------------------- torrents

  async inspectTorrent(input: TorrentInput): Promise<TorrentPreview> {
    const meta = await readTorrentInput(input);
    return torrentPreview(meta, this.torrents.has(meta.infoHashHex));
  }

  async addTorrent(input: TorrentInput, opts: AddOptions = {}): Promise<TorrentId> {
    const meta = await readTorrentInput(input);
    return this.addMeta(meta, opts, false);
  }

  /** Add parsed metainfo. `complete` skips the check: the caller just hashed the data. */
  addMeta(meta: Metainfo, opts: AddOptions, complete: boolean): Promise<TorrentId> {
    return this.addParsed(meta, opts, complete, null);
  }

  /** `restored` is the entry from session.json: its date and totals carry over, no file rewrite. */
  private async addParsed(
    meta: Metainfo,
    opts: AddOptions,
    complete: boolean,
    restored: PersistedTorrent | null,
  ): Promise<TorrentId> {
    this.assertOpen();
    const id = meta.infoHashHex;
    if (this.torrents.has(id))
      throw new EngineError('already-exists', `${meta.name} is already in the list`);
    const savePath = path.resolve(opts.savePath ?? this.settings.downloadDir);
    // Names made safe at parse time (issue 16 item 5) land under their new names: say which.
    if (restored === null) {
      for (const w of meta.pathWarnings) this.logger.log('warn', `torrent ${id.slice(0, 8)}`, w);
    }
    const filePaths = meta.files.map((f) => resolveInside(savePath, f.path));
    const storage = this.opts.storageFactory
      ? this.opts.storageFactory(meta, savePath)
      : new FileStorage(
          new FileLayout(
            meta.files.map((f) => ({ path: f.path, length: f.length })),
            meta.pieceLength,
          ),
          savePath,
          filePaths,
          { writer: this.hashWritePool },
        );
    const addedAt =
      restored && Number.isFinite(restored.addedAt) ? restored.addedAt : this.clock.now();
    const torrent = new Torrent(
      {
        meta,
        savePath,
        storage,
        filePaths: this.opts.storageFactory ? null : filePaths,
        skipFiles: opts.skipFiles,
        maxConnections: this.settings.maxConnectionsPerTorrent,
        addedAt,
        unchokeSlots: this.opts.unchokeSlots,
        pipelineBudgetBytes: this.opts.pipelineBudgetBytes,
        useTrackers: this.opts.useTrackers,
        complete,
        priorTotals: {
          // persistence.normalizeEntry has checked them: a count or absent.
          uploadedBytes: restored?.uploadedBytes ?? 0,
          downloadedBytes: restored?.downloadedBytes ?? 0,
        },
        maxConnectionsPerIp: this.opts.maxConnectionsPerIp,
        limitLoopbackPeers: this.opts.limitLoopbackPeers,
      },
      this.torrentDeps(id, meta.name),
    );
    this.torrents.set(id, torrent);
    this.skeys.add(meta.infoHash); // --- encryption (issue 18)
    this.persisted.set(id, {
      id,
      savePath,
      addedAt,
      paused: !!opts.paused,
      skipFiles: opts.skipFiles ?? [],
    });
    if (this.store) {
      if (!restored) await this.store.saveTorrentFile(id, meta.torrentFile);
      await this.store.saveList();
    }
    this.emit('torrent-added', id);
    if (!opts.paused) void torrent.start();
    return id;
  }

  private torrentDeps(id: TorrentId, name: string): ConstructorParameters<typeof Torrent>[1] {
    return {
      clock: this.clock,
      random: this.random,
      hashWritePool: this.hashWritePool,
      peerId: this.peerId,
      clientVersion: CLIENT_VERSION,
      listenPort: () => this.listener.port ?? 0,
      log: this.logger,
      downBucket: this.downBucket,
      upBucket: this.upBucket,
      canConnect: () => this.connections < this.settings.maxConnections,
      connectionsChanged: (delta) => {
        this.connections += delta;
      },
      changed: () => this.emit('torrent-changed', id),
      peerEvent: (event: PeerEvent) => this.emit('peer-event', { id, event }),
      completed: () =>
        this.raise({
          kind: 'download-completed',
          level: 'info',
          torrentId: id,
          title: 'Download complete',
          message: name,
        }),
      failed: (message) =>
        this.raise({
          kind: 'torrent-error',
          level: 'error',
          torrentId: id,
          title: `${name} stopped`,
          message,
        }),
      // --- encryption, MSE/PE (issue 18) ---
      encryption: () => this.encryptionPolicy(),
    };
  }

  private get(id: TorrentId): Torrent {
    const t = this.torrents.get(id);
    if (!t) throw new EngineError('not-found', `no torrent ${id}`);
    return t;
  }

  /** The torrent object itself, for the CLI and tests inside the engine. */
  torrent(id: TorrentId): Torrent | undefined {
    return this.torrents.get(id);
  }

  async pause(id: TorrentId): Promise<void> {
    const t = this.get(id);
    await t.stop('paused');
    this.setPersisted(id, { paused: true });
  }

  async resume(id: TorrentId): Promise<void> {
    const t = this.get(id);
    this.setPersisted(id, { paused: false });
    await t.start();
  }

  /** Re-hash every piece (issue 16 item 7): a paused torrent stays paused, others go on. */
  async recheck(id: TorrentId): Promise<void> {
    const t = this.get(id);
    await t.recheck({ resume: !this.persisted.get(id)?.paused });
  }

  async remove(id: TorrentId, deleteData: boolean): Promise<void> {
    const t = this.get(id);
    this.torrents.delete(id);
    this.persisted.delete(id);
    this.skeys.delete(t.meta.infoHash); // --- encryption (issue 18)
    await t.close();
    if (deleteData) await t.removeData();
    if (this.store) {
      await this.store.removeTorrentFile(id);
      await this.store.saveList();
    }
    this.emit('torrent-removed', id);
  }

  exportTorrent(id: TorrentId): { name: string; torrentFile: Uint8Array } {
    const t = this.get(id);
    return { name: `${t.meta.name}.torrent`, torrentFile: t.meta.torrentFile };
  }

  setFilePriority(id: TorrentId, files: number[], priority: FilePriority): void {
    const t = this.get(id);
    t.setFilePriority(files, priority);
    const skip = t
      .fileProgress()
      .filter((f) => f.priority === 'skip')
      .map((f) => f.index);
    this.setPersisted(id, { skipFiles: skip });
  }

  addPeer(id: TorrentId, address: string, port: number): void {
    this.get(id).addCandidates([{ address, port }], 'manual');
  }

  list(): TorrentSummary[] {
    return [...this.torrents.values()].map((t) => t.summary());
  }

  summary(id: TorrentId): TorrentSummary | null {
    return this.torrents.get(id)?.summary() ?? null;
  }

  sessionStats(): SessionStats {
    let down = 0;
    let up = 0;
    let peers = 0;
    for (const t of this.torrents.values()) {
      const s = t.summary();
      down += s.downRateBps;
      up += s.upRateBps;
      peers += s.peers;
    }
    return {
      downRateBps: down,
      upRateBps: up,
      listenPort: this.listener.port,
      peers,
      trackerRunning: this.trackerHost.running,
    };
  }

  peers(id: TorrentId): PeerSnapshot[] {
    return this.get(id).peerSnapshots();
  }
  pieceMap(id: TorrentId): PieceMapFull {
    return this.get(id).pieceMap();
  }
  trackers(id: TorrentId): TrackerStatus[] {
    return this.get(id).trackerStatuses();
  }
  files(id: TorrentId): FileProgress[] {
    return this.get(id).fileProgress();
  }
  seedingStats(id: TorrentId): SeedingStats {
    return this.get(id).seedingStats();
  }
  recentLog(id: TorrentId): PeerEvent[] {
    return this.get(id).recentLog();
  }

  // ---------------------------------------------------------------- create and seed

  createAndSeed(opts: CreateOptions): { jobId: string } {
    this.assertOpen();
    return this.jobs.start(opts);
  }

  /** The same as createAndSeed, awaited: resolves with the new torrent's id. */
  async createAndSeedNow(opts: CreateOptions): Promise<JobProgress> {
    const { jobId } = this.createAndSeed(opts);
    return new Promise((resolve) => {
      const off = this.on('job-progressed', (p) => {
        if (p.jobId === jobId && p.state !== 'running') {
          off();
          resolve(p);
        }
      });
    });
  }

  cancelJob(jobId: string): void {
    this.jobs.cancel(jobId);
  }

  // ---------------------------------------------------------------- settings

  getSettings(): Settings {
    return structuredClone(this.settings);
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const next = mergeSettings(this.settings, patch);
    const portChanged = next.listenPort !== this.settings.listenPort;
    this.settings = next;
    this.logger.level = next.logLevel;
    this.downBucket.setRate(next.downloadLimitBps);
    this.upBucket.setRate(next.uploadLimitBps);
    for (const t of this.torrents.values()) t.setMaxConnections(next.maxConnectionsPerTorrent);
    if (portChanged && this.listener.port !== null) {
      await this.listener.close();
      await this.listener.listen(next.listenPort);
    }
    await this.store?.saveSettings();
    this.emit('settings-changed', this.getSettings());
    return this.getSettings();
  }

  // ---------------------------------------------------------------- embedded tracker

  async startTracker(patch: Partial<TrackerServerSettings> = {}): Promise<TrackerServerStats> {
    this.assertOpen();
    const trackerSettings: TrackerServerSettings = {
      ...this.settings.tracker,
      ...patch,
      enabled: true,
    };
    const stats = await this.trackerHost.start(trackerSettings);
    this.settings = { ...this.settings, tracker: trackerSettings };
    await this.store?.saveSettings();
    this.emit('tracker-server-changed', stats);
    return stats;
  }

  async stopTracker(): Promise<TrackerServerStats> {
    await this.trackerHost.stop();
    this.settings = { ...this.settings, tracker: { ...this.settings.tracker, enabled: false } };
    await this.store?.saveSettings();
    const stats = this.trackerStats();
    this.emit('tracker-server-changed', stats);
    return stats;
  }

  trackerStats(): TrackerServerStats {
    return this.trackerHost.stats(this.settings.tracker);
  }

  trackerSwarm(infoHash: string): SwarmStats | null {
    return this.trackerHost.swarm(infoHash);
  }

  // ---------------------------------------------------------------- events

  on<K extends EngineEventName>(
    name: K,
    listener: (payload: EngineEventMap[K]) => void,
  ): () => void {
    this.emitter.on(name, listener);
    if (name === 'alert-raised' && this.earlyAlerts) {
      const early = this.earlyAlerts;
      this.earlyAlerts = null;
      // After `on` returns, so the host has finished wiring up before the first one arrives.
      queueMicrotask(() => {
        for (const alert of early) this.emitter.emit('alert-raised', alert);
      });
    }
    return () => this.emitter.off(name, listener);
  }

  private emit<K extends EngineEventName>(name: K, payload: EngineEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  private raise(alert: Omit<Alert, 'at'>): void {
    const full = { ...alert, at: this.clock.now() };
    if (this.opening && this.earlyAlerts && this.emitter.listenerCount('alert-raised') === 0) {
      if (this.earlyAlerts.length < MAX_EARLY_ALERTS) this.earlyAlerts.push(full);
      return;
    }
    this.emit('alert-raised', full);
  }

  // ---------------------------------------------------------------- persistence

  private setPersisted(id: TorrentId, patch: Partial<PersistedTorrent>): void {
    const p = this.persisted.get(id);
    if (!p) return;
    Object.assign(p, patch);
    this.saveListInBackground();
  }

  private saveListInBackground(): void {
    this.store
      ?.saveList()
      .catch((err: unknown) =>
        this.logger.log('error', 'session', `saving the torrent list failed: ${errMessage(err)}`),
      );
  }

  /** What session.json holds: the persisted entries with each torrent's all-time totals now. */
  private persistedList(): PersistedTorrent[] {
    return [...this.persisted.values()].map((p) => {
      const s = this.torrents.get(p.id)?.summary();
      return s ? { ...p, uploadedBytes: s.uploadedBytes, downloadedBytes: s.downloadedBytes } : p;
    });
  }

  /** Totals move with every block; they are saved now and then, not on every change. */
  private saveTotalsIfMoved(): void {
    let total = 0;
    for (const t of this.torrents.values()) {
      const s = t.summary();
      total += s.uploadedBytes + s.downloadedBytes;
    }
    if (total === this.savedTotals) return;
    this.savedTotals = total;
    this.saveListInBackground();
  }

  private async restore(): Promise<void> {
    if (!this.store) return;
    await restoreTorrentList(this.store, {
      add: async (meta, entry) => {
        const opts = { savePath: entry.savePath, paused: entry.paused, skipFiles: entry.skipFiles };
        await this.addParsed(meta, opts, false, entry);
      },
      raise: (alert) => this.raise(alert),
      log: (level, message) => this.logger.log(level, 'session', message),
      defaultSavePath: this.settings.downloadDir,
      now: () => this.clock.now(),
    });
    this.totalsTimer = this.clock.setInterval(
      () => this.saveTotalsIfMoved(),
      SESSION_TOTALS_SAVE_INTERVAL_MS,
    );
  }

  // ---------------------------------------------------------------- shutdown

  private assertOpen(): void {
    if (this.closed) throw new EngineError('internal', 'the session is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.jobs.abortAll();
    this.totalsTimer?.cancel();
    this.totalsTimer = null;
    await Promise.all([...this.torrents.values()].map((t) => t.close()));
    await this.trackerHost.stop();
    await this.listener.close();
    // Last, so the totals of this run are on disk.
    if (this.store) {
      await this.store
        .saveList()
        .catch((err: unknown) =>
          this.logger.log('error', 'session', `saving the torrent list failed: ${errMessage(err)}`),
        );
      await this.store.idle();
    }
    await this.hashWritePool.close();
    this.logger.close();
    this.emitter.removeAllListeners();
  }
}

function mergeSettings(base: Settings, patch: SettingsPatch | Partial<Settings>): Settings {
  const tracker = { ...defaultTrackerServerSettings, ...base.tracker, ...(patch.tracker ?? {}) };
  const merged = { ...base, ...patch, tracker } as Settings;
  return merged;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
