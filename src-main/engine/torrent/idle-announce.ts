/**
 * When an idle seed asks its trackers again. Some leechers (Transmission) never dial peers on
 * 127.0.0.0/8 or behind NAT: while we seed with nobody to serve, we ask the trackers more often
 * so we can dial those leechers ourselves.
 *
 * Invariants:
 * - At most one announce per `everyMs`, and none in the first `everyMs` of seeding (the
 *   trackers were just told, at start or at completion).
 * - Pure and clocked: the caller passes `now`.
 */
import { IDLE_SEED_ANNOUNCE_MS, IDLE_SEED_MIN_PEERS } from '../limits';

export class IdleSeedAnnounce {
  private lastAt = 0;

  constructor(
    private readonly everyMs = IDLE_SEED_ANNOUNCE_MS,
    private readonly minPeers = IDLE_SEED_MIN_PEERS,
  ) {}

  /** Called once a tick: true when the trackers should be asked now. */
  due(now: number, seeding: boolean, peers: number, seedingSince: number | null): boolean {
    if (!seeding || peers >= this.minPeers || now - this.lastAt < this.everyMs) return false;
    this.lastAt = now;
    return now - (seedingSince ?? now) >= this.everyMs;
  }
}
