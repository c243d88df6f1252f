/**
 * A moving-average byte rate over a window, in fixed time buckets: O(1) per `add` and per
 * `rateBps` (the ring is at most BUCKETS long), no per-sample memory.
 *
 * Invariants:
 * - `sum` equals the sum of the ring, which holds the bytes of the last BUCKETS bucket periods
 *   ending with the current (partial) one.
 * - The rate divides by the time the window actually covers, so it neither spikes on the first
 *   block (at least one bucket period) nor reads low before the window has filled.
 */
import type { Clock } from '../time/clock';

/** Resolution of the window: 5 s in 10 buckets of 500 ms. */
const BUCKETS = 10;

export class RateMeter {
  /** Bytes ever added. */
  total = 0;
  private readonly clock: Clock;
  private readonly bucketMs: number;
  private readonly ring = new Float64Array(BUCKETS);
  private sum = 0;
  /** Bucket number (time / bucketMs) of the current bucket. */
  private head: number;
  private readonly startedAt: number;

  constructor(clock: Clock, windowMs = 5000) {
    if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
    this.clock = clock;
    this.bucketMs = windowMs / BUCKETS;
    this.startedAt = clock.now();
    this.head = Math.floor(this.startedAt / this.bucketMs);
  }

  add(bytes: number): void {
    this.advance();
    this.ring[this.head % BUCKETS] = (this.ring[this.head % BUCKETS] as number) + bytes;
    this.sum += bytes;
    this.total += bytes;
  }

  rateBps(): number {
    const now = this.advance();
    const partial = now - this.head * this.bucketMs;
    const covered = Math.min((BUCKETS - 1) * this.bucketMs + partial, now - this.startedAt);
    const spanMs = Math.max(covered, this.bucketMs);
    return this.sum <= 0 ? 0 : (this.sum * 1000) / spanMs;
  }

  private advance(): number {
    const now = this.clock.now();
    const bucket = Math.floor(now / this.bucketMs);
    const steps = bucket - this.head;
    if (steps <= 0) return now;
    if (steps >= BUCKETS) {
      this.ring.fill(0);
      this.sum = 0;
    } else {
      for (let s = 1; s <= steps; s++) {
        const slot = (this.head + s) % BUCKETS;
        this.sum -= this.ring[slot] as number;
        this.ring[slot] = 0;
      }
    }
    this.head = bucket;
    return now;
  }
}
