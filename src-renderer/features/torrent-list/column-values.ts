/**
 * The text of the columns added in issue 21 (Added, Completed, Save path, Tracker): pure, so the
 * unit tests pin them and the row stays a plain renderer.
 */
import type { TorrentSummary } from '../../../src-shared/model';
import { trackerHost } from '../../lib/tracker-host';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** Epoch ms as the user's locale writes a short date and time; '—' when unknown. */
export function formatDateTime(ms: number | null, format: Intl.DateTimeFormat = dateTime): string {
  if (ms === null || !Number.isFinite(ms) || ms <= 0) return '—';
  return format.format(new Date(ms));
}

export function addedText(t: TorrentSummary, format?: Intl.DateTimeFormat): string {
  return formatDateTime(t.addedAt, format);
}

/** A torrent still downloading has no completion time, even if an earlier run set one. */
export function completedText(t: TorrentSummary, format?: Intl.DateTimeFormat): string {
  return t.progress >= 1 ? formatDateTime(t.completedAt, format) : '—';
}

export function savePathText(t: TorrentSummary): string {
  return t.savePath || '—';
}

/** Distributed copies to three decimals, as other clients show it; '—' for a magnet. */
export function availabilityText(t: TorrentSummary): string {
  return t.availability === undefined ? '—' : t.availability.toFixed(3);
}

export function labelText(t: TorrentSummary): string {
  return t.label || '—';
}

export function trackerText(t: TorrentSummary): string {
  return trackerHost(t.magnet) || '—';
}
