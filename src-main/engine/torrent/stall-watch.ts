/**
 * The Stalled state (issue 21): a torrent that wants data and has received none for
 * STALLED_AFTER_MS is stalled. Fed by the torrent's tick and by every block received; read on
 * each summary.
 *
 * Invariants:
 * - Not wanting (paused, seeding, checking, stopped) forgets the clock: wanting again starts a
 *   fresh 30 s, so a resumed torrent is not stalled at once by its pause.
 * - Any data received restarts the 30 s.
 */

/** Issue 21: "wants data and has received none for 30 s", as qBittorrent's Stalled. */
export const STALLED_AFTER_MS = 30_000;

export class StallWatch {
  /** When we last received data, or started wanting it; null while not wanting. */
  private progressAt: number | null = null;

  /** The torrent wants data now (or not): call it at least once a second while running. */
  observe(wanting: boolean, now: number): void {
    if (!wanting) this.progressAt = null;
    else if (this.progressAt === null) this.progressAt = now;
  }

  /** Data arrived. */
  received(now: number): void {
    if (this.progressAt !== null) this.progressAt = now;
  }

  reset(): void {
    this.progressAt = null;
  }

  /** Since when it received nothing, once that is STALLED_AFTER_MS or more; else null. */
  stalledSince(now: number): number | null {
    return this.progressAt !== null && now - this.progressAt >= STALLED_AFTER_MS
      ? this.progressAt
      : null;
  }
}
