/**
 * Events per second over a short sliding window of whole-second buckets. Pure and clocked:
 * the caller passes `now`.
 */
export class RateMeter {
  private readonly counts: Float64Array;
  private readonly seconds: Float64Array;
  private lastSec = -1;
  private lastIndex = 0;

  constructor(private readonly windowSec = 5) {
    this.counts = new Float64Array(windowSec);
    this.seconds = new Float64Array(windowSec).fill(-1);
  }

  record(nowMs: number, n = 1): void {
    const sec = Math.floor(nowMs / 1000);
    // Most calls land in the same second as the last: skip the (floating-point) modulo.
    let i = this.lastIndex;
    if (sec !== this.lastSec) {
      i = sec % this.windowSec;
      if (this.seconds[i] !== sec) {
        this.seconds[i] = sec;
        this.counts[i] = 0;
      }
      this.lastSec = sec;
      this.lastIndex = i;
    }
    this.counts[i] = (this.counts[i] as number) + n;
  }

  /** The average over the last `windowSec` complete seconds. */
  perSec(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < this.windowSec; i++) {
      const s = this.seconds[i] as number;
      if (s < sec && s >= sec - this.windowSec) sum += this.counts[i] as number;
    }
    return sum / this.windowSec;
  }
}
