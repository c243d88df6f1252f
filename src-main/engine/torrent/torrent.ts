/**
 * One torrent: it joins the pure parts (picker, choker, codecs) to the effectful ones (peer
 * connections, storage, tracker client, hash pool).
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
import { PieceState } from '../../../src-shared/model';
import type { Metainfo } from '../metainfo';
import { toMagnet } from '../metainfo';
import type { HashPool } from '../hash';
import type { Clock, Random, TimerHandle } from '../time/clock';
import { PiecePicker } from '../picker';
import type { BlockRef } from '../picker';
import { ChokeScheduler } from '../choker';
import { FileLayout } from '../storage/file-layout';
import { StorageError } from '../storage/storage';
import type { Storage } from '../storage/storage';
import { RateMeter } from '../net/rate-meter';
import type { TokenBucket } from '../net/token-bucket';
import { dialShared } from '../net/shared-read-buffer';
import type { VolatileReads } from '../net/shared-read-buffer';
import { PeerConnection } from '../peer/peer-connection';
import type { CloseReason } from '../peer/peer-connection';
import { Bitfield } from '../wire';
import type { Handshake } from '../wire';
import { TrackerClient } from '../tracker/client';
import type { Logger } from '../log/logger';
import {
  BAN_AFTER_HASH_FAILURES,
  BLOCK_BYTES,
  CONNECT_TIMEOUT_MS,
  MAX_CANDIDATES_PER_TORRENT,
  MAX_LOG_ENTRIES,
  MAX_UPLOAD_QUEUE_PER_PEER,
  PIECE_BUFFER_POOL_BYTES,
  PIECE_READ_CACHE_PIECES,
} from '../limits';
import { ServedPeers } from './served-peers';

export interface TorrentDeps {
  clock: Clock;
  random: Random;
  hashPool: HashPool;
  peerId: Uint8Array;
  clientVersion: string;
  listenPort: () => number;
  log: Logger;
  downBucket: TokenBucket;
  upBucket: TokenBucket;
  /** May one more connection be opened, session-wide? */
  canConnect: () => boolean;
  connectionsChanged: (delta: number) => void;
  changed: () => void;
  peerEvent: (event: PeerEvent) => void;
  completed: () => void;
  failed: (message: string) => void;
}

export interface TorrentOptions {
  meta: Metainfo;
  savePath: string;
  storage: Storage;
  /** Absolute path of every file, for checking existing data in the hash pool; null for memory. */
  filePaths: string[] | null;
  skipFiles?: number[];
  maxConnections: number;
  /** Use trackers from the metainfo (off in tests that add peers by hand). */
  useTrackers?: boolean;
  addedAt: number;
  /** Regular unchoke slots; -1 for unlimited (full-speed seeding to many). */
  unchokeSlots?: number;
  /** Memory for piece data in a download (default PIECE_BUFFER_POOL_BYTES; see fillRequests). */
  pipelineBudgetBytes?: number;
  /** The caller just hashed this data (create-and-seed): every piece is had, skip the check. */
  complete?: boolean;
  /** All-time totals of earlier runs (session.json): ratios survive restarts; trackers get this run's. */
  priorTotals?: { uploadedBytes: number; downloadedBytes: number };
}

interface PeerState {
  conn: PeerConnection;
  key: string;
  address: string;
  port: number;
  /** Incoming requests waiting for upload, in arrival order. */
  uploadQueue: BlockRef[];
  uploading: boolean;
  servedBytes: number;
  candidateKey: string | null;
}

interface PieceBuffer {
  data: Uint8Array;
  received: number;
  blocks: number;
}

interface Candidate {
  address: string;
  port: number;
  failures: number;
  nextTryAt: number;
  source: string;
}

const CONNECT_TICK_MS = 1_000;
const PEER_TICK_MS = 1_000;
const RATE_HISTORY_SAMPLES = 300;
/**
 * Requests are topped up once this many (or a quarter of the pipeline) can go out together: a
 * write to a loopback socket also pays for the receiving side, so fewer, larger ones are cheaper.
 */
const REQUEST_BATCH_MAX = 256;
/** While seeding to fewer peers than this, re-announce every IDLE_SEED_ANNOUNCE_MS. */
const IDLE_SEED_MIN_PEERS = 2;
const IDLE_SEED_ANNOUNCE_MS = 20_000;

export class Torrent {
  readonly meta: Metainfo;
  readonly id: string;
  readonly layout: FileLayout;
  readonly savePath: string;
  readonly addedAt: number;
  private readonly storage: Storage;
  private readonly picker: PiecePicker;
  private readonly choker: ChokeScheduler;
  private readonly peers = new Map<string, PeerState>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly banned = new Set<string>();
  private readonly strikes = new Map<string, number>();
  private readonly buffers = new Map<number, PieceBuffer>();
  private readonly readCache = new Map<number, Promise<Uint8Array>>();
  private readonly failedPieces = new Set<number>();
  private readonly servedPeers = new ServedPeers();
  private readonly logRing: PeerEvent[] = [];
  private readonly upHistory: number[] = [];
  private readonly filePriorities: FilePriority[];
  private readonly down: RateMeter;
  private readonly up: RateMeter;
  private tracker: TrackerClient | null = null;
  private timers: TimerHandle[] = [];
  private state: TorrentState = 'paused';
  private errorMessage: string | null = null;
  private checkDone = 0;
  private checkAbort: AbortController | null = null;
  private downloadedBytes = 0;
  private uploadedBytes = 0;
  private completedAt: number | null = null;
  private seedingSince: number | null = null;
  private wantedBytes: number;
  private stopped = true;

  constructor(
    opts: TorrentOptions,
    private readonly deps: TorrentDeps,
  ) {
    this.meta = opts.meta;
    this.id = opts.meta.infoHashHex;
    this.savePath = opts.savePath;
    this.pipelineBudgetBytes = Math.max(
      opts.pipelineBudgetBytes ?? PIECE_BUFFER_POOL_BYTES,
      4 * opts.meta.pieceLength,
    );
    this.maxFreeBuffers = Math.floor(this.pipelineBudgetBytes / opts.meta.pieceLength);
    this.addedAt = opts.addedAt;
    this.prior = opts.priorTotals ?? { uploadedBytes: 0, downloadedBytes: 0 };
    this.uploadedBytes = this.prior.uploadedBytes;
    this.downloadedBytes = this.prior.downloadedBytes;
    this.storage = opts.storage;
    this.filePaths = opts.filePaths;
    this.maxConnections = opts.maxConnections;
    this.useTrackers = opts.useTrackers ?? true;
    this.layout = new FileLayout(
      opts.meta.files.map((f) => ({ path: f.path, length: f.length })),
      opts.meta.pieceLength,
    );
    this.picker = new PiecePicker({
      pieceCount: opts.meta.pieceCount,
      pieceLength: opts.meta.pieceLength,
      totalLength: opts.meta.totalLength,
      random: deps.random,
    });
    this.choker = new ChokeScheduler({
      clock: deps.clock,
      random: deps.random,
      unchokeSlots: opts.unchokeSlots ?? 4,
      peers: () =>
        [...this.peers.values()].map((p) => ({
          key: p.key,
          interested: p.conn.peerInterested,
          downRateBps: p.conn.downRateBps(),
          upRateBps: p.conn.upRateBps(),
          snubbed: p.conn.snubbed,
          connectedAt: p.conn.connectedAt,
          isSeed: p.conn.peerBitfield.isFull(),
        })),
      seeding: () => this.isComplete(),
      apply: (unchoke, optimistic) => this.applyChokes(unchoke, optimistic),
    });
    this.down = new RateMeter(deps.clock);
    this.up = new RateMeter(deps.clock);
    this.filePriorities = opts.meta.files.map(() => 'normal' as FilePriority);
    for (const i of opts.skipFiles ?? [])
      if (i >= 0 && i < this.filePriorities.length) this.filePriorities[i] = 'skip';
    this.wantedBytes = opts.meta.totalLength;
    this.applyFilePriorities();
    if (opts.complete) for (let i = 0; i < opts.meta.pieceCount; i++) this.picker.setHave(i);
  }

  private readonly filePaths: string[] | null;
  private readonly prior: { uploadedBytes: number; downloadedBytes: number };
  private maxConnections: number;
  private readonly useTrackers: boolean;

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
    this.timers.push(this.deps.clock.setInterval(() => this.peerTick(), PEER_TICK_MS));
    this.choker.start();
    if (this.useTrackers && this.meta.announceList.length > 0) {
      this.tracker = new TrackerClient({
        infoHash: this.meta.infoHash,
        peerId: this.deps.peerId,
        port: this.deps.listenPort(),
        announceList: this.meta.announceList,
        isPrivate: this.meta.private,
        clock: this.deps.clock,
        random: this.deps.random,
        stats: () => ({
          uploaded: this.uploadedBytes - this.prior.uploadedBytes,
          downloaded: this.downloadedBytes - this.prior.downloadedBytes,
          left: this.leftBytes(),
        }),
        onPeers: (peers, source) => this.addCandidates(peers, source),
        onLog: (level, msg) => this.deps.log.log(level, `tracker ${this.id.slice(0, 8)}`, msg),
      });
      this.tracker.start();
    }
    this.deps.changed();
    this.connectTick();
  }

  /** Leave the swarm: close peers, stop timers, tell trackers; data stays. */
  async stop(state: TorrentState = 'paused'): Promise<void> {
    const wasRunning = !this.stopped;
    this.stopped = true;
    this.checkAbort?.abort();
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.choker.stop();
    for (const p of [...this.peers.values()]) p.conn.close('not-wanted');
    // Partial pieces are dropped: their blocks must be fetched again, with no blame.
    for (const [index, buf] of this.buffers) {
      this.picker.onPieceAbandoned(index);
      this.releaseBuffer(buf.data);
    }
    this.buffers.clear();
    this.readCache.clear();
    const tracker = this.tracker;
    this.tracker = null;
    if (tracker) await tracker.stop();
    if (wasRunning || this.state !== 'error') this.state = state === 'error' ? 'error' : state;
    await this.storage.flush().catch((err: unknown) => this.fail('flush', err));
    this.deps.changed();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.storage.close();
  }

  async removeData(): Promise<void> {
    await this.storage.remove();
  }

  private async check(): Promise<boolean> {
    const files = this.filePaths;
    this.state = 'checking';
    this.checkDone = 0;
    this.deps.changed();
    const abort = new AbortController();
    this.checkAbort = abort;
    try {
      const verified = files
        ? await this.deps.hashPool.checkPieces(
            this.meta.files.map((f, i) => ({ path: files[i] as string, length: f.length })),
            this.meta.pieceLength,
            this.meta.pieceHashes,
            {
              signal: abort.signal,
              onProgress: (done: number) => {
                this.checkDone = done;
                this.deps.changed();
              },
            },
          )
        : await this.checkThroughStorage(abort.signal);
      for (let i = 0; i < verified.length; i++) if (verified[i]) this.picker.setHave(i);
      this.deps.log.log(
        'info',
        `torrent ${this.id.slice(0, 8)}`,
        `checked ${this.meta.name}: ${this.picker.haveCount()}/${this.meta.pieceCount} pieces on disk`,
      );
      return true;
    } catch (err) {
      if (abort.signal.aborted) return false;
      this.fail('check', err);
      return false;
    } finally {
      this.checkAbort = null;
    }
  }

  /** Check through the storage interface (memory and wrapped backends): read, then hash. */
  private async checkThroughStorage(signal: AbortSignal): Promise<Uint8Array> {
    const verified = new Uint8Array(this.meta.pieceCount);
    for (let i = 0; i < this.meta.pieceCount && !signal.aborted; i++) {
      const size = this.layout.pieceSize(i);
      let data: Uint8Array;
      try {
        data = await this.storage.read(i, 0, size);
      } catch (err) {
        // Missing or short data simply is not had yet; any other failure is an I/O error.
        if (!(err instanceof StorageError && (err.code === 'ENOENT' || err.code === 'ESHORTREAD')))
          throw err;
        this.checkDone += size;
        continue;
      }
      const digest = await this.deps.hashPool.sha1(data);
      verified[i] =
        Buffer.compare(digest, this.meta.pieceHashes.subarray(i * 20, i * 20 + 20)) === 0 ? 1 : 0;
      this.checkDone += size;
      this.deps.changed();
    }
    if (signal.aborted) throw new Error('check cancelled');
    return verified;
  }

  // ---------------------------------------------------------------- peers

  addCandidates(peers: { address: string; port: number }[], source: string): void {
    for (const { address, port } of peers) {
      if (!(port > 0 && port < 65536)) continue;
      const key = `${address}:${port}`;
      if (this.candidates.has(key) || this.banned.has(key)) continue;
      if (this.candidates.size >= MAX_CANDIDATES_PER_TORRENT) break;
      this.candidates.set(key, { address, port, failures: 0, nextTryAt: 0, source });
    }
    if (!this.stopped && this.state !== 'checking') this.connectTick();
  }

  /** An incoming connection whose handshake named this torrent. */
  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    if (this.stopped || this.peers.size >= this.maxConnections || !this.deps.canConnect()) {
      socket.destroy();
      return;
    }
    const address = socket.remoteAddress ?? '?';
    const port = socket.remotePort ?? 0;
    this.attach(socket, address, port, true, null, handshake, rest);
  }

  private connectTick(): void {
    if (this.stopped || this.state === 'error' || this.state === 'checking') return;
    const now = this.deps.clock.now();
    const connected = new Set([...this.peers.values()].map((p) => p.candidateKey));
    for (const [key, c] of this.candidates) {
      if (this.peers.size >= this.maxConnections || !this.deps.canConnect()) break;
      if (connected.has(key) || c.nextTryAt > now || this.banned.has(key)) continue;
      // A seed has no use for other seeds; keep the address for later.
      c.nextTryAt = now + 30_000;
      this.dial(key, c);
    }
  }

  private dial(key: string, c: Candidate): void {
    const { socket, reads } = dialShared(c.address, c.port);
    socket.setNoDelay(true);
    const timer = this.deps.clock.setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      CONNECT_TIMEOUT_MS,
    );
    const placeholder = `dialing:${key}`;
    this.dialing.add(placeholder);
    socket.once('connect', () => {
      timer.cancel();
      this.dialing.delete(placeholder);
      if (this.stopped) return void socket.destroy();
      c.failures = 0;
      this.attach(socket, c.address, c.port, false, key, null, null, reads);
    });
    socket.once('error', (err) => {
      timer.cancel();
      if (!this.dialing.delete(placeholder)) return;
      c.failures++;
      c.nextTryAt = this.deps.clock.now() + Math.min(300_000, 2_000 * 2 ** (c.failures - 1));
      this.deps.log.log(
        'debug',
        `torrent ${this.id.slice(0, 8)}`,
        `dial ${key} failed: ${err.message}`,
      );
    });
  }

  private readonly dialing = new Set<string>();

  private attach(
    socket: net.Socket,
    address: string,
    port: number,
    incoming: boolean,
    candidateKey: string | null,
    handshake: Handshake | null,
    rest: Uint8Array | null,
    reads?: VolatileReads,
  ): void {
    const key = `${address}:${port}`;
    if (this.peers.has(key)) {
      socket.destroy();
      return;
    }
    const conn = new PeerConnection({
      socket,
      clock: this.deps.clock,
      infoHash: this.meta.infoHash,
      peerId: this.deps.peerId,
      pieceCount: this.meta.pieceCount,
      incoming,
      extensions: { fast: true, extended: true },
      clientVersion: this.deps.clientVersion,
      reqq: 4000,
      // BEP 10 `p`: our listen port, so a peer that we dialled can dial us back.
      extendedHandshake: { p: this.deps.listenPort() },
      handshakeReceived: handshake ?? undefined,
      initialBytes: rest ?? undefined,
      reads,
      onLog: (e) => this.logPeer(key, e.dir, e.type, e.detail),
    });
    const peer: PeerState = {
      conn,
      key,
      address,
      port,
      uploadQueue: [],
      uploading: false,
      servedBytes: 0,
      candidateKey,
    };
    this.peers.set(key, peer);
    this.deps.connectionsChanged(1);
    this.wire(peer);
    this.deps.changed();
  }

  private wire(peer: PeerState): void {
    const { conn, key } = peer;
    conn.on('handshake', (h) => {
      if (Buffer.compare(h.peerId, this.deps.peerId) === 0) return conn.close('self-connection');
      if (this.banned.has(Buffer.from(h.peerId).toString('hex'))) return conn.close('banned');
      // BEP 6: a complete peer says have-all; an empty one have-none; else a bitfield.
      if (this.picker.haveCount() === 0) conn.haveNone();
      else if (this.picker.haveCount() === this.meta.pieceCount) conn.haveAll();
      else conn.sendBitfield(this.haveBitfield());
    });
    conn.on('bitfield', () => {
      this.picker.onPeerBitfield(key, (i) => conn.peerBitfield.get(i));
      this.afterAvailabilityChanged(peer);
    });
    conn.on('have-all', () => {
      this.picker.onPeerHaveAll(key);
      this.afterAvailabilityChanged(peer);
    });
    conn.on('have-none', () => this.afterAvailabilityChanged(peer));
    conn.on('have', (index) => {
      this.picker.onPeerHave(key, index);
      this.afterAvailabilityChanged(peer);
    });
    conn.on('unchoke', () => this.fillRequests(peer));
    conn.on('choke', (dropped) => {
      for (const b of dropped) this.picker.onRequestDropped(key, b);
    });
    conn.on('reject', (b) => {
      this.picker.onRequestDropped(key, b);
      this.fillRequests(peer);
    });
    conn.on('allowed-fast', () => this.fillRequests(peer));
    conn.on('interested', () => this.choker.onPeerInterested(key));
    conn.on('not-interested', () => this.choker.onPeerInterested(key));
    conn.on('request', (b) => this.onPeerRequest(peer, b));
    conn.on('cancel', (b) => {
      peer.uploadQueue = peer.uploadQueue.filter(
        (q) => !(q.index === b.index && q.begin === b.begin && q.length === b.length),
      );
    });
    conn.on('block', (b) => this.onBlock(peer, b.index, b.begin, b.data));
    conn.on('drain', () => this.serveUploads(peer));
    conn.on('closed', ({ reason, error }) => this.onPeerClosed(peer, reason, error));
  }

  private onPeerClosed(peer: PeerState, reason: CloseReason, error?: Error): void {
    if (this.peers.get(peer.key) !== peer) return;
    this.peers.delete(peer.key);
    this.deps.connectionsChanged(-1);
    this.picker.onPeerGone(peer.key);
    this.choker.onPeerGone(peer.key);
    peer.uploadQueue = [];
    this.deps.log.log(
      'debug',
      `torrent ${this.id.slice(0, 8)}`,
      `peer ${peer.key} closed: ${reason}${error ? ` (${error.message})` : ''}`,
    );
    if (peer.candidateKey) {
      const c = this.candidates.get(peer.candidateKey);
      if (c) c.nextTryAt = this.deps.clock.now() + (reason === 'remote-closed' ? 5_000 : 15_000);
    }
    // Blocks that peer held go back to the pool: give them to others now.
    for (const p of this.peers.values()) this.fillRequests(p);
    this.deps.changed();
  }

  private afterAvailabilityChanged(peer: PeerState): void {
    const conn = peer.conn;
    const complete = this.isComplete();
    if (complete && conn.peerBitfield.isFull()) {
      conn.close('not-wanted');
      return;
    }
    const interesting = !complete && this.picker.interestingTo((i) => conn.peerBitfield.get(i));
    if (interesting && !conn.amInterested) conn.interested();
    else if (!interesting && conn.amInterested) conn.notInterested();
    this.fillRequests(peer);
  }

  private fillRequests(peer: PeerState): void {
    const conn = peer.conn;
    if (this.stopped || this.state !== 'downloading' || !conn.amInterested) return;
    const depth = conn.desiredQueueDepth();
    const batch = Math.min(REQUEST_BATCH_MAX, Math.floor(depth / 4));
    let want = depth - conn.inFlight;
    // Top the pipeline up in batches: one write of many requests instead of one per block
    // received. The pipeline stays at least three quarters full.
    if (want <= 0 || (conn.inFlight > 0 && want < batch)) return;
    // A disk slower than the network must not fill memory: finished pieces awaiting their hash
    // and write, and the blocks requested, share one budget. As the backlog grows, fewer
    // requests go out, but they keep going: stopping until a backlog drained emptied the
    // pipeline and left the peer idle.
    const room =
      Math.floor(
        (this.pipelineBudgetBytes - this.piecesInVerifyOrWrite * this.meta.pieceLength) /
          BLOCK_BYTES,
      ) - this.picker.inFlightTotal();
    if (room < want) {
      if (room <= 0 || (conn.inFlight > 0 && room < batch)) return;
      want = room;
    }
    const bucket = this.deps.downBucket;
    if (bucket.rateBps > 0) {
      // The download limit is applied when asking: a request is a promise of bytes to come.
      want = Math.min(want, Math.floor(bucket.available() / BLOCK_BYTES));
      if (want <= 0) return this.retryRequestsLater(bucket.waitMs(BLOCK_BYTES));
    }
    const blocks = conn.peerChoking
      ? this.picker.nextRequests(peer.key, (i) => conn.peerBitfield.get(i), want, {
          allowedFast: conn.allowedFastSet,
          onlyAllowedFast: true,
        })
      : this.picker.nextRequests(peer.key, (i) => conn.peerBitfield.get(i), want);
    const sent = conn.requestMany(blocks);
    // Only what went out is charged: the picker or the connection may send fewer than wanted.
    if (bucket.rateBps > 0) bucket.take(sent * BLOCK_BYTES);
  }

  private retryTimer: TimerHandle | null = null;

  private retryRequestsLater(ms: number): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = this.deps.clock.setTimeout(
      () => {
        this.retryTimer = null;
        for (const p of this.peers.values()) this.fillRequests(p);
      },
      Math.max(10, ms),
    );
    this.timers.push(this.retryTimer);
  }

  private onBlock(peer: PeerState, index: number, begin: number, data: Uint8Array): void {
    const block: BlockRef = { index, begin, length: data.length };
    const result = this.picker.onBlockReceived(peer.key, block);
    this.downloadedBytes += data.length;
    this.down.add(data.length);
    for (const other of result.cancelFrom)
      this.peers.get(other)?.conn.cancel(index, begin, data.length);
    if (!result.duplicate) {
      let buf = this.buffers.get(index);
      if (!buf) {
        const size = this.layout.pieceSize(index);
        buf = { data: this.takeBuffer(size), received: 0, blocks: Math.ceil(size / BLOCK_BYTES) };
        this.buffers.set(index, buf);
      }
      buf.data.set(data, begin);
      buf.received++;
      if (result.pieceComplete) void this.verifyPiece(index, buf);
    }
    this.fillRequests(peer);
  }

  /**
   * Piece buffers are recycled: a fresh megabyte per piece would be zeroed and page-faulted, and
   * grow the heap by the size of the download. Plain (not shared) memory: blocks are copied in
   * at full speed, and the buffer moves to a hash worker and back.
   */
  private takeBuffer(size: number): Uint8Array {
    const base = this.freeBuffers.pop() ?? new Uint8Array(this.meta.pieceLength);
    return base.subarray(0, size);
  }

  private releaseBuffer(data: Uint8Array): void {
    // A buffer lost with a failed hash task comes back detached (length 0): nothing to keep.
    if (data.buffer.byteLength !== this.meta.pieceLength) return;
    if (this.freeBuffers.length < this.maxFreeBuffers) {
      this.freeBuffers.push(new Uint8Array(data.buffer, 0, this.meta.pieceLength));
    }
  }

  private readonly freeBuffers: Uint8Array[] = [];
  /**
   * Spare buffers kept: as many as the pipeline budget holds pieces, so none is allocated anew
   * in steady state. A fresh buffer costs a page fault per 4 KiB on first touch, and a dropped
   * one goes back to the kernel.
   */
  private readonly maxFreeBuffers: number;

  private async verifyPiece(index: number, buf: PieceBuffer): Promise<void> {
    this.buffers.delete(index);
    this.piecesInVerifyOrWrite++;
    try {
      await this.verifyAndWrite(index, buf);
    } finally {
      this.releaseBuffer(buf.data);
      this.piecesInVerifyOrWrite--;
      // The budget has room again for requests held back while the disk lagged.
      for (const p of this.peers.values()) this.fillRequests(p);
    }
  }

  /** Pieces complete in memory but not yet hashed and written: bounded, so memory is too. */
  private piecesInVerifyOrWrite = 0;
  /** Bytes of pieces awaiting their write plus blocks requested, at most (see fillRequests). */
  private readonly pipelineBudgetBytes: number;

  private async verifyAndWrite(index: number, buf: PieceBuffer): Promise<void> {
    this.picker.onPieceVerifying(index);
    let digest: Uint8Array;
    try {
      // The buffer goes to a hash worker and comes back (no copy); see HashPool.sha1Owned.
      const hashed = await this.deps.hashPool.sha1Owned(buf.data);
      buf.data = hashed.data;
      digest = hashed.digest;
    } catch (err) {
      // No verdict: the piece must not stay 'verifying' (nothing would ever fetch it again).
      this.picker.onPieceAbandoned(index);
      if (!this.stopped) this.fail('hash', err);
      return;
    }
    // A piece hashed after a stop still goes on to its write (the storage is open until the
    // torrent is closed), so it is not fetched again for nothing.
    const expected = this.meta.pieceHashes.subarray(index * 20, index * 20 + 20);
    if (Buffer.compare(digest, expected) !== 0) {
      this.onHashFailed(index);
      return;
    }
    try {
      buf.data = await this.storage.writePiece(index, buf.data);
    } catch (err) {
      // The first failed write stops the torrent; the writes still queued behind it fail too,
      // and say nothing new.
      if (this.stopped) {
        this.picker.onPieceAbandoned(index);
      } else {
        this.picker.onPieceFailed(index);
        this.fail('write', err);
      }
      return;
    }
    // Written and verified: it counts even if the torrent stopped meanwhile (paused, or another
    // write failed on a full disk), so verified data on disk is never forgotten.
    this.picker.onPieceVerified(index);
    this.failedPieces.delete(index);
    if (this.stopped) {
      this.deps.changed();
      return;
    }
    for (const p of this.peers.values()) p.conn.have(index);
    this.deps.changed();
    if (this.isComplete()) void this.onCompleted();
  }

  private onHashFailed(index: number): void {
    const { contributors } = this.picker.onPieceFailed(index);
    this.failedPieces.add(index);
    this.logLocal(
      '*',
      'hash-failed',
      `piece ${index} failed its hash check (from ${contributors.join(', ')})`,
    );
    for (const key of contributors) {
      const strikes = (this.strikes.get(key) ?? 0) + 1;
      this.strikes.set(key, strikes);
      // A peer that was the only source of a bad piece is the culprit; shared blame counts less.
      if (
        contributors.length === 1
          ? strikes >= BAN_AFTER_HASH_FAILURES
          : strikes >= BAN_AFTER_HASH_FAILURES * 2
      ) {
        this.ban(key);
      }
    }
    for (const p of this.peers.values()) this.fillRequests(p);
    this.deps.changed();
  }

  private ban(key: string): void {
    const peer = this.peers.get(key);
    this.banned.add(key);
    if (peer) {
      if (peer.candidateKey) this.banned.add(peer.candidateKey);
      if (peer.conn.remotePeerId)
        this.banned.add(Buffer.from(peer.conn.remotePeerId).toString('hex'));
      this.logLocal(key, 'close', 'banned after repeated hash failures');
      peer.conn.close('banned');
    }
  }

  isBanned(key: string): boolean {
    return this.banned.has(key);
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
    for (const p of [...this.peers.values()]) {
      if (p.conn.peerBitfield.isFull()) p.conn.close('not-wanted');
      else if (p.conn.amInterested) p.conn.notInterested();
    }
    this.tracker?.completed();
    this.deps.log.log('info', `torrent ${this.id.slice(0, 8)}`, `completed ${this.meta.name}`);
    this.deps.completed();
    this.deps.changed();
  }

  // ---------------------------------------------------------------- uploads

  private onPeerRequest(peer: PeerState, b: BlockRef): void {
    const conn = peer.conn;
    const valid =
      b.index < this.meta.pieceCount &&
      b.length > 0 &&
      b.length <= BLOCK_BYTES &&
      b.begin + b.length <= this.layout.pieceSize(b.index) &&
      this.picker.have(b.index);
    if (!valid || conn.amChoking || peer.uploadQueue.length >= MAX_UPLOAD_QUEUE_PER_PEER) {
      if (conn.supportsFast) conn.reject(b);
      return;
    }
    peer.uploadQueue.push(b);
    this.serveUploads(peer);
  }

  private serveUploads(peer: PeerState): void {
    if (peer.uploading) return;
    peer.uploading = true;
    void this.uploadLoop(peer).finally(() => {
      peer.uploading = false;
    });
  }

  private async uploadLoop(peer: PeerState): Promise<void> {
    const conn = peer.conn;
    for (let guard = 0; guard < 100_000; guard++) {
      if (conn.closed || this.stopped || conn.amChoking) return;
      if (conn.needsDrain) return; // resumed by the 'drain' event
      const b = peer.uploadQueue.shift();
      if (!b) return;
      const waitMs = this.deps.upBucket.waitMs(b.length);
      if (waitMs > 0) await new Promise<void>((r) => this.deps.clock.setTimeout(r, waitMs));
      this.deps.upBucket.take(b.length);
      let piece: Uint8Array;
      try {
        piece = await this.readPiece(b.index);
      } catch (err) {
        this.fail('read', err);
        return;
      }
      if (conn.closed || conn.amChoking) return;
      // False when the request was cancelled or dropped meanwhile: nothing was sent.
      if (!conn.sendPiece(b.index, b.begin, piece.subarray(b.begin, b.begin + b.length))) continue;
      this.uploadedBytes += b.length;
      peer.servedBytes += b.length;
      this.servedPeers.add(peer.key, this.deps.clock.now());
      this.up.add(b.length);
    }
  }

  /** Whole pieces are read once and served block by block from a small cache. */
  private readPiece(index: number): Promise<Uint8Array> {
    const cached = this.readCache.get(index);
    if (cached) {
      this.readCache.delete(index);
      this.readCache.set(index, cached);
      return cached;
    }
    const p = this.storage.read(index, 0, this.layout.pieceSize(index));
    this.readCache.set(index, p);
    p.catch(() => this.readCache.delete(index));
    while (this.readCache.size > PIECE_READ_CACHE_PIECES) {
      const oldest = this.readCache.keys().next().value as number;
      this.readCache.delete(oldest);
    }
    return p;
  }

  private applyChokes(unchoke: Set<string>, optimistic: string | null): void {
    for (const p of this.peers.values()) {
      const should = unchoke.has(p.key) || p.key === optimistic;
      p.conn.optimistic = p.key === optimistic;
      if (should && p.conn.amChoking) {
        p.conn.unchoke();
      } else if (!should && !p.conn.amChoking) {
        p.conn.choke();
        // Without the Fast Extension a choke discards queued requests (BEP 3); with it we reject them.
        for (const b of p.uploadQueue) if (p.conn.supportsFast) p.conn.reject(b);
        p.uploadQueue = [];
      }
    }
  }

  // ---------------------------------------------------------------- periodic work

  private lastIdleAnnounceAt = 0;

  private peerTick(): void {
    const now = this.deps.clock.now();
    // Some leechers (Transmission) never dial peers on 127.0.0.0/8 or behind NAT: while we seed
    // with nobody to serve, ask the trackers more often so we can dial them ourselves.
    if (
      this.state === 'seeding' &&
      this.peers.size < IDLE_SEED_MIN_PEERS &&
      now - this.lastIdleAnnounceAt >= IDLE_SEED_ANNOUNCE_MS
    ) {
      this.lastIdleAnnounceAt = now;
      if (now - (this.seedingSince ?? now) >= IDLE_SEED_ANNOUNCE_MS)
        this.tracker?.announceNow({ force: true });
    }
    for (const p of this.peers.values()) {
      for (const b of p.conn.expireRequests(now)) this.picker.onRequestDropped(p.key, b);
      this.fillRequests(p);
    }
    this.upHistory.push(this.up.rateBps());
    if (this.upHistory.length > RATE_HISTORY_SAMPLES) this.upHistory.shift();
    this.deps.changed();
  }

  // ---------------------------------------------------------------- errors and log

  private fail(operation: string, err: unknown): void {
    const message = `${operation} failed: ${err instanceof Error ? err.message : String(err)}`;
    this.errorMessage = message;
    this.deps.log.log('error', `torrent ${this.id.slice(0, 8)}`, `${this.meta.name}: ${message}`);
    void this.stop('error');
    this.state = 'error';
    this.deps.failed(message);
    this.deps.changed();
  }

  private logPeer(
    peer: string,
    dir: PeerEvent['dir'],
    type: PeerEvent['type'],
    detail: string,
  ): void {
    const event: PeerEvent = { at: this.deps.clock.now(), peer, dir, type, detail };
    // A fixed ring: this runs for every block, so no array shifting.
    this.logRing[this.logHead] = event;
    this.logHead = (this.logHead + 1) % MAX_LOG_ENTRIES;
    if (this.logSize < MAX_LOG_ENTRIES) this.logSize++;
    this.deps.peerEvent(event);
    if (
      this.deps.log.enabled('debug') &&
      type !== 'request' &&
      type !== 'piece' &&
      type !== 'have'
    ) {
      this.deps.log.log('debug', `peer ${peer}`, `${dir} ${type} ${detail}`);
    }
  }

  private logHead = 0;
  private logSize = 0;

  private logLocal(peer: string, type: PeerEvent['type'], detail: string): void {
    this.logPeer(peer, 'local', type, detail);
    this.deps.log.log('warn', `torrent ${this.id.slice(0, 8)}`, detail);
  }

  // ---------------------------------------------------------------- queries

  isComplete(): boolean {
    return this.picker.isComplete();
  }

  get currentState(): TorrentState {
    return this.state;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  private leftBytes(): number {
    return Math.max(0, this.meta.totalLength - this.haveBytes());
  }

  /** Bytes of the verified pieces, in O(1): only the last piece can be short. */
  private haveBytes(): number {
    const count = this.picker.haveCount();
    if (count === 0) return 0;
    const last = this.meta.pieceCount - 1;
    const short = this.meta.pieceLength - this.layout.pieceSize(last);
    return count * this.meta.pieceLength - (this.picker.have(last) ? short : 0);
  }

  private verifiedWantedBytes(): number {
    // Nothing skipped (the usual case): every verified byte is wanted. summary() runs on every
    // change, so this stays O(1) then instead of walking every piece.
    if (!this.filePriorities.includes('skip')) return this.haveBytes();
    let bytes = 0;
    const prog = this.layout.fileProgress((i) => this.picker.have(i));
    for (let f = 0; f < prog.length; f++)
      if (this.filePriorities[f] !== 'skip') bytes += prog[f] ?? 0;
    return bytes;
  }

  private haveBitfield(): Bitfield {
    const bf = new Bitfield(this.meta.pieceCount);
    for (let i = 0; i < this.meta.pieceCount; i++) if (this.picker.have(i)) bf.set(i);
    return bf;
  }

  summary(): TorrentSummary {
    const verified = this.verifiedWantedBytes();
    const progress = this.wantedBytes === 0 ? 1 : verified / this.wantedBytes;
    // A complete torrent downloads nothing: do not show the meter's 5 s tail after completion.
    const downRateBps = this.isComplete() ? 0 : this.down.rateBps();
    const remaining = this.wantedBytes - verified;
    let seeds = 0;
    for (const p of this.peers.values()) if (p.conn.peerBitfield.isFull()) seeds++;
    const held = this.meta.totalLength - this.leftBytes();
    return {
      id: this.id,
      name: this.meta.name,
      sizeBytes: this.meta.totalLength,
      progress,
      state: this.state,
      error: this.errorMessage,
      checkProgress: this.meta.totalLength === 0 ? 1 : this.checkDone / this.meta.totalLength,
      downRateBps,
      upRateBps: this.up.rateBps(),
      downloadedBytes: this.downloadedBytes,
      uploadedBytes: this.uploadedBytes,
      etaSec: remaining > 0 && downRateBps > 0 ? Math.round(remaining / downRateBps) : null,
      peers: this.peers.size,
      seeds,
      ratio: held > 0 ? this.uploadedBytes / held : 0,
      pieceCount: this.meta.pieceCount,
      pieceLength: this.meta.pieceLength,
      verifiedPieces: this.picker.haveCount(),
      savePath: this.savePath,
      addedAt: this.addedAt,
      completedAt: this.completedAt,
      magnet: toMagnet(this.meta),
      private: this.meta.private,
    };
  }

  peerSnapshots(): PeerSnapshot[] {
    return [...this.peers.values()].map((p) => ({
      ...p.conn.snapshot(),
      key: p.key,
      address: p.address,
      port: p.port,
    }));
  }

  pieceMap(): PieceMapFull {
    const states = this.picker.pieceStates();
    for (const i of this.failedPieces)
      if (states[i] === PieceState.missing) states[i] = PieceState.failed;
    return { states, availability: this.picker.availability() };
  }

  trackerStatuses(): TrackerStatus[] {
    if (this.tracker) return this.tracker.statuses();
    return this.meta.announceList.flatMap((tier, t) =>
      tier.map((url) => ({
        url,
        tier: t,
        state: 'idle' as const,
        lastAnnounceAt: null,
        nextAnnounceAt: null,
        seeders: null,
        leechers: null,
        downloaded: null,
        lastError: null,
        warning: null,
      })),
    );
  }

  fileProgress(): FileProgress[] {
    const bytes = this.layout.fileProgress((i) => this.picker.have(i));
    return this.meta.files.map((f, index) => ({
      index,
      path: f.path.join('/'),
      sizeBytes: f.length,
      progress: f.length === 0 ? 1 : (bytes[index] ?? 0) / f.length,
      priority: this.filePriorities[index] ?? 'normal',
    }));
  }

  seedingStats(): SeedingStats {
    const held = this.meta.totalLength - this.leftBytes();
    return {
      uploadedBytes: this.uploadedBytes,
      ratio: held > 0 ? this.uploadedBytes / held : 0,
      seedingSince: this.seedingSince,
      peersServed: this.servedPeers.size,
      upRateHistoryBps: [...this.upHistory],
    };
  }

  recentLog(): PeerEvent[] {
    if (this.logSize < MAX_LOG_ENTRIES) return this.logRing.slice(0, this.logSize);
    return [...this.logRing.slice(this.logHead), ...this.logRing.slice(0, this.logHead)];
  }

  setFilePriority(files: number[], priority: FilePriority): void {
    for (const f of files)
      if (f >= 0 && f < this.filePriorities.length) this.filePriorities[f] = priority;
    this.applyFilePriorities();
    if (!this.stopped && this.state === 'seeding' && !this.isComplete()) this.state = 'downloading';
    for (const p of this.peers.values()) this.afterAvailabilityChanged(p);
    this.deps.changed();
  }

  private applyFilePriorities(): void {
    const rank: Record<FilePriority, 0 | 1 | 2> = { skip: 0, normal: 1, high: 2 };
    const piecePriority = new Uint8Array(this.meta.pieceCount);
    this.meta.files.forEach((_f, fi) => {
      const range = this.layout.piecesOfFile(fi);
      if (!range) return;
      const p = rank[this.filePriorities[fi] ?? 'normal'];
      for (let i = range[0]; i <= range[1]; i++)
        piecePriority[i] = Math.max(piecePriority[i] ?? 0, p);
    });
    let wanted = 0;
    for (let i = 0; i < this.meta.pieceCount; i++) {
      this.picker.setPiecePriority(i, piecePriority[i] as 0 | 1 | 2);
    }
    this.meta.files.forEach((f, fi) => {
      if (this.filePriorities[fi] !== 'skip') wanted += f.length;
    });
    this.wantedBytes = wanted;
  }

  setMaxConnections(n: number): void {
    this.maxConnections = n;
  }

  announceNow(): void {
    this.tracker?.announceNow();
  }
}
