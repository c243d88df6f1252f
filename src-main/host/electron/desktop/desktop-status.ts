/**
 * What the tray tooltip and the dock/taskbar badge show, computed from plain model data. Pure.
 *
 * Invariants: `progress` is null exactly when nothing is downloading (Electron then removes the
 * bar), otherwise it lies in 0..1 and weighs each download by its size.
 */
import type { TorrentSummary } from '../../../../src-shared/model';

export interface Rates {
  downRateBps: number;
  upRateBps: number;
}

export interface DownloadBadge {
  activeDownloads: number;
  progress: number | null;
}

export function downloadBadge(torrents: readonly TorrentSummary[]): DownloadBadge {
  let activeDownloads = 0;
  let wantedBytes = 0;
  let doneBytes = 0;
  for (const t of torrents) {
    // A stalled torrent (issue 21) is a download still running.
    if (t.state !== 'downloading' && t.state !== 'stalled') continue;
    activeDownloads++;
    const size = Math.max(0, t.sizeBytes);
    const progress = Math.min(Math.max(t.progress, 0), 1);
    wantedBytes += size;
    doneBytes += size * progress;
  }
  if (activeDownloads === 0) return { activeDownloads, progress: null };
  // A magnet link without metadata has size 0: the bar then starts empty rather than vanishing.
  return { activeDownloads, progress: wantedBytes > 0 ? doneBytes / wantedBytes : 0 };
}

const rateUnits = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'] as const;

/** Bytes per second in IEC units, as the engine counts them: `1.5 MiB/s`, `0 B/s`. */
export function formatRateBps(bps: number): string {
  let value = Number.isFinite(bps) && bps > 0 ? bps : 0;
  let unit = 0;
  while (value >= 1024 && unit < rateUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${rateUnits[unit]}`;
}

export function trayToolTip(productName: string, rates: Rates, badge: DownloadBadge): string {
  const lines = [
    productName,
    `Down ${formatRateBps(rates.downRateBps)}, up ${formatRateBps(rates.upRateBps)}`,
  ];
  if (badge.activeDownloads > 0) {
    const n = badge.activeDownloads;
    lines.push(`${n} download${n === 1 ? '' : 's'} active`);
  }
  return lines.join('\n');
}

/** The Windows overlay badge has room for one glyph; more than nine shows as "9+". */
export function badgeLabel(activeDownloads: number): string | null {
  if (activeDownloads <= 0) return null;
  return activeDownloads > 9 ? '9+' : String(activeDownloads);
}
