/**
 * The session's side of the per-torrent actions (issue 21): each torrent's limits, pick order
 * and force-start flag, its own rate buckets under the global ones, the queue order, and the
 * applier that runs `decideQueue` and the seed limits over the live torrents.
 *
 * Invariants:
 * - A torrent the queue holds back is stopped like a paused one; its summary says 'queued'
 *   with its position (`decorate`). It is never marked paused in session.json, so after a
 *   restart it goes through the queue again.
 * - The queue order and each torrent's options live in its session.json entry
 *   (`PersistedActions`), read back with `normalizeActions`, which trusts nothing.
 * - Nothing here starts or stops a torrent the user paused.
 */
import type {
  QueueMove,
  SeedLimitAction,
  Settings,
  TorrentActionState,
  TorrentId,
  TorrentLimits,
  TorrentSummary,
} from '../../../src-shared/model';
import {
  defaultTorrentLimits,
  maxRatioLimit,
  maxSeedTimeLimitMin,
  seedLimitActions,
} from '../../../src-shared/model';
import { LinkedBucket } from '../net/linked-bucket';
import type { TokenBucket } from '../net/token-bucket';
import type { Clock } from '../time/clock';
import type { Torrent } from '../torrent/torrent';
import { decideQueue, TorrentQueue } from './queue';
import { seedLimitReached } from './seed-limits';

/** What session.json keeps of a torrent's actions. */
export interface PersistedActions {
  limits: TorrentLimits;
  sequential: boolean;
  firstLast: boolean;
  forced: boolean;
  /** Its place in the queue (0 = first). */
  queuePosition: number;
}

export interface ActionsHost {
  clock: Clock;
  settings(): Settings;
  torrent(id: TorrentId): Torrent | undefined;
  /** Paused by the user (session.json's flag). */
  userPaused(id: TorrentId): boolean;
  /** What reaching a seed limit does. */
  act(id: TorrentId, action: SeedLimitAction): Promise<void>;
  changed(id: TorrentId): void;
  log(level: 'info' | 'warn', message: string): void;
}

export function defaultActionState(): TorrentActionState {
  return {
    limits: { ...defaultTorrentLimits },
    sequential: false,
    firstLast: false,
    forced: false,
  };
}

export class SessionActions {
  readonly queue = new TorrentQueue();
  private readonly states = new Map<TorrentId, TorrentActionState>();
  private readonly buckets = new Map<TorrentId, { down: LinkedBucket; up: LinkedBucket }>();
  private queued = new Map<TorrentId, number>();
  /** Torrents whose seed-limit action is under way, so a tick does not repeat it. */
  private readonly acting = new Set<TorrentId>();
  /** Queued torrents being checked (or checked once) while they wait. */
  private readonly queuedChecks = new Map<TorrentId, 'running' | 'done'>();
  /** Queue places read from session.json, until `restoreOrder` uses them. */
  private readonly savedPositions = new Map<TorrentId, number>();

  constructor(
    private readonly host: ActionsHost,
    private readonly globalDown: TokenBucket,
    private readonly globalUp: TokenBucket,
  ) {}

  /** The torrent's own rate buckets, linked to the global ones (made once per id). */
  bucketsFor(id: TorrentId): { down: LinkedBucket; up: LinkedBucket } {
    let b = this.buckets.get(id);
    if (!b) {
      const limits = this.states.get(id)?.limits ?? defaultTorrentLimits;
      b = {
        down: new LinkedBucket(this.host.clock, limits.downBps, this.globalDown),
        up: new LinkedBucket(this.host.clock, limits.upBps, this.globalUp),
      };
      this.buckets.set(id, b);
    }
    return b;
  }

  /** A torrent joined the list (new, restored or re-added after Set location). */
  added(id: TorrentId, saved: PersistedActions | undefined): void {
    if (!this.states.has(id)) {
      const s = defaultActionState();
      if (saved) {
        s.limits = { ...saved.limits };
        s.sequential = saved.sequential;
        s.firstLast = saved.firstLast;
        s.forced = saved.forced;
        this.savedPositions.set(id, saved.queuePosition);
      }
      this.states.set(id, s);
    }
    this.queue.add(id);
    this.applyTo(id);
  }

  removed(id: TorrentId): void {
    this.states.delete(id);
    this.buckets.delete(id);
    this.queued.delete(id);
    this.acting.delete(id);
    this.queuedChecks.delete(id);
    this.queue.remove(id);
  }

  /** Puts restored torrents in their saved order (those without one keep theirs, last). */
  restoreOrder(): void {
    this.queue.sortBy((id) => this.savedPositions.get(id));
    this.savedPositions.clear();
  }

  state(id: TorrentId): TorrentActionState {
    return this.states.get(id) ?? defaultActionState();
  }

  persisted(id: TorrentId): PersistedActions {
    const s = this.state(id);
    return { ...s, limits: { ...s.limits }, queuePosition: Math.max(0, this.queue.positionOf(id)) };
  }

  isQueued(id: TorrentId): boolean {
    return this.queued.has(id);
  }

  setLimits(id: TorrentId, limits: TorrentLimits): void {
    this.state(id); // exists
    const s = this.states.get(id);
    if (!s) return;
    s.limits = { ...limits };
    this.acting.delete(id);
    this.applyTo(id);
  }

  setPickOrder(id: TorrentId, sequential: boolean, firstLast: boolean): void {
    const s = this.states.get(id);
    if (!s) return;
    s.sequential = sequential;
    s.firstLast = firstLast;
    this.host.torrent(id)?.setPickOrder(sequential, firstLast);
  }

  setForced(id: TorrentId, forced: boolean): void {
    const s = this.states.get(id);
    if (s) s.forced = forced;
  }

  move(ids: readonly TorrentId[], how: QueueMove): boolean {
    return this.queue.move(ids, how);
  }

  /** The maximum connections of a torrent: its own cap, else the global per-torrent one. */
  maxPeers(id: TorrentId): number {
    const own = this.states.get(id)?.limits.maxPeers ?? 0;
    return own > 0 ? own : this.host.settings().maxConnectionsPerTorrent;
  }

  /** Applies a torrent's limits and pick order to the live torrent. */
  private applyTo(id: TorrentId): void {
    const s = this.states.get(id);
    const b = this.buckets.get(id);
    if (s && b) {
      b.down.setRate(s.limits.downBps);
      b.up.setRate(s.limits.upBps);
    }
    const t = this.host.torrent(id);
    if (!t || !s) return;
    t.setMaxConnections(this.maxPeers(id));
    if (s.sequential || s.firstLast) t.setPickOrder(s.sequential, s.firstLast);
  }

  /** The summary as the hosts see it: 'queued' with its place, and the action state. */
  decorate(s: TorrentSummary): TorrentSummary {
    const actions = this.state(s.id);
    const position = this.queued.get(s.id);
    if (position !== undefined && s.state === 'paused')
      return { ...s, state: 'queued', queuePosition: position, actions };
    return { ...s, queuePosition: null, actions };
  }

  /**
   * Runs the queue: starts the torrents it admits and stops the ones it holds back. `revive`
   * is a torrent the user just resumed: it wants to run even if it stopped in error.
   */
  applyQueue(revive?: TorrentId): void {
    const settings = this.host.settings();
    const entries = this.queue.ids.flatMap((id) => {
      const t = this.host.torrent(id);
      if (!t) return [];
      const wantsToRun = !this.host.userPaused(id) && (id === revive || t.currentState !== 'error');
      return [{ id, wantsToRun, complete: t.looksComplete, forced: this.state(id).forced }];
    });
    const d = decideQueue(entries, settings);
    const before = this.queued;
    this.queued = d.queued;
    for (const id of d.run) {
      // The revived torrent is started by the caller (Resume, Force start), which awaits it: a
      // second, unawaited start here let Resume return before the torrent had left 'error'.
      if (id === revive) continue;
      const t = this.host.torrent(id);
      if (t && !t.isRunning) void t.start();
    }
    for (const id of d.queued.keys()) {
      const t = this.host.torrent(id);
      if (!t) continue;
      const check = this.queuedChecks.get(id);
      if (t.isRunning) {
        if (check !== 'running') void t.stop('paused');
      } else if (t.unchecked && check === undefined) {
        // Data already on disk (a torrent added to seed it) is found while it waits, and a
        // complete one then counts as a seed, not as a download holding a slot.
        this.queuedChecks.set(id, 'running');
        void t.recheck({ resume: false }).finally(() => {
          if (this.queuedChecks.has(id)) this.queuedChecks.set(id, 'done');
          this.applyQueue();
        });
      } else {
        // Its progress, from the resume data, while it waits (as for a paused torrent).
        void t.checkWhilePaused();
      }
    }
    for (const id of new Set([...before.keys(), ...d.queued.keys()])) {
      if (before.get(id) !== d.queued.get(id)) this.host.changed(id);
    }
  }

  /** The periodic work: seed limits, then the queue (a finished download frees a slot). */
  tick(): void {
    const settings = this.host.settings();
    const now = this.host.clock.now();
    for (const id of this.queue.ids) {
      const t = this.host.torrent(id);
      if (!t || this.acting.has(id)) continue;
      const action = seedLimitReached({
        limits: this.state(id).limits,
        global: settings,
        ratio: t.summary().ratio,
        seedingSince: t.seedingSinceMs,
        now,
      });
      if (action === null) continue;
      this.acting.add(id);
      this.host.log('info', `${t.meta.name}: seed limit reached, ${action}`);
      void this.host.act(id, action).finally(() => this.acting.delete(id));
    }
    this.applyQueue();
  }
}

/** One torrent's saved actions, or undefined when absent or not an object. Bad fields default. */
export function normalizeActions(v: unknown): PersistedActions | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const l =
    typeof o.limits === 'object' && o.limits !== null ? (o.limits as Record<string, unknown>) : {};
  const count = (x: unknown, max: number): number =>
    typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max ? x : 0;
  const optional = (x: unknown, max: number): number | null =>
    typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= max ? x : null;
  return {
    limits: {
      downBps: count(l.downBps, Number.MAX_SAFE_INTEGER),
      upBps: count(l.upBps, Number.MAX_SAFE_INTEGER),
      maxPeers: count(l.maxPeers, 65535),
      ratioLimit: optional(l.ratioLimit, maxRatioLimit),
      seedTimeLimitMin: optional(l.seedTimeLimitMin, maxSeedTimeLimitMin),
      onLimit: (seedLimitActions as readonly unknown[]).includes(l.onLimit)
        ? (l.onLimit as SeedLimitAction)
        : 'pause',
    },
    sequential: o.sequential === true,
    firstLast: o.firstLast === true,
    forced: o.forced === true,
    queuePosition: count(o.queuePosition, Number.MAX_SAFE_INTEGER),
  };
}
