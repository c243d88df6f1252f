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
  PieceMapFull,
  SeedingStats,
  TorrentState,
  TorrentSummary,
  TrackerStatus,
} from '../../../src-shared/model';
import type { Metainfo } from '../metainfo';
import type { TimerHandle } from '../time/clock';
import type { PiecePicker } from '../picker';
import { ChokeScheduler } from '../choker';
import type { FileLayout } from '../storage/file-layout';
import type { Storage } from '../storage/storage';
import type { TrackerClient } from '../tracker/client';
import type { Handshake } from '../wire';
import type { PeerTransport } from '../peer/transport';
import { CONNECT_TICK_MS, DEFAULT_UNCHOKE_SLOTS, TORRENT_TICK_MS } from '../limits';
import { CandidateList } from './candidates';
import { buildParts, newPicker } from './torrent-parts';
import type { TorrentParts } from './torrent-parts';
import { IdleSeedAnnounce } from './idle-announce';
import type { PeerEventLog } from './log-ring';
import type { DataCheck } from './data-check';
import type { FilePriorities } from './file-priorities';
import { faultMessage, idleTrackerStatuses } from './status';
import { TorrentSnapshot } from './snapshot';
import { PeerWiring, chokeView, trackerClientFor } from './peer-wiring';
import { Downloader } from './downloader';
import type { PeerState, TorrentContext, TorrentDeps, TorrentOptions } from './torrent-context';
import { TransferCounters } from './transfer-counters';

export type { TorrentDeps, TorrentOptions } from './torrent-context';

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
  private readonly snapshot: TorrentSnapshot;
  private completedAt: number | null = null;
  private seedingSince: number | null = null;
  private readonly idleAnnounce = new IdleSeedAnnounce();

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
    this.storage = opts.storage;
    this.maxConnections = opts.maxConnections;
    this.useTrackers = opts.useTrackers ?? true;
    this.parts = buildParts(opts, deps, {
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
    if (opts.complete) for (let i = 0; i < meta.pieceCount; i++) this.picker.setHave(i);
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
      // The parts are passed whole; TorrentContext's type names the ones the wiring may use.
      ...this.parts,
      failedPieces: this.failedPieces,
      maxConnections: () => this.maxConnections,
      stopped: () => this.stopped,
      state: () => this.state,
      isComplete: () => this.isComplete(),
      fail: (op, err) => this.fail(op, err),
      completed: () => void this.onCompleted(),
      downloaded: (bytes) => this.counters.received(bytes),
      peerInterestChanged: (key) => this.choker.onPeerInterested(key),
      peerGone: (key) => this.choker.onPeerGone(key),
      keepTimer: (timer) => this.timers.push(timer),
      logPeer: (peer, dir, type, detail) => this.log.peer(peer, dir, type, detail),
      logLocal: (peer, type, detail) => this.log.local(peer, type, detail),
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Check what is on disk (with progress), then join the swarm. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.errorMessage = null;
    if (this.picker.haveCount() === 0) {
      const ok = await this.check();
      if (!ok) return;
    }
    if (this.stopped) return;
    this.state = this.isComplete() ? 'seeding' : 'downloading';
    if (this.isComplete()) {
      if (this.seedingSince === null) this.seedingSince = this.deps.clock.now();
      await this.storage.ensureFiles?.().catch((err: unknown) => this.fail('create files', err));
    }
    this.timers.push(this.deps.clock.setInterval(() => this.connectTick(), CONNECT_TICK_MS));
    this.timers.push(this.deps.clock.setInterval(() => this.tick(), TORRENT_TICK_MS));
    this.choker.start();
    if (this.useTrackers && this.meta.announceList.length > 0) {
      this.tracker = trackerClientFor(
        this.meta,
        this.deps,
        () => ({ ...this.counters.thisRun(), left: this.snapshot.leftBytes() }),
        (peers, source) => this.addCandidates(peers, source),
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
    this.dataCheck.cancel();
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.choker.stop();
    for (const p of [...this.peers.values()]) p.conn.close('not-wanted');
    this.wiring.stopHandshakes(); // --- encryption (issue 18)
    // Partial pieces are dropped: their blocks must be fetched again, with no blame.
    for (const index of this.parts.assembly.abandonAll()) this.picker.onPieceAbandoned(index);
    this.parts.readCache.clear();
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
    this.failedPieces.clear();
    this.errorMessage = null;
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

  /** The data check: true when it finished and the picker holds what it found. */
  private async check(): Promise<boolean> {
    this.state = 'checking';
    const verified = await this.dataCheck.run().catch((err: unknown) => {
      this.fail('check', err);
      return null;
    });
    if (!verified) return false;
    for (let i = 0; i < verified.length; i++) if (verified[i]) this.picker.setHave(i);
    const { name, pieceCount } = this.meta;
    const found = `${this.picker.haveCount()}/${pieceCount} pieces on disk`;
    this.deps.log.log('info', `torrent ${this.id.slice(0, 8)}`, `checked ${name}: ${found}`);
    return true;
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
    const message = faultMessage(operation, err);
    if (this.errorMessage !== null) {
      this.deps.log.log('warn', `torrent ${this.id.slice(0, 8)}`, `after the error: ${message}`);
      return;
    }
    this.errorMessage = message;
    this.deps.log.log('error', `torrent ${this.id.slice(0, 8)}`, `${this.meta.name}: ${message}`);
    void this.stop('error');
    this.state = 'error';
    this.deps.failed(message);
    this.deps.changed();
  }

  // ---------------------------------------------------------------- peers and periodic work

  addCandidates(peers: { address: string; port: number }[], source: string): void {
    this.candidates.add(peers, source, (address, port) =>
      this.parts.bans.isAddressBanned(address, port),
    );
    if (!this.stopped && this.state !== 'checking') this.connectTick();
  }

  /** An incoming connection whose handshake named this torrent. */
  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    this.wiring.acceptIncoming(socket, handshake, rest);
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
    if (this.idleAnnounce.due(now, this.state === 'seeding', this.peers.size, this.seedingSince))
      this.tracker?.announceNow({ force: true });
    this.downloader.tick(now);
    this.counters.sampleUpRate();
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
    return this.snapshot.summary();
  }

  peerSnapshots(): PeerSnapshot[] {
    return this.snapshot.peerSnapshots();
  }

  pieceMap(): PieceMapFull {
    return this.snapshot.pieceMap();
  }

  trackerStatuses(): TrackerStatus[] {
    return this.tracker ? this.tracker.statuses() : idleTrackerStatuses(this.meta.announceList);
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

  setFilePriority(files: number[], priority: FilePriority): void {
    this.files.set(files, priority);
    this.files.applyTo(this.picker);
    if (!this.stopped && this.state === 'seeding' && !this.isComplete()) this.state = 'downloading';
    for (const p of this.peers.values()) this.downloader.afterAvailabilityChanged(p);
    this.deps.changed();
  }

  setMaxConnections(n: number): void {
    this.maxConnections = n;
  }

  announceNow(): void {
    this.tracker?.announceNow();
  }
}
