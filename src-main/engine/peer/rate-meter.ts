/**
 * Bytes per second over a sliding window, driven by an injected Clock.
 *
 * Invariants: memory is a fixed ring of buckets; `add` is O(1) amortised; the window is the
 * full older buckets plus the elapsed part of the current one; while the meter is younger than it the rate divides by the elapsed time (at least one bucket), so a new
 * connection's rate is not under-reported for its first seconds.
 */
import type { Clock } from '../time/clock';

export interface RateMeterOptions {
  windowMs?: number;
  bucketMs?: number;
}

export class RateMeter {
  private readonly clock: Clock;
  private readonly bucketMs: number;
  private readonly buckets: Float64Array;
  private readonly startedAt: number;
  /** Absolute bucket number (time / bucketMs) of the newest bucket. */
  private head: number;
  private sum = 0;
  private totalBytes = 0;

  constructor(clock: Clock, opts: RateMeterOptions = {}) {
    this.clock = clock;
    const windowMs = opts.windowMs ?? 5_000;
    this.bucketMs = opts.bucketMs ?? 250;
    this.buckets = new Float64Array(Math.max(1, Math.round(windowMs / this.bucketMs)));
    this.startedAt = clock.now();
    this.head = Math.floor(this.startedAt / this.bucketMs);
  }

  get total(): number {
    return this.totalBytes;
  }

  add(bytes: number): void {
    this.advance(this.clock.now());
    const slot = this.head % this.buckets.length;
    this.buckets[slot] = (this.buckets[slot] ?? 0) + bytes;
    this.sum += bytes;
    this.totalBytes += bytes;
  }

  rateBps(): number {
    const now = this.clock.now();
    this.advance(now);
    // The window is the older full buckets plus the elapsed part of the current one.
    const windowMs = (this.buckets.length - 1) * this.bucketMs + (now % this.bucketMs);
    const elapsedMs = Math.max(this.bucketMs, Math.min(windowMs, now - this.startedAt));
    return (this.sum * 1000) / elapsedMs;
  }

  private advance(now: number): void {
    const current = Math.floor(now / this.bucketMs);
    if (current <= this.head) return;
    const n = this.buckets.length;
    const steps = Math.min(n, current - this.head);
    for (let i = 1; i <= steps; i++) {
      const slot = (this.head + i) % n;
      this.sum -= this.buckets[slot] ?? 0;
      this.buckets[slot] = 0;
    }
    if (steps === n) this.sum = 0;
    this.head = current;
  }
}
