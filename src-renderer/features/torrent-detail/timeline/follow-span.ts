/**
 * How much time the Timeline shows while it follows now with the opening zoom (issue 19). A
 * young torrent, such as a lab's observer, has seconds of history: a fixed two-minute view would
 * squeeze every lane into a sliver at its right edge. So the view fits the history (with a
 * little room before the first lane) until the history is longer than the opening span; once
 * the user zooms, their span holds.
 */
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';

/** The shortest fitted view: the first seconds of a torrent still read as a timeline. */
export const minFitSpanMs = 30_000;
/** Room before the first lane, as a share of the history shown. */
const leadIn = 0.1;

/** When the oldest kept lane opened, or null with no lanes. */
export function firstOpenedAt(lanes: readonly TimelineLaneData[]): number | null {
  let first: number | null = null;
  for (const l of lanes) if (first === null || l.meta.openedAt < first) first = l.meta.openedAt;
  return first;
}

/** The span to show while following: the history fitted, never longer than `openingSpanMs`. */
export function followSpan(openingSpanMs: number, firstAt: number | null, now: number): number {
  if (firstAt === null || now <= firstAt) return Math.min(openingSpanMs, minFitSpanMs);
  const fitted = Math.ceil((now - firstAt) * (1 + leadIn));
  return Math.min(openingSpanMs, Math.max(minFitSpanMs, fitted));
}
