/**
 * How many distinct peers a torrent has served (the seeding stat `peersServed`), in bounded
 * memory (issue 16 item 10: a Set of every peer ever served grew for ever).
 *
 * Invariants:
 * - `size` only grows: it counts first services, not the keys held.
 * - At most `maxKeys` keys are held, each for at most `memoryMs` after it was last served. Map
 *   order is last-served order (a key is re-inserted when served), so the oldest go first.
 * - A peer served again after it was forgotten counts again.
 * - Pure and clocked: the caller passes `now`.
 */
import { SEED_SERVED_PEER_MEMORY_MS, SEED_SERVED_PEERS_REMEMBERED } from '../limits';

export class ServedPeers {
  private count = 0;
  /** Peer key -> when it was last served. */
  private readonly lastServed = new Map<string, number>();

  constructor(
    private readonly maxKeys = SEED_SERVED_PEERS_REMEMBERED,
    private readonly memoryMs = SEED_SERVED_PEER_MEMORY_MS,
  ) {}

  /** Distinct peers served. */
  get size(): number {
    return this.count;
  }

  /** Keys held now (at most `maxKeys`). */
  get remembered(): number {
    return this.lastServed.size;
  }

  add(key: string, now: number): void {
    if (this.lastServed.delete(key)) {
      this.lastServed.set(key, now);
      return;
    }
    this.count++;
    this.lastServed.set(key, now);
    // Bounded: each pass removes one key, and there are at most maxKeys + 1.
    for (const [oldest, at] of this.lastServed) {
      if (this.lastServed.size <= this.maxKeys && at > now - this.memoryMs) break;
      this.lastServed.delete(oldest);
    }
  }
}
