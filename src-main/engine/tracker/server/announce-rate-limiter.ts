/**
 * A token bucket per IP key (see ip-key.ts) for announces, with bounded memory.
 *
 * Invariants:
 * - Each key may take `burst` announces at once, then `perSec` per second. The bucket is kept
 *   as one number, the time at which it will be full again (the GCRA form of a token bucket),
 *   so a key costs one Map entry and no object.
 * - At most `maxKeys` keys are remembered. A key is re-inserted on every use, so Map order is
 *   least recently used first, and the first is the one forgotten: most likely it is full
 *   already, and forgetting a full bucket changes nothing.
 * - Pure and clocked: the caller passes `now`.
 */
export interface AnnounceRateConfig {
  perSec: number;
  burst: number;
  maxKeys: number;
}

export class AnnounceRateLimiter {
  /** Key -> the time (ms) at which its bucket is full again. */
  private readonly fullAt = new Map<number, number>();
  private readonly costMs: number;
  private readonly burstMs: number;

  constructor(private readonly config: AnnounceRateConfig) {
    this.costMs = 1000 / config.perSec;
    this.burstMs = this.costMs * config.burst;
  }

  /** Keys remembered (at most `maxKeys`). */
  get size(): number {
    return this.fullAt.size;
  }

  /** Takes one token for `key`; false when its bucket is empty (the announce is refused). */
  take(key: number, now: number): boolean {
    const known = this.fullAt.get(key);
    const from = known === undefined || known < now ? now : known;
    // Room for one more: the bucket would not hold more than `burst` tokens' worth of debt.
    const allowed = from + this.costMs - now <= this.burstMs;
    if (known !== undefined) {
      // Refused or not, the key is now the most recently seen: a host that keeps asking while
      // refused must not drift to the front and be forgotten (getting a full bucket back).
      this.fullAt.delete(key);
    } else if (this.fullAt.size >= this.config.maxKeys) {
      const oldest = this.fullAt.keys().next();
      if (!oldest.done) this.fullAt.delete(oldest.value);
    }
    this.fullAt.set(key, allowed ? from + this.costMs : from);
    return allowed;
  }
}
