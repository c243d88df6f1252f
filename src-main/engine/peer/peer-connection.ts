/**
 * One peer connection: the BEP 3 state machine, with BEP 6 (Fast Extension) and BEP 10
 * (Extension Protocol), over a duplex of bytes (a PeerTransport: TCP, an in-memory pair in tests,
 * later MSE/PE and uTP; it never sees a socket). It reports what the peer does as typed events;
 * the torrent decides what to do. This file keeps the lifecycle, the sending API and the bytes.
 * Its parts, each unit-tested on its own:
 * - transport.ts (the seam), tcp-transport.ts, memory-transport.ts: the bytes under it;
 * - request-pipeline.ts: our requests (in flight, late, expiry, snub, queue depth);
 * - upload-queue.ts: the peer's requests to us (capped, flood limit);
 * - peer-availability.ts: the peer's pieces and the bitfield rules;
 * - peer-inbox.ts: the switch over the peer's messages and their BEP 3/6/10 rules;
 * - peer-handshake.ts, peer-timers.ts, block-log.ts, peer-snapshot.ts;
 * - peer-connection-options.ts: its options, events and default timeouts.
 *
 * Invariants:
 * - Flags start choked and not interested on both sides (BEP 3).
 * - A block is emitted only for a request we made: in flight, or recently cancelled / expired /
 *   dropped by a choke (then `late: true`). Other blocks are counted and ignored; past
 *   MAX_UNREQUESTED_BLOCKS the peer is closed.
 * - The peer's requests are tracked until answered once: by `sendPiece`, `reject`, a cancel, or
 *   our choke. `sendPiece` for a request no longer pending sends nothing, so with BEP 6 every
 *   request gets exactly one answer. At most our `reqq` are pending; a peer refused more than
 *   MAX_REFUSED_REQUESTS_PER_REQQ times that between our chokes/unchokes is a flood and closed.
 * - Blocks are written as header + block, never concatenated. `needsDrain` tells the uploader to
 *   wait for 'drain', so our send buffer stays bounded.
 * - Every peer fault closes the connection with a CloseReason: a protocol error, a handshake not
 *   done in HANDSHAKE_TIMEOUT_MS (however it is trickled), a frame not done in
 *   FRAME_RECEIVE_TIMEOUT_MS, or silence for the idle timeout.
 * - `close` is idempotent: it cancels every timer, destroys the transport and emits 'closed' once.
 * - Events are emitted only after the constructor returns (start runs on the next tick).
 * - Time comes only from the injected Clock.
 */
import type { PeerEventType, PeerSnapshot } from '../../../src-shared/model';
import {
  MAX_FRAME_BYTES,
  MAX_PIECE_COUNT_FOR_PEER_KEYS,
  MAX_REQUEST_QUEUE_DEPTH,
  MAX_UPLOAD_QUEUE_PER_PEER,
  PEER_TICK_MS,
} from '../limits';
import type { Clock, TimerHandle } from '../time/clock';
import { Bitfield } from '../wire/bitfield';
import { EXTENDED_HANDSHAKE_ID } from '../wire/extension-handshake';
import type { ExtendedHandshake } from '../wire/extension-handshake';
import { FrameDecoder } from '../wire/frame-decoder';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import type { Handshake } from '../wire/handshake';
import { HandshakeReader } from '../wire/handshake-reader';
import { encodeMessage, encodePieceHeader, encodeRequests } from '../wire/message';
import type { BlockRef, Message } from '../wire/message';
import { ProtocolError } from '../wire/protocol-error';
import { RateMeter } from '../net/rate-meter';
import { BlockLog, describeSent } from './block-log';
import type { PeerLogEntry } from './block-log';
import type { CloseReason } from './close-reason';
import { PeerAvailability } from './peer-availability';
import { negotiate, ourExtendedHandshake } from './peer-handshake';
import { PeerInbox, unexpected } from './peer-inbox';
import { clientName } from './peer-id';
import { peerSnapshot } from './peer-snapshot';
import { PeerTimers } from './peer-timers';
import { RequestPipeline } from './request-pipeline';
import { UploadQueue } from './upload-queue';
import { SEND_BUFFER_BYTES, resolveTimeouts } from './peer-connection-options';
import type {
  PeerConnectionEvents,
  PeerConnectionOptions,
  PeerTimeouts,
} from './peer-connection-options';
import { TcpTransport } from './tcp-transport';
import type { PeerTransport, TransportName } from './transport';
import { TypedEmitter } from './typed-emitter';

export type { CloseReason } from './close-reason';
export { PeerError } from './close-reason';
export { readHandshake } from './read-handshake';
export type { PeerLogEntry } from './block-log';
export type {
  BlockReceived,
  PeerConnectionEvents,
  PeerConnectionOptions,
  PeerTimeouts,
} from './peer-connection-options';
export type { PeerTransport } from './transport';

type Phase = 'handshake' | 'open' | 'closed';

/** The BEP 3 handshake a connection with these options sends (or sent ahead: `handshakeSent`). */
export function ourHandshake(
  opts: Pick<PeerConnectionOptions, 'infoHash' | 'peerId' | 'extensions'>,
): Uint8Array {
  return encodeHandshake({
    infoHash: opts.infoHash,
    peerId: opts.peerId,
    reserved: reservedFlags({ fast: opts.extensions.fast, extended: opts.extensions.extended }),
  });
}

function transportOf(opts: PeerConnectionOptions): PeerTransport {
  if (opts.transport) return opts.transport;
  if (opts.socket) return new TcpTransport(opts.socket, opts.reads);
  throw new TypeError('PeerConnection needs a transport or a socket');
}

export class PeerConnection extends TypedEmitter<PeerConnectionEvents> {
  readonly incoming: boolean;
  readonly connectedAt: number;
  readonly pieceCount: number;
  /** See PeerConnectionOptions.metadataOnly. */
  readonly metadataOnly: boolean;

  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** Set by the choker: this peer holds the optimistic unchoke slot. */
  optimistic = false;

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

  private readonly transport: PeerTransport;
  private readonly clock: Clock;
  private readonly opts: PeerConnectionOptions;
  private readonly timeouts: PeerTimeouts;
  private readonly decoder: FrameDecoder;
  private readonly reader = new HandshakeReader();
  private readonly down: RateMeter;
  private readonly up: RateMeter;
  private readonly requests: RequestPipeline;
  /** Only when someone listens: log details are formatted only then (20,000 blocks a second). */
  private readonly blockLog: BlockLog | null;
  private phase: Phase = 'handshake';
  private started = false;
  private tickTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;

  private readonly uploads: UploadQueue;
  private readonly availability: PeerAvailability;
  private readonly inbox: PeerInbox;
  /** Whether we sent anything after the handshake (bitfield must come first). */
  private sentAfterHandshake = false;

  private readonly timers: PeerTimers;

  constructor(opts: PeerConnectionOptions) {
    super();
    if (opts.pieceCount >= MAX_PIECE_COUNT_FOR_PEER_KEYS) {
      throw new RangeError(`pieceCount ${opts.pieceCount} exceeds the request key range`);
    }
    this.opts = opts;
    this.transport = transportOf(opts);
    this.clock = opts.clock;
    this.incoming = opts.incoming;
    this.pieceCount = opts.pieceCount;
    this.metadataOnly = opts.metadataOnly ?? false;
    this.availability = new PeerAvailability(opts.pieceCount);
    this.timeouts = resolveTimeouts(opts.timeouts);
    this.decoder = new FrameDecoder({ maxFrameBytes: opts.maxFrameBytes ?? MAX_FRAME_BYTES });
    this.down = new RateMeter(opts.clock);
    this.up = new RateMeter(opts.clock);
    const now = opts.clock.now();
    this.requests = new RequestPipeline({
      maxQueueDepth: Math.max(
        1,
        Math.min(opts.maxQueueDepth ?? MAX_REQUEST_QUEUE_DEPTH, MAX_REQUEST_QUEUE_DEPTH),
      ),
      requestTimeoutMs: this.timeouts.requestMs,
      snubMs: this.timeouts.snubMs,
      now,
    });
    this.uploads = new UploadQueue(Math.max(1, Math.min(opts.reqq, MAX_UPLOAD_QUEUE_PER_PEER)));
    const onLog = opts.onLog;
    this.blockLog = onLog ? new BlockLog(onLog) : null;
    this.connectedAt = now;
    this.timers = new PeerTimers(this.timeouts, now);
    this.inbox = new PeerInbox(this, {
      clock: opts.clock,
      requests: this.requests,
      uploads: this.uploads,
      availability: this.availability,
      down: this.down,
      blockLog: this.blockLog,
      pieceBytes: opts.pieceBytes,
      emit: (name, payload) => this.emit(name, payload),
      send: (m) => this.send(m),
      log: (dir, type, detail) => this.log(dir, type, detail),
    });

    // Bytes flow from start(), once the owner has wired its listeners; ends and errors now.
    this.transport.attach({
      onBytes: (chunk, volatile) => this.receive(chunk, volatile),
      onDrain: () => {
        if (this.isOpen) this.emit('drain', undefined);
      },
      onEnd: () => this.close('remote-closed'),
      onError: (err) => this.close('socket-error', err),
    });

    this.log('local', 'connect', opts.incoming ? 'incoming' : 'outgoing');
    if (!opts.handshakeSent) this.write(ourHandshake(opts));
    // Counted from the connection, not reset by bytes: a handshake trickled byte by byte
    // (slowloris) still times out.
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

  /** How the bytes travel ('tcp', later 'utp'), for the Peers tab. */
  get transportName(): TransportName {
    return this.transport.name;
  }

  get encrypted(): boolean {
    return this.transport.encrypted;
  }

  /** The peer sent no block for the snub timeout while our requests were pending. */
  get snubbed(): boolean {
    return this.requests.snubbed;
  }

  /** The peer's pieces; replaced by its bitfield, filled by have / have-all. */
  get peerBitfield(): Bitfield {
    return this.availability.bitfield;
  }

  /** Our requests awaiting a block or a reject. */
  get inFlight(): number {
    return this.requests.size;
  }

  /** The peer's requests we have not answered yet. */
  get pendingPeerRequests(): number {
    return this.uploads.size;
  }

  /** BEP 6: pieces the peer lets us request while it chokes us. A live view: do not mutate. */
  get allowedFastSet(): Set<number> {
    return this.inbox.peerAllowedFast;
  }

  /** The requests the peer accepts queued (BEP 10 `reqq`, default 250). */
  get peerRequestQueue(): number {
    return this.requests.peerReqq;
  }

  /** True when the uploader should wait for 'drain' before sending more blocks. */
  get needsDrain(): boolean {
    return this.transport.awaitingDrain && this.transport.bufferedBytes >= SEND_BUFFER_BYTES;
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
    return this.requests.has(index, begin);
  }

  /** Requests to keep in flight (see RequestPipeline.desiredDepth). */
  desiredQueueDepth(): number {
    return this.requests.desiredDepth(this.down.rateBps());
  }

  /** For the Peers tab. */
  snapshot(): Omit<PeerSnapshot, 'key' | 'address' | 'port' | 'source'> {
    return peerSnapshot(this);
  }

  // ------------------------------------------------------------------ sending

  choke(): void {
    if (!this.isOpen || this.amChoking) return;
    this.amChoking = true;
    this.uploads.resetRefused();
    this.send({ type: 'choke' });
    // BEP 6: requests for allowed-fast pieces survive a choke; the rest are rejected (BEP 6)
    // or silently discarded (BEP 3, the peer drops them itself).
    const dropped = this.uploads.choke();
    if (this.supportsFast) for (const r of dropped) this.send({ type: 'reject', ...r });
  }

  unchoke(): void {
    if (!this.isOpen || !this.amChoking) return;
    this.amChoking = false;
    this.uploads.resetRefused();
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
    this.uploads.grantAllowedFast(index);
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
    if (!this.isOpen || !this.uploads.take(req)) return false;
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
   * Requests blocks, all in one write. Blocks already in flight, and blocks of pieces not
   * allowed fast while the peer chokes us, are skipped. Returns how many went out.
   */
  requestMany(blocks: readonly BlockRef[]): number {
    if (!this.isOpen) return 0;
    const now = this.clock.now();
    const sent: BlockRef[] = [];
    const allowedFast = this.inbox.peerAllowedFast;
    for (const b of blocks) {
      if (this.peerChoking && !allowedFast.has(b.index)) continue;
      if (this.requests.add(b, now)) sent.push(b);
    }
    if (sent.length === 0) return 0;
    this.sentAfterHandshake = true;
    this.write(encodeRequests(sent));
    if (this.blockLog) for (const b of sent) this.blockLog.add('out', 'request', b.index, b.length);
    return sent.length;
  }

  /** Cancels one of our requests (endgame). Returns false if it was not in flight. */
  cancel(index: number, begin: number, length: number): boolean {
    if (!this.isOpen || !this.requests.cancel(index, begin, length)) return false;
    this.send({ type: 'cancel', index, begin, length });
    return true;
  }

  /**
   * Sends a block for a pending request as a 13-byte header plus the block itself (no copy).
   * Returns false, sending nothing, if the request is no longer pending (cancelled, rejected,
   * dropped by our choke).
   */
  sendPiece(index: number, begin: number, block: Uint8Array): boolean {
    if (!this.isOpen || !this.uploads.takeBlock(index, begin, block.length)) return false;
    this.write(encodePieceHeader(index, begin, block.length));
    this.write(block);
    this.up.add(block.length);
    this.blockLog?.add('out', 'piece', index, block.length);
    return true;
  }

  /**
   * Gives up on requests unanswered for the request timeout, unless the peer delivered a block
   * recently (then they are only queued behind others), and returns them for re-requesting
   * elsewhere. Their blocks, if they still come, are emitted with `late: true`.
   */
  expireRequests(now: number): BlockRef[] {
    const expired = this.requests.expire(now);
    if (expired.length > 0) this.log('local', 'request', `${expired.length} requests timed out`);
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
    this.transport.destroy();
    this.log('local', 'close', error ? `${reason}: ${error.message}` : reason);
    const dropped = this.requests.clear();
    this.uploads.clear();
    this.emit('closed', error ? { reason, error } : { reason });
    if (dropped > 0) this.log('local', 'close', `${dropped} requests dropped`);
  }

  // ------------------------------------------------------------------ receiving

  /** Processes a handshake already read by the listener, then lets bytes flow. */
  private start(): void {
    if (this.started || this.phase === 'closed') return;
    this.started = true;
    const h = this.opts.handshakeReceived;
    if (h) {
      this.onHandshake(h);
      const rest = this.opts.initialBytes;
      if (rest && rest.length > 0 && this.isOpen) this.onFrames(rest, false);
    } else if (this.opts.initialBytes && this.opts.initialBytes.length > 0) {
      this.receive(this.opts.initialBytes, false);
    }
    if (this.closed) return;
    this.transport.startReading();
  }

  /** `volatile`: the bytes are overwritten once this returns (see PeerTransport). */
  private receive(chunk: Uint8Array, volatile: boolean): void {
    if (this.phase === 'closed') return;
    this.timers.received(this.clock.now());
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

  private onFrames(chunk: Uint8Array, volatile: boolean): void {
    try {
      const messages = this.decoder.push(chunk, volatile);
      for (let i = 0; i < messages.length; i++) {
        if (this.phase !== 'open') return;
        this.inbox.handle(messages[i] as Message);
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.close('protocol-error', err);
    }
  }

  private onHandshake(h: Handshake): void {
    const n = negotiate(h, this.opts);
    if (typeof n === 'string') {
      this.close(n);
      return;
    }
    this.supportsFast = n.fast;
    this.supportsExtended = n.extended;
    this.supportsDht = n.dht;
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
    const payload = ourExtendedHandshake(
      this.opts.extendedHandshake ?? {},
      this.opts.clientVersion,
      this.uploads.limit,
      this.transport.remoteAddress,
    );
    this.send({ type: 'extended', extId: EXTENDED_HANDSHAKE_ID, payload }, true);
  }

  // ------------------------------------------------------------------ timers

  private tick(): void {
    if (this.phase === 'closed') return;
    this.blockLog?.flush();
    const now = this.clock.now();
    switch (this.timers.tick(now, this.isOpen, this.decoder.partialFrameId)) {
      case 'idle':
        this.close('keepalive-timeout');
        return;
      case 'frame-overdue':
        this.close(
          'frame-timeout',
          new ProtocolError(
            'unexpected-message',
            'decode-frame',
            `frame incomplete after ${this.timers.frameAgeMs(now)} ms (${this.decoder.bufferedBytes} bytes so far)`,
          ),
        );
        return;
      case 'keep-alive':
        this.send({ type: 'keep-alive' }, true);
        break;
      case null:
        break;
    }
    if (this.isOpen && this.requests.tick(now, this.down.rateBps())) {
      this.log('local', 'choke', 'snubbed: no block while requests are pending');
      this.emit('snubbed', undefined);
    }
  }

  // ------------------------------------------------------------------ helpers

  private send(m: Message, quiet = false): void {
    this.sentAfterHandshake = true;
    this.write(encodeMessage(m));
    if (quiet || !this.blockLog) return;
    const line = describeSent(m);
    if (line) this.log('out', line.type, line.detail);
  }

  /** The transport batches the writes of one tick into one system call. */
  private write(buf: Uint8Array): void {
    this.timers.wrote();
    this.transport.write(buf);
  }

  private checkFirstMessage(what: string): void {
    if (this.sentAfterHandshake) {
      throw new Error(`${what} must be the first message after the handshake`);
    }
  }

  private log(dir: PeerLogEntry['dir'], type: PeerEventType, detail: string): void {
    if (!this.blockLog) return;
    this.blockLog.flush();
    this.opts.onLog?.({ dir, type, detail });
  }
}
