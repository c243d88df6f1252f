/**
 * The session's announce queue (issue 20): every tracker announce of every torrent takes a slot
 * here first, so that a session with a thousand torrents never has more than `maxInFlight`
 * announces open at once, and its seeds' announces are paced rather than sent in one burst.
 *
 * Three classes, served in this order, first come first served within each:
 * - `stopped`: a torrent leaving (pause, remove, shutdown). Never paced: a shutdown must end.
 * - `urgent`: something a person waits on: a download that wants peers, `completed`, a
 *   re-announce asked for by hand. Never paced.
 * - `background`: a seed's routine announces (and its `started` at start-up). Paced at
 *   `backgroundPerSec`, so the first announces of a thousand restored seeds spread over
 *   `count / backgroundPerSec` seconds, and their re-announces keep that spread.
 *
 * Invariants:
 * - At most `maxInFlight` slots are held at once (a lowered cap lets the held ones finish).
 * - A slot held for `slotTimeoutMs` is taken back and its `signal` aborted, so a tracker that
 *   never answers cannot hold a slot for the UDP retransmit schedule's hour.
 * - A waiter whose signal aborts leaves the queue at once (its promise rejects).
 * - After `close()`, no timer of the queue is left and every waiter has been rejected.
 * - Time comes from the injected Clock only.
 */
import type { Clock, TimerHandle } from '../../time/clock';

export type AnnouncePriority = 'stopped' | 'urgent' | 'background';

const ORDER: readonly AnnouncePriority[] = ['stopped', 'urgent', 'background'];

export interface AnnounceSlot {
  /** Aborted when the slot is taken back (held past the timeout) or the queue closes. */
  readonly signal: AbortSignal;
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

export interface AnnounceQueueOptions {
  clock: Clock;
  maxInFlight: number;
  /** Background announces granted per second, at most. */
  backgroundPerSec: number;
  slotTimeoutMs: number;
}

interface Waiter {
  priority: AnnouncePriority;
  resolve: (slot: AnnounceSlot) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

export class AnnounceQueueClosedError extends Error {
  constructor() {
    super('the announce queue is closed');
    this.name = 'AnnounceQueueClosedError';
  }
}

export class AnnounceQueue {
  private readonly waiting: Record<AnnouncePriority, Waiter[]> = {
    stopped: [],
    urgent: [],
    background: [],
  };
  private held = 0;
  private maxInFlight: number;
  private readonly paceMs: number;
  /** The earliest time the next background slot may be granted. */
  private nextBackgroundAt = -Infinity;
  private paceTimer: TimerHandle | null = null;
  private readonly slots = new Set<{ abort: AbortController; timer: TimerHandle }>();
  private closed = false;

  constructor(private readonly opts: AnnounceQueueOptions) {
    this.maxInFlight = Math.max(1, Math.floor(opts.maxInFlight));
    this.paceMs = opts.backgroundPerSec > 0 ? 1000 / opts.backgroundPerSec : 0;
  }

  /** Slots held now. */
  get inFlight(): number {
    return this.held;
  }

  /** Waiters, all classes. */
  get queued(): number {
    return ORDER.reduce((n, p) => n + this.waiting[p].length, 0);
  }

  setMaxInFlight(n: number): void {
    this.maxInFlight = Math.max(1, Math.floor(n));
    this.pump();
  }

  /**
   * A slot, when one is free and the priority's turn has come. Rejects with the signal's reason
   * when `signal` aborts first, or AnnounceQueueClosedError when the queue closes.
   */
  acquire(priority: AnnouncePriority, signal?: AbortSignal): Promise<AnnounceSlot> {
    if (this.closed) return Promise.reject(new AnnounceQueueClosedError());
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<AnnounceSlot>((resolve, reject) => {
      const w: Waiter = { priority, resolve, reject, signal, onAbort: null };
      if (signal) {
        w.onAbort = () => {
          const list = this.waiting[priority];
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          reject(abortReason(signal));
          // A background waiter at the head may have held the pace timer; the next one may go.
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiting[priority].push(w);
      this.pump();
    });
  }

  /** Rejects every waiter, aborts every held slot and cancels every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.paceTimer?.cancel();
    this.paceTimer = null;
    for (const p of ORDER) {
      for (const w of this.waiting[p].splice(0)) {
        if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
        w.reject(new AnnounceQueueClosedError());
      }
    }
    for (const s of [...this.slots]) {
      s.timer.cancel();
      s.abort.abort(new AnnounceQueueClosedError());
    }
    this.slots.clear();
    this.held = 0;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.held < this.maxInFlight) {
      const p = ORDER.find((q) => this.waiting[q].length > 0);
      if (p === undefined) return;
      if (p === 'background') {
        const now = this.opts.clock.now();
        if (now < this.nextBackgroundAt) {
          this.armPace(this.nextBackgroundAt - now);
          return;
        }
        this.nextBackgroundAt = now + this.paceMs;
      }
      this.grant(this.waiting[p].shift() as Waiter);
    }
  }

  private armPace(delayMs: number): void {
    if (this.paceTimer) return;
    this.paceTimer = this.opts.clock.setTimeout(() => {
      this.paceTimer = null;
      this.pump();
    }, delayMs);
  }

  private grant(w: Waiter): void {
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    this.held++;
    const abort = new AbortController();
    let released = false;
    const entry = {
      abort,
      timer: this.opts.clock.setTimeout(() => {
        abort.abort(new Error(`no answer within ${this.opts.slotTimeoutMs} ms`));
        release();
      }, this.opts.slotTimeoutMs),
    };
    const release = (): void => {
      if (released) return;
      released = true;
      entry.timer.cancel();
      this.slots.delete(entry);
      if (this.closed) return;
      this.held--;
      this.pump();
    };
    this.slots.add(entry);
    w.resolve({ signal: abort.signal, release });
  }
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error('aborted');
}
