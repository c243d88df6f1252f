/**
 * A per-torrent rate limit under the global one (issue 21): a token bucket that also asks its
 * parent, so a torrent never goes past its own rate nor the session's. It is a `TokenBucket`,
 * so the downloader and the uploader use it unchanged. A rate of 0 means "only the parent".
 */
import type { Clock } from '../time/clock';
import { TokenBucket } from './token-bucket';

export class LinkedBucket extends TokenBucket {
  constructor(
    clock: Clock,
    rateBps: number,
    private readonly parent: TokenBucket,
  ) {
    super(clock, rateBps);
  }

  /** Own limit only (0 = none); `rateBps` answers for the pair. */
  get ownRateBps(): number {
    return super.rateBps;
  }

  /** Non-zero when either bucket limits: callers skip the accounting only when both are open. */
  override get rateBps(): number {
    const own = super.rateBps;
    const parent = this.parent.rateBps;
    if (own === 0) return parent;
    if (parent === 0) return own;
    return Math.min(own, parent);
  }

  override get unlimited(): boolean {
    return super.unlimited && this.parent.unlimited;
  }

  override tryTake(n: number): boolean {
    if (super.available() < n || this.parent.available() < n) return false;
    super.take(n);
    this.parent.take(n);
    return true;
  }

  override take(n: number): number {
    const granted = Math.max(0, Math.min(n, Math.floor(this.available())));
    if (granted > 0) {
      super.take(granted);
      this.parent.take(granted);
    }
    return granted;
  }

  override consume(n: number): void {
    super.consume(n);
    this.parent.consume(n);
  }

  override waitMs(n: number): number {
    return Math.max(super.waitMs(n), this.parent.waitMs(n));
  }

  override available(): number {
    return Math.min(super.available(), this.parent.available());
  }
}
