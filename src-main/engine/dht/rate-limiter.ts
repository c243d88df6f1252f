/**
 * A token bucket per key (a remote IP): `ratePerSec` steady, `burst` at once.
 *
 * Invariants: at most `maxKeys` buckets are kept; when full, the least recently refilled
 * bucket is forgotten (Map order), so a flood from many IPs costs bounded memory. Forgetting a
 * bucket only ever grants that IP a fresh burst, never blocks anyone wrongly.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxKeys: number,
  ) {}

  get trackedKeys(): number {
    return this.buckets.size;
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  allow(key: string, nowMs: number): boolean {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      const refill = ((nowMs - b.atMs) / 1000) * this.ratePerSec;
      b = { tokens: Math.min(this.burst, b.tokens + Math.max(0, refill)), atMs: nowMs };
    } else {
      if (this.buckets.size >= this.maxKeys) {
        this.buckets.delete(this.buckets.keys().next().value as string);
      }
      b = { tokens: this.burst, atMs: nowMs };
    }
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
