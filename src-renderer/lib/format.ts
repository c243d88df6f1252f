/**
 * Human-readable numbers for the UI: binary sizes (KiB, MiB), rates, ETA as `3m 12s`,
 * ratios and percentages. Pure functions; unit-tested.
 */

const sizeUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 -> "1.5 KiB"; three significant digits above 1 KiB, whole bytes below. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.95 KiB would round to "1024 KiB": show the next unit instead.
  if (value >= 1023.5 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${sizeUnits[unit]}`;
}

/** Bytes per second; zero shows as an empty dash so idle rows stay quiet. */
export function formatRate(bytesPerSec: number): string {
  if (!Number.isFinite(bytesPerSec) || bytesPerSec <= 0) return '—';
  return `${formatBytes(bytesPerSec)}/s`;
}

/** Seconds -> "45s", "3m 12s", "2h 05m", "3d 4h"; null or infinite -> "∞". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '∞';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  if (d < 100) return `${d}d ${h % 24}h`;
  return `${d}d`;
}

/** 0..1 -> "42.5%", with 100% only when truly complete. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0) return '0%';
  if (fraction >= 1) return '100%';
  const pct = Math.min(99.9, fraction * 100);
  return `${pct.toFixed(1)}%`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio < 0) return '∞';
  return ratio.toFixed(2);
}
