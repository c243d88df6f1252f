/**
 * A token bucket per IP key (see ip-key.ts) for announces, with bounded memory.
 *
 * Invariants:
 * - Each key may take `burst` announces at once, then `perSec` per second. The bucket is kept
 *   as one number, the time at which it will be full again (the GCRA form of a token bucket),
 *   so a key costs one Map entry and no object.
 * - At most `maxKeys` keys are remembered, in two generations of at most `maxKeys / 2`: a key
 *   used (refused or not) moves to the current one, and when it is full the older generation is
 *   dropped whole. A key not seen for a whole generation is forgotten; forgetting a full bucket
 *   changes nothing, and a host asking while refused keeps itself remembered. (Evicting one
 *   oldest key at a time from a Map made V8 skip every deleted entry on each eviction:
 *   announces from many new addresses ran 6x slower.)
 * - Pure and clocked: the caller passes `now`.
 */
export interface AnnounceRateConfig {
  perSec: number;
  burst: number;
  maxKeys: number;
}

export class AnnounceRateLimiter {
  /** Key -> the time (ms) at which its bucket is full again. */
  private current = new Map<number, number>();
  private previous = new Map<number, number>();
  private readonly costMs: number;
  private readonly burstMs: number;
  private readonly generationKeys: number;

  constructor(config: AnnounceRateConfig) {
    this.costMs = 1000 / config.perSec;
    this.burstMs = this.costMs * config.burst;
    this.generationKeys = Math.max(1, Math.floor(config.maxKeys / 2));
  }

  /** Keys remembered (at most `maxKeys`). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** Takes one token for `key`; false when its bucket is empty (the announce is refused). */
  take(key: number, now: number): boolean {
    let known = this.current.get(key);
    if (known === undefined) {
      known = this.previous.get(key);
      if (known !== undefined) this.previous.delete(key);
      if (this.current.size >= this.generationKeys) {
        this.previous = this.current;
        this.current = new Map();
      }
    }
    const from = known === undefined || known < now ? now : known;
    // Room for one more: the bucket would not hold more than `burst` tokens' worth of debt.
    const allowed = from + this.costMs - now <= this.burstMs;
    this.current.set(key, allowed ? from + this.costMs : from);
    return allowed;
  }
}
