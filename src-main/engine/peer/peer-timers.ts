/**
 * When a connection's periodic tick must act, as a pure policy over clock readings: a silent
 * peer is gone (idle), a frame begun too long ago is a trickling peer (issue 16), and after
 * silence of ours a keep-alive is due (BEP 3).
 *
 * Invariants: every byte received resets the idle clock, so a frame is timed on its own by the
 * decoder's `partialFrameId`: the same partial frame seen by ticks `frameMs` apart is overdue.
 * Writes only set a flag (no clock read per block); the tick turns it into `lastSentAt`.
 */

export interface PeerTimerLimits {
  idleMs: number;
  keepAliveIntervalMs: number;
  frameMs: number;
}

/** What the tick must do, at most one thing. */
export type TimerVerdict = 'idle' | 'frame-overdue' | 'keep-alive' | null;

export class PeerTimers {
  private readonly limits: PeerTimerLimits;
  private lastReceivedAt: number;
  private lastSentAt: number;
  private wroteSinceTick = false;
  private frameId = 0;
  private frameSince = 0;

  constructor(limits: PeerTimerLimits, now: number) {
    this.limits = limits;
    this.lastReceivedAt = now;
    this.lastSentAt = now;
  }

  received(now: number): void {
    this.lastReceivedAt = now;
  }

  wrote(): void {
    this.wroteSinceTick = true;
  }

  /** How long the frame in progress has been (at the last tick); 0 when none. */
  frameAgeMs(now: number): number {
    return this.frameId === 0 ? 0 : now - this.frameSince;
  }

  /** The tick: `open` once the handshake is done, `partialFrameId` from the decoder. */
  tick(now: number, open: boolean, partialFrameId: number): TimerVerdict {
    if (this.wroteSinceTick) {
      this.wroteSinceTick = false;
      this.lastSentAt = now;
    }
    if (now - this.lastReceivedAt >= this.limits.idleMs) return 'idle';
    if (!open) return null;
    if (partialFrameId !== this.frameId) {
      this.frameId = partialFrameId;
      this.frameSince = now;
    } else if (partialFrameId !== 0 && now - this.frameSince >= this.limits.frameMs) {
      return 'frame-overdue';
    }
    if (now - this.lastSentAt >= this.limits.keepAliveIntervalMs) return 'keep-alive';
    return null;
  }
}
