/**
 * The download and seed queue (issue 21): at most `maxActiveDownloads` downloads and
 * `maxActiveSeeds` seeds run at once; the others wait in state 'queued' and show their place.
 * `decideQueue` is a pure function of the list in queue order; `TorrentQueue` keeps that order
 * (moves, additions, removals) and the session applies the decision (session.ts).
 *
 * Invariants:
 * - Torrents the user paused, torrents in error and magnets still fetching take no slot and are
 *   never queued (they do not want to run).
 * - Force-started torrents always run and take no slot: they ignore the queue.
 * - Among the rest, the first `limit` of each kind (in queue order) run; 0 means no limit.
 * - Positions are 1-based and counted per kind (downloads and seeds wait in separate lines).
 */
import type { QueueMove, TorrentId } from '../../../src-shared/model';

export interface QueueEntry {
  id: TorrentId;
  /** Not paused by the user and not in error: it would run if it had a slot. */
  wantsToRun: boolean;
  /** Has every wanted piece (a seed) rather than a download. */
  complete: boolean;
  forced: boolean;
}

export interface QueueLimits {
  maxActiveDownloads: number;
  maxActiveSeeds: number;
}

export interface QueueDecision {
  /** Should run now. */
  run: Set<TorrentId>;
  /** Should wait, with 1-based positions per kind. */
  queued: Map<TorrentId, number>;
}

/** `entries` in queue order (first = highest priority). */
export function decideQueue(entries: readonly QueueEntry[], limits: QueueLimits): QueueDecision {
  const run = new Set<TorrentId>();
  const queued = new Map<TorrentId, number>();
  const active = { down: 0, seed: 0 };
  const waiting = { down: 0, seed: 0 };
  for (const e of entries) {
    if (!e.wantsToRun) continue;
    if (e.forced) {
      run.add(e.id);
      continue;
    }
    const kind = e.complete ? 'seed' : 'down';
    const limit = e.complete ? limits.maxActiveSeeds : limits.maxActiveDownloads;
    if (limit <= 0 || active[kind] < limit) {
      active[kind]++;
      run.add(e.id);
    } else {
      waiting[kind]++;
      queued.set(e.id, waiting[kind]);
    }
  }
  return { run, queued };
}

/** The queue order: every torrent in the list, first = highest priority. */
export class TorrentQueue {
  private order: TorrentId[] = [];

  get ids(): readonly TorrentId[] {
    return this.order;
  }

  /** A new torrent goes to the end; one already there keeps its place. */
  add(id: TorrentId): void {
    if (!this.order.includes(id)) this.order.push(id);
  }

  remove(id: TorrentId): void {
    this.order = this.order.filter((x) => x !== id);
  }

  positionOf(id: TorrentId): number {
    return this.order.indexOf(id);
  }

  /** Restores a saved order: ids sorted by their saved position (unknown ones last, stable). */
  sortBy(position: (id: TorrentId) => number | undefined): void {
    const keyed = this.order.map((id, i) => ({ id, i, p: position(id) ?? Infinity }));
    keyed.sort((a, b) => a.p - b.p || a.i - b.i);
    this.order = keyed.map((k) => k.id);
  }

  /**
   * Moves the given torrents one step or to an end, keeping their order among themselves.
   * Returns whether anything moved.
   */
  move(ids: readonly TorrentId[], how: QueueMove): boolean {
    const chosen = new Set(ids.filter((id) => this.order.includes(id)));
    if (chosen.size === 0) return false;
    const before = this.order.join();
    if (how === 'top' || how === 'bottom') {
      const picked = this.order.filter((id) => chosen.has(id));
      const rest = this.order.filter((id) => !chosen.has(id));
      this.order = how === 'top' ? [...picked, ...rest] : [...rest, ...picked];
    } else if (how === 'up') {
      for (let i = 1; i < this.order.length; i++) {
        const a = this.order[i - 1] as TorrentId;
        const b = this.order[i] as TorrentId;
        if (chosen.has(b) && !chosen.has(a)) {
          this.order[i - 1] = b;
          this.order[i] = a;
        }
      }
    } else {
      for (let i = this.order.length - 2; i >= 0; i--) {
        const a = this.order[i] as TorrentId;
        const b = this.order[i + 1] as TorrentId;
        if (chosen.has(a) && !chosen.has(b)) {
          this.order[i] = b;
          this.order[i + 1] = a;
        }
      }
    }
    return this.order.join() !== before;
  }
}
