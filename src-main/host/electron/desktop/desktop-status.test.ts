import { describe, expect, it } from 'vitest';
import { badgeLabel, downloadBadge, formatRateBps, trayToolTip } from './desktop-status';
import { torrent } from './testing/fixtures';

describe('downloadBadge', () => {
  it('counts only downloading torrents and weighs progress by size', () => {
    const badge = downloadBadge([
      torrent('downloading', 300, 1 / 3),
      torrent('downloading', 100, 1),
      torrent('seeding', 10_000, 1),
      torrent('paused', 10_000, 0),
    ]);
    expect(badge.activeDownloads).toBe(2);
    expect(badge.progress).toBeCloseTo(200 / 400, 10);
  });

  it('has no bar when nothing downloads, and an empty one for metadata-less magnets', () => {
    expect(downloadBadge([torrent('seeding', 1, 1)])).toEqual({
      activeDownloads: 0,
      progress: null,
    });
    expect(downloadBadge([torrent('downloading', 0, 0)])).toEqual({
      activeDownloads: 1,
      progress: 0,
    });
  });
});

describe('tray text', () => {
  it('formats rates in IEC units', () => {
    expect(formatRateBps(0)).toBe('0 B/s');
    expect(formatRateBps(-5)).toBe('0 B/s');
    expect(formatRateBps(Number.NaN)).toBe('0 B/s');
    expect(formatRateBps(1023)).toBe('1023 B/s');
    expect(formatRateBps(1536)).toBe('1.5 KiB/s');
    expect(formatRateBps(150 * 1024 * 1024)).toBe('150 MiB/s');
    expect(formatRateBps(3 * 1024 ** 4)).toBe('3072 GiB/s');
  });

  it('puts the global rates and active downloads in the tooltip', () => {
    const rates = { downRateBps: 2 * 1024 * 1024, upRateBps: 512 };
    expect(trayToolTip('Swarmscope', rates, { activeDownloads: 0, progress: null })).toBe(
      'Swarmscope\nDown 2.0 MiB/s, up 512 B/s',
    );
    expect(trayToolTip('Swarmscope', rates, { activeDownloads: 1, progress: 0.5 })).toMatch(
      /\n1 download active$/,
    );
    expect(trayToolTip('Swarmscope', rates, { activeDownloads: 3, progress: 0.5 })).toMatch(
      /3 downloads active$/,
    );
  });

  it('labels the overlay badge with one glyph', () => {
    expect(badgeLabel(0)).toBeNull();
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(12)).toBe('9+');
  });
});
