/**
 * One uTP connection (BEP 29): the state machine, the send buffer with retransmission, selective
 * acks, the receive reordering buffer, FIN and RESET, keepalives and timeouts. It sends through
 * the socket manager (utp-socket.ts), which hands it the packets addressed to it and calls `tick`
 * on its timer; nothing here sets a timer or reads real time (the injected Clock).
 *
 * Connection ids: the dialler picks a random receive id R, sends its SYN with connection_id R and
 * every later packet with R + 1; the acceptor receives on R + 1 and sends with R.
 * Sequence numbers: SYN, DATA and FIN each take one; a STATE (an ack) carries the next one and
 * takes none, so the dialler's ack_nr starts at the SYN-ACK's seq_nr - 1.
 *
 * Invariants:
 * - Bytes are delivered in order, once, only while reading; before that (or while paused) they
 *   are held, and what is held counts against the window we advertise, so it is bounded.
 * - The reordering buffer holds at most UTP_REORDER_WINDOW_PACKETS past the next expected packet;
 *   anything further, and any ack of a packet we never sent, is dropped unanswered.
 * - Unacked packets stay in the send buffer until acked (cumulatively or selectively) and are
 *   resent on three duplicate acks, on three later packets selectively acked (fast retransmit),
 *   or on the retransmission timeout. Too many timeouts in a row fail the connection.
 * - `bufferedBytes` (queued plus unacked) above SEND_HIGH_WATER_BYTES sets `awaitingDrain`;
 *   'drain' follows once it is at half of that.
 * - After `close`, the queued data and a FIN still go out (bounded by LINGER_MS), then the
 *   connection is gone; after a RESET, a failure or `abort`, it is gone at once.
 */
import {
  UTP_MAX_ACK_DISTANCE,
  UTP_MAX_PEER_WINDOW_BYTES,
  UTP_REORDER_WINDOW_PACKETS,
} from '../limits';
import { Ledbat, PACKET_PAYLOAD_BYTES } from './ledbat';
import {
  ST_DATA,
  ST_FIN,
  ST_RESET,
  ST_STATE,
  ST_SYN,
  encodePacket,
  seqAdd,
  seqDistance,
} from './packet';
import type { UtpPacket, UtpType } from './packet';

/** The window we advertise: the reordering buffer's worth of full packets. */
export const RECEIVE_WINDOW_BYTES = UTP_REORDER_WINDOW_PACKETS * PACKET_PAYLOAD_BYTES;
/** Bytes written and not yet acked above which the writer is asked to wait. */
export const SEND_HIGH_WATER_BYTES = 1024 * 1024;
/** Packets in flight at most, well inside UTP_MAX_ACK_DISTANCE so acks are never ambiguous. */
export const MAX_PACKETS_IN_FLIGHT = 1_000;
/** A SYN unanswered this long: the address speaks no uTP (libtorrent waits 3 s too). */
export const CONNECT_TIMEOUT_MS = 3_000;
/** Timeouts in a row after which the remote is taken for gone (libtorrent's utp_num_resends). */
export const MAX_TIMEOUTS = 6;
/** Without traffic we send a STATE this often, so NAT mappings along the path stay open. */
export const KEEPALIVE_MS = 29_000;
/** Nothing received for this long: the remote is gone (well past two of its keepalives). */
export const IDLE_TIMEOUT_MS = 120_000;
/** After `close`, how long we keep resending what is unacked and our FIN. */
export const LINGER_MS = 10_000;
/** Duplicate acks (or later packets selectively acked) that mean a packet was lost. */
export const DUPLICATE_ACKS_FOR_RESEND = 3;
/**
 * In-order data packets acked together (as TCP's delayed ack does): a STATE per packet cost as
 * much CPU as the rest of a download (one system call each). Anything unusual is acked at once.
 */
export const ACK_EVERY_PACKETS = 2;

export type UtpState = 'syn-sent' | 'connected' | 'closing' | 'closed';

/** What a connection tells its owner (the transport). */
export interface UtpConnectionEvents {
  onConnect(): void;
  onData(chunk: Uint8Array): void;
  /** The remote sent FIN and everything before it was delivered. */
  onEnd(): void;
  onError(err: Error): void;
  onDrain(): void;
}

export interface UtpConnectionOptions {
  /** Sends one encoded packet to the remote. */
  send: (packet: Uint8Array) => void;
  nowMs: () => number;
  /** The id we receive on. The send id is +1 (dialler) or -1 (acceptor) from it. */
  recvId: number;
  sendId: number;
  /** Our first sequence number. */
  initialSeq: number;
  /** Called once, when the connection is gone and can be forgotten. */
  onGone: () => void;
  /**
   * Runs `fn` a moment later (the socket manager's clock): a lone in-order packet's ack waits
   * for it, in case another packet comes to share the ack. Without it every packet is acked.
   */
  delayAck?: (fn: () => void) => { cancel(): void };
}

interface OutPacket {
  type: UtpType;
  payload: Uint8Array | null;
  sentAtMs: number;
  transmissions: number;
  /** Acked selectively: no longer in flight, kept until the cumulative ack passes it. */
  acked: boolean;
  /** Counted in `inFlightBytes` (false once a timeout declared it lost, until resent). */
  inFlight: boolean;
  /** Resent early already (fast retransmit), so later duplicate acks do not resend it again. */
  fastResent: boolean;
}

export class UtpConnection {
  state: UtpState;
  readonly recvId: number;
  readonly sendId: number;
  readonly cc = new Ledbat();
  /** Packets resent, and retransmission timeouts, for tests and logs. */
  retransmits = 0;
  timeoutCount = 0;
  private events: UtpConnectionEvents | null = null;
  private readonly opts: UtpConnectionOptions;

  // ---- send side
  /** Next sequence number to use. */
  private seqNr: number;
  /** The highest sequence number the remote acked cumulatively. */
  private ackedSeq: number;
  private readonly out = new Map<number, OutPacket>();
  private inFlightBytes = 0;
  private unackedBytes = 0;
  private readonly queue: Uint8Array[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private peerWindow = PACKET_PAYLOAD_BYTES;
  private windowFull = false;
  private dupAcks = 0;
  /** Losses of packets sent before this one do not cut the window again. */
  private lossSeq: number;
  private timeouts = 0;
  private rtoDeadlineMs = 0;
  private drainWanted = false;
  private finSeq: number | null = null;
  private finWanted = false;
  private flushScheduled = false;

  // ---- receive side
  /** The last sequence number received in order. */
  private ackNr = 0;
  private readonly reorder = new Map<number, Uint8Array>();
  private reorderBytes = 0;
  private readonly held: Uint8Array[] = [];
  private heldBytes = 0;
  private reading = false;
  /** The remote's FIN: nothing past it is taken. */
  private eofSeq: number | null = null;
  private endDelivered = false;
  private replyDelayUs = 0;
  private ackOwed = false;
  /** The ack owed must go at once (see ACK_EVERY_PACKETS); else it may wait for `delayAck`. */
  private ackNow = false;
  private inOrderUnacked = 0;
  private ackTimer: { cancel(): void } | null = null;
  /** 'connect' was told (an accepted connection is connected from its SYN on). */
  private connectAnnounced = false;

  // ---- timing
  private readonly createdAtMs: number;
  private lastReceivedMs: number;
  private lastSentMs: number;
  private lingerUntilMs = 0;

  constructor(opts: UtpConnectionOptions, role: 'dial' | 'accept', syn?: UtpPacket) {
    this.opts = opts;
    this.recvId = opts.recvId;
    this.sendId = opts.sendId;
    this.seqNr = opts.initialSeq;
    this.ackedSeq = seqAdd(opts.initialSeq, -1);
    this.lossSeq = this.ackedSeq;
    const now = opts.nowMs();
    this.createdAtMs = now;
    this.lastReceivedMs = now;
    this.lastSentMs = now;
    if (role === 'dial') {
      this.state = 'syn-sent';
      this.sendNew(ST_SYN, null);
    } else {
      this.state = 'connected';
      this.connectAnnounced = true;
      if (!syn) throw new TypeError('an accepted connection needs its SYN');
      this.ackNr = syn.seqNr;
      this.takeTiming(syn);
      this.peerWindow = clampWindow(syn.wndSize);
      this.sendState();
    }
  }

  setEvents(events: UtpConnectionEvents): void {
    this.events = events;
  }

  get bufferedBytes(): number {
    return this.queuedBytes + this.unackedBytes;
  }

  get awaitingDrain(): boolean {
    return this.drainWanted;
  }

  // ---------------------------------------------------------------- the owner's side

  write(bytes: Uint8Array): void {
    if (this.state === 'closing' || this.state === 'closed' || bytes.length === 0) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    if (this.bufferedBytes > SEND_HIGH_WATER_BYTES) this.drainWanted = true;
    this.scheduleFlush();
  }

  /** Starts delivering bytes (held ones first); `pause` holds them again. */
  resume(): void {
    if (this.reading) return;
    this.reading = true;
    while (this.held.length > 0 && this.reading && this.state !== 'closed') {
      const chunk = this.held.shift() as Uint8Array;
      this.heldBytes -= chunk.length;
      this.events?.onData(chunk);
    }
    if (this.state === 'closed') return;
    this.maybeEnd();
    // Tell the sender our window opened again (it may be waiting on a full one).
    this.ackOwed = true;
    this.ackNow = true;
    this.scheduleFlush();
  }

  pause(): void {
    this.reading = false;
  }

  /** Graceful: what is queued goes out, then FIN; the owner hears nothing more. */
  close(): void {
    this.events = null;
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state === 'syn-sent') return this.abort(false);
    this.state = 'closing';
    this.lingerUntilMs = this.opts.nowMs() + LINGER_MS;
    // The FIN takes the sequence number after the last byte queued: it goes when they have.
    this.finWanted = true;
    this.flush();
  }

  /**
   * Ends at once, telling the remote with a RESET when `reset`, and the owner with `err` when
   * given (it hears nothing otherwise).
   */
  abort(reset = true, err?: Error): void {
    if (this.state === 'closed') return;
    if (reset && this.state !== 'syn-sent') this.sendHeader(ST_RESET, this.seqNr);
    const events = this.events;
    this.gone();
    if (err) events?.onError(err);
  }

  /** Read through a call: the state may have changed under the compiler's narrowing. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  // ---------------------------------------------------------------- packets from the remote

  handlePacket(p: UtpPacket): void {
    if (this.state === 'closed') return;
    if (p.type === ST_RESET) return this.fail(new Error('connection reset by the remote'));
    if (p.type === ST_SYN) {
      // Our SYN-ACK was lost and the dialler tries again: ack it again.
      if (p.seqNr === this.ackNr) this.sendState();
      return;
    }
    if (this.state === 'syn-sent') {
      if (p.type !== ST_STATE || p.ackNr !== this.ackedSeqAfterSyn()) return;
      this.state = 'connected';
      this.ackNr = seqAdd(p.seqNr, -1);
    }
    // An ack of something we never sent, or of long ago: another life, or forged.
    const ackAhead = seqDistance(this.ackedSeq, p.ackNr);
    const sentAhead = seqDistance(this.ackedSeq, seqAdd(this.seqNr, -1));
    if (ackAhead > sentAhead || ackAhead < -UTP_MAX_ACK_DISTANCE) return;
    // A data packet from far away is dropped before it can touch any state.
    if (p.type === ST_DATA || p.type === ST_FIN) {
      const ahead = seqDistance(this.ackNr, p.seqNr);
      if (ahead > UTP_REORDER_WINDOW_PACKETS || ahead < -UTP_MAX_ACK_DISTANCE) return;
    }
    const now = this.opts.nowMs();
    this.lastReceivedMs = now;
    this.takeTiming(p);
    this.peerWindow = clampWindow(p.wndSize);
    // A full remote is alive: waiting on its window is not a run of timeouts.
    if (this.peerWindow < PACKET_PAYLOAD_BYTES) this.timeouts = 0;
    this.onAck(p, ackAhead, now);
    if (this.isClosed()) return;
    if (p.type === ST_DATA || p.type === ST_FIN) this.onData(p);
    if (this.state === 'connected' && !this.connectAnnounced) {
      this.connectAnnounced = true;
      this.events?.onConnect();
    }
    this.scheduleFlush();
  }

  private ackedSeqAfterSyn(): number {
    // The SYN took the first sequence number; its ack names it.
    return seqAdd(this.ackedSeq, 1);
  }

  private takeTiming(p: UtpPacket): void {
    this.replyDelayUs = (micros(this.opts.nowMs()) - p.timestampUs) >>> 0;
  }

  private onAck(p: UtpPacket, ackAhead: number, now: number): void {
    let acked = 0;
    let rttSample: number | null = null;
    if (ackAhead > 0) {
      for (let i = 0; i < ackAhead; i++) {
        const seq = seqAdd(this.ackedSeq, 1);
        const pkt = this.out.get(seq);
        this.ackedSeq = seq;
        if (!pkt) continue;
        this.out.delete(seq);
        if (!pkt.acked) acked += this.forget(pkt);
        if (pkt.transmissions === 1) rttSample = now - pkt.sentAtMs;
      }
      this.dupAcks = 0;
      this.timeouts = 0;
    } else if (
      ackAhead === 0 &&
      p.type === ST_STATE &&
      this.out.size > 0 &&
      ++this.dupAcks >= DUPLICATE_ACKS_FOR_RESEND
    ) {
      this.dupAcks = 0;
      this.lost(seqAdd(this.ackedSeq, 1));
    }
    if (p.selectiveAck && ackAhead >= 0) acked += this.onSelectiveAck(p.ackNr, p.selectiveAck, now);
    if (rttSample !== null) this.cc.onRttSample(rttSample);
    if (acked > 0) {
      this.cc.onAck({
        nowMs: now,
        ackedBytes: acked,
        delaySampleUs: p.timestampDiffUs,
        windowFull: this.windowFull,
      });
      this.rtoDeadlineMs = now + this.cc.timeoutMs;
      this.timeouts = 0;
    }
    if (this.finSeq !== null && seqDistance(this.finSeq, this.ackedSeq) >= 0) {
      // Our FIN is acked: in 'closing' there is nothing left to do.
      if (this.state === 'closing') return this.gone();
    }
    if (this.drainWanted && this.bufferedBytes <= SEND_HIGH_WATER_BYTES / 2) {
      this.drainWanted = false;
      this.events?.onDrain();
    }
  }

  /** Marks the packets the bitmask names; resends any with three acked after it. */
  private onSelectiveAck(ackNr: number, mask: Uint8Array, now: number): number {
    let acked = 0;
    let highest = -1;
    for (let i = 0; i < mask.length * 8; i++) {
      if (((mask[i >> 3] as number) & (1 << (i & 7))) === 0) continue;
      const seq = seqAdd(ackNr, 2 + i);
      const pkt = this.out.get(seq);
      if (!pkt) continue;
      highest = i;
      if (pkt.acked) continue;
      acked += this.forget(pkt);
      pkt.acked = true;
      if (pkt.transmissions === 1) this.cc.onRttSample(now - pkt.sentAtMs);
    }
    // Walk down from the highest acked: a packet with DUPLICATE_ACKS_FOR_RESEND acked after it
    // is lost (ack_nr + 1 counts too: the remote is missing it, or ack_nr would be past it).
    let after = 0;
    for (let i = highest; i >= -1; i--) {
      const seq = seqAdd(ackNr, 2 + i);
      const pkt = this.out.get(seq);
      if (!pkt) continue;
      if (pkt.acked) after++;
      else if (after >= DUPLICATE_ACKS_FOR_RESEND && !pkt.fastResent) this.lost(seq);
    }
    return acked;
  }

  /** Drops a packet from the in-flight counts; returns its payload bytes. */
  private forget(pkt: OutPacket): number {
    const n = pkt.payload?.length ?? 0;
    if (pkt.inFlight) this.inFlightBytes -= n;
    pkt.inFlight = false;
    this.unackedBytes -= n;
    return n;
  }

  /** A packet is taken for lost: resend it now, and halve the window once per window. */
  private lost(seq: number): void {
    const pkt = this.out.get(seq);
    // Resent early once: if that is lost too, the timeout will tell.
    if (!pkt || pkt.acked || pkt.fastResent) return;
    pkt.fastResent = true;
    if (seqDistance(this.lossSeq, seq) > 0) {
      this.cc.onLoss();
      this.lossSeq = seqAdd(this.seqNr, -1);
    }
    this.transmit(seq, pkt);
  }

  private onData(p: UtpPacket): void {
    const ahead = seqDistance(this.ackNr, p.seqNr);
    this.ackOwed = true;
    // Only a plain in-order packet with nothing waiting behind it may share its ack.
    const plain = ahead === 1 && p.type === ST_DATA && this.reorder.size === 0;
    if (!plain || ++this.inOrderUnacked >= ACK_EVERY_PACKETS) this.ackNow = true;
    if (ahead <= 0) return; // a duplicate: ack again, the remote missed our ack
    if (this.eofSeq !== null && seqDistance(this.eofSeq, p.seqNr) > 0) return;
    // Over the window we advertised (the reader is not reading): drop, the sender will probe.
    if (p.payload.length > this.receiveWindow()) return;
    if (p.type === ST_FIN) this.eofSeq = p.seqNr;
    if (ahead === 1) {
      this.deliver(p.payload);
      this.ackNr = p.seqNr;
      // Whatever waited for this packet follows it.
      for (let n = 0; n < UTP_REORDER_WINDOW_PACKETS && this.reorder.size > 0; n++) {
        const next = seqAdd(this.ackNr, 1);
        const chunk = this.reorder.get(next);
        if (chunk === undefined) break;
        this.reorder.delete(next);
        this.reorderBytes -= chunk.length;
        this.deliver(chunk);
        this.ackNr = next;
      }
      this.maybeEnd();
      return;
    }
    if (this.reorder.has(p.seqNr)) return;
    this.reorder.set(p.seqNr, p.payload);
    this.reorderBytes += p.payload.length;
  }

  private deliver(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.reading && this.held.length === 0) this.events?.onData(chunk);
    else {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
    }
  }

  private maybeEnd(): void {
    if (this.endDelivered || this.eofSeq === null || this.ackNr !== this.eofSeq) return;
    if (!this.reading || this.held.length > 0) return;
    this.endDelivered = true;
    this.events?.onEnd();
  }

  private receiveWindow(): number {
    return Math.max(0, RECEIVE_WINDOW_BYTES - this.reorderBytes - this.heldBytes);
  }

  // ---------------------------------------------------------------- sending

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Writes and acks of one tick go out together: a peer message is often several writes.
    process.nextTick(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    if (this.state === 'closed') return;
    this.flush();
    if (!this.ackOwed || this.state === 'syn-sent') return;
    if (this.ackNow || !this.opts.delayAck) this.sendState();
    else this.ackTimer ??= this.opts.delayAck(this.delayedAck);
  };

  private readonly delayedAck = (): void => {
    this.ackTimer = null;
    if (this.ackOwed && this.state !== 'closed' && this.state !== 'syn-sent') this.sendState();
  };

  /** Whatever we send carries our ack. */
  private acked(): void {
    this.ackOwed = false;
    this.ackNow = false;
    this.inOrderUnacked = 0;
  }

  /** Sends what the window allows: resends first, then new data. */
  private flush(): void {
    if (this.state === 'syn-sent' || this.state === 'closed') return;
    const window = this.cc.sendWindow(this.peerWindow);
    // Packets a timeout declared lost go first, oldest first.
    if (this.inFlightBytes < this.unackedBytes) {
      for (let seq = seqAdd(this.ackedSeq, 1); seq !== this.seqNr; seq = seqAdd(seq, 1)) {
        const pkt = this.out.get(seq);
        if (!pkt || pkt.acked || pkt.inFlight) continue;
        if (this.inFlightBytes + (pkt.payload?.length ?? 0) > window) {
          this.windowFull = true;
          return;
        }
        this.transmit(seq, pkt);
      }
    }
    this.windowFull = false;
    while (this.queuedBytes > 0) {
      const size = Math.min(PACKET_PAYLOAD_BYTES, this.queuedBytes);
      if (this.inFlightBytes + size > window || this.out.size >= MAX_PACKETS_IN_FLIGHT) {
        this.windowFull = true;
        return;
      }
      this.sendNew(ST_DATA, this.take(size));
    }
    if (this.finWanted && this.finSeq === null) {
      this.finSeq = this.seqNr;
      this.sendNew(ST_FIN, null);
    }
  }

  /** Cuts `n` bytes off the front of the queue. */
  private take(n: number): Uint8Array {
    const first = this.queue[this.queueHead] as Uint8Array;
    let out: Uint8Array;
    if (first.length === n) {
      out = first;
      this.queueHead++;
    } else if (first.length > n) {
      out = first.subarray(0, n);
      this.queue[this.queueHead] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.queue[this.queueHead] as Uint8Array;
        const k = Math.min(c.length, n - at);
        out.set(c.subarray(0, k), at);
        at += k;
        if (k === c.length) this.queueHead++;
        else this.queue[this.queueHead] = c.subarray(k);
      }
    }
    this.queuedBytes -= n;
    if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    return out;
  }

  private sendNew(type: UtpType, payload: Uint8Array | null): void {
    const seq = this.seqNr;
    this.seqNr = seqAdd(seq, 1);
    const pkt: OutPacket = {
      type,
      payload,
      sentAtMs: 0,
      transmissions: 0,
      acked: false,
      inFlight: false,
      fastResent: false,
    };
    this.out.set(seq, pkt);
    this.unackedBytes += payload?.length ?? 0;
    if (this.out.size === 1) this.rtoDeadlineMs = this.opts.nowMs() + this.cc.timeoutMs;
    this.transmit(seq, pkt);
  }

  private transmit(seq: number, pkt: OutPacket): void {
    const now = this.opts.nowMs();
    if (pkt.transmissions > 0) this.retransmits++;
    pkt.transmissions++;
    pkt.sentAtMs = now;
    if (!pkt.inFlight) {
      pkt.inFlight = true;
      this.inFlightBytes += pkt.payload?.length ?? 0;
    }
    // A SYN acks nothing; everything else carries our ack.
    const ackNr = pkt.type === ST_SYN ? 0 : this.ackNr;
    this.opts.send(
      encodePacket(
        this.header(pkt.type, seq, ackNr, pkt.type === ST_SYN ? this.recvId : this.sendId),
        pkt.payload ?? undefined,
      ),
    );
    this.acked();
    this.lastSentMs = now;
  }

  private sendState(): void {
    this.sendHeader(ST_STATE, this.seqNr);
  }

  private sendHeader(type: UtpType, seq: number): void {
    this.opts.send(encodePacket(this.header(type, seq, this.ackNr, this.sendId)));
    this.acked();
    this.lastSentMs = this.opts.nowMs();
  }

  private header(type: UtpType, seqNr: number, ackNr: number, connectionId: number) {
    return {
      type,
      connectionId,
      timestampUs: micros(this.opts.nowMs()),
      timestampDiffUs: this.replyDelayUs,
      wndSize: this.receiveWindow(),
      seqNr,
      ackNr,
      selectiveAck: type === ST_SYN ? null : this.selectiveAckMask(),
    };
  }

  /** The bitmask of packets held out of order, or null when none are. */
  private selectiveAckMask(): Uint8Array | null {
    if (this.reorder.size === 0) return null;
    let highest = 0;
    for (const seq of this.reorder.keys()) {
      const i = seqDistance(this.ackNr, seq) - 2;
      if (i > highest) highest = i;
    }
    // libtorrent reads at most 32 bytes; so do we send at most that (256 packets).
    const bytes = Math.min(32, Math.floor(highest / 32) * 4 + 4);
    const mask = new Uint8Array(bytes);
    for (const seq of this.reorder.keys()) {
      const i = seqDistance(this.ackNr, seq) - 2;
      if (i >= 0 && i < bytes * 8) mask[i >> 3] = (mask[i >> 3] as number) | (1 << (i & 7));
    }
    return mask;
  }

  // ---------------------------------------------------------------- time

  /** Called by the socket manager's timer: retransmission, connect, keepalive and idle. */
  tick(): void {
    if (this.state === 'closed') return;
    const now = this.opts.nowMs();
    if (this.state === 'syn-sent' && now - this.createdAtMs >= CONNECT_TIMEOUT_MS) {
      return this.fail(new Error('uTP connect timed out'));
    }
    if (this.state === 'closing' && now >= this.lingerUntilMs) return this.abort(true);
    if (now - this.lastReceivedMs >= IDLE_TIMEOUT_MS) {
      return this.fail(new Error('uTP connection idle'));
    }
    if (this.out.size > 0 && now >= this.rtoDeadlineMs) {
      this.onTimeout(now);
      if (this.isClosed()) return;
    }
    if (
      this.out.size === 0 &&
      this.queuedBytes > 0 &&
      this.state !== 'syn-sent' &&
      now - this.lastSentMs >= this.cc.timeoutMs
    ) {
      // The remote's window was full: probe it with one packet (its ack tells the new window).
      this.sendNew(ST_DATA, this.take(Math.min(PACKET_PAYLOAD_BYTES, this.queuedBytes)));
    }
    if (this.state === 'connected' && now - this.lastSentMs >= KEEPALIVE_MS) this.sendState();
  }

  private onTimeout(now: number): void {
    this.timeoutCount++;
    if (++this.timeouts > MAX_TIMEOUTS)
      return this.fail(new Error('uTP retransmissions timed out'));
    this.cc.onTimeout();
    this.lossSeq = seqAdd(this.seqNr, -1);
    // Everything in flight is taken for lost; the window (now one packet) paces the resends.
    for (const pkt of this.out.values()) {
      if (pkt.acked || !pkt.inFlight) continue;
      pkt.inFlight = false;
      this.inFlightBytes -= pkt.payload?.length ?? 0;
    }
    const first = seqAdd(this.ackedSeq, 1);
    const pkt = this.out.get(first);
    if (pkt && !pkt.acked) this.transmit(first, pkt);
    else this.flush();
    this.rtoDeadlineMs = now + this.cc.timeoutMs;
  }

  private fail(err: Error): void {
    const events = this.events;
    this.gone();
    events?.onError(err);
  }

  private gone(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.events = null;
    this.ackTimer?.cancel();
    this.ackTimer = null;
    this.out.clear();
    this.queue.length = 0;
    this.reorder.clear();
    this.held.length = 0;
    this.opts.onGone();
  }
}

function micros(ms: number): number {
  return (ms * 1000) >>> 0;
}

function clampWindow(wnd: number): number {
  return Math.min(UTP_MAX_PEER_WINDOW_BYTES, wnd);
}
