/** "12s ago", "in 3m 05s", "—": tracker announce times relative to now, compact and calm. */
import { formatEta } from '../../lib/format';

export function formatRelative(atMs: number | null, nowMs: number): string {
  if (atMs === null || !Number.isFinite(atMs)) return '—';
  const deltaSec = (atMs - nowMs) / 1000;
  if (Math.abs(deltaSec) < 1) return 'now';
  return deltaSec > 0 ? `in ${formatEta(deltaSec)}` : `${formatEta(-deltaSec)} ago`;
}

/** How long since a moment: "3m 12s", "2h 05m". */
export function formatSince(sinceMs: number | null, nowMs: number): string {
  if (sinceMs === null) return '—';
  return formatEta(Math.max(0, (nowMs - sinceMs) / 1000));
}
