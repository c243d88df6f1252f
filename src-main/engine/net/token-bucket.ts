/**
 * A token bucket for rate limits: tokens (bytes) refill at `rateBps` up to `burstBytes`.
 * Rate 0 means unlimited. Global and per-torrent limits compose by asking every bucket on the
 * path (`waitMsAll`, `takeAll`, `consumeAll`): the slowest one governs.
 *
 * Invariants:
 * - tokens <= burstBytes; tokens < 0 only after `consume` (bytes that already arrived and could
 *   not be refused), which is debt repaid by refill before anything more is granted.
 * - Refill is computed lazily from the clock, so an idle bucket costs nothing.
 */
import type { Clock } from '../time/clock';

/** A burst never smaller than a few 16 KiB blocks (BEP 3), so a slow limit can still send one. */
const MIN_BURST_BYTES = 64 * 1024;

export class TokenBucket {
  private readonly clock: Clock;
  private rate: number;
  private burst: number;
  private readonly fixedBurst: number | undefined;
  private tokens: number;
  private last: number;

  constructor(clock: Clock, rateBps: number, burstBytes?: number) {
    this.clock = clock;
    checkRate(rateBps);
    this.rate = rateBps;
    this.fixedBurst = burstBytes;
    this.burst = burstFor(rateBps, burstBytes);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  get rateBps(): number {
    return this.rate;
  }

  get unlimited(): boolean {
    return this.rate === 0;
  }

  setRate(bps: number): void {
    checkRate(bps);
    this.refill();
    this.rate = bps;
    this.burst = burstFor(bps, this.fixedBurst);
    if (this.rate === 0) this.tokens = this.burst;
    else this.tokens = Math.min(this.tokens, this.burst);
  }

  /** All n bytes now, or nothing. */
  tryTake(n: number): boolean {
    if (this.rate === 0) return true;
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Up to n bytes now; returns how many were granted. */
  take(n: number): number {
    if (this.rate === 0) return n;
    this.refill();
    const granted = Math.max(0, Math.min(n, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  /** Accounts bytes that were already transferred (downloads), going into debt if needed. */
  consume(n: number): void {
    if (this.rate === 0) return;
    this.refill();
    this.tokens -= n;
  }

  /** Milliseconds until n bytes (capped at the burst) can be taken; 0 if now. */
  waitMs(n: number): number {
    if (this.rate === 0) return 0;
    this.refill();
    const need = Math.min(n, this.burst) - this.tokens;
    return need <= 0 ? 0 : Math.ceil((need * 1000) / this.rate);
  }

  /** Tokens available now (may be negative while in debt). */
  available(): number {
    if (this.rate === 0) return Infinity;
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = now - this.last;
    this.last = now;
    if (elapsedMs > 0 && this.rate > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.rate) / 1000);
    }
  }
}

/** The wait before n bytes may pass every bucket (global and per-torrent). */
export function waitMsAll(buckets: readonly TokenBucket[], n: number): number {
  let wait = 0;
  for (const b of buckets) wait = Math.max(wait, b.waitMs(n));
  return wait;
}

/** Takes the same amount, up to n, from every bucket: the most any of them grants. */
export function takeAll(buckets: readonly TokenBucket[], n: number): number {
  let granted = n;
  for (const b of buckets) granted = Math.min(granted, Math.max(0, Math.floor(b.available())));
  if (granted <= 0) return 0;
  for (const b of buckets) b.take(granted);
  return granted;
}

/** Accounts transferred bytes against every bucket. */
export function consumeAll(buckets: readonly TokenBucket[], n: number): void {
  for (const b of buckets) b.consume(n);
}

function checkRate(bps: number): void {
  if (!Number.isFinite(bps) || bps < 0) throw new RangeError(`bad rate ${bps}`);
}

function burstFor(rateBps: number, burstBytes: number | undefined): number {
  if (burstBytes !== undefined) {
    if (!(burstBytes > 0)) throw new RangeError('burstBytes must be > 0');
    return burstBytes;
  }
  return Math.max(rateBps, MIN_BURST_BYTES);
}
