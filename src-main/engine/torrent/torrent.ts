/**
 * One torrent: its lifecycle, and the wiring of the pure parts (picker, choker, candidates, ban
 * policy, download pipeline, uploader, counters, snapshot; built in torrent-parts.ts) to the
 * effectful ones (peer connections, storage, tracker client, hash pool).
 *
 * Invariants:
 * - A piece counts as had only after its SHA-1 matched; then it is written to storage once.
 * - Every block we request is tracked by the picker until it arrives, is rejected, times out or
 *   its peer goes away; outside endgame no block is in flight twice.
 * - A peer's fault closes that peer with a CloseReason; an I/O fault puts this torrent (only) in
 *   the error state with a message.
 * - Nothing is left running after `stop()`: timers, sockets, tracker requests.
 */
import type net from 'node:net';
import type {
  FilePriority,
  FileProgress,
  PeerEvent,
  PeerSnapshot,
  PeerSource,
  PieceMapFull,
  SeedingStats,
  TorrentState,
  TorrentSummary,
  TrackerStatus,
} from '../../../src-shared/model';
// --- timeline (issue 19) ---
import type { TimelineView } from '../../../src-shared/model';
import type { Metainfo } from '../metainfo';
import type { TimerHandle } from '../time/clock';
import type { PiecePicker } from '../picker';
import { ChokeScheduler } from '../choker';
import type { FileLayout } from '../storage/file-layout';
import type { Storage } from '../storage/storage';
import type { TrackerClient } from '../tracker/client';
import type { Handshake } from '../wire';
import { FILES_PRESENCE_CHECK_MS } from '../limits';
import { resolveInside } from '../metainfo';
import type { ErrorCode } from '../../../src-shared/model';
import { faultCode, filesMissingError, filesMissingText, filesWithData } from './files-missing';
import { isFilesMissing } from './files-missing';
import { checkPartPieces } from './part-check';
import {
  CONNECT_TICK_MS,
  DEFAULT_UNCHOKE_SLOTS,
  PEX_MAX_CANDIDATES_PER_TORRENT,
  TORRENT_TICK_MS,
} from '../limits';
import type { PeerTransport } from '../peer/transport';
import { CandidateList } from './candidates';
import { buildParts, newPicker } from './torrent-parts';
import type { TorrentParts } from './torrent-parts';
import { IdleSeedAnnounce } from './idle-announce';
import type { PeerEventLog } from './log-ring';
import type { DataCheck } from './data-check';
import type { FilePriorities } from './file-priorities';
import { faultMessage, idleTrackerStatuses } from './status';
import { firstLastPieces } from '../picker/first-last'; // --- issue 21
import { TorrentSnapshot } from './snapshot';
import { PeerWiring, chokeView, trackerClientFor } from './peer-wiring';
import { Downloader } from './downloader';
import type { PeerState, TorrentContext, TorrentDeps, TorrentOptions } from './torrent-context';
import { TransferCounters } from './transfer-counters';
import { PieceCompletion, trackCompletion } from '../storage/piece-completion';
import { withWriteback } from '../storage/writeback';
import { MAX_RESUME_PEERS } from '../session/resume-file';
import type { ResumeData } from '../session/resume-file';
import { fileStamps } from './data-check';
import { PexExchange } from './pex';
import { allowsPex } from './peer-sources';
// --- explainer (issue 19, issue 21) ---
import { ConnectFailures } from './connect-failures';
import { StallWatch } from './stall-watch';
import { explainPeers, explainSummary } from './explain-view';
import { PieceOrigins } from './piece-origins'; // --- piece origins (issue 19)
// --- uTP (issue 18) ---

export type { TorrentDeps, TorrentOptions } from './torrent-context';

/** Seconds active are saved in resume data at this granularity (see resumeVersion). */
const ACTIVE_SAVE_STEP_SEC = 600;

export class Torrent {
  readonly meta: Metainfo;
  readonly id: string;
  readonly layout: FileLayout;
  readonly savePath: string;
  readonly addedAt: number;
  private readonly storage: Storage;
  private picker: PiecePicker;
  private readonly peers = new Map<string, PeerState>();
  private readonly candidates = new CandidateList();
  private readonly parts: TorrentParts;
  private readonly downloader: Downloader;
  private readonly wiring: PeerWiring;
  private readonly failedPieces = new Set<number>();
  private maxConnections: number;
  private state: TorrentState = 'paused';
  private stopped = true;
  private readonly choker: ChokeScheduler;
  private readonly counters: TransferCounters;
  private readonly log: PeerEventLog;
  private readonly files: FilePriorities;
  private readonly dataCheck: DataCheck;
  private readonly useTrackers: boolean;
  private tracker: TrackerClient | null = null;
  private timers: TimerHandle[] = [];
  private errorMessage: string | null = null;
  private errorCode: ErrorCode | null = null;
  private readonly snapshot: TorrentSnapshot;
  private completedAt: number | null = null;
  private seedingSince: number | null = null;
  private readonly idleAnnounce = new IdleSeedAnnounce();
  // --- resume data (issue 15) ---
  /** Which pieces are verified on disk; the storage marks them (storage/piece-completion.ts). */
  readonly completion: PieceCompletion;
  /** Resume data to use at the first check, then dropped (a recheck checks everything). */
  private pendingResume: ResumeData | null;
  /** The files to stamp (size, mtime) in resume data; null keeps none. */
  private readonly stampPaths: string[] | null;
  /** Peers added by hand, oldest first, remembered in the resume data. */
  private readonly manualPeers = new Map<string, { address: string; port: number }>();
  /** Moves on changes the resume data holds besides pieces and counters (priorities, peers). */
  private resumeChanges = 0;
  /** The resumed check of a paused torrent while it runs (checkWhilePaused); start() awaits it. */
  private pausedCheck: Promise<void> | null = null;
  // --- PEX (issue 17) ---
  private readonly pex: PexExchange;
  // --- explainer (issue 19, issue 21) ---
  private readonly connectFailures = new ConnectFailures();
  private readonly stall = new StallWatch();
  // --- piece origins (issue 19) ---
  private readonly origins: PieceOrigins;
  // --- per-torrent actions (issue 21) ---
  private sequential = false;
  private firstLast = false;
  /** Trackers edited by the user; null = the .torrent's own announce list. */
  private trackerList: string[][] | null = null;

  constructor(
    opts: TorrentOptions,
    private readonly deps: TorrentDeps,
  ) {
    const { meta } = opts;
    this.meta = meta;
    this.id = meta.infoHashHex;
    this.savePath = opts.savePath;
    this.addedAt = opts.addedAt;
    this.counters = new TransferCounters(deps.clock, opts.priorTotals);
    this.completion = new PieceCompletion(meta.pieceCount);
    // Synced as it downloads (storage/writeback.ts), so completion waits on little.
    this.storage = trackCompletion(withWriteback(opts.storage), this.completion);
    this.pendingResume = opts.resume ?? null;
    // --- piece origins (issue 19): restored from the resume data when it kept them.
    this.origins = new PieceOrigins(meta.pieceCount, meta.pieceLength);
    if (opts.resume?.origins) this.origins.restore(opts.resume.origins);
    this.stampPaths = opts.stampPaths ?? null;
    this.maxConnections = opts.maxConnections;
    this.useTrackers = opts.useTrackers ?? true;
    this.parts = buildParts({ ...opts, storage: this.storage }, deps, {
      picker: () => this.picker,
      running: () => !this.stopped,
      sent: (peerKey, bytes) => this.counters.sent(peerKey, bytes),
      fail: (operation, err) => this.fail(operation, err),
    });
    ({
      layout: this.layout,
      files: this.files,
      dataCheck: this.dataCheck,
      log: this.log,
    } = this.parts);
    this.picker = newPicker(this.meta, this.deps.random);
    // --- PEX (issue 17): never for a private torrent (BEP 27), and only with the setting on.
    this.pex = new PexExchange({
      enabled: () => allowsPex(meta) && (deps.pexEnabled?.() ?? true),
      learn: (peers) => this.addCandidates(peers, 'pex', PEX_MAX_CANDIDATES_PER_TORRENT),
      log: (peer, dir, detail) => this.log.peer(peer, dir, 'extended', detail),
      ownPort: () => deps.listenPort(),
    });
    this.choker = new ChokeScheduler({
      clock: deps.clock,
      random: deps.random,
      unchokeSlots: opts.unchokeSlots ?? DEFAULT_UNCHOKE_SLOTS,
      peers: () => chokeView(this.peers.values()),
      seeding: () => this.isComplete(),
      apply: (unchoke, optimistic) => this.wiring.applyChokes(unchoke, optimistic),
    });
    const ctx = this.context();
    this.downloader = new Downloader(ctx);
    this.wiring = new PeerWiring(ctx, this.downloader);
    this.files.applyTo(this.picker);
    this.snapshot = new TorrentSnapshot(ctx, {
      savePath: this.savePath,
      addedAt: this.addedAt,
      files: this.files,
      counters: this.counters,
      life: () => ({
        state: this.state,
        error: this.errorMessage,
        checkedBytes: this.dataCheck.checkedBytes,
        completedAt: this.completedAt,
        seedingSince: this.seedingSince,
      }),
    });
    if (opts.complete) {
      for (let i = 0; i < meta.pieceCount; i++) this.picker.setHave(i);
      this.completion.replace(new Uint8Array(meta.pieceCount).fill(1));
    }
    if (this.pendingResume) this.applyResume(this.pendingResume);
  }

  /** What the resume data restores besides pieces: file priorities and peers added by hand. */
  private applyResume(r: ResumeData): void {
    const byPriority = new Map<string, number[]>();
    r.priorities.forEach((p, i) => byPriority.set(p, [...(byPriority.get(p) ?? []), i]));
    for (const [p, files] of byPriority) this.files.set(files, p as FilePriority);
    this.files.applyTo(this.picker);
    if (r.peers.length > 0) this.addCandidates(r.peers, 'manual');
    // --- issue 21: a tracker list the user edited comes back from the resume data.
    if (JSON.stringify(r.trackers) !== JSON.stringify(this.meta.announceList))
      this.trackerList = r.trackers.map((tier) => [...tier]);
  }

  /** What the peer wiring and the downloader may see of this torrent. */
  private context(): TorrentContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter must see a new picker (recheck)
    const torrent = this;
    return {
      get picker() {
        return torrent.picker;
      },
      id: this.id,
      meta: this.meta,
      deps: this.deps,
      storage: this.storage,
      peers: this.peers,
      candidates: this.candidates,
      pex: this.pex,
      // The parts are passed whole; TorrentContext's type names the ones the wiring may use.
      ...this.parts,
      failedPieces: this.failedPieces,
      origins: this.origins, // --- piece origins (issue 19)
      maxConnections: () => this.maxConnections,
      stopped: () => this.stopped,
      state: () => this.state,
      isComplete: () => this.isComplete(),
      fail: (op, err) => this.fail(op, err),
      completed: () => void this.onCompleted(),
      downloaded: (bytes) => {
        this.counters.received(bytes);
        this.stall.received(this.deps.clock.now()); // --- explainer (issue 21)
      },
      peerInterestChanged: (key) => this.choker.onPeerInterested(key),
      peerGone: (key) => this.choker.onPeerGone(key),
      keepTimer: (timer) => this.timers.push(timer),
      logPeer: (peer, dir, type, detail) => this.log.peer(peer, dir, type, detail),
      logLocal: (peer, type, detail) => this.log.local(peer, type, detail),
      connectFailures: this.connectFailures, // --- explainer (issue 19)
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Check what is on disk (with progress), then join the swarm. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    if (this.pausedCheck) await this.pausedCheck;
    if (!this.stopped) return;
    this.stopped = false;
    this.errorMessage = null;
    this.errorCode = null;
    this.counters.setActive(true);
    this.connectFailures.reset(); // --- explainer (issue 19): counts since this start
    // Skipped files are not created: the storage learns which before anything is read.
    const wanted = await this.applyWantedFiles();
    if (!wanted || this.stopped) return;
    const checked = this.picker.haveCount() === 0 || !!this.pendingResume;
    if (checked) {
      const ok = await this.check();
      if (!ok) return;
    }
    if (this.stopped) return;
    // Data we count as had must still be there (a restart, or Resume after "files missing").
    this.storage.expectFiles?.(filesWithData(this.layout, (i) => this.picker.have(i)));
    // Issue 20: a check just now counted only files it found; looking again cost a thousand
    // torrents' start another stat of every file.
    if ((!checked && !(await this.filesPresent())) || this.stopped) return;
    this.state = this.isComplete() ? 'seeding' : 'downloading';
    if (this.isComplete()) {
      if (this.seedingSince === null) this.seedingSince = this.deps.clock.now();
      await this.storage.ensureFiles?.().catch((err: unknown) => this.fail('create files', err));
    }
    this.candidates.onTorrentStarted();
    this.timers.push(this.deps.clock.setInterval(() => this.connectTick(), CONNECT_TICK_MS));
    this.timers.push(this.deps.clock.setInterval(() => this.tick(), TORRENT_TICK_MS));
    this.timers.push(
      this.deps.clock.setInterval(() => void this.filesPresent(), FILES_PRESENCE_CHECK_MS),
    );
    this.choker.start();
    if (this.useTrackers && this.announceList().length > 0) {
      this.tracker = trackerClientFor(
        { ...this.meta, announceList: this.announceList() }, // --- issue 21: edited trackers
        this.deps,
        () => ({ ...this.counters.thisRun(), left: this.snapshot.leftBytes() }),
        // The tracker client names the tracker's URL; the Peers tab shows the kind (issue 17).
        (peers) => this.addCandidates(peers, 'tracker'),
      );
      this.tracker.start();
    }
    this.deps.changed();
    this.connectTick();
  }

  /** Leave the swarm: close peers, stop timers, tell trackers; data stays. */
  async stop(state: TorrentState = 'paused'): Promise<void> {
    const wasRunning = !this.stopped;
    this.stopped = true;
    this.counters.setActive(false);
    this.dataCheck.cancel();
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.choker.stop();
    this.stall.reset(); // --- explainer (issue 21)
    for (const p of [...this.peers.values()]) p.conn.close('not-wanted');
    this.wiring.stopHandshakes(); // --- encryption (issue 18)
    // Partial pieces are dropped: their blocks must be fetched again, with no blame.
    for (const index of this.parts.assembly.abandonAll()) this.picker.onPieceAbandoned(index);
    this.parts.readCache.clear();
    this.origins.clearPartial(); // --- piece origins (issue 19)
    const tracker = this.tracker;
    this.tracker = null;
    if (tracker) await tracker.stop();
    if (wasRunning || this.state !== 'error') this.state = state === 'error' ? 'error' : state;
    await this.storage.flush().catch((err: unknown) => this.fail('flush', err));
    this.deps.changed();
  }

  /**
   * Verify local data again (files changed, deleted or restored behind our back, or to leave the
   * error state once the cause is fixed): stop, forget every piece, check them all, then join
   * the swarm, or, with `resume: false` (a paused torrent), stay paused with the pieces counted.
   */
  async recheck(opts: { resume?: boolean } = {}): Promise<void> {
    await this.stop();
    // A fresh picker: it knows no piece, so start() checks them all. Peers are gone, so it
    // owes nobody a request; a write still landing reports to the old one, which is dropped.
    this.picker = newPicker(this.meta, this.deps.random);
    this.files.applyTo(this.picker);
    this.applyPickOrder(); // --- issue 21
    // Nothing is trusted until checked again: a recheck cut short leaves no stale claim behind.
    this.pendingResume = null;
    this.completion.replace(new Uint8Array(this.meta.pieceCount));
    this.failedPieces.clear();
    this.errorMessage = null;
    this.errorCode = null;
    this.state = 'paused';
    if (opts.resume === false) {
      this.stopped = false;
      const ok = await this.check();
      if (!this.stopped) {
        this.stopped = true;
        if (ok) this.state = 'paused';
      }
      this.deps.changed();
      return;
    }
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.storage.close();
  }

  async removeData(): Promise<void> {
    await this.storage.remove();
  }

  /**
   * The data check: true when it finished and the picker holds what it found. With resume data
   * (the first check after a restart), unchanged files are trusted and only changed ones read.
   */
  private async check(opts: { quiet?: boolean } = {}): Promise<boolean> {
    if (!opts.quiet) this.state = 'checking';
    const resume = this.pendingResume;
    const paths = this.stampPaths;
    const failed = (err: unknown): null => {
      this.fail('check', err);
      return null;
    };
    let verified: Uint8Array | null;
    let how = 'every piece hashed';
    /** The check read data: its result is worth saving at once (a trusting one is not). */
    let hashed = true;
    if (resume && paths) {
      const r = await this.dataCheck.runResumed(resume, paths).catch(failed);
      verified = r?.verified ?? null;
      if (r) {
        const o = r.outcome;
        hashed = o.recheckedPieces > 0 || o.changedFiles.length > 0;
        how =
          `resume data: ${o.trustedPieces} pieces trusted, ${o.recheckedPieces} pieces ` +
          `(${o.recheckedBytes} bytes) hashed again` +
          (o.changedFiles.length > 0 ? `, files changed: ${o.changedFiles.join(' ')}` : '') +
          (o.missingFiles.length > 0 ? `, files missing: ${o.missingFiles.join(' ')}` : '');
      }
    } else {
      verified = await this.dataCheck.run().catch(failed);
    }
    if (!verified) return false;
    // Pieces shared with skipped files have bytes in the part file, which the check cannot see.
    const partsOk = await checkPartPieces(this.checkInput(), verified, () => this.stopped).then(
      () => true,
      (err: unknown) => (this.fail('check', err), false),
    );
    if (!partsOk) return false;
    this.pendingResume = null;
    // Pieces already had (a write landed during the check) stay had.
    for (let i = 0; i < verified.length; i++)
      if (this.picker.have(i)) verified[i] = 1;
      else if (verified[i]) this.picker.setHave(i);
    this.completion.replace(verified);
    this.deps.checked?.(hashed);
    const { name, pieceCount } = this.meta;
    const found = `${this.picker.haveCount()}/${pieceCount} pieces on disk`;
    this.deps.log.log(
      'info',
      `torrent ${this.id.slice(0, 8)}`,
      `checked ${name}: ${found} (${how})`,
    );
    return true;
  }

  /**
   * A paused torrent restored with resume data: the resumed check (cheap when nothing changed)
   * gives it its progress back while it stays paused, in state and in fact (no peer, no
   * timer). A start() meanwhile waits for it, then goes on with what it found.
   */
  checkWhilePaused(): Promise<void> {
    if (!this.stopped || !this.pendingResume) return Promise.resolve();
    this.pausedCheck ??= this.check({ quiet: true }).then(() => {
      this.pausedCheck = null;
      this.deps.changed();
    });
    return this.pausedCheck;
  }

  /**
   * This torrent's resume data now. The bitfield is taken before the files are stamped: a
   * piece written in between moves a file's mtime, so it can only make the next start check
   * more, never trust a piece that is not on disk.
   */
  async resumeData(now: number, paused: boolean): Promise<ResumeData> {
    const verified = this.completion.bitfield();
    const stamps = this.stampPaths
      ? await fileStamps(this.meta, this.stampPaths)
      : this.meta.files.map(() => null);
    return {
      infoHash: this.id,
      savePath: this.savePath,
      pieceCount: this.meta.pieceCount,
      verified,
      files: stamps,
      paused,
      uploadedBytes: this.counters.uploadedBytes,
      downloadedBytes: this.counters.downloadedBytes,
      activeSeconds: this.counters.activeSeconds,
      priorities: this.meta.files.map((_, i) => this.files.get(i)),
      peers: [...this.manualPeers.values()],
      trackers: this.announceList().map((tier) => [...tier]), // --- issue 21: edited ones
      savedAt: Math.max(0, Math.floor(now)),
      origins: this.origins.record(), // --- piece origins (issue 19)
    };
  }

  /** Moves whenever the resume data would differ (pieces, counters, priorities, peers). */
  resumeVersion(): string {
    const c = this.counters;
    // Seconds active move all the time; they count as a change every ACTIVE_SAVE_STEP_SEC only,
    // so an idle seed is not rewritten at every batch.
    const active = Math.floor(c.activeSeconds / ACTIVE_SAVE_STEP_SEC);
    // Piece origins (issue 19) move with verified pieces, and their labels with new peers.
    return `${this.completion.version}:${this.resumeChanges}:${c.uploadedBytes}:${c.downloadedBytes}:${active}:${this.origins.version}`;
  }

  private checkInput(): Parameters<typeof checkPartPieces>[0] {
    const { meta, layout, storage } = this;
    return { meta, layout, storage, hashWritePool: this.deps.hashWritePool };
  }

  /** Tells the storage which files are wanted; false after a fault (then the torrent failed). */
  private async applyWantedFiles(): Promise<boolean> {
    try {
      await this.storage.setFilesWanted?.(this.files.wantedFlags());
      return true;
    } catch (err) {
      this.fail('move', err);
      return false;
    }
  }

  /**
   * The files holding verified data are all there; if not, the torrent stops with "files
   * missing" (before it could fetch that data again as if it were new).
   */
  private async filesPresent(): Promise<boolean> {
    if (this.stopped || this.state === 'checking') return true;
    const gone = await this.storage.missingFiles?.().catch(() => []);
    if (gone === undefined || gone.length === 0 || this.stopped) return true;
    const paths = gone.map((i) =>
      resolveInside(this.savePath, (this.meta.files[i] as { path: string[] }).path),
    );
    this.fail('files', filesMissingError(paths));
    return false;
  }

  private async onCompleted(): Promise<void> {
    if (this.state !== 'downloading') return;
    try {
      await this.storage.ensureFiles?.();
      await this.storage.flush();
    } catch (err) {
      this.fail('flush', err);
      return;
    }
    if (this.stopped) return;
    this.state = 'seeding';
    this.completedAt = this.deps.clock.now();
    this.seedingSince = this.completedAt;
    this.wiring.afterCompleted();
    this.tracker?.completed();
    this.deps.log.log('info', `torrent ${this.id.slice(0, 8)}`, `completed ${this.meta.name}`);
    this.deps.completed();
    this.deps.changed();
  }

  /**
   * An I/O fault: the torrent stops in the error state. The first fault wins: what fails after
   * it (the flush in stop(), writes queued behind a full disk) is a consequence, logged but not
   * raised again, so one fault gives one state, one message and one alert (issue 16 item 7).
   */
  private fail(operation: string, err: unknown): void {
    const missing = isFilesMissing(operation, err);
    const message = missing ? filesMissingText(err) : faultMessage(operation, err);
    if (this.errorMessage !== null) {
      this.deps.log.log('warn', `torrent ${this.id.slice(0, 8)}`, `after the error: ${message}`);
      return;
    }
    this.errorMessage = message;
    this.errorCode = faultCode(operation, err);
    this.deps.log.log('error', `torrent ${this.id.slice(0, 8)}`, `${this.meta.name}: ${message}`);
    void this.stop('error');
    this.state = 'error';
    this.deps.failed(message);
    this.deps.changed();
  }

  // ---------------------------------------------------------------- peers and periodic work

  addCandidates(
    peers: { address: string; port: number }[],
    source: PeerSource,
    maxFromSource?: number,
  ): void {
    if (source === 'manual') {
      for (const p of peers) {
        const key = `${p.address}:${p.port}`;
        this.manualPeers.delete(key);
        this.manualPeers.set(key, { address: p.address, port: p.port });
        if (this.manualPeers.size > MAX_RESUME_PEERS)
          this.manualPeers.delete(this.manualPeers.keys().next().value as string);
      }
      this.resumeChanges++;
    }
    this.candidates.add(
      peers,
      source,
      (address, port) => this.parts.bans.isAddressBanned(address, port),
      maxFromSource,
    );
    if (!this.stopped && this.state !== 'checking') this.connectTick();
  }

  /** Adds this torrent's known addresses per source to `into` (issue 17: DHT status line). */
  countCandidatesBySource(into: Record<string, number>): void {
    this.candidates.countBySource(into);
  }

  /** An incoming connection whose handshake named this torrent. */
  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    this.wiring.acceptIncoming(socket, handshake, rest);
  }

  // --- uTP (issue 18) ---
  /** An incoming uTP connection whose handshake named this torrent. */
  acceptIncomingTransport(
    transport: PeerTransport,
    port: number,
    handshake: Handshake,
    rest: Uint8Array,
  ): void {
    this.wiring.acceptIncomingTransport(transport, port, handshake, rest);
  }

  // --- encryption, MSE/PE (issue 18) ---
  /** An incoming connection whose MSE handshake named this torrent. */
  acceptEncrypted(transport: PeerTransport, address: string, port: number): void {
    this.wiring.acceptEncrypted(transport, address, port);
  }

  private connectTick(): void {
    if (this.stopped || this.state === 'error' || this.state === 'checking') return;
    this.wiring.dialDue(this.deps.clock.now());
  }

  private tick(): void {
    const now = this.deps.clock.now();
    // Issue 20: within the tracker's min interval, and paced with the other seeds' announces:
    // forced, a thousand idle seeds asked every 20 s whatever the tracker said.
    if (this.idleAnnounce.due(now, this.state === 'seeding', this.peers.size, this.seedingSince))
      this.tracker?.announceNow({ background: true });
    this.downloader.tick(now);
    this.pex.tick(now, this.peers.values());
    this.counters.sampleUpRate();
    this.stall.observe(this.state === 'downloading', now); // --- explainer (issue 21)
    this.deps.changed();
  }

  // ---------------------------------------------------------------- queries

  isBanned(key: string): boolean {
    return this.parts.bans.isBanned(key);
  }

  isComplete(): boolean {
    return this.picker.isComplete();
  }

  get currentState(): TorrentState {
    return this.state;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  summary(): TorrentSummary {
    const s = this.snapshot.summary();
    const base =
      this.errorCode !== null && s.error !== null ? { ...s, errorCode: this.errorCode } : s;
    // --- explainer (issue 19, issue 21): the diagnosis, and 'stalled' ---
    const now = this.deps.clock.now();
    return explainSummary(base, {
      state: this.state,
      errorCode: this.errorCode,
      peers: this.peers.values(),
      picker: this.picker,
      trackers: this.trackerStatuses(),
      candidates: this.candidates.size,
      failures: this.connectFailures.snapshot(),
      throttledAt: this.downloader.throttledAt,
      downLimitBps: this.deps.downBucket.rateBps,
      stalledSince: this.stall.stalledSince(now),
      now,
    });
  }

  peerSnapshots(): PeerSnapshot[] {
    // --- explainer (issue 19): each peer's reasons ---
    return explainPeers(
      this.snapshot.peerSnapshots(),
      this.peers,
      this.picker,
      this.meta.pieceCount,
      (key) => this.choker.reasonFor(key),
    );
  }

  pieceMap(): PieceMapFull {
    // --- piece origins (issue 19): sent like availability (src-shared/model/pieces.ts).
    return {
      ...this.snapshot.pieceMap(),
      origins: this.origins.origins.slice(),
      originPeers: this.origins.peers(),
    };
  }

  trackerStatuses(): TrackerStatus[] {
    return this.tracker ? this.tracker.statuses() : idleTrackerStatuses(this.announceList());
  }

  fileProgress(): FileProgress[] {
    return this.snapshot.fileProgress();
  }

  seedingStats(): SeedingStats {
    return this.snapshot.seedingStats();
  }

  recentLog(): PeerEvent[] {
    return this.log.recent();
  }

  // --- timeline (issue 19) ---
  timelineView(since: number): TimelineView {
    return this.parts.timeline.view(since);
  }

  setFilePriority(files: number[], priority: FilePriority): void {
    this.files.set(files, priority);
    this.files.applyTo(this.picker);
    this.applyPickOrder(); // --- issue 21: first/last follow the wanted files
    this.resumeChanges++;
    void this.applyWantedFiles();
    if (!this.stopped && this.state === 'seeding' && !this.isComplete()) {
      this.state = 'downloading';
      // The seeds we let go as a seed are worth dialling again now.
      this.candidates.onTorrentStarted();
      this.connectTick();
    }
    for (const p of this.peers.values()) this.downloader.afterAvailabilityChanged(p);
    this.deps.changed();
  }

  setMaxConnections(n: number): void {
    this.maxConnections = n;
    // --- issue 21: a lower cap applies now, not only to the next dial: the newest go first.
    const extra = this.peers.size - n;
    if (extra > 0) {
      for (const p of [...this.peers.values()].slice(-extra)) p.conn.close('not-wanted');
    }
  }

  // --- per-torrent actions (issue 21) ---
  /** Sequential download and first/last pieces first; kept across rechecks. */
  setPickOrder(sequential: boolean, firstLast: boolean): void {
    this.sequential = sequential;
    this.firstLast = firstLast;
    this.applyPickOrder();
    for (const p of this.peers.values()) this.downloader.afterAvailabilityChanged(p);
  }

  private applyPickOrder(): void {
    this.picker.setSequential(this.sequential);
    const wanted = this.files.wantedFlags();
    this.picker.setBoosted(
      this.firstLast
        ? firstLastPieces(
            this.meta.files.map((_, f) => this.layout.piecesOfFile(f)),
            (f) => wanted[f] === true,
          )
        : [],
    );
  }

  /** The trackers announced to: the user's edited list, or the .torrent's own. */
  announceList(): string[][] {
    return this.trackerList ?? this.meta.announceList;
  }

  /** Replaces the tracker list (tiers of URLs); a running torrent announces to the new one. */
  async setTrackers(tiers: string[][] | null): Promise<void> {
    this.trackerList = tiers;
    this.resumeChanges++;
    const old = this.tracker;
    if (!old) return;
    this.tracker = null;
    await old.stop();
    if (this.stopped || !this.useTrackers || this.announceList().length === 0) return;
    this.tracker = trackerClientFor(
      { ...this.meta, announceList: this.announceList() },
      this.deps,
      () => ({ ...this.counters.thisRun(), left: this.snapshot.leftBytes() }),
      (peers) => this.addCandidates(peers, 'tracker'),
    );
    this.tracker.start();
    this.deps.changed();
  }

  /** "Reannounce now": every tracker at once, past its minimum interval. */
  reannounce(): void {
    this.tracker?.announceNow({ force: true });
  }

  /** Joined the swarm (or checking to); false while paused, queued, or stopped by an error. */
  get isRunning(): boolean {
    return !this.stopped;
  }

  /** When it started seeding in this run, for seeding-time limits; null when not seeding. */
  get seedingSinceMs(): number | null {
    return this.state === 'seeding' ? this.seedingSince : null;
  }

  /** Never checked in this run and no resume data: what is on disk is unknown. */
  get unchecked(): boolean {
    return this.picker.haveCount() === 0 && this.pendingResume === null;
  }

  /** Has every wanted piece, or (not yet checked) its resume data says so. */
  get looksComplete(): boolean {
    if (this.isComplete()) return true;
    const r = this.pendingResume;
    if (r === null) return false;
    for (let i = 0; i < this.meta.pieceCount; i++)
      if ((((r.verified[i >> 3] as number) >> (7 - (i & 7))) & 1) === 0) return false;
    return true;
  }

  announceNow(): void {
    this.tracker?.announceNow();
  }

  // --- peer sources (issue 17) ---
  /** New addresses each source gave this torrent (the status line's per-source counts). */
  peerSourceCounts(): Partial<Record<PeerSource, number>> {
    return this.candidates.learned();
  }

  /** Running and wanting peers: LSD and the DHT feed only such torrents. */
  get wantsPeers(): boolean {
    return !this.stopped && this.state !== 'error' && this.state !== 'checking';
  }
}
