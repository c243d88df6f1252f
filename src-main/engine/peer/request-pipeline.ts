/**
 * Our requests to one peer: which blocks are in flight, which we gave up on but may still arrive
 * ("late"), when they expire, whether the peer is snubbing us, and how many to keep in flight.
 * Pure state over an injected `now`; the connection sends and receives, this decides.
 *
 * Invariants:
 * - A block is in flight at most once (keyed by index and begin); a block arriving matches a
 *   request only with the same length.
 * - A request leaves the in-flight set exactly once: by its block, a reject, a cancel, an
 *   expiry or a BEP 3 choke. The last three remember it as late (at most
 *   MAX_LATE_REQUESTS_TRACKED, oldest forgotten first), so its block is not "unrequested".
 * - The desired depth is at least 1 and at most the peer's `reqq` and our ceiling.
 */
import { BLOCK_BYTES, MAX_LATE_REQUESTS_TRACKED } from '../limits';
import type { BlockRef } from '../wire/message';

/** BEP 10: a peer that does not advertise `reqq` is assumed to queue 250 requests. */
export const DEFAULT_PEER_REQQ = 250;
/** Seconds of data at the measured rate to keep requested (libtorrent uses 3 s). */
export const REQUEST_QUEUE_SECONDS = 2;
/** Fewest requests kept in flight to a peer that is not snubbing us. */
export const MIN_QUEUE_DEPTH = 4;
/** Slow start begins here and grows by one per block received, doubling each round trip. */
export const INITIAL_QUEUE_DEPTH = 16;

/** Requests are keyed by index and begin packed into one number (index < 2^21). */
export function blockKey(index: number, begin: number): number {
  return index * 0x100000000 + begin;
}

interface InFlight {
  index: number;
  begin: number;
  length: number;
  sentAt: number;
}

/** What a received block was to us. */
export type BlockMatch = 'requested' | 'late' | 'unrequested';

export interface RequestPipelineOptions {
  /** Our ceiling on requests in flight to this peer. */
  maxQueueDepth: number;
  /** A request unanswered this long (without recent progress) is given up. */
  requestTimeoutMs: number;
  /** No block for this long while requests are pending: the peer is snubbing us. */
  snubMs: number;
  now: number;
}

export class RequestPipeline {
  /** The peer sent no block for `snubMs` while requests were pending; cleared by a block. */
  snubbed = false;
  /** BEP 10 `reqq`: requests the peer accepts queued. */
  peerReqq = DEFAULT_PEER_REQQ;
  private readonly inFlightMap = new Map<number, InFlight>();
  private readonly lateMap = new Map<number, number>();
  private readonly maxQueueDepth: number;
  private readonly requestTimeoutMs: number;
  private readonly snubMs: number;
  /** Last block received, or when requests became pending after none were. */
  private lastProgressAt: number;
  private slowStart = true;
  private slowStartDepth = INITIAL_QUEUE_DEPTH;
  private lastTickRateBps = 0;
  private receivedSinceTick = 0;

  constructor(opts: RequestPipelineOptions) {
    this.maxQueueDepth = opts.maxQueueDepth;
    this.requestTimeoutMs = opts.requestTimeoutMs;
    this.snubMs = opts.snubMs;
    this.lastProgressAt = opts.now;
  }

  get size(): number {
    return this.inFlightMap.size;
  }

  has(index: number, begin: number): boolean {
    return this.inFlightMap.has(blockKey(index, begin));
  }

  /** Records a request sent; false (record nothing) if that block is already in flight. */
  add(b: BlockRef, now: number): boolean {
    const key = blockKey(b.index, b.begin);
    if (this.inFlightMap.has(key)) return false;
    if (this.inFlightMap.size === 0) this.lastProgressAt = now;
    this.inFlightMap.set(key, { index: b.index, begin: b.begin, length: b.length, sentAt: now });
    this.lateMap.delete(key);
    return true;
  }

  /** A block of `length` bytes arrived: matches it against our requests and grows slow start. */
  onBlock(index: number, begin: number, length: number, now: number): BlockMatch {
    this.receivedSinceTick += length;
    const key = blockKey(index, begin);
    const r = this.inFlightMap.get(key);
    if (r && r.length === length) {
      this.inFlightMap.delete(key);
      this.lastProgressAt = now;
      this.snubbed = false;
      if (this.slowStart && this.slowStartDepth < this.maxQueueDepth) this.slowStartDepth++;
      return 'requested';
    }
    if (this.lateMap.get(key) === length) {
      this.lateMap.delete(key);
      this.lastProgressAt = now;
      this.snubbed = false;
      return 'late';
    }
    return 'unrequested';
  }

  /** We cancel a request (endgame); false if it was not in flight with that length. */
  cancel(index: number, begin: number, length: number): boolean {
    const key = blockKey(index, begin);
    const r = this.inFlightMap.get(key);
    if (!r || r.length !== length) return false;
    this.inFlightMap.delete(key);
    this.rememberLate(key, length);
    return true;
  }

  /** BEP 6: the peer rejected a request. True if it was in flight (the owner re-requests it). */
  onReject(index: number, begin: number, length: number): boolean {
    const key = blockKey(index, begin);
    const r = this.inFlightMap.get(key);
    if (r && r.length === length) {
      this.inFlightMap.delete(key);
      return true;
    }
    // The answer to a request we gave up on: its block will not come.
    this.lateMap.delete(key);
    return false;
  }

  /** BEP 3: a choke drops every request in flight; they are returned and remembered as late. */
  dropAll(): BlockRef[] {
    const dropped: BlockRef[] = [];
    for (const [key, r] of this.inFlightMap) {
      dropped.push({ index: r.index, begin: r.begin, length: r.length });
      this.rememberLate(key, r.length);
    }
    this.inFlightMap.clear();
    return dropped;
  }

  /**
   * Gives up on requests unanswered for the request timeout, unless the peer delivered a block
   * recently (then they are only queued behind others: allowed three times as long).
   */
  expire(now: number): BlockRef[] {
    if (this.inFlightMap.size === 0) return [];
    const timeoutMs = this.requestTimeoutMs;
    const progressing = now - this.lastProgressAt < timeoutMs / 2;
    const expired: BlockRef[] = [];
    for (const [key, r] of this.inFlightMap) {
      const age = now - r.sentAt;
      if (age <= timeoutMs || (progressing && age <= timeoutMs * 3)) continue;
      this.inFlightMap.delete(key);
      this.rememberLate(key, r.length);
      expired.push({ index: r.index, begin: r.begin, length: r.length });
    }
    if (expired.length > 0) this.slowStart = false;
    return expired;
  }

  /**
   * The periodic check, with the download rate now. Returns true when the peer has just become
   * snubbed. Slow start ends once a tick of blocks no longer raises the rate by 10 %.
   */
  tick(now: number, rateBps: number): boolean {
    let becameSnubbed = false;
    if (!this.snubbed && this.inFlightMap.size > 0 && now - this.lastProgressAt >= this.snubMs) {
      this.snubbed = true;
      this.slowStart = false;
      becameSnubbed = true;
    }
    if (this.slowStart && this.receivedSinceTick > 0) {
      if (rateBps < this.lastTickRateBps * 1.1) this.slowStart = false;
      this.lastTickRateBps = rateBps;
    }
    this.receivedSinceTick = 0;
    return becameSnubbed;
  }

  /**
   * Requests to keep in flight: about REQUEST_QUEUE_SECONDS of data at `rateBps`, at least
   * INITIAL_QUEUE_DEPTH growing by one per block while in slow start, capped by the peer's
   * `reqq` and our ceiling. A snubbing peer gets one.
   */
  desiredDepth(rateBps: number): number {
    if (this.snubbed) return 1;
    const byRate = Math.ceil((rateBps * REQUEST_QUEUE_SECONDS) / BLOCK_BYTES);
    const want = Math.max(MIN_QUEUE_DEPTH, byRate, this.slowStart ? this.slowStartDepth : 0);
    return Math.max(1, Math.min(want, this.maxQueueDepth, this.peerReqq));
  }

  /** Forgets everything (the connection closed); returns how many were in flight. */
  clear(): number {
    const n = this.inFlightMap.size;
    this.inFlightMap.clear();
    this.lateMap.clear();
    return n;
  }

  private rememberLate(key: number, length: number): void {
    this.lateMap.set(key, length);
    if (this.lateMap.size > MAX_LATE_REQUESTS_TRACKED) {
      const oldest = this.lateMap.keys().next().value;
      if (oldest !== undefined) this.lateMap.delete(oldest);
    }
  }
}
