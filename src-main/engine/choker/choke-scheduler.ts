/**
 * Applies `decideUnchokes` on a clock: a full rechoke every RECHOKE_INTERVAL_MS, plus prompt
 * reactions between rechokes so that a newly interested peer never waits up to 10 s while a slot
 * is free, and a slot left by a peer is refilled at once.
 *
 * Invariants:
 * - `apply` receives the complete set to unchoke (optimistic included); the caller chokes the rest.
 * - Between rechokes the set only grows by a peer filling a free slot (or becoming the missing
 *   optimistic); it shrinks only at a rechoke, so peers are not flapped by interest churn.
 * - After `stop()` no timer is left and `apply` is never called.
 */
import type { Clock, Random, TimerHandle } from '../time/clock';
import {
  REGULAR_UNCHOKE_SLOTS,
  RECHOKE_INTERVAL_MS,
  OPTIMISTIC_INTERVAL_MS,
  decideUnchokes,
  initialChokerState,
} from './decide-unchokes';
import type { ChokerPeer, ChokerState } from './decide-unchokes';
import type { ChokeReason } from '../../../src-shared/model';

export interface ChokeSchedulerOptions {
  clock: Clock;
  random: Random;
  /** The connected peers as the choker sees them, read at each decision. */
  peers: () => ChokerPeer[];
  /** True while we are seeding (rank by upload rate instead of download rate). */
  seeding: () => boolean;
  /** Unchoke exactly these (optimistic included), choke the others. */
  apply: (unchoke: Set<string>, optimistic: string | null) => void;
  /** Regular slots; -1 = unlimited (seed at full speed to many). Default 4. */
  unchokeSlots?: number;
  rechokeIntervalMs?: number;
}

export class ChokeScheduler {
  private readonly opts: ChokeSchedulerOptions;
  private slots: number;
  private state: ChokerState = initialChokerState();
  private current = new Set<string>();
  private optimistic: string | null = null;
  private timer: TimerHandle | null = null;
  /** The latest reason per peer (issue 19): from the last rechoke, or a prompt reaction since. */
  private reasons = new Map<string, ChokeReason>();

  constructor(opts: ChokeSchedulerOptions) {
    this.opts = opts;
    this.slots = opts.unchokeSlots ?? REGULAR_UNCHOKE_SLOTS;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** The peers unchoked by the last decision. */
  unchoked(): ReadonlySet<string> {
    return this.current;
  }

  optimisticKey(): string | null {
    return this.optimistic;
  }

  start(): void {
    if (this.timer) return;
    this.timer = this.opts.clock.setInterval(
      () => this.rechoke(),
      this.opts.rechokeIntervalMs ?? RECHOKE_INTERVAL_MS,
    );
    this.rechoke();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.current = new Set();
    this.optimistic = null;
    this.state = initialChokerState();
    this.reasons = new Map();
  }

  setUnchokeSlots(slots: number): void {
    this.slots = slots;
    if (this.timer) this.rechoke();
  }

  /** A full decision now. */
  rechoke(): void {
    const peers = this.opts.peers();
    this.state = { ...this.state, seeding: this.opts.seeding() };
    const d = decideUnchokes(peers, this.state, this.opts.clock.now(), this.opts.random, {
      slots: this.slots,
    });
    this.state = d.state;
    this.current = d.unchoke;
    this.optimistic = d.optimistic;
    this.reasons = d.reasons;
    this.opts.apply(new Set(this.current), this.optimistic);
  }

  /**
   * The peer's interest changed (call it for both interested and not-interested). An interested
   * peer takes a free regular slot at once, or the optimistic slot if none is held.
   */
  onPeerInterested(key: string): void {
    if (!this.timer) return;
    const peer = this.opts.peers().find((p) => p.key === key);
    if (!peer) return;
    if (!peer.interested || peer.isSeed) {
      // A regular peer that lost interest frees its slot for someone who wants it.
      if (this.current.has(key)) this.rechoke();
      else this.reasons.set(key, { kind: peer.isSeed ? 'seed' : 'not-interested' });
      return;
    }
    if (this.current.has(key)) return;
    const regular = this.current.size - (this.optimistic !== null ? 1 : 0);
    if (this.slots < 0 || regular < this.slots) {
      this.current.add(key);
      this.reasons.set(
        key,
        this.slots < 0 ? { kind: 'unlimited' } : { kind: 'free-slot', slots: this.slots },
      );
    } else if (this.optimistic === null && this.slots > 0) {
      const now = this.opts.clock.now();
      this.optimistic = key;
      this.state = {
        ...this.state,
        optimisticKey: key,
        optimisticSince: now,
      };
      this.current.add(key);
      this.reasons.set(key, {
        kind: 'optimistic',
        since: now,
        rotatesAt: now + OPTIMISTIC_INTERVAL_MS,
      });
    } else {
      // No room until the next rechoke ranks it: say so rather than keep "not interested".
      if (this.reasons.get(key)?.kind !== 'outranked') this.reasons.set(key, { kind: 'undecided' });
      return;
    }
    this.opts.apply(new Set(this.current), this.optimistic);
  }

  /**
   * Why the peer is choked or unchoked now (issue 19): the last decision's reason, or
   * 'undecided' for a peer that came after it. A stopped scheduler decides nothing.
   */
  reasonFor(key: string): ChokeReason {
    return this.reasons.get(key) ?? { kind: 'undecided' };
  }

  /** The peer disconnected: if it held a slot, give the slot to someone else now. */
  onPeerGone(key: string): void {
    this.reasons.delete(key);
    if (!this.timer || !this.current.has(key)) return;
    this.current.delete(key);
    if (this.optimistic === key) {
      this.optimistic = null;
      this.state = { ...this.state, optimisticKey: null, optimisticSince: null };
    }
    this.rechoke();
  }
}
