/**
 * The session: many torrents, one listen port, session-wide limits, the hash pool, the embedded
 * tracker, persistence of settings and the torrent list, and the event stream the hosts use.
 *
 * Invariants:
 * - One Torrent per info-hash. Incoming connections are routed by the info-hash of their
 *   handshake; unknown hashes are closed.
 * - With a data folder, settings.json, session.json and torrents/<id>.torrent are written
 *   atomically (temp file + rename) on every change, so a crash never leaves them half-written.
 * - `close()` stops everything it started: listener, torrents, tracker server, workers, timers.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
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
import { createTorrent, parseTorrent, resolveInside, toMagnet } from './metainfo';
import { HashPool } from './hash';
import { systemClock, systemRandom } from './time/clock';
import type { Clock, Random, TimerHandle } from './time/clock';
import { generatePeerId } from './peer/peer-id';
import { readHandshake } from './peer/peer-connection';
import { FileLayout } from './storage/file-layout';
import { FileStorage } from './storage/file-storage';
import type { Storage } from './storage/storage';
import { TokenBucket } from './net/token-bucket';
import { RateMeter } from './net/rate-meter';
import { TrackerServer, announceUrls } from './tracker/server';
import { Torrent } from './torrent/torrent';
import { FileLogger, MemoryLogger } from './log/logger';
import type { Logger } from './log/logger';
import { HANDSHAKE_TIMEOUT_MS, MAX_TORRENT_FILE_BYTES } from './limits';

export const CLIENT_VERSION = 'Swarmscope 0.1.0';
/** How many ports after the configured one are tried when it is taken. */
const LISTEN_PORT_TRIES = 20;
const JOB_PROGRESS_INTERVAL_MS = 200;

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

interface PersistedTorrent {
  id: string;
  savePath: string;
  addedAt: number;
  paused: boolean;
  skipFiles: number[];
}

interface Job {
  id: string;
  abort: AbortController;
  progress: JobProgress;
  lastEmitAt: number;
}

export class Session implements EngineApi {
  private readonly torrents = new Map<TorrentId, Torrent>();
  private readonly persisted = new Map<TorrentId, PersistedTorrent>();
  private readonly emitter = new EventEmitter();
  private readonly jobs = new Map<string, Job>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly hashPool: HashPool;
  readonly peerId: Uint8Array;
  readonly logger: Logger;
  private settings: Settings;
  private server: net.Server | null = null;
  private port: number | null = null;
  private connections = 0;
  private readonly downBucket: TokenBucket;
  private readonly upBucket: TokenBucket;
  private trackerServer: TrackerServer | null = null;
  private trackerTimer: TimerHandle | null = null;
  private jobSeq = 0;
  private closed = false;
  private readonly sockets = new Set<net.Socket>();

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
    this.hashPool = new HashPool({ threads: opts.hashThreads });
    this.downBucket = new TokenBucket(this.clock, settings.downloadLimitBps);
    this.upBucket = new TokenBucket(this.clock, settings.uploadLimitBps);
    this.emitter.setMaxListeners(100);
  }

  /** Open a session: read settings and the torrent list, listen, and resume torrents. */
  static async open(opts: SessionOptions): Promise<Session> {
    const downloadDir = opts.downloadDir ?? path.join(os.homedir(), 'Downloads', 'Swarmscope');
    let settings = defaultSettings(downloadDir);
    if (opts.dataDir) {
      await fsp.mkdir(path.join(opts.dataDir, 'torrents'), { recursive: true });
      const saved = await readJson<Partial<Settings>>(path.join(opts.dataDir, 'settings.json'));
      if (saved) settings = mergeSettings(settings, saved);
    }
    if (opts.settings) settings = mergeSettings(settings, opts.settings);
    const session = new Session(opts, settings);
    await session.listen(opts.listenPort ?? settings.listenPort);
    await session.restore();
    if (settings.tracker.enabled) await session.startTracker();
    return session;
  }

  // ---------------------------------------------------------------- listening

  private async listen(wanted: number): Promise<void> {
    const host = this.opts.listenHost ?? '0.0.0.0';
    const tries = wanted === 0 || this.opts.strictPort ? 1 : LISTEN_PORT_TRIES;
    let lastError: unknown = null;
    for (let i = 0; i < tries; i++) {
      const port = wanted === 0 ? 0 : wanted + i;
      if (port > 65535) break;
      const server = net.createServer((socket) => this.onIncoming(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) =>
          this.logger.log('error', 'session', `listener: ${err.message}`),
        );
        this.server = server;
        this.port = (server.address() as net.AddressInfo).port;
        this.logger.log('info', 'session', `listening on ${host}:${this.port}`);
        return;
      } catch (err) {
        lastError = err;
        server.close();
      }
    }
    throw new EngineError(
      'bind',
      `cannot listen on port ${wanted}${tries > 1 ? `-${wanted + tries - 1}` : ''}: ${errMessage(lastError)}`,
    );
  }

  private onIncoming(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    readHandshake(socket, HANDSHAKE_TIMEOUT_MS, this.clock).then(
      ({ handshake, rest }) => {
        this.sockets.delete(socket);
        const id = Buffer.from(handshake.infoHash).toString('hex');
        const torrent = this.torrents.get(id);
        if (!torrent || this.closed) {
          this.logger.log('debug', 'session', `incoming for unknown info-hash ${id} closed`);
          socket.destroy();
          return;
        }
        socket.removeAllListeners('error');
        torrent.acceptIncoming(socket, handshake, rest);
      },
      (err: unknown) => {
        this.logger.log('debug', 'session', `incoming handshake failed: ${errMessage(err)}`);
        socket.destroy();
      },
    );
  }

  get listenPort(): number | null {
    return this.port;
  }

  // ---------------------------------------------------------------- torrents

  async inspectTorrent(input: TorrentInput): Promise<TorrentPreview> {
    const meta = await this.readMeta(input);
    return {
      id: meta.infoHashHex,
      name: meta.name,
      sizeBytes: meta.totalLength,
      pieceLength: meta.pieceLength,
      pieceCount: meta.pieceCount,
      files: meta.files.map((f, index) => ({ index, path: f.path.join('/'), sizeBytes: f.length })),
      trackers: meta.announceList,
      private: meta.private,
      comment: meta.comment,
      createdBy: meta.createdBy,
      creationDate: meta.creationDate,
      alreadyAdded: this.torrents.has(meta.infoHashHex),
    };
  }

  async addTorrent(input: TorrentInput, opts: AddOptions = {}): Promise<TorrentId> {
    const meta = await this.readMeta(input);
    return this.addMeta(meta, opts, false);
  }

  /** Add parsed metainfo. `complete` skips the check: the caller just hashed the data. */
  async addMeta(meta: Metainfo, opts: AddOptions, complete: boolean): Promise<TorrentId> {
    this.assertOpen();
    const id = meta.infoHashHex;
    if (this.torrents.has(id))
      throw new EngineError('already-exists', `${meta.name} is already in the list`);
    const savePath = path.resolve(opts.savePath ?? this.settings.downloadDir);
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
          { writer: this.hashPool },
        );
    const addedAt = this.clock.now();
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
        maxConnectionsPerIp: this.opts.maxConnectionsPerIp,
        limitLoopbackPeers: this.opts.limitLoopbackPeers,
      },
      this.torrentDeps(id, meta.name),
    );
    this.torrents.set(id, torrent);
    this.persisted.set(id, {
      id,
      savePath,
      addedAt,
      paused: !!opts.paused,
      skipFiles: opts.skipFiles ?? [],
    });
    await this.saveTorrentFile(meta);
    await this.saveSessionList();
    this.emit('torrent-added', id);
    if (!opts.paused) void torrent.start();
    return id;
  }

  private torrentDeps(id: TorrentId, name: string): ConstructorParameters<typeof Torrent>[1] {
    return {
      clock: this.clock,
      random: this.random,
      hashPool: this.hashPool,
      peerId: this.peerId,
      clientVersion: CLIENT_VERSION,
      listenPort: () => this.port ?? 0,
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
    };
  }

  private async readMeta(input: TorrentInput): Promise<Metainfo> {
    let bytes: Uint8Array;
    if ('torrentFile' in input) {
      bytes = input.torrentFile;
    } else {
      const stat = await fsp.stat(input.path).catch((err: unknown) => {
        throw new EngineError('not-found', `cannot read ${input.path}: ${errMessage(err)}`);
      });
      if (stat.size > MAX_TORRENT_FILE_BYTES) {
        throw new EngineError(
          'invalid-torrent',
          `${input.path} is too large to be a .torrent file`,
        );
      }
      bytes = await fsp.readFile(input.path);
    }
    if (bytes.length > MAX_TORRENT_FILE_BYTES)
      throw new EngineError('invalid-torrent', 'the .torrent file is too large');
    try {
      return parseTorrent(bytes);
    } catch (err) {
      throw new EngineError('invalid-torrent', `not a valid torrent: ${errMessage(err)}`, err);
    }
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

  async remove(id: TorrentId, deleteData: boolean): Promise<void> {
    const t = this.get(id);
    this.torrents.delete(id);
    this.persisted.delete(id);
    await t.close();
    if (deleteData) await t.removeData();
    if (this.opts.dataDir) {
      await fsp.rm(path.join(this.opts.dataDir, 'torrents', `${id}.torrent`), { force: true });
    }
    await this.saveSessionList();
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
      listenPort: this.port,
      peers,
      trackerRunning: this.trackerServer?.stats().running ?? false,
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
    const jobId = `job-${++this.jobSeq}`;
    const abort = new AbortController();
    const job: Job = {
      id: jobId,
      abort,
      lastEmitAt: 0,
      progress: {
        jobId,
        kind: 'create',
        label: path.basename(opts.path),
        doneBytes: 0,
        totalBytes: 0,
        rateBps: 0,
        etaSec: null,
        state: 'running',
        error: null,
        result: null,
      },
    };
    this.jobs.set(jobId, job);
    void this.runCreate(job, opts);
    return { jobId };
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

  private async runCreate(job: Job, opts: CreateOptions): Promise<void> {
    const started = this.clock.now();
    const meter = new RateMeter(this.clock, 3000);
    let last = 0;
    try {
      const trackers = [...(opts.trackers ?? [])];
      // The embedded tracker's URLs are one tier: they are one tracker under several addresses.
      let embedded: string[] = [];
      if (opts.useEmbeddedTracker) {
        const stats = this.trackerStats();
        if (!stats.running)
          throw new EngineError('bad-request', 'the embedded tracker is not running');
        embedded = stats.announceUrls.filter((url) => !trackers.includes(url));
      }
      const source = path.resolve(opts.path);
      const { meta } = await createTorrent(source, {
        pieceLength: opts.pieceLength,
        trackers: [...(embedded.length > 0 ? [embedded] : []), ...trackers.map((t) => [t])],
        private: opts.private,
        comment: opts.comment,
        webSeeds: opts.webSeeds,
        createdBy: CLIENT_VERSION,
        signal: job.abort.signal,
        pool: this.hashPool,
        onProgress: (done, total) => {
          meter.add(done - last);
          last = done;
          const p = job.progress;
          p.doneBytes = done;
          p.totalBytes = total;
          p.rateBps = meter.rateBps() || (done / Math.max(1, this.clock.now() - started)) * 1000;
          p.etaSec = p.rateBps > 0 ? Math.round((total - done) / p.rateBps) : null;
          this.emitJob(job, false);
        },
      });
      const savePath = path.dirname(source);
      const id = this.torrents.has(meta.infoHashHex)
        ? meta.infoHashHex
        : await this.addMeta(meta, { savePath }, true);
      job.progress.state = 'done';
      job.progress.doneBytes = job.progress.totalBytes = meta.totalLength;
      job.progress.etaSec = 0;
      job.progress.result = {
        id,
        name: meta.name,
        magnet: toMagnet(meta),
        announceUrls: meta.announceList.flat(),
      };
    } catch (err) {
      job.progress.state = job.abort.signal.aborted ? 'cancelled' : 'failed';
      job.progress.error = job.abort.signal.aborted ? 'cancelled' : errMessage(err);
    }
    this.jobs.delete(job.id);
    this.emitJob(job, true);
  }

  private emitJob(job: Job, force: boolean): void {
    const now = this.clock.now();
    if (!force && now - job.lastEmitAt < JOB_PROGRESS_INTERVAL_MS) return;
    job.lastEmitAt = now;
    this.emit('job-progressed', { ...job.progress });
  }

  cancelJob(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('not-found', `no running job ${jobId}`);
    job.abort.abort();
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
    if (portChanged && this.server) {
      await closeServer(this.server);
      this.server = null;
      await this.listen(next.listenPort);
    }
    await this.saveSettings();
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
    if (this.trackerServer) await this.trackerServer.stop();
    this.trackerServer = new TrackerServer({
      clock: this.clock,
      random: this.random,
      isAllowed: (hex) => this.isAllowedOnTracker(hex),
      log: (level, msg) => this.logger.log(level, 'tracker-server', msg),
      statsToken: this.opts.trackerStatsToken,
    });
    const stats = await this.trackerServer.start(trackerSettings);
    this.settings = { ...this.settings, tracker: trackerSettings };
    await this.saveSettings();
    this.trackerTimer?.cancel();
    this.trackerTimer = this.clock.setInterval(
      () => this.emit('tracker-server-changed', this.trackerStats()),
      1000,
    );
    this.emit('tracker-server-changed', stats);
    return stats;
  }

  async stopTracker(): Promise<TrackerServerStats> {
    this.trackerTimer?.cancel();
    this.trackerTimer = null;
    const server = this.trackerServer;
    this.trackerServer = null;
    if (server) await server.stop();
    this.settings = { ...this.settings, tracker: { ...this.settings.tracker, enabled: false } };
    await this.saveSettings();
    const stats = this.trackerStats();
    this.emit('tracker-server-changed', stats);
    return stats;
  }

  trackerStats(): TrackerServerStats {
    if (this.trackerServer) return this.trackerServer.stats();
    const t = this.settings.tracker;
    return {
      running: false,
      error: null,
      httpPort: null,
      udpPort: null,
      mode: t.mode,
      announceUrls: announceUrls({ ...t }),
      swarms: [],
      peers: 0,
      announcesPerSec: 0,
      scrapesPerSec: 0,
      rejected: {},
    };
  }

  trackerSwarm(infoHash: string): SwarmStats | null {
    return this.trackerServer?.swarm(infoHash.toLowerCase()) ?? null;
  }

  /** Allow-list mode serves the torrents of this session (the server adds its list file). */
  private isAllowedOnTracker(hex: string): boolean {
    return this.torrents.has(hex);
  }

  // ---------------------------------------------------------------- events

  on<K extends EngineEventName>(
    name: K,
    listener: (payload: EngineEventMap[K]) => void,
  ): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  private emit<K extends EngineEventName>(name: K, payload: EngineEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  private raise(alert: Omit<Alert, 'at'>): void {
    this.emit('alert-raised', { ...alert, at: this.clock.now() });
  }

  // ---------------------------------------------------------------- persistence

  private setPersisted(id: TorrentId, patch: Partial<PersistedTorrent>): void {
    const p = this.persisted.get(id);
    if (!p) return;
    Object.assign(p, patch);
    void this.saveSessionList().catch((err: unknown) =>
      this.logger.log('error', 'session', `saving the torrent list failed: ${errMessage(err)}`),
    );
  }

  private async saveTorrentFile(meta: Metainfo): Promise<void> {
    if (!this.opts.dataDir) return;
    await writeAtomic(
      path.join(this.opts.dataDir, 'torrents', `${meta.infoHashHex}.torrent`),
      meta.torrentFile,
    );
  }

  private async saveSessionList(): Promise<void> {
    if (!this.opts.dataDir) return;
    const body = JSON.stringify({ version: 1, torrents: [...this.persisted.values()] }, null, 2);
    await writeAtomic(path.join(this.opts.dataDir, 'session.json'), body);
  }

  private async saveSettings(): Promise<void> {
    if (!this.opts.dataDir) return;
    await writeAtomic(
      path.join(this.opts.dataDir, 'settings.json'),
      JSON.stringify(this.settings, null, 2),
    );
  }

  private async restore(): Promise<void> {
    if (!this.opts.dataDir) return;
    const saved = await readJson<{ torrents?: PersistedTorrent[] }>(
      path.join(this.opts.dataDir, 'session.json'),
    );
    for (const entry of saved?.torrents ?? []) {
      if (typeof entry?.id !== 'string' || !/^[0-9a-f]{40}$/.test(entry.id)) continue;
      const file = path.join(this.opts.dataDir, 'torrents', `${entry.id}.torrent`);
      try {
        const meta = parseTorrent(await fsp.readFile(file));
        await this.addMeta(
          meta,
          { savePath: entry.savePath, paused: entry.paused, skipFiles: entry.skipFiles },
          false,
        );
        const p = this.persisted.get(entry.id);
        if (p) p.addedAt = entry.addedAt;
      } catch (err) {
        this.logger.log('error', 'session', `could not restore ${entry.id}: ${errMessage(err)}`);
        this.raise({
          kind: 'torrent-error',
          level: 'error',
          torrentId: null,
          title: 'A torrent could not be restored',
          message: `${entry.id}: ${errMessage(err)}`,
        });
      }
    }
  }

  // ---------------------------------------------------------------- shutdown

  private assertOpen(): void {
    if (this.closed) throw new EngineError('internal', 'the session is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs.values()) job.abort.abort();
    this.trackerTimer?.cancel();
    await Promise.all([...this.torrents.values()].map((t) => t.close()));
    if (this.trackerServer) await this.trackerServer.stop();
    this.trackerServer = null;
    for (const s of this.sockets) s.destroy();
    if (this.server) await closeServer(this.server);
    this.server = null;
    await this.hashPool.close();
    this.logger.close();
    this.emitter.removeAllListeners();
  }
}

function mergeSettings(base: Settings, patch: SettingsPatch | Partial<Settings>): Settings {
  const tracker = { ...defaultTrackerServerSettings, ...base.tracker, ...(patch.tracker ?? {}) };
  const merged = { ...base, ...patch, tracker } as Settings;
  return merged;
}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    // A damaged file is kept aside for the user, and defaults are used.
    fs.renameSync(file, `${file}.broken`);
    process.emitWarning(`${file} is not valid JSON (${errMessage(err)}); kept as ${file}.broken`);
    return null;
  }
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
