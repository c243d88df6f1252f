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
  PeerSource,
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
import { AltSpeed } from './session/alt-speed'; // --- alternative speed limits (issue 21)
import { labelProblem, normalizeLabel } from '../../src-shared/model'; // --- labels (issue 21)
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
// --- resume data (issue 15) ---
import { ResumeWriter } from './session/resume-writer';
import { prefetchResumeFiles, readResumeFile, resumeFileName } from './session/resume-file';
import type { ResumeData } from './session/resume-file';
// --- disk faults, part files, set location (issue 15) ---
import { partFilePath } from './storage/part-file';
import { moveFiles } from './session/move-data';
// --- magnets (issue 17) ---
import { MagnetTorrent } from './session/magnet-torrent';
import { MagnetStore } from './session/magnet-store';
import type { PersistedMagnet } from './session/magnet-store';
import {
  magnetAddOptions,
  magnetInput,
  magnetPreview,
  metainfoForMagnet,
} from './session/magnet-input';
// --- DHT (issue 17) ---
import type { DhtStatus } from '../../src-shared/model';
import { UdpEndpoint } from './net/udp-endpoint';
import { listenPlan } from './net/ip-address'; // --- IPv6 (issue 18)
// --- listen interface and port (issues 18, 21) ---
import { isValidListenInterface, randomListenPort } from '../../src-shared/model';
import { DhtHost } from './session/dht-host';
import type { DhtHostDeps, DhtTorrentView, DhtTuning } from './session/dht-host';
import type { DhtNode } from './dht';
import type { PeerAddress } from './tracker/codec/compact-peers';
// --- LSD (issue 17) ---
import { DEFAULT_LSD_OPTIONS, LsdService } from './session/lsd';
import type { LsdOptions } from './session/lsd';
import { allowsLsd, allowsSource } from './torrent/peer-sources';
import { LSD_MAX_CANDIDATES_PER_TORRENT } from './limits';
// --- uTP (issue 18) ---
import { UtpSocket } from './utp/utp-socket';
import type { UtpTransport } from './utp/utp-transport';
// --- encryption, MSE/PE (issue 18) ---
import { SkeyTable } from './crypto/mse-keys';
import type { EncryptionPolicy } from './crypto/mse-handshake';
import type { PeerTransport } from './peer/transport';
import { encryptionModes } from '../../src-shared/model';
// --- port mapping (issue 18) ---
import type { PortMappingStatus } from '../../src-shared/model';
import { PortMapper, portMappingOff } from './nat/port-mapper';
import type { PortMapperEnv } from './nat/port-mapper';
// --- timeline (issue 19) ---
import type { TimelineView } from '../../src-shared/model';
import { TIMELINE_WINDOW_MS } from './limits';
// --- per-torrent actions and the queue (issue 21) ---
import dns from 'node:dns/promises';
import { isIP } from 'node:net';
import type { QueueMove, TorrentLimits } from '../../src-shared/model';
import { SessionActions } from './session/torrent-actions';
import { QUEUE_TICK_MS } from './limits';
// --- a thousand torrents (issue 20) ---
import { AnnounceQueue } from './tracker/client/announce-queue';
import { ANNOUNCE_BACKGROUND_PER_SEC, ANNOUNCE_SLOT_TIMEOUT_MS } from './limits';
import { defaultMaxConcurrentAnnounces, maxConcurrentAnnouncesLimit } from '../../src-shared/model';

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
  // --- resume data (issue 15) ---
  /** Folder of the resume files: `<dataDir>/resume` by default; none without a data folder. */
  resumeDir?: string | null;
  /** Name resume files by save path too (the CLI: one state folder for every download folder). */
  resumeKeyBySavePath?: boolean;
  /** How often the resume batch runs (RESUME_SAVE_INTERVAL_MS by default). */
  resumeSaveIntervalMs?: number;
  // --- DHT (issue 17) ---
  /** Short timeouts and intervals for loopback DHTs in tests. */
  dhtTuning?: DhtTuning;
  // --- LSD (issue 17) ---
  /**
   * Local Service Discovery (BEP 14), when the `lsdEnabled` setting is on too. Off unless the
   * host asks (true for BEP 14's group and port), so tests and tools never multicast by
   * accident; tests pass their own group, port and interface. The interface defaults to
   * `listenHost` when that is one IPv4 address.
   */
  lsd?: boolean | Partial<LsdOptions>;
  // --- port mapping (issue 18) ---
  /**
   * UPnP IGD and PCP/NAT-PMP mapping of the listen port, when the `portMapping` setting is on
   * too. Off unless the host asks (true: the default gateway and SSDP multicast), so tests and
   * tools never talk to a real router; tests pass fake gateways on 127.0.0.1.
   */
  portMapping?: boolean | Partial<PortMapperEnv>;
}

export class Session implements EngineApi {
  private readonly torrents = new Map<TorrentId, Torrent>();
  /** Magnets whose metadata is being fetched (issue 17); each becomes a Torrent when it arrives. */
  private readonly magnets = new Map<TorrentId, MagnetTorrent>();
  /** magnets.json: magnets still fetching, so a restart keeps them; null without a data folder. */
  private readonly magnetStore: MagnetStore | null;
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
  // --- resume data (issue 15) ---
  /** Writes resume files; null when resume data is off. */
  private readonly resumeWriter: ResumeWriter | null;
  // --- DHT (issue 17) ---
  /** The listen port's UDP socket, shared by the DHT (and uTP); null when not open. */
  private udp: UdpEndpoint | null = null;
  /** --- IPv6 (issue 18): the udp6 endpoint on the same port (uTP, and BEP 32's DHT). */
  private udp6: UdpEndpoint | null = null;
  private readonly dht: DhtHost;
  /** --- IPv6, BEP 32 (issue 18): the IPv6 DHT node on `udp6`. */
  private readonly dht6: DhtHost;
  // --- LSD (issue 17) ---
  private lsd: LsdService | null = null;
  /** Resume files read ahead while restoring (prefetchResumeFiles); emptied as they are used. */
  private resumePrefetch = new Map<string, string>();
  // --- uTP (issue 18): its connections over `udp`, the DHT's endpoint ---
  private utp: UtpSocket | null = null;
  // --- port mapping (issue 18) ---
  private portMapper: PortMapper | null = null;
  // --- per-torrent actions and the queue (issue 21) ---
  private readonly actions: SessionActions;
  private queueTimer: TimerHandle | null = null;
  // --- alternative speed limits (issue 21): keeps the global buckets at the rates in force ---
  private readonly altSpeed: AltSpeed;
  // --- a thousand torrents (issue 20): every torrent's tracker announces share its slots ---
  private readonly announceQueue: AnnounceQueue;

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
    // --- alternative speed limits (issue 21): the alt pair replaces the two above while on.
    // --- a thousand torrents (issue 20) ---
    this.announceQueue = new AnnounceQueue({
      clock: this.clock,
      maxInFlight: announceConcurrency(settings),
      backgroundPerSec: ANNOUNCE_BACKGROUND_PER_SEC,
      slotTimeoutMs: ANNOUNCE_SLOT_TIMEOUT_MS,
    });
    this.altSpeed = new AltSpeed({
      clock: this.clock,
      settings: () => this.settings,
      down: this.downBucket,
      up: this.upBucket,
      // The host resends the session's numbers (with `altSpeed`) on this event.
      switched: (status) => {
        this.logger.log(
          'info',
          'session',
          `alternative speed limits ${status.active ? 'on' : 'off'} (schedule)`,
        );
        this.emit('settings-changed', this.getSettings());
      },
    });
    // --- per-torrent actions and the queue (issue 21) ---
    this.actions = new SessionActions(
      {
        clock: this.clock,
        settings: () => this.settings,
        torrent: (id) => this.torrents.get(id),
        userPaused: (id) => !!this.persisted.get(id)?.paused,
        act: (id, action) => (action === 'remove' ? this.remove(id, false) : this.pause(id)),
        changed: (id) => this.emit('torrent-changed', id),
        log: (level, message) => this.logger.log(level, 'queue', message),
      },
      this.downBucket,
      this.upBucket,
    );
    this.emitter.setMaxListeners(100);
    this.listener = new Listener({
      clock: this.clock,
      logger: this.logger,
      host: this.listenHost(), // --- listen interface (issues 18, 21)
      strictPort: opts.strictPort,
      accept: (socket, handshake, rest) => this.onHandshake(socket, handshake, rest),
      // --- uTP (issue 18) ---
      acceptTransport: (t, handshake, rest) => this.onUtpHandshake(t, handshake, rest),
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
    this.magnetStore = opts.dataDir
      ? new MagnetStore(opts.dataDir, () => this.persistedMagnets())
      : null;
    this.store = opts.dataDir
      ? new SessionStore(
          opts.dataDir,
          () => this.persistedList(),
          () => this.settings,
        )
      : null;
    // --- resume data (issue 15) ---
    const resumeDir =
      opts.resumeDir !== undefined
        ? opts.resumeDir
        : opts.dataDir
          ? path.join(opts.dataDir, 'resume')
          : null;
    this.resumeWriter = resumeDir
      ? new ResumeWriter({
          dir: resumeDir,
          clock: this.clock,
          log: (level, message) => this.logger.log(level, 'resume', message),
          intervalMs: opts.resumeSaveIntervalMs,
        })
      : null;
    // --- DHT (issue 17) ---
    // --- IPv6, BEP 32 (issue 18): the same deps drive the v4 node and the v6 one (dht6).
    const dhtDeps: DhtHostDeps = {
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      dataDir: opts.dataDir,
      listenPort: () => this.listener.port,
      // Magnets still fetching look up peers too (issue 17): the info-hash is all the DHT needs.
      torrents: () => [
        ...[...this.torrents.values()].map(dhtView),
        ...[...this.magnets.values()].map(magnetDhtView),
      ],
      find: (hex) => {
        const t = this.torrents.get(hex);
        if (t) return dhtView(t);
        const m = this.magnets.get(hex);
        return m ? magnetDhtView(m) : undefined;
      },
      feedPeers: (hex, peers, source) => this.feedPeers(hex, peers, source),
      tuning: opts.dhtTuning,
      changed: () => this.emit('dht-changed', this.dhtStatus()),
    };
    this.dht = new DhtHost({ ...dhtDeps, sibling: () => this.dht6.dhtNode });
    this.dht6 = new DhtHost({ ...dhtDeps, family: 6, sibling: () => this.dht.dhtNode });
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
    // --- listen interface and port (issues 18, 21): the host's port wins, then a random one.
    await session.listener.listen(
      opts.listenPort ??
        (settings.randomPortOnStart === true
          ? randomListenPort(session.random.next())
          : settings.listenPort),
    );
    if (session.resumeWriter) {
      await session.resumeWriter.prepare();
      session.resumePrefetch = await prefetchResumeFiles(session.resumeWriter.dir);
    }
    await session.openUdp(); // --- DHT (issue 17)
    await session.applyDht(); // --- DHT (issue 17)
    await session.restore();
    session.resumePrefetch.clear();
    session.startQueue(); // --- issue 21
    session.altSpeed.start(); // --- alternative speed limits (issue 21)
    if (settings.tracker.enabled) await session.startTracker();
    await session.applyLsd(); // --- LSD (issue 17)
    await session.applyPortMapping(); // --- port mapping (issue 18)
    session.opening = false;
    return session;
  }

  // ---------------------------------------------------------------- listening

  private onHandshake(socket: net.Socket, handshake: Handshake, rest: Uint8Array): boolean {
    const id = Buffer.from(handshake.infoHash).toString('hex');
    const torrent = this.torrents.get(id);
    const magnet = this.magnets.get(id);
    if (magnet && !this.closed) {
      magnet.acceptIncoming(socket, handshake, rest);
      return true;
    }
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
    const id = Buffer.from(infoHash).toString('hex');
    const magnet = this.magnets.get(id);
    if (magnet && !this.closed) {
      magnet.acceptTransport(transport, remote.address, remote.port, null, null);
      return true;
    }
    const torrent = this.torrents.get(id);
    if (!torrent || this.closed) return false;
    torrent.acceptEncrypted(transport, remote.address, remote.port);
    return true;
  }

  get listenPort(): number | null {
    return this.listener.port;
  }

  // --- listen interface and port (issues 18, 21) ---
  /**
   * Where peers connect: the host's `listenHost` when it gave one (CLI, tests, tools: it is
   * part of how they were started), else the `listenInterface` setting, the wildcard when empty
   * or unreadable (settings.json may have been edited by hand).
   */
  private listenHost(): string {
    if (this.opts.listenHost !== undefined) return this.opts.listenHost;
    const v = this.settings.listenInterface;
    return typeof v === 'string' && v.trim() !== '' && isValidListenInterface(v)
      ? v.trim()
      : '0.0.0.0';
  }

  /** Stops LSD so that applyLsd starts it again on the new interface. */
  private async stopLsdForRebind(): Promise<void> {
    const lsd = this.lsd;
    this.lsd = null;
    await lsd?.stop();
  }

  // --- uTP (issue 18) ---
  /** Binds UDP on the TCP listen port for uTP; without it (port taken) uTP is off, TCP goes on. */
  /** Runs uTP on the shared UDP endpoint (opened by openUdp); nothing without one. */
  private startUtp(): void {
    const udp = this.udp;
    // --- IPv6 (issue 18): one uTP socket over both endpoints; a send goes out on its stack.
    const udp6 = this.udp6;
    if ((!udp && !udp6) || this.utp) return;
    const utp = new UtpSocket({
      send: (packet, toPort, address) =>
        (address.includes(':') ? udp6 : udp)?.send(packet, toPort, address),
      clock: this.clock,
      random: this.random,
      // With uTP off, SYNs get a RESET: the dialler falls back to TCP at once.
      acceptingSyns: () => this.settings.transports !== 'tcp' && !this.closed,
      onAccept: (t) => this.listener.acceptUtp(t),
    });
    this.utp = utp;
    udp?.on('utp', (packet, from) => utp.receive(packet, from));
    udp6?.on('utp', (packet, from) => utp.receive(packet, from));
  }

  private stopUtp(): void {
    this.udp?.off('utp');
    this.udp6?.off('utp'); // --- IPv6 (issue 18)
    this.utp?.close();
    this.utp = null;
  }

  private onUtpHandshake(t: UtpTransport, handshake: Handshake, rest: Uint8Array): boolean {
    const id = Buffer.from(handshake.infoHash).toString('hex');
    const magnet = this.magnets.get(id);
    if (magnet && !this.closed) {
      magnet.acceptTransport(t, t.remoteAddress ?? '?', t.remotePort, handshake, rest);
      return true;
    }
    const torrent = this.torrents.get(id);
    if (!torrent || this.closed) {
      this.logger.log('debug', 'session', `incoming uTP for unknown info-hash ${id} closed`);
      return false;
    }
    torrent.acceptIncomingTransport(t, t.remotePort, handshake, rest);
    return true;
  }

  /** uTP counters, for tests and the status of the UDP port. */
  get utpStats(): ReturnType<UtpSocket['stats']> | null {
    return this.utp?.stats() ?? null;
  }

  /** Incoming connections still in their handshake, for tests of the listener's caps. */
  get pendingHandshakes(): number {
    return this.listener.pendingCount;
  }

  // ---------------------------------------------------------------- torrents

  async inspectTorrent(input: TorrentInput): Promise<TorrentPreview> {
    if ('magnet' in input) return magnetPreview(magnetInput(input.magnet), this.has.bind(this));
    const meta = await readTorrentInput(input);
    return torrentPreview(meta, this.torrents.has(meta.infoHashHex));
  }

  async addTorrent(input: TorrentInput, opts: AddOptions = {}): Promise<TorrentId> {
    if ('magnet' in input) return this.addMagnet(input.magnet, opts);
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
    if (this.has(id))
      throw new EngineError('already-exists', `${meta.name} is already in the list`);
    const savePath = path.resolve(opts.savePath ?? this.settings.downloadDir);
    // Names made safe at parse time (issue 16 item 5) land under their new names: say which.
    if (restored === null) {
      for (const w of meta.pathWarnings) this.logger.log('warn', `torrent ${id.slice(0, 8)}`, w);
    }
    const filePaths = meta.files.map((f) => resolveInside(savePath, f.path));
    // --- resume data (issue 15) ---
    const resume = complete ? null : await this.readResume(meta, savePath);
    this.assertOpen();
    if (this.torrents.has(id))
      throw new EngineError('already-exists', `${meta.name} is already in the list`);
    const storage = this.opts.storageFactory
      ? this.opts.storageFactory(meta, savePath)
      : new FileStorage(
          new FileLayout(
            meta.files.map((f) => ({ path: f.path, length: f.length, pad: f.pad })),
            meta.pieceLength,
          ),
          savePath,
          filePaths,
          { writer: this.hashWritePool, partFile: partFilePath(savePath, id) },
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
        maxConnections: this.settings.maxConnectionsPerTorrent, // issue 21: see actions.added
        addedAt,
        unchokeSlots: this.opts.unchokeSlots,
        pipelineBudgetBytes: this.opts.pipelineBudgetBytes,
        useTrackers: this.opts.useTrackers,
        complete,
        // The resume file's totals when it is there (written with session.json's, from the
        // same counters, and checked the same way); else session.json's.
        priorTotals: resume
          ? {
              uploadedBytes: resume.uploadedBytes,
              downloadedBytes: resume.downloadedBytes,
              activeSeconds: resume.activeSeconds,
            }
          : {
              // persistence.normalizeEntry has checked them: a count or absent.
              uploadedBytes: restored?.uploadedBytes ?? 0,
              downloadedBytes: restored?.downloadedBytes ?? 0,
            },
        maxConnectionsPerIp: this.opts.maxConnectionsPerIp,
        limitLoopbackPeers: this.opts.limitLoopbackPeers,
        resume,
        stampPaths: this.resumeWriter ? filePaths : null,
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
      label: restored ? (restored.label ?? null) : (opts.label ?? null), // --- labels (issue 21)
    });
    // A restored torrent is already in the list on disk: saving it again per torrent cost a
    // synced write each, 50 s for 1,000 torrents here (issue 15's restart bench).
    if (this.store && !restored) {
      await this.store.saveTorrentFile(id, meta.torrentFile);
      await this.store.saveList();
    }
    this.resumeWriter?.track(id, {
      fileName: resumeFileName(id, savePath, !!this.opts.resumeKeyBySavePath),
      version: () => torrent.resumeVersion(),
      produce: () => torrent.resumeData(this.clock.now(), !!this.persisted.get(id)?.paused),
    });
    // Created and hashed by the caller: nothing else would save what it just learned.
    if (complete) void this.resumeWriter?.saveNow(id);
    // --- issue 21: its limits and place in the queue; the queue decides whether it starts.
    this.actions.added(id, restored?.actions);
    this.emit('torrent-added', id);
    if (!opts.paused) {
      // While the list is restored, the queue waits for the saved order (startQueue).
      if (!this.opening) this.actions.applyQueue();
    } else if (resume) void torrent.checkWhilePaused();
    return id;
  }

  /** This torrent's checked resume data, or null with the reason logged (a full check follows). */
  private async readResume(meta: Metainfo, savePath: string): Promise<ResumeData | null> {
    if (!this.resumeWriter) return null;
    const id = meta.infoHashHex;
    const name = resumeFileName(id, savePath, !!this.opts.resumeKeyBySavePath);
    const prefetched = this.resumePrefetch.get(name);
    this.resumePrefetch.delete(name);
    const read = await readResumeFile(
      this.resumeWriter.file(name),
      { infoHash: id, pieceCount: meta.pieceCount, fileCount: meta.files.length, savePath },
      prefetched,
    );
    if (read.kind === 'ok') return read.data;
    const level = read.reason === 'no resume file' ? 'info' : 'warn';
    this.logger.log(level, `torrent ${id.slice(0, 8)}`, `${read.reason}: every piece is checked`);
    return null;
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
      // --- issue 21: the torrent's own limits, under the global ones.
      downBucket: this.actions.bucketsFor(id).down,
      upBucket: this.actions.bucketsFor(id).up,
      canConnect: () => this.connections < this.settings.maxConnections,
      // --- uTP (issue 18) ---
      transports: () => this.settings.transports,
      dialUtp: (address, port) => {
        if (!this.utp || this.settings.transports === 'tcp') return null;
        try {
          return this.utp.dial(address, port);
        } catch {
          return null; // over the uTP connection cap: TCP may still do
        }
      },
      connectionsChanged: (delta) => {
        this.connections += delta;
      },
      changed: () => this.emit('torrent-changed', id),
      peerEvent: (event: PeerEvent) => this.emit('peer-event', { id, event }),
      checked: (learned) => {
        if (learned) void this.resumeWriter?.saveNow(id);
        else this.resumeWriter?.markSaved(id);
      },
      completed: () => {
        void this.resumeWriter?.saveNow(id);
        this.actions.applyQueue(); // --- issue 21: a finished download frees its slot
        this.raise({
          kind: 'download-completed',
          level: 'info',
          torrentId: id,
          title: 'Download complete',
          message: name,
        });
      },
      failed: (message) =>
        this.raise({
          kind: 'torrent-error',
          level: 'error',
          torrentId: id,
          title: `${name} stopped`,
          message,
        }),
      // --- PEX (issue 17) ---
      pexEnabled: () => this.settings.pexEnabled,
      // --- encryption, MSE/PE (issue 18) ---
      encryption: () => this.encryptionPolicy(),
      // --- a thousand torrents (issue 20) ---
      announceQueue: this.announceQueue,
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
    const m = this.magnets.get(id);
    if (m) {
      await m.stop('paused');
      return this.saveMagnets();
    }
    const t = this.get(id);
    await t.stop('paused');
    this.setPersisted(id, { paused: true });
    // --- issue 21: a paused torrent is no longer forced, and frees its slot.
    this.actions.setForced(id, false);
    this.actions.applyQueue();
    await this.resumeWriter?.saveNow(id);
  }

  async resume(id: TorrentId): Promise<void> {
    const m = this.magnets.get(id);
    if (m) {
      m.start();
      return this.saveMagnets();
    }
    const t = this.get(id);
    this.setPersisted(id, { paused: false });
    void this.resumeWriter?.saveNow(id);
    // --- issue 21: Resume goes through the queue (Force start passes it).
    this.actions.setForced(id, false);
    this.actions.applyQueue(id);
    if (!this.actions.isQueued(id)) await t.start();
  }

  /** Re-hash every piece (issue 16 item 7): a paused torrent stays paused, others go on. */
  async recheck(id: TorrentId): Promise<void> {
    const t = this.get(id);
    // --- issue 21: a queued torrent stays queued after the check.
    await t.recheck({ resume: !this.persisted.get(id)?.paused && !this.actions.isQueued(id) });
  }

  async remove(id: TorrentId, deleteData: boolean): Promise<void> {
    const m = this.magnets.get(id);
    if (m) {
      this.magnets.delete(id);
      this.skeys.delete(Buffer.from(id, 'hex')); // --- encryption (issue 18)
      await m.close();
      await this.saveMagnets();
      this.emit('torrent-removed', id);
      return;
    }
    const t = this.get(id);
    this.torrents.delete(id);
    this.persisted.delete(id);
    this.skeys.delete(t.meta.infoHash); // --- encryption (issue 18)
    this.actions.removed(id); // --- issue 21
    await t.close();
    this.actions.applyQueue(); // --- issue 21: its slot goes to the next in line
    await this.resumeWriter?.forget(id, true);
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
    if (!this.has(id)) throw new EngineError('not-found', `no torrent ${id}`);
    this.feedPeers(id, [{ address, port }], 'manual');
  }

  list(): TorrentSummary[] {
    return [
      ...[...this.torrents.values()].map((t) => this.labelled(this.actions.decorate(t.summary()))), // issue 21
      ...[...this.magnets.values()].map((m) => m.summary()),
    ];
  }

  summary(id: TorrentId): TorrentSummary | null {
    const t = this.torrents.get(id); // --- issue 21: 'queued' and the action state
    if (t) return this.labelled(this.actions.decorate(t.summary()));
    return this.magnets.get(id)?.summary() ?? null;
  }

  sessionStats(): SessionStats {
    let down = 0;
    let up = 0;
    let peers = 0;
    for (const m of this.magnets.values()) peers += m.peerCount;
    // --- peer sources (issue 17) ---
    const peerSources: Partial<Record<PeerSource, number>> = {};
    for (const t of this.torrents.values()) {
      const s = t.summary();
      down += s.downRateBps;
      up += s.upRateBps;
      peers += s.peers;
      for (const [source, n] of Object.entries(t.peerSourceCounts()) as [PeerSource, number][])
        peerSources[source] = (peerSources[source] ?? 0) + n;
    }
    return {
      downRateBps: down,
      upRateBps: up,
      listenPort: this.listener.port,
      peers,
      trackerRunning: this.trackerHost.running,
      dht: this.dhtStatus(), // --- DHT (issue 17)
      peerSources,
      portMapping: this.portMappingStatus(), // --- port mapping (issue 18)
      altSpeed: this.altSpeed.status(), // --- alternative speed limits (issue 21)
    };
  }

  // A magnet fetching its metadata has no pieces, files or transfers yet: empty views.
  peers(id: TorrentId): PeerSnapshot[] {
    return this.magnets.has(id) ? [] : this.get(id).peerSnapshots();
  }
  pieceMap(id: TorrentId): PieceMapFull {
    if (this.magnets.has(id))
      return { states: new Uint8Array(0), availability: new Uint16Array(0) };
    return this.get(id).pieceMap();
  }
  trackers(id: TorrentId): TrackerStatus[] {
    return this.magnets.get(id)?.trackerStatuses() ?? this.get(id).trackerStatuses();
  }
  files(id: TorrentId): FileProgress[] {
    return this.magnets.has(id) ? [] : this.get(id).fileProgress();
  }
  seedingStats(id: TorrentId): SeedingStats {
    if (this.magnets.has(id)) {
      return {
        uploadedBytes: 0,
        ratio: 0,
        seedingSince: null,
        peersServed: 0,
        upRateHistoryBps: [],
      };
    }
    return this.get(id).seedingStats();
  }
  recentLog(id: TorrentId): PeerEvent[] {
    return this.magnets.has(id) ? [] : this.get(id).recentLog();
  }
  // --- timeline (issue 19) ---
  timeline(id: TorrentId, since: number): TimelineView {
    if (!this.magnets.has(id)) return this.get(id).timelineView(since);
    // A magnet has no peers on the timeline yet: one empty full view, then empty deltas.
    return {
      full: since <= 0,
      from: since <= 0 ? 0 : since,
      cursor: 1,
      now: this.clock.now(),
      windowMs: TIMELINE_WINDOW_MS,
      lanes: [],
      removedLanes: [],
      events: new Float64Array(0),
    };
  }

  // ---------------------------------------------------------------- magnets (issue 17)

  /** Whether a torrent or a magnet with this info-hash is in the list. */
  has(id: TorrentId): boolean {
    return this.torrents.has(id) || this.magnets.has(id);
  }

  /**
   * Peer addresses for a torrent or magnet, from any source ('dht', 'pex', 'lsd', 'manual',
   * 'magnet'...). Returns false when no torrent has this info-hash. Private torrents (BEP 27)
   * take none from the DHT, PEX or LSD.
   */
  feedPeers(infoHashHex: string, peers: PeerAddress[], source: PeerSource): boolean {
    if (this.closed) return false;
    const t = this.torrents.get(infoHashHex);
    if (t) {
      if (allowsSource(t.meta, source)) t.addCandidates(peers, source);
      return true;
    }
    const m = this.magnets.get(infoHashHex);
    if (m) m.addCandidates(peers, source);
    return m !== undefined;
  }

  /** The magnet's entry while its metadata is fetched, for tests and the CLI. */
  magnet(id: TorrentId): MagnetTorrent | undefined {
    return this.magnets.get(id);
  }

  private async addMagnet(
    uri: string,
    opts: AddOptions,
    restoredAt: number | null = null,
  ): Promise<TorrentId> {
    this.assertOpen();
    const parsed = magnetInput(uri);
    const id = parsed.infoHashHex;
    if (this.has(id)) {
      const name = parsed.name ?? id;
      throw new EngineError('already-exists', `${name} is already in the list`);
    }
    const magnet = new MagnetTorrent(
      {
        magnet: parsed,
        uri: uri.trim(),
        savePath: path.resolve(opts.savePath ?? this.settings.downloadDir),
        addedAt: restoredAt ?? this.clock.now(),
        opts,
      },
      {
        clock: this.clock,
        random: this.random,
        peerId: this.peerId,
        clientVersion: CLIENT_VERSION,
        listenPort: () => this.listener.port ?? 0,
        log: this.logger,
        useTrackers: this.opts.useTrackers ?? true,
        canConnect: () => this.connections < this.settings.maxConnections,
        connectionsChanged: (delta) => {
          this.connections += delta;
        },
        changed: () => this.emit('torrent-changed', id),
        metadataReady: (m, info) => void this.onMetadata(m, info),
        announceQueue: this.announceQueue, // --- a thousand torrents (issue 20)
      },
    );
    this.magnets.set(id, magnet);
    this.skeys.add(Buffer.from(id, 'hex')); // --- encryption (issue 18): MSE peers find it too
    if (!opts.paused) magnet.start();
    this.emit('torrent-added', id);
    // After start: the file records whether it runs.
    if (restoredAt === null) await this.saveMagnets();
    return id;
  }

  private persistedMagnets(): PersistedMagnet[] {
    return [...this.magnets.values()].map((m) => ({
      uri: m.entry.uri,
      savePath: m.entry.savePath,
      addedAt: m.entry.addedAt,
      paused: m.currentState === 'paused',
      chooseFiles: !!m.entry.opts.chooseFiles,
      skipFiles: m.entry.opts.skipFiles,
    }));
  }

  private async saveMagnets(): Promise<void> {
    await this.magnetStore
      ?.save()
      .catch((err: unknown) =>
        this.logger.log('error', 'session', `saving magnets.json failed: ${errMessage(err)}`),
      );
  }

  /** Magnets that were still fetching when the session last closed. */
  private async restoreMagnets(dataDir: string): Promise<void> {
    const { magnets, problem } = await MagnetStore.load(dataDir);
    if (problem) this.logger.log('warn', 'session', `magnets.json: ${problem}`);
    for (const p of magnets) {
      const opts: AddOptions = {
        savePath: p.savePath,
        paused: p.paused,
        chooseFiles: p.chooseFiles,
        skipFiles: p.skipFiles,
      };
      // Its metadata may have arrived just before the last close: then it is a torrent now.
      await this.addMagnet(p.uri, opts, p.addedAt).catch((err: unknown) =>
        this.logger.log('info', 'session', `magnet not restored: ${errMessage(err)}`),
      );
    }
    await this.saveMagnets();
  }

  /** Verified metadata: the magnet becomes an ordinary torrent, its .torrent kept. */
  private async onMetadata(m: MagnetTorrent, info: Uint8Array): Promise<void> {
    if (this.closed || this.magnets.get(m.id) !== m) return;
    const { magnet, savePath, opts } = m.entry;
    let meta: Metainfo;
    try {
      meta = metainfoForMagnet(info, magnet);
    } catch (err) {
      this.logger.log('warn', 'session', `metadata of ${m.id} does not parse: ${errMessage(err)}`);
      this.magnets.delete(m.id);
      this.skeys.delete(Buffer.from(m.id, 'hex')); // --- encryption (issue 18)
      await this.saveMagnets();
      this.emit('torrent-removed', m.id);
      this.raise({
        kind: 'torrent-error',
        level: 'error',
        torrentId: m.id,
        title: `${magnet.name ?? m.id} could not be added`,
        message: `its metadata is not a valid torrent: ${errMessage(err)}`,
      });
      return;
    }
    this.magnets.delete(m.id);
    const addOpts = { ...magnetAddOptions(magnet, opts, meta.files.length), savePath };
    await this.addParsed(meta, addOpts, false, null);
    await this.saveMagnets();
    // The peers the magnet knew go on to the torrent, each with the source that gave it.
    const t = this.torrents.get(m.id);
    if (t) for (const p of m.knownPeers()) t.addCandidates([p], p.source);
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
    const hostBefore = this.listenHost(); // --- listen interface (issues 18, 21)
    const previous = this.settings; // --- listen interface (issues 18, 21)
    this.settings = next;
    const hostChanged = this.listenHost() !== hostBefore; // --- listen interface (issues 18, 21)
    this.logger.level = next.logLevel;
    this.altSpeed.apply(); // --- issue 21: the normal or the alternative limits, whichever hold now
    // --- issue 21: a torrent's own peer cap wins over the global one.
    for (const [id, t] of this.torrents) t.setMaxConnections(this.actions.maxPeers(id));
    // --- listen interface (issues 18, 21): a new interface rebinds too, on the port we hold
    // unless the setting changed; LSD restarts below on the new interface.
    if ((portChanged || hostChanged) && this.listener.port !== null) {
      const port = portChanged ? next.listenPort : this.listener.port;
      const heldPort = this.listener.port;
      await this.listener.close();
      this.listener.setHost(this.listenHost());
      try {
        await this.listener.listen(port);
      } catch (err) {
        // An address this machine does not have (or no free port): back to what was bound,
        // the listen settings unchanged, and the caller hears why.
        this.settings = {
          ...next,
          listenPort: previous.listenPort,
          listenInterface: previous.listenInterface,
        };
        this.listener.setHost(this.listenHost());
        await this.listener.listen(heldPort);
        throw err;
      }
      await this.reopenUdp(); // --- DHT (issue 17)
      if (hostChanged) await this.stopLsdForRebind();
    }
    await this.applyDht(); // --- DHT (issue 17)
    await this.applyLsd(); // --- LSD (issue 17)
    await this.applyPortMapping(); // --- port mapping (issue 18): the setting or the ports changed
    this.actions.applyQueue(); // --- issue 21: new queue limits apply now
    this.announceQueue.setMaxInFlight(announceConcurrency(next)); // --- issue 20
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
      const actions = this.actions.persisted(p.id); // --- issue 21: limits and queue place
      return s
        ? { ...p, uploadedBytes: s.uploadedBytes, downloadedBytes: s.downloadedBytes, actions }
        : { ...p, actions };
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
    if (this.opts.dataDir) await this.restoreMagnets(this.opts.dataDir);
    this.totalsTimer = this.clock.setInterval(
      () => this.saveTotalsIfMoved(),
      SESSION_TOTALS_SAVE_INTERVAL_MS,
    );
  }

  // ---------------------------------------------------------------- set location (issue 15)

  /**
   * The torrent is closed, its files moved when `move` (rename, or copy and unlink across
   * devices), and it is added again at the new folder with its date, totals, priorities and
   * paused flag, which checks the data there. A failed move leaves it where it was.
   */
  async setLocation(id: TorrentId, savePath: string, move: boolean): Promise<void> {
    this.assertOpen();
    const t = this.get(id);
    const entry = this.persisted.get(id);
    if (!entry) throw new EngineError('not-found', `no torrent ${id}`);
    const target = path.resolve(savePath);
    const totals = t.summary();
    this.torrents.delete(id);
    let moveError: unknown = null;
    try {
      await t.close();
      if (move && target !== t.savePath) await this.moveData(t, target);
    } catch (err) {
      moveError = err;
    }
    const at = moveError === null ? target : t.savePath;
    const next: PersistedTorrent = {
      ...entry,
      savePath: at,
      uploadedBytes: totals.uploadedBytes,
      downloadedBytes: totals.downloadedBytes,
    };
    const opts = { savePath: at, paused: entry.paused, skipFiles: entry.skipFiles };
    await this.addParsed(t.meta, opts, false, next);
    // A paused torrent stays paused, with its pieces at the new place counted.
    if (entry.paused) await this.torrents.get(id)?.recheck({ resume: false });
    if (moveError !== null) throw moveError;
  }

  private async moveData(t: Torrent, target: string): Promise<void> {
    const files = t.meta.files.flatMap((f) =>
      f.pad ? [] : [{ from: resolveInside(t.savePath, f.path), to: resolveInside(target, f.path) }],
    );
    files.push({ from: partFilePath(t.savePath, t.id), to: partFilePath(target, t.id) });
    const jobId = `move-${t.id.slice(0, 8)}-${this.clock.now()}`;
    const started = this.clock.now();
    const progress = (doneBytes: number, totalBytes: number, state: 'running' | 'done') => {
      const seconds = (this.clock.now() - started) / 1000;
      const rateBps = seconds > 0 ? doneBytes / seconds : 0;
      this.emit('job-progressed', {
        jobId,
        kind: 'move',
        label: `Moving ${t.meta.name} to ${target}`,
        doneBytes,
        totalBytes,
        rateBps,
        etaSec: rateBps > 0 ? Math.round((totalBytes - doneBytes) / rateBps) : null,
        state,
        error: null,
        result: null,
      });
    };
    let last = { done: 0, total: 0 };
    try {
      await moveFiles(files, {
        fromRoot: t.savePath,
        toRoot: target,
        onProgress: (done, total) => {
          last = { done, total };
          progress(done, total, 'running');
        },
      });
    } catch (err) {
      this.emit('job-progressed', {
        jobId,
        kind: 'move',
        label: `Moving ${t.meta.name} to ${target}`,
        doneBytes: last.done,
        totalBytes: last.total,
        rateBps: 0,
        etaSec: null,
        state: 'failed',
        error: errMessage(err),
        result: null,
      });
      throw err;
    }
    progress(last.total, last.total, 'done');
    this.logger.log('info', `torrent ${t.id.slice(0, 8)}`, `moved ${t.meta.name} to ${target}`);
  }

  // ---------------------------------------------------------------- DHT (issue 17)

  /** Opens the listen port's UDP socket: the TCP host and port, or any port if that is taken. */
  private async openUdp(): Promise<void> {
    // --- IPv6 (issue 18): a udp4 endpoint and a udp6 one on the same port, as the listener's
    // plan says (the wildcard both, an address its own stack only).
    const plan = listenPlan(this.listenHost()); // --- listen interface (issues 18, 21)
    const port = this.listener.port ?? 0;
    if (plan.v4) {
      const host = plan.v4;
      try {
        this.udp = await UdpEndpoint.open(host, port);
      } catch (err) {
        this.logger.log('warn', 'session', `UDP port ${port} unavailable (${errMessage(err)})`);
        this.udp = await UdpEndpoint.open(host, 0).catch(() => null);
      }
    }
    // Not when the listener found no IPv6 here (it has said so once already).
    if (plan.v6 && this.listener.listensV6) {
      const port6 = this.udp?.port ?? port;
      this.udp6 = await UdpEndpoint.open(plan.v6, port6, 'udp6').catch((err: unknown) => {
        this.logger.log('warn', 'session', `UDP over IPv6 unavailable (${errMessage(err)})`);
        return null;
      });
    }
    this.startUtp(); // --- uTP (issue 18)
  }

  private async reopenUdp(): Promise<void> {
    await this.dht.stop();
    await this.dht6.stop(); // --- IPv6 (issue 18)
    this.dhtApplied = null;
    this.stopUtp(); // --- uTP (issue 18)
    await this.udp?.close();
    this.udp = null;
    await this.udp6?.close(); // --- IPv6 (issue 18)
    this.udp6 = null;
    await this.openUdp();
  }

  /** The settings the DHT node runs with, to restart it only when they change. */
  private dhtApplied: string | null = null;

  /** Starts, stops or restarts the DHT node to match the settings. */
  private async applyDht(): Promise<void> {
    const want = this.settings.dhtEnabled && (this.udp !== null || this.udp6 !== null);
    const key = JSON.stringify(this.settings.dhtBootstrap);
    const running =
      (this.udp === null || this.dht.running) && (this.udp6 === null || this.dht6.running);
    if (want && running && this.dhtApplied === key) return;
    await this.dht.stop();
    await this.dht6.stop(); // --- IPv6 (issue 18)
    this.dhtApplied = null;
    if (!want || this.closed) return;
    const bootstrap = Array.isArray(this.settings.dhtBootstrap) ? this.settings.dhtBootstrap : [];
    const host = this.listenHost(); // --- listen interface (issues 18, 21)
    if (this.udp) await this.dht.start(this.udp, bootstrap, host);
    // --- IPv6, BEP 32 (issue 18): the v6 node on the udp6 endpoint, from the same list.
    if (this.udp6) await this.dht6.start(this.udp6, bootstrap, host);
    this.dhtApplied = key;
  }

  dhtStatus(): DhtStatus {
    const s = this.dht.stats();
    const s6 = this.dht6.stats(); // --- IPv6 (issue 18): both nodes count
    const raw: Record<string, number> = {};
    for (const t of this.torrents.values()) t.countCandidatesBySource(raw);
    // Trackers name themselves by URL; the status line counts them as one source.
    const peersBySource: Record<string, number> = {};
    for (const [source, n] of Object.entries(raw)) {
      const key = source.includes('://') ? 'tracker' : source;
      peersBySource[key] = (peersBySource[key] ?? 0) + n;
    }
    return {
      running: s.running || s6.running,
      nodes: s.nodes + s6.nodes,
      lookupsInFlight: s.lookupsInFlight + s6.lookupsInFlight,
      announces: s.announces + s6.announces,
      peersBySource,
    };
  }

  /** The DHT node, for tests inside the engine; null when off. */
  get dhtNode(): DhtNode | null {
    return this.dht.dhtNode;
  }

  /** --- IPv6, BEP 32 (issue 18): the IPv6 DHT node, for tests inside the engine; null when off. */
  get dht6Node(): DhtNode | null {
    return this.dht6.dhtNode;
  }

  /** The UDP port the DHT answers on; null without one. */
  get udpPort(): number | null {
    return this.udp?.port ?? this.udp6?.port ?? null; // --- IPv6 (issue 18): or the v6 one
  }

  // ---------------------------------------------------------------- LSD (issue 17)

  /** Starts or stops Local Service Discovery to match the options, the setting and our state. */
  private async applyLsd(): Promise<void> {
    const want = !this.closed && this.settings.lsdEnabled && !!this.opts.lsd;
    if (!want) {
      const lsd = this.lsd;
      this.lsd = null;
      await lsd?.stop();
      return;
    }
    if (this.lsd) return;
    const host = this.listenHost(); // --- listen interface (issues 18, 21)
    const lsd = new LsdService(
      {
        ...DEFAULT_LSD_OPTIONS,
        interface: host && host !== '0.0.0.0' && host.includes('.') ? host : undefined,
        ...(typeof this.opts.lsd === 'object' ? this.opts.lsd : {}),
      },
      {
        clock: this.clock,
        random: this.random,
        logger: this.logger,
        listenPort: () => this.listener.port ?? 0,
        announce: () =>
          [...this.torrents.values()]
            .filter((t) => allowsLsd(t.meta) && t.wantsPeers)
            .map((t) => t.id),
        found: (id, peer) => {
          const t = this.torrents.get(id);
          if (t && allowsLsd(t.meta) && t.wantsPeers)
            t.addCandidates([peer], 'lsd', LSD_MAX_CANDIDATES_PER_TORRENT);
        },
      },
    );
    this.lsd = lsd;
    try {
      await lsd.start();
    } catch (err) {
      if (this.lsd === lsd) this.lsd = null;
      this.logger.log('warn', 'lsd', `local service discovery is off: ${errMessage(err)}`);
    }
  }

  /** LSD is running (tests). */
  get lsdRunning(): boolean {
    return this.lsd?.running ?? false;
  }

  // ---------------------------------------------------------------- port mapping (issue 18)

  /**
   * Starts, stops or restarts the port mapper to match the options, the setting, our state and
   * the ports: a new listen or UDP port deletes the old mappings before mapping the new ones.
   */
  private async applyPortMapping(): Promise<void> {
    const tcp = this.listener.port;
    const udp = this.udp?.port ?? null;
    const want =
      !this.closed && this.settings.portMapping && !!this.opts.portMapping && tcp !== null;
    const current = this.portMapper;
    if (current && (!want || current.ports.tcp !== tcp || current.ports.udp !== udp)) {
      this.portMapper = null;
      await current.close();
      this.emit('port-mapping-changed', this.portMappingStatus());
    }
    if (!want || this.portMapper) return;
    const mapper = new PortMapper({
      clock: this.clock,
      random: this.random,
      ports: { tcp, udp },
      env: typeof this.opts.portMapping === 'object' ? this.opts.portMapping : {},
      description: 'Swarmscope',
      log: (level, message) => this.logger.log(level, 'portmap', message),
      changed: () => {
        if (this.portMapper === mapper) this.emit('port-mapping-changed', this.portMappingStatus());
      },
    });
    this.portMapper = mapper;
    mapper.start();
    this.emit('port-mapping-changed', this.portMappingStatus());
  }

  /** What the status bar and Settings show: each protocol's state, or why mapping is off. */
  portMappingStatus(): PortMappingStatus {
    return (
      this.portMapper?.status() ??
      portMappingOff({ tcp: this.listener.port, udp: this.udp?.port ?? null })
    );
  }

  // ---------------------------------------------------------------- shutdown

  private assertOpen(): void {
    if (this.closed) throw new EngineError('internal', 'the session is closed');
  }

  // ---------------------------------------------------------------- per-torrent actions (issue 21)

  /** After the list is restored: the saved queue order, the first decision, the tick. */
  private startQueue(): void {
    this.actions.restoreOrder();
    this.actions.applyQueue();
    this.queueTimer = this.clock.setInterval(() => this.actions.tick(), QUEUE_TICK_MS);
  }

  /** "Reannounce now": every tracker at once (past its interval) and the DHT. */
  reannounce(id: TorrentId): void {
    const m = this.magnets.get(id);
    // A magnet still fetching asks the DHT again (its trackers announce on their own timer).
    if (m) return this.dht.announceNow(id);
    const t = this.get(id);
    t.reannounce();
    if (!t.meta.private) this.dht.announceNow(id);
  }

  /**
   * "Add peer…" with a host name or an address: a name is resolved once, and each address it
   * has becomes a candidate added by hand.
   */
  async addPeerHost(id: TorrentId, host: string, port: number): Promise<void> {
    if (!this.has(id)) throw new EngineError('not-found', `no torrent ${id}`);
    if (isIP(host) !== 0) return this.addPeer(id, host, port);
    let found: { address: string }[];
    try {
      found = await dns.lookup(host, { all: true });
    } catch (err) {
      throw new EngineError(
        'bad-request',
        `cannot find the address of ${host}: ${errMessage(err)}`,
      );
    }
    if (found.length === 0) throw new EngineError('bad-request', `${host} has no address`);
    this.feedPeers(
      id,
      found.map((a) => ({ address: a.address, port })),
      'manual',
    );
  }

  /** Replaces a torrent's trackers (tiers of URLs); kept in its resume data. */
  async setTrackers(id: TorrentId, tiers: string[][]): Promise<void> {
    const t = this.get(id);
    const same = JSON.stringify(tiers) === JSON.stringify(t.meta.announceList);
    await t.setTrackers(same ? null : tiers);
    await this.resumeWriter?.saveNow(id);
    this.emit('torrent-changed', id);
  }

  trackerTiers(id: TorrentId): string[][] {
    const m = this.magnets.get(id);
    if (m) return m.trackerStatuses().map((s) => [s.url]);
    return this.get(id)
      .announceList()
      .map((tier) => [...tier]);
  }

  setLimits(id: TorrentId, limits: TorrentLimits): void {
    this.get(id);
    this.actions.setLimits(id, limits);
    this.saveListInBackground();
    this.emit('torrent-changed', id);
  }

  setSequential(id: TorrentId, sequential: boolean, firstLast: boolean): void {
    this.get(id);
    this.actions.setPickOrder(id, sequential, firstLast);
    this.saveListInBackground();
    this.emit('torrent-changed', id);
  }

  queueMove(ids: TorrentId[], how: QueueMove): void {
    for (const id of ids) this.get(id);
    if (!this.actions.move(ids, how)) return;
    this.actions.applyQueue();
    this.saveListInBackground();
    for (const id of this.torrents.keys()) this.emit('torrent-changed', id);
  }

  /** Start now, past the queue; Pause or Resume ends it. */
  async forceStart(id: TorrentId): Promise<void> {
    const m = this.magnets.get(id);
    if (m) return this.resume(id);
    const t = this.get(id);
    this.actions.setForced(id, true);
    this.setPersisted(id, { paused: false });
    void this.resumeWriter?.saveNow(id);
    this.actions.applyQueue(id);
    await t.start();
    this.emit('torrent-changed', id);
  }

  // --- labels (issue 21) ---
  /** One label for a torrent (null clears it); kept in session.json. */
  setLabel(id: TorrentId, label: string | null): void {
    this.get(id);
    const text = label === null ? null : normalizeLabel(label);
    const problem = text === null ? null : labelProblem(text);
    if (problem) throw new EngineError('bad-request', `label ${problem}`);
    this.setPersisted(id, { label: text });
    this.saveListInBackground();
    this.emit('torrent-changed', id);
  }

  private labelled(s: TorrentSummary): TorrentSummary {
    return { ...s, label: this.persisted.get(s.id)?.label ?? null };
  }
  // --- end labels ---

  /** The queue order (first = next to run), for the CLI and tests. */
  queueOrder(): readonly TorrentId[] {
    return this.actions.queue.ids;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.jobs.abortAll();
    this.totalsTimer?.cancel();
    this.totalsTimer = null;
    this.queueTimer?.cancel(); // --- issue 21
    this.queueTimer = null;
    this.altSpeed.stop(); // --- alternative speed limits (issue 21)
    await Promise.all([...this.torrents.values()].map((t) => t.close()));
    await Promise.all([...this.magnets.values()].map((m) => m.close()));
    this.announceQueue.close(); // --- issue 20: after every `stopped` went out (or timed out)
    await this.resumeWriter?.close();
    await this.trackerHost.stop();
    await this.applyLsd(); // --- LSD (issue 17): closed, so it stops
    await this.applyPortMapping(); // --- port mapping (issue 18): closed, so it unmaps (bounded)
    await this.listener.close();
    // --- DHT (issue 17) and uTP (issue 18)
    await this.dht.stop();
    await this.dht6.stop(); // --- IPv6 (issue 18)
    this.stopUtp();
    await this.udp?.close();
    this.udp = null;
    await this.udp6?.close(); // --- IPv6 (issue 18)
    this.udp6 = null;
    // Last, so the totals of this run are on disk.
    if (this.store) {
      await this.store
        .saveList()
        .catch((err: unknown) =>
          this.logger.log('error', 'session', `saving the torrent list failed: ${errMessage(err)}`),
        );
      await this.store.idle();
    }
    await this.magnetStore?.idle();
    await this.hashWritePool.close();
    this.logger.close();
    this.emitter.removeAllListeners();
  }
}

// --- DHT (issue 17) ---
/** Sources that a private torrent (BEP 27) must not take peers from. */
function dhtView(t: Torrent): DhtTorrentView {
  return { infoHashHex: t.meta.infoHashHex, private: t.meta.private, state: t.currentState };
}

/** A magnet is not private as far as anyone can know, and wants peers while it fetches. */
function magnetDhtView(m: MagnetTorrent): DhtTorrentView {
  const state = m.currentState === 'fetching-metadata' ? 'downloading' : m.currentState;
  return { infoHashHex: m.id, private: false, state };
}

// --- end DHT ---

// --- a thousand torrents (issue 20) ---
/** The concurrency setting, whole and in range whatever an old or edited settings.json says. */
function announceConcurrency(s: Settings): number {
  const n = Math.floor(Number(s.maxConcurrentAnnounces));
  return Number.isFinite(n) && n >= 1
    ? Math.min(n, maxConcurrentAnnouncesLimit)
    : defaultMaxConcurrentAnnounces;
}

function mergeSettings(base: Settings, patch: SettingsPatch | Partial<Settings>): Settings {
  const tracker = { ...defaultTrackerServerSettings, ...base.tracker, ...(patch.tracker ?? {}) };
  const merged = { ...base, ...patch, tracker } as Settings;
  return merged;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
