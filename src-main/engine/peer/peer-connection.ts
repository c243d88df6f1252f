/**
 * One peer connection: a state machine over a duplex byte stream (a net.Socket in the engine, an
 * in-memory pair in tests). It speaks BEP 3 with BEP 6 (Fast Extension) and BEP 10 (Extension
 * Protocol) and reports what the peer does as typed events; the torrent decides what to do.
 *
 * Invariants:
 * - Flags start choked and not interested on both sides (BEP 3).
 * - Our requests in flight are tracked with their send time. A block is emitted only for a
 *   request we made: in flight, or recently cancelled / expired / dropped by a choke (then
 *   `late: true`). Other blocks are counted and ignored; past MAX_UNREQUESTED_BLOCKS the peer is
 *   closed.
 * - The peer's requests are tracked until answered once: by `sendPiece`, `reject`, a cancel, or
 *   our choke. `sendPiece` for a request no longer pending sends nothing, so with BEP 6 every
 *   request gets exactly one answer. At most MAX_UPLOAD_QUEUE_PER_PEER are pending.
 * - Writes made in one tick are corked and flushed together (one writev). Blocks are written as
 *   header + block, never concatenated. `needsDrain` tells the uploader to wait for 'drain', so
 *   our send buffer stays bounded.
 * - `close` is idempotent: it cancels every timer, destroys the stream and emits 'closed' once.
 * - Events are emitted only after the constructor returns (start runs on the next tick).
 * - Time comes only from the injected Clock.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PeerEventType, PeerSnapshot } from '../../../src-shared/model';
import {
  BLOCK_BYTES,
  HANDSHAKE_TIMEOUT_MS,
  MAX_ALLOWED_FAST_PIECES,
  MAX_FRAME_BYTES,
  MAX_LATE_REQUESTS_TRACKED,
  MAX_PIECE_COUNT_FOR_PEER_KEYS,
  MAX_REQUEST_BYTES,
  MAX_REQUEST_QUEUE_DEPTH,
  MAX_UNREQUESTED_BLOCKS,
  MAX_UPLOAD_QUEUE_PER_PEER,
} from '../limits';
import type { Clock, TimerHandle } from '../time/clock';
import { Bitfield } from '../wire/bitfield';
import {
  EXTENDED_HANDSHAKE_ID,
  decodeExtendedHandshake,
  encodeExtendedHandshake,
} from '../wire/extension-handshake';
import type { ExtendedHandshake } from '../wire/extension-handshake';
import { FrameDecoder } from '../wire/frame-decoder';
import { decodeReserved, encodeHandshake, reservedFlags } from '../wire/handshake';
import type { Handshake } from '../wire/handshake';
import { HandshakeReader } from '../wire/handshake-reader';
import { encodeMessage, encodePieceHeader, encodeRequests } from '../wire/message';
import type { BlockRef, Message } from '../wire/message';
import { ProtocolError } from '../wire/protocol-error';
import type { CloseReason } from './close-reason';
import { clientName } from './peer-id';
import { RateMeter } from '../net/rate-meter';
import type { VolatileReads } from '../net/shared-read-buffer';
import { TypedEmitter } from './typed-emitter';

export type { CloseReason } from './close-reason';
export { PeerError } from './close-reason';
export { readHandshake } from './read-handshake';

/** BEP 3: keep-alives are sent about every two minutes; we send after 90 s of silence. */
export const KEEPALIVE_INTERVAL_MS = 90_000;
/** A peer that sent nothing, not even a keep-alive, for this long is gone. */
export const IDLE_TIMEOUT_MS = 150_000;
/** A request unanswered this long (while the peer also sends nothing else) is given up. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** No block for this long while requests are pending: the peer is snubbing us. */
export const SNUB_TIMEOUT_MS = 60_000;
/** How often timers are checked. */
export const PEER_TICK_MS = 1_000;
/** BEP 10: a peer that does not advertise `reqq` is assumed to queue 250 requests. */
export const DEFAULT_PEER_REQQ = 250;
/** Seconds of data at the measured rate to keep requested (libtorrent uses 3 s). */
export const REQUEST_QUEUE_SECONDS = 2;
/** Fewest requests kept in flight to a peer that is not snubbing us. */
export const MIN_QUEUE_DEPTH = 4;
/** Slow start begins here and grows by one per block received, doubling each round trip. */
export const INITIAL_QUEUE_DEPTH = 16;
/** Bytes we let the send buffer hold before asking the uploader to wait for 'drain'. */
export const SEND_BUFFER_BYTES = 1024 * 1024;

/** Consecutive block-level events of one kind for one piece, logged as one (see logBlock). */
interface BlockRun {
  dir: 'in' | 'out';
  type: 'request' | 'piece';
  index: number;
  blocks: number;
  bytes: number;
}

export interface PeerLogEntry {
  dir: 'in' | 'out' | 'local';
  type: PeerEventType;
  detail: string;
}

export interface BlockReceived {
  index: number;
  begin: number;
  /** A view of the received bytes; copy it if kept beyond the listener. */
  data: Uint8Array;
  /** We had cancelled it, or it expired, or a choke dropped it: it may be a duplicate. */
  late: boolean;
}

export interface PeerConnectionEvents {
  /** The remote handshake was accepted. Send the bitfield (or have-all / have-none) now. */
  handshake: Handshake;
  'extended-handshake': ExtendedHandshake;
  /** The peer choked us; the payload lists our requests it dropped (none with BEP 6). */
  choke: BlockRef[];
  unchoke: undefined;
  interested: undefined;
  'not-interested': undefined;
  have: number;
  /** `peerBitfield` now holds the peer's pieces. */
  bitfield: Bitfield;
  'have-all': undefined;
  'have-none': undefined;
  /** The peer asks us for a block; answer with sendPiece or reject. */
  request: BlockRef;
  /** The peer cancelled a request (already rejected when BEP 6 is on). */
  cancel: BlockRef;
  block: BlockReceived;
  /** BEP 6: the peer will not serve our request. */
  reject: BlockRef;
  'allowed-fast': number;
  suggest: number;
  extended: { extId: number; payload: Uint8Array };
  /** BEP 5: the peer's DHT port. */
  port: number;
  snubbed: undefined;
  /** The send buffer drained below its limit: the uploader may write again. */
  drain: undefined;
  closed: { reason: CloseReason; error?: Error };
}

export interface PeerTimeouts {
  handshakeMs: number;
  keepAliveIntervalMs: number;
  idleMs: number;
  requestMs: number;
  snubMs: number;
}

export interface PeerConnectionOptions {
  socket: Duplex;
  clock: Clock;
  infoHash: Uint8Array;
  /** Ours. */
  peerId: Uint8Array;
  pieceCount: number;
  /** The peer dialled us. */
  incoming: boolean;
  /** What we offer; each is on only if the peer offers it too. */
  extensions: { fast: boolean; extended: boolean };
  /** BEP 10 `v`, e.g. "Swarmscope 0.1.0". */
  clientVersion: string;
  /** BEP 10 `reqq`: requests we accept queued from this peer (clamped to our upload limit). */
  reqq: number;
  maxFrameBytes?: number;
  /** Incoming: the handshake the listener already read (see readHandshake). */
  handshakeReceived?: Handshake;
  /** Incoming: bytes that followed that handshake. */
  initialBytes?: Uint8Array;
  /**
   * The socket's reads come through here instead of 'data' events, as views of a reused buffer
   * (net/shared-read-buffer): then a 'block' event's `data` is valid only during the event.
   */
  reads?: VolatileReads;
  /** Extra BEP 10 handshake fields: extension ids (`m`), `p`, `metadata_size`. */
  extendedHandshake?: Partial<Omit<ExtendedHandshake, 'v' | 'reqq'>>;
  /** Request queue ceiling for this peer, below MAX_REQUEST_QUEUE_DEPTH. */
  maxQueueDepth?: number;
  timeouts?: Partial<PeerTimeouts>;
  onLog?: (e: PeerLogEntry) => void;
}

interface InFlight {
  index: number;
  begin: number;
  length: number;
  sentAt: number;
}

type Phase = 'handshake' | 'open' | 'closed';

/** Requests are keyed by index and begin packed into one number (index < 2^21). */
function blockKey(index: number, begin: number): number {
  return index * 0x100000000 + begin;
}

function sameRef(a: BlockRef, b: BlockRef): boolean {
  return a.index === b.index && a.begin === b.begin && a.length === b.length;
}

function unexpected(what: string): ProtocolError {
  return new ProtocolError('unexpected-message', 'handle-message', what);
}

export class PeerConnection extends TypedEmitter<PeerConnectionEvents> {
  readonly incoming: boolean;
  readonly connectedAt: number;
  readonly pieceCount: number;

  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** Set by the choker: this peer holds the optimistic unchoke slot. */
  optimistic = false;
  snubbed = false;

  /** The peer's pieces; replaced by its bitfield, filled by have / have-all. */
  peerBitfield: Bitfield;
  supportsFast = false;
  supportsExtended = false;
  supportsDht = false;
  remotePeerId: Uint8Array | null = null;
  peerExtendedHandshake: ExtendedHandshake | null = null;
  /** Decoded from the BEP 10 `v` when sent, else from the peer id. */
  clientName = 'unknown';
  /** Blocks received that we never requested. */
  unrequestedBlocks = 0;
  closeReason: CloseReason | null = null;

  private readonly socket: Duplex;
  private readonly clock: Clock;
  private readonly opts: PeerConnectionOptions;
  private readonly timeouts: PeerTimeouts;
  private readonly decoder: FrameDecoder;
  private readonly reader = new HandshakeReader();
  private readonly down: RateMeter;
  private readonly up: RateMeter;
  private readonly maxQueueDepth: number;
  private readonly maxPeerRequests: number;
  /** Log details are formatted only when someone listens (blocks arrive 20,000 times a second). */
  private readonly logging: boolean;
  /** Block-level events not logged yet, one run per kind (see logBlock). */
  private readonly blockRuns: (BlockRun | null)[] = [null, null, null, null];
  private phase: Phase = 'handshake';
  private started = false;
  private tickTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  private corked = false;

  private readonly inFlightMap = new Map<number, InFlight>();
  /** Requests we gave up on (cancel, expiry, choke) whose blocks may still arrive. */
  private readonly lateMap = new Map<number, number>();
  private readonly peerRequests = new Map<number, BlockRef>();
  private readonly peerAllowedFast = new Set<number>();
  private readonly allowedFastGranted = new Set<number>();
  private peerReqq = DEFAULT_PEER_REQQ;
  /** Whether the peer already sent bitfield, have-all or have-none. */
  private availabilitySent = false;
  /** Whether we sent anything after the handshake (bitfield must come first). */
  private sentAfterHandshake = false;

  private lastReceivedAt: number;
  private lastSentAt: number;
  /** Last block received, or when requests became pending after none were. */
  private lastProgressAt: number;
  private slowStart = true;
  private slowStartDepth = INITIAL_QUEUE_DEPTH;
  private lastTickRateBps = 0;
  private downloadedSinceTick = 0;

  constructor(opts: PeerConnectionOptions) {
    super();
    if (opts.pieceCount >= MAX_PIECE_COUNT_FOR_PEER_KEYS) {
      throw new RangeError(`pieceCount ${opts.pieceCount} exceeds the request key range`);
    }
    this.opts = opts;
    this.logging = opts.onLog !== undefined;
    this.socket = opts.socket;
    this.clock = opts.clock;
    this.incoming = opts.incoming;
    this.pieceCount = opts.pieceCount;
    this.peerBitfield = new Bitfield(opts.pieceCount);
    this.timeouts = {
      handshakeMs: HANDSHAKE_TIMEOUT_MS,
      keepAliveIntervalMs: KEEPALIVE_INTERVAL_MS,
      idleMs: IDLE_TIMEOUT_MS,
      requestMs: REQUEST_TIMEOUT_MS,
      snubMs: SNUB_TIMEOUT_MS,
      ...opts.timeouts,
    };
    this.decoder = new FrameDecoder({ maxFrameBytes: opts.maxFrameBytes ?? MAX_FRAME_BYTES });
    this.down = new RateMeter(opts.clock);
    this.up = new RateMeter(opts.clock);
    this.maxQueueDepth = Math.max(
      1,
      Math.min(opts.maxQueueDepth ?? MAX_REQUEST_QUEUE_DEPTH, MAX_REQUEST_QUEUE_DEPTH),
    );
    this.maxPeerRequests = Math.max(1, Math.min(opts.reqq, MAX_UPLOAD_QUEUE_PER_PEER));
    const now = opts.clock.now();
    this.connectedAt = now;
    this.lastReceivedAt = now;
    this.lastSentAt = now;
    this.lastProgressAt = now;

    // Reads through `reads` begin in start(), once the owner has wired its listeners.
    if (!opts.reads) this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('close', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('drain', this.onDrain);
    if (this.socket instanceof net.Socket) this.socket.setNoDelay(true);

    this.log('local', 'connect', opts.incoming ? 'incoming' : 'outgoing');
    this.write(
      encodeHandshake({
        infoHash: opts.infoHash,
        peerId: opts.peerId,
        reserved: reservedFlags({ fast: opts.extensions.fast, extended: opts.extensions.extended }),
      }),
    );
    this.handshakeTimer = this.clock.setTimeout(() => {
      if (this.phase === 'handshake') {
        this.close(
          'timeout',
          new ProtocolError('bad-handshake', 'handshake', 'handshake timed out'),
        );
      }
    }, this.timeouts.handshakeMs);
    this.tickTimer = this.clock.setInterval(() => this.tick(), PEER_TICK_MS);
    process.nextTick(() => this.start());
  }

  // ------------------------------------------------------------------ state queries

  get closed(): boolean {
    return this.phase === 'closed';
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /** Our requests awaiting a block or a reject. */
  get inFlight(): number {
    return this.inFlightMap.size;
  }

  /** The peer's requests we have not answered yet. */
  get pendingPeerRequests(): number {
    return this.peerRequests.size;
  }

  /** BEP 6: pieces the peer lets us request while it chokes us. A live view: do not mutate. */
  get allowedFastSet(): Set<number> {
    return this.peerAllowedFast;
  }

  /** The requests the peer accepts queued (BEP 10 `reqq`, default 250). */
  get peerRequestQueue(): number {
    return this.peerReqq;
  }

  /** True when the uploader should wait for 'drain' before sending more blocks. */
  get needsDrain(): boolean {
    return this.socket.writableNeedDrain && this.socket.writableLength >= SEND_BUFFER_BYTES;
  }

  get writableNeedDrain(): boolean {
    return this.needsDrain;
  }

  get downloadedBytes(): number {
    return this.down.total;
  }

  get uploadedBytes(): number {
    return this.up.total;
  }

  downRateBps(): number {
    return this.down.rateBps();
  }

  upRateBps(): number {
    return this.up.rateBps();
  }

  isInFlight(index: number, begin: number): boolean {
    return this.inFlightMap.has(blockKey(index, begin));
  }

  /**
   * Requests to keep in flight: about REQUEST_QUEUE_SECONDS of data at the measured rate, at
   * least INITIAL_QUEUE_DEPTH growing by one per block while in slow start, capped by the peer's
   * `reqq` and our ceiling. A snubbing peer gets one.
   */
  desiredQueueDepth(): number {
    if (this.snubbed) return 1;
    const byRate = Math.ceil((this.down.rateBps() * REQUEST_QUEUE_SECONDS) / BLOCK_BYTES);
    const want = Math.max(MIN_QUEUE_DEPTH, byRate, this.slowStart ? this.slowStartDepth : 0);
    return Math.max(1, Math.min(want, this.maxQueueDepth, this.peerReqq));
  }

  snapshot(): Omit<PeerSnapshot, 'key' | 'address' | 'port'> {
    return {
      client: this.clientName,
      peerIdHex: this.remotePeerId ? Buffer.from(this.remotePeerId).toString('hex') : '',
      flags: {
        amChoking: this.amChoking,
        amInterested: this.amInterested,
        peerChoking: this.peerChoking,
        peerInterested: this.peerInterested,
        optimistic: this.optimistic,
        snubbed: this.snubbed,
        incoming: this.incoming,
        encrypted: false,
        fast: this.supportsFast,
        extended: this.supportsExtended,
      },
      progress: this.pieceCount === 0 ? 1 : this.peerBitfield.count() / this.pieceCount,
      downRateBps: this.down.rateBps(),
      upRateBps: this.up.rateBps(),
      downloadedBytes: this.down.total,
      uploadedBytes: this.up.total,
      requestsInFlight: this.inFlightMap.size,
      connectedAt: this.connectedAt,
    };
  }

  // ------------------------------------------------------------------ sending

  choke(): void {
    if (!this.isOpen || this.amChoking) return;
    this.amChoking = true;
    this.send({ type: 'choke' });
    // BEP 6: requests for allowed-fast pieces survive a choke; the rest are rejected (BEP 6)
    // or silently discarded (BEP 3, the peer drops them itself).
    for (const [key, r] of this.peerRequests) {
      if (this.allowedFastGranted.has(r.index)) continue;
      this.peerRequests.delete(key);
      if (this.supportsFast) this.send({ type: 'reject', ...r });
    }
  }

  unchoke(): void {
    if (!this.isOpen || !this.amChoking) return;
    this.amChoking = false;
    this.send({ type: 'unchoke' });
  }

  interested(): void {
    if (!this.isOpen || this.amInterested) return;
    this.amInterested = true;
    this.send({ type: 'interested' });
  }

  notInterested(): void {
    if (!this.isOpen || !this.amInterested) return;
    this.amInterested = false;
    this.send({ type: 'not-interested' });
  }

  have(index: number): void {
    if (!this.isOpen) return;
    this.send({ type: 'have', index });
  }

  /** BEP 3: only as the first message after the handshake. */
  sendBitfield(bf: Bitfield): void {
    if (!this.isOpen) return;
    this.checkFirstMessage('bitfield');
    if (bf.length !== this.pieceCount) {
      throw new RangeError(`bitfield of ${bf.length} pieces for a torrent of ${this.pieceCount}`);
    }
    this.send({ type: 'bitfield', bits: bf.toBytes() });
  }

  /** BEP 6 have-all; without the Fast Extension, a full bitfield. */
  haveAll(): void {
    if (!this.isOpen) return;
    this.checkFirstMessage('have-all');
    if (this.supportsFast) this.send({ type: 'have-all' });
    else this.send({ type: 'bitfield', bits: Bitfield.full(this.pieceCount).toBytes() });
  }

  /** BEP 6 have-none; without the Fast Extension nothing is sent (BEP 3 allows no bitfield). */
  haveNone(): void {
    if (!this.isOpen) return;
    this.checkFirstMessage('have-none');
    if (this.supportsFast) this.send({ type: 'have-none' });
    else this.sentAfterHandshake = true;
  }

  /** BEP 6: the peer may request blocks of `index` even while we choke it. */
  allowedFast(index: number): boolean {
    if (!this.isOpen || !this.supportsFast || index >= this.pieceCount) return false;
    this.allowedFastGranted.add(index);
    this.send({ type: 'allowed-fast', index });
    return true;
  }

  suggest(index: number): boolean {
    if (!this.isOpen || !this.supportsFast || index >= this.pieceCount) return false;
    this.send({ type: 'suggest', index });
    return true;
  }

  /** BEP 6: refuse a pending request of the peer. Returns false if it was not pending. */
  reject(req: BlockRef): boolean {
    const key = blockKey(req.index, req.begin);
    const pending = this.peerRequests.get(key);
    if (!this.isOpen || !pending || !sameRef(pending, req)) return false;
    this.peerRequests.delete(key);
    if (this.supportsFast) this.send({ type: 'reject', ...req });
    return true;
  }

  /** BEP 10: an extension message on the id the peer assigned. */
  sendExtended(extId: number, payload: Uint8Array): boolean {
    if (!this.isOpen || !this.supportsExtended) return false;
    this.send({ type: 'extended', extId, payload });
    return true;
  }

  /**
   * Requests a block and records it in flight. Returns false (and sends nothing) when the peer
   * chokes us and the piece is not allowed-fast, or when the block is already in flight.
   */
  request(index: number, begin: number, length: number): boolean {
    return this.requestMany([{ index, begin, length }]) === 1;
  }

  /**
   * Requests blocks, all in one socket write. Blocks already in flight, and blocks of pieces
   * not allowed fast while the peer chokes us, are skipped. Returns how many went out.
   */
  requestMany(blocks: readonly BlockRef[]): number {
    if (!this.isOpen) return 0;
    const now = this.clock.now();
    const sent: BlockRef[] = [];
    for (const b of blocks) {
      if (this.peerChoking && !this.peerAllowedFast.has(b.index)) continue;
      const key = blockKey(b.index, b.begin);
      if (this.inFlightMap.has(key)) continue;
      if (this.inFlightMap.size === 0) this.lastProgressAt = now;
      this.inFlightMap.set(key, { index: b.index, begin: b.begin, length: b.length, sentAt: now });
      this.lateMap.delete(key);
      sent.push(b);
    }
    if (sent.length === 0) return 0;
    this.sentAfterHandshake = true;
    this.write(encodeRequests(sent));
    if (this.logging) for (const b of sent) this.logBlock('out', 'request', b.index, b.length);
    return sent.length;
  }

  /** Cancels one of our requests (endgame). Returns false if it was not in flight. */
  cancel(index: number, begin: number, length: number): boolean {
    if (!this.isOpen) return false;
    const key = blockKey(index, begin);
    const r = this.inFlightMap.get(key);
    if (!r || r.length !== length) return false;
    this.inFlightMap.delete(key);
    this.rememberLate(key, length);
    this.send({ type: 'cancel', index, begin, length });
    return true;
  }

  /**
   * Sends a block for a pending request as a 13-byte header plus the block itself (no copy).
   * Returns false, sending nothing, if the request is no longer pending (cancelled, rejected,
   * dropped by our choke).
   */
  sendPiece(index: number, begin: number, block: Uint8Array): boolean {
    const key = blockKey(index, begin);
    const pending = this.peerRequests.get(key);
    if (!this.isOpen || !pending || pending.length !== block.length) return false;
    this.peerRequests.delete(key);
    this.write(encodePieceHeader(index, begin, block.length));
    this.write(block);
    this.up.add(block.length);
    if (this.logging) this.logBlock('out', 'piece', index, block.length);
    return true;
  }

  /**
   * Gives up on requests unanswered for the request timeout, unless the peer delivered a block
   * recently (then they are only queued behind others), and returns them for re-requesting
   * elsewhere. Their blocks, if they still come, are emitted with `late: true`.
   */
  expireRequests(now: number): BlockRef[] {
    if (this.inFlightMap.size === 0) return [];
    const timeoutMs = this.timeouts.requestMs;
    const progressing = now - this.lastProgressAt < timeoutMs / 2;
    const expired: BlockRef[] = [];
    for (const [key, r] of this.inFlightMap) {
      const age = now - r.sentAt;
      if (age <= timeoutMs || (progressing && age <= timeoutMs * 3)) continue;
      this.inFlightMap.delete(key);
      this.rememberLate(key, r.length);
      expired.push({ index: r.index, begin: r.begin, length: r.length });
    }
    if (expired.length > 0) {
      this.slowStart = false;
      this.log('local', 'request', `${expired.length} requests timed out`);
    }
    return expired;
  }

  close(reason: CloseReason, error?: Error): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.closeReason = reason;
    this.tickTimer?.cancel();
    this.handshakeTimer?.cancel();
    this.tickTimer = null;
    this.handshakeTimer = null;
    this.opts.reads?.attach(null);
    this.socket.off('data', this.onData);
    this.socket.off('drain', this.onDrain);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    // Keep an error listener: a destroyed socket may still report a late error.
    this.socket.destroy();
    this.log('local', 'close', error ? `${reason}: ${error.message}` : reason);
    const dropped = this.inFlightMap.size;
    this.inFlightMap.clear();
    this.lateMap.clear();
    this.peerRequests.clear();
    this.emit('closed', error ? { reason, error } : { reason });
    if (dropped > 0) this.log('local', 'close', `${dropped} requests dropped`);
  }

  // ------------------------------------------------------------------ receiving

  /** Processes a handshake already read by the listener; resumes the stream. */
  private start(): void {
    if (this.started || this.phase === 'closed') return;
    this.started = true;
    const h = this.opts.handshakeReceived;
    if (h) {
      this.onHandshake(h);
      const rest = this.opts.initialBytes;
      if (rest && rest.length > 0 && this.isOpen) this.onFrames(rest);
    } else if (this.opts.initialBytes && this.opts.initialBytes.length > 0) {
      this.onData(this.opts.initialBytes);
    }
    if (this.closed) return;
    this.opts.reads?.attach(this.onVolatileData);
    if (!this.closed) this.socket.resume();
  }

  private readonly onData = (chunk: Uint8Array): void => {
    this.receive(chunk, false);
  };

  private readonly onVolatileData = (chunk: Uint8Array): void => {
    this.receive(chunk, true);
  };

  /** `volatile`: the bytes are overwritten once this returns (see `reads`). */
  private receive(chunk: Uint8Array, volatile: boolean): void {
    if (this.phase === 'closed') return;
    if (!this.started) {
      // Only reachable if the stream flowed before start(): keep order by starting now.
      this.start();
      if (this.closed) return;
    }
    this.lastReceivedAt = this.clock.now();
    if (this.phase === 'handshake') {
      if (this.opts.handshakeReceived) {
        this.close('protocol-error', unexpected('data before the handshake was processed'));
        return;
      }
      let res;
      try {
        res = this.reader.push(chunk);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        this.close('protocol-error', err);
        return;
      }
      if (!res) return;
      this.onHandshake(res.handshake);
      if (!this.isOpen || res.rest.length === 0) return;
      this.onFrames(res.rest, volatile);
      return;
    }
    this.onFrames(chunk, volatile);
  }

  private onFrames(chunk: Uint8Array, volatile = false): void {
    try {
      const messages = this.decoder.push(chunk, volatile);
      for (let i = 0; i < messages.length; i++) {
        if (this.phase !== 'open') return;
        this.handle(messages[i] as Message);
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.close('protocol-error', err);
    }
  }

  private onHandshake(h: Handshake): void {
    if (Buffer.compare(h.infoHash, this.opts.infoHash) !== 0) {
      this.close('info-hash-mismatch');
      return;
    }
    if (Buffer.compare(h.peerId, this.opts.peerId) === 0) {
      this.close('self-connection');
      return;
    }
    const flags = decodeReserved(h.reserved);
    this.supportsFast = this.opts.extensions.fast && flags.fast;
    this.supportsExtended = this.opts.extensions.extended && flags.extended;
    this.supportsDht = flags.dht;
    this.remotePeerId = h.peerId;
    this.clientName = clientName(h.peerId);
    this.phase = 'open';
    this.handshakeTimer?.cancel();
    this.handshakeTimer = null;
    this.log(
      'in',
      'handshake',
      `${this.clientName}${this.supportsFast ? ' fast' : ''}${this.supportsExtended ? ' ext' : ''}`,
    );
    this.emit('handshake', h);
    if (!this.isOpen || !this.supportsExtended) return;
    // After the listener sent our bitfield, which BEP 6 wants first.
    const extra = this.opts.extendedHandshake ?? {};
    const payload = encodeExtendedHandshake({
      m: extra.m ?? {},
      p: extra.p,
      metadata_size: extra.metadata_size,
      yourip: extra.yourip ?? this.remoteIpBytes(),
      v: this.opts.clientVersion,
      reqq: this.maxPeerRequests,
    });
    this.send({ type: 'extended', extId: EXTENDED_HANDSHAKE_ID, payload }, true);
  }

  private handle(m: Message): void {
    switch (m.type) {
      case 'keep-alive':
        return;
      case 'choke': {
        if (this.peerChoking) return;
        this.peerChoking = true;
        this.log('in', 'choke', '');
        // BEP 6: with the Fast Extension a choke keeps requests alive until each is rejected.
        const dropped: BlockRef[] = [];
        if (!this.supportsFast) {
          for (const [key, r] of this.inFlightMap) {
            dropped.push({ index: r.index, begin: r.begin, length: r.length });
            this.rememberLate(key, r.length);
          }
          this.inFlightMap.clear();
        }
        this.emit('choke', dropped);
        return;
      }
      case 'unchoke':
        if (!this.peerChoking) return;
        this.peerChoking = false;
        this.log('in', 'unchoke', '');
        this.emit('unchoke', undefined);
        return;
      case 'interested':
        if (this.peerInterested) return;
        this.peerInterested = true;
        this.log('in', 'interested', '');
        this.emit('interested', undefined);
        return;
      case 'not-interested':
        if (!this.peerInterested) return;
        this.peerInterested = false;
        this.log('in', 'not-interested', '');
        this.emit('not-interested', undefined);
        return;
      case 'have':
        this.checkIndex(m.index, 'have');
        this.log('in', 'have', String(m.index));
        if (this.peerBitfield.get(m.index)) return;
        this.peerBitfield.set(m.index);
        this.emit('have', m.index);
        return;
      case 'bitfield': {
        if (this.availabilitySent) {
          // aria2 sends a bitfield mid-connection to batch many haves: merge it as haves.
          const late = Bitfield.fromBytes(m.bits, this.pieceCount);
          let added = 0;
          for (let i = 0; i < this.pieceCount; i++) {
            if (late.get(i) && !this.peerBitfield.get(i)) {
              this.peerBitfield.set(i);
              added++;
              this.emit('have', i);
            }
          }
          this.log('in', 'bitfield', `late bitfield: +${added} pieces`);
          return;
        }
        this.checkFirstAvailability('bitfield');
        this.peerBitfield = Bitfield.fromBytes(m.bits, this.pieceCount);
        this.log('in', 'bitfield', `${this.peerBitfield.count()}/${this.pieceCount}`);
        this.emit('bitfield', this.peerBitfield);
        return;
      }
      case 'have-all':
        this.requireFast('have-all');
        if (this.availabilitySent) {
          // A repeat from a peer that has everything changes nothing: no walk (issue 16).
          if (this.peerBitfield.isFull()) return;
          // A late have-all is a peer that completed: treat it as haves for what it lacked.
          for (let i = 0; i < this.pieceCount; i++) {
            if (!this.peerBitfield.get(i)) {
              this.peerBitfield.set(i);
              this.emit('have', i);
            }
          }
          this.log('in', 'bitfield', 'late have-all');
          return;
        }
        this.checkFirstAvailability('have-all');
        this.peerBitfield.setAll();
        this.log('in', 'bitfield', 'have-all');
        this.emit('have-all', undefined);
        return;
      case 'have-none':
        this.requireFast('have-none');
        this.checkFirstAvailability('have-none');
        this.peerBitfield.clearAll();
        this.log('in', 'bitfield', 'have-none');
        this.emit('have-none', undefined);
        return;
      case 'request':
        this.onPeerRequest({ index: m.index, begin: m.begin, length: m.length });
        return;
      case 'cancel': {
        const key = blockKey(m.index, m.begin);
        const pending = this.peerRequests.get(key);
        this.log('in', 'cancel', `${m.index}:${m.begin}+${m.length}`);
        if (!pending || !sameRef(pending, m)) return;
        this.peerRequests.delete(key);
        const ref = { index: m.index, begin: m.begin, length: m.length };
        // BEP 6: every request gets exactly one answer, even a cancelled one.
        if (this.supportsFast) this.send({ type: 'reject', ...ref });
        this.emit('cancel', ref);
        return;
      }
      case 'piece':
        this.onBlock(m.index, m.begin, m.block);
        return;
      case 'reject': {
        this.requireFast('reject');
        const key = blockKey(m.index, m.begin);
        const r = this.inFlightMap.get(key);
        this.log('in', 'reject', `${m.index}:${m.begin}+${m.length}`);
        if (r && r.length === m.length) {
          this.inFlightMap.delete(key);
          this.emit('reject', { index: m.index, begin: m.begin, length: m.length });
        } else {
          this.lateMap.delete(key);
        }
        return;
      }
      case 'allowed-fast':
        this.requireFast('allowed-fast');
        this.log('in', 'allowed-fast', String(m.index));
        if (m.index >= this.pieceCount || this.peerAllowedFast.has(m.index)) return;
        if (this.peerAllowedFast.size >= MAX_ALLOWED_FAST_PIECES) return;
        this.peerAllowedFast.add(m.index);
        this.emit('allowed-fast', m.index);
        return;
      case 'suggest':
        this.requireFast('suggest');
        if (m.index >= this.pieceCount) return;
        this.emit('suggest', m.index);
        return;
      case 'port':
        this.emit('port', m.port);
        return;
      case 'extended':
        this.onExtended(m.extId, m.payload);
        return;
      default: {
        const unreachable: never = m;
        throw new TypeError(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private onPeerRequest(r: BlockRef): void {
    this.checkIndex(r.index, 'request');
    if (r.length === 0 || r.length > MAX_REQUEST_BYTES) {
      throw new ProtocolError(
        'unexpected-message',
        'handle-message',
        `request of ${r.length} bytes (limit ${MAX_REQUEST_BYTES})`,
      );
    }
    const detail = this.logging ? `${r.index}:${r.begin}+${r.length}` : '';
    if (this.amChoking && !this.allowedFastGranted.has(r.index)) {
      // BEP 3: a choked peer's requests are discarded; BEP 6: rejected.
      this.log('in', 'request', `${detail} while choked`);
      if (this.supportsFast) this.send({ type: 'reject', ...r });
      return;
    }
    const key = blockKey(r.index, r.begin);
    if (this.peerRequests.has(key)) return;
    if (this.peerRequests.size >= this.maxPeerRequests) {
      this.log('in', 'request', `${detail} over the queue limit`);
      if (this.supportsFast) this.send({ type: 'reject', ...r });
      return;
    }
    this.peerRequests.set(key, r);
    if (this.logging) this.logBlock('in', 'request', r.index, r.length);
    this.emit('request', r);
  }

  private onBlock(index: number, begin: number, data: Uint8Array): void {
    const now = this.clock.now();
    this.down.add(data.length);
    this.downloadedSinceTick += data.length;
    const key = blockKey(index, begin);
    const r = this.inFlightMap.get(key);
    if (r && r.length === data.length) {
      this.inFlightMap.delete(key);
      this.lastProgressAt = now;
      if (this.snubbed) this.snubbed = false;
      if (this.slowStart && this.slowStartDepth < this.maxQueueDepth) this.slowStartDepth++;
      if (this.logging) this.logBlock('in', 'piece', index, data.length);
      this.emit('block', { index, begin, data, late: false });
      return;
    }
    if (this.lateMap.get(key) === data.length) {
      this.lateMap.delete(key);
      this.lastProgressAt = now;
      this.snubbed = false;
      this.log('in', 'piece', `${index}:${begin}+${data.length} late`);
      this.emit('block', { index, begin, data, late: true });
      return;
    }
    this.unrequestedBlocks++;
    this.log('in', 'piece', `${index}:${begin}+${data.length} not requested`);
    if (this.unrequestedBlocks > MAX_UNREQUESTED_BLOCKS) {
      throw unexpected(`${this.unrequestedBlocks} blocks that were never requested`);
    }
  }

  private onExtended(extId: number, payload: Uint8Array): void {
    if (!this.supportsExtended) throw unexpected('extended message without BEP 10 negotiated');
    if (extId !== EXTENDED_HANDSHAKE_ID) {
      this.log('in', 'extended', `id ${extId}, ${payload.length} bytes`);
      this.emit('extended', { extId, payload });
      return;
    }
    const h = decodeExtendedHandshake(payload);
    // BEP 10: a later handshake updates the earlier one; `m` entries merge.
    const prev = this.peerExtendedHandshake;
    const m = Object.assign(Object.create(null) as Record<string, number>, prev?.m, h.m);
    this.peerExtendedHandshake = { ...prev, ...h, m };
    if (h.reqq !== undefined) this.peerReqq = Math.max(1, h.reqq);
    if (h.v) this.clientName = h.v;
    this.log(
      'in',
      'extended-handshake',
      `${h.v ?? '?'} reqq=${h.reqq ?? '-'} m=${Object.keys(h.m).join(',')}`,
    );
    this.emit('extended-handshake', this.peerExtendedHandshake);
  }

  private readonly onEnd = (): void => {
    this.close('remote-closed');
  };

  private readonly onError = (err: Error): void => {
    this.close('socket-error', err);
  };

  private readonly onDrain = (): void => {
    if (this.isOpen) this.emit('drain', undefined);
  };

  // ------------------------------------------------------------------ timers

  private tick(): void {
    if (this.phase === 'closed') return;
    this.flushBlockRuns();
    const now = this.clock.now();
    if (now - this.lastReceivedAt >= this.timeouts.idleMs) {
      this.close('keepalive-timeout');
      return;
    }
    if (this.phase !== 'open') return;
    if (now - this.lastSentAt >= this.timeouts.keepAliveIntervalMs) {
      this.send({ type: 'keep-alive' }, true);
    }
    if (
      !this.snubbed &&
      this.inFlightMap.size > 0 &&
      now - this.lastProgressAt >= this.timeouts.snubMs
    ) {
      this.snubbed = true;
      this.slowStart = false;
      this.log('local', 'choke', 'snubbed: no block while requests are pending');
      this.emit('snubbed', undefined);
    }
    // Slow start ends once a second of blocks no longer raises the rate by 10 %.
    if (this.slowStart && this.downloadedSinceTick > 0) {
      const rate = this.down.rateBps();
      if (rate < this.lastTickRateBps * 1.1) this.slowStart = false;
      this.lastTickRateBps = rate;
    }
    this.downloadedSinceTick = 0;
  }

  // ------------------------------------------------------------------ helpers

  private send(m: Message, quiet = false): void {
    this.sentAfterHandshake = true;
    this.write(encodeMessage(m));
    if (quiet || !this.logging) return;
    switch (m.type) {
      case 'request':
      case 'cancel':
      case 'reject':
        this.log('out', m.type, `${m.index}:${m.begin}+${m.length}`);
        return;
      case 'have':
      case 'allowed-fast':
        this.log('out', m.type, String(m.index));
        return;
      case 'bitfield':
        this.log('out', 'bitfield', `${m.bits.length} bytes`);
        return;
      case 'have-all':
      case 'have-none':
        this.log('out', 'bitfield', m.type);
        return;
      case 'choke':
      case 'unchoke':
      case 'interested':
      case 'not-interested':
        this.log('out', m.type, '');
        return;
      case 'extended':
        this.log('out', 'extended', `id ${m.extId}, ${m.payload.length} bytes`);
        return;
      case 'keep-alive':
      case 'piece':
      case 'port':
      case 'suggest':
        return;
      default: {
        const unreachable: never = m;
        throw new TypeError(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Writes made in the same tick go out together: cork now, uncork on the next tick. */
  private write(buf: Uint8Array): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.lastSentAt = this.clock.now();
      this.socket.cork();
      process.nextTick(this.flush);
    }
    this.socket.write(buf);
  }

  private readonly flush = (): void => {
    this.corked = false;
    if (!this.socket.destroyed) this.socket.uncork();
  };

  private rememberLate(key: number, length: number): void {
    this.lateMap.set(key, length);
    if (this.lateMap.size > MAX_LATE_REQUESTS_TRACKED) {
      const oldest = this.lateMap.keys().next().value;
      if (oldest !== undefined) this.lateMap.delete(oldest);
    }
  }

  private checkIndex(index: number, what: string): void {
    if (index >= this.pieceCount) {
      throw unexpected(`${what} for piece ${index} of ${this.pieceCount}`);
    }
  }

  private requireFast(what: string): void {
    if (!this.supportsFast) throw unexpected(`${what} without the Fast Extension negotiated`);
  }

  private checkFirstAvailability(what: string): void {
    if (this.availabilitySent) throw unexpected(`${what} after the peer's bitfield`);
    this.availabilitySent = true;
  }

  private checkFirstMessage(what: string): void {
    if (this.sentAfterHandshake) {
      throw new Error(`${what} must be the first message after the handshake`);
    }
  }

  private remoteIpBytes(): Uint8Array | undefined {
    if (!(this.socket instanceof net.Socket)) return undefined;
    const addr = this.socket.remoteAddress ?? '';
    const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
    if (!net.isIPv4(v4)) return undefined;
    return new Uint8Array(v4.split('.').map(Number));
  }

  private log(dir: PeerLogEntry['dir'], type: PeerEventType, detail: string): void {
    this.flushBlockRuns();
    this.opts.onLog?.({ dir, type, detail });
  }

  /**
   * Block-level events (requests and pieces, either way) come by the tens of thousands per
   * second: consecutive ones of one kind for the same piece are logged as one event ("piece 12:
   * 64 blocks, 1048576 bytes") when that kind moves to another piece, before any other event,
   * on the next tick and at close. Each of the four kinds has its own run, so a seeder's
   * alternating requests in and pieces out still coalesce.
   */
  private logBlock(
    dir: 'in' | 'out',
    type: 'request' | 'piece',
    index: number,
    bytes: number,
  ): void {
    const slot = (dir === 'in' ? 0 : 2) + (type === 'request' ? 0 : 1);
    const run = this.blockRuns[slot];
    if (run && run.index === index) {
      run.blocks++;
      run.bytes += bytes;
      return;
    }
    if (run) this.emitBlockRun(run);
    this.blockRuns[slot] = { dir, type, index, blocks: 1, bytes };
  }

  private flushBlockRuns(): void {
    for (let i = 0; i < this.blockRuns.length; i++) {
      const run = this.blockRuns[i];
      if (!run) continue;
      this.blockRuns[i] = null;
      this.emitBlockRun(run);
    }
  }

  private emitBlockRun(run: BlockRun): void {
    const blocks = run.blocks === 1 ? '1 block' : `${run.blocks} blocks`;
    this.opts.onLog?.({
      dir: run.dir,
      type: run.type,
      detail: `piece ${run.index}: ${blocks}, ${run.bytes} bytes`,
    });
  }
}
