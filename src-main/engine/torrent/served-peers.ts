/**
 * How many distinct peers a torrent has served (the seeding stat `peersServed`), in bounded
 * memory (issue 16 item 10: a Set of every peer ever served grew for ever).
 *
 * Invariants:
 * - `size` only grows: it counts first services, not the keys held.
 * - A peer served again within `memoryMs` of its last service counts once; after that it
 *   counts again (the stat errs slightly high, never with unbounded memory).
 * - Keys, with when each was last served, are held in two generations: a key served moves to
 *   the current one, which becomes the previous (dropping the previous whole) once it holds
 *   `maxKeys / 2` keys or is `memoryMs` old. So at most `maxKeys` keys are held, and each
 *   service costs O(1) (no scan for the oldest key).
 * - Pure and clocked: the caller passes `now`.
 */
import { SEED_SERVED_PEER_MEMORY_MS, SEED_SERVED_PEERS_REMEMBERED } from '../limits';

export class ServedPeers {
  private count = 0;
  /** Key -> when it was last served. */
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private currentSince: number | null = null;

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
    return this.current.size + this.previous.size;
  }

  add(key: string, now: number): void {
    let last = this.current.get(key);
    if (last === undefined) {
      last = this.previous.get(key);
      if (last !== undefined) this.previous.delete(key);
      this.rotate(now);
    }
    if (last === undefined || now - last > this.memoryMs) this.count++;
    this.current.set(key, now);
  }

  /** Starts a new generation when the current one is full or `memoryMs` old. */
  private rotate(now: number): void {
    if (this.currentSince === null) this.currentSince = now;
    if (this.current.size >= this.maxKeys / 2 || now - this.currentSince >= this.memoryMs) {
      this.previous = this.current;
      this.current = new Map();
      this.currentSince = now;
    }
  }
}
