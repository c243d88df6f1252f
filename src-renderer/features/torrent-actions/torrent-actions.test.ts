import { describe, expect, it } from 'vitest';
import { defaultTorrentLimits, type TorrentSummary } from '../../../src-shared/model';
import { menuEntries, opensContextMenu, shortcutAction, type ActionItem } from './action-items';
import { formToLimits, limitsToForm } from './limits-form';
import { parsePeerAddress } from './peer-address';
import { queueForm, queuePatch } from './queue-settings';
import { formatTrackerTiers, parseTrackerText } from './tracker-text';

function summary(id: string, extra: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    id: id.repeat(40).slice(0, 40),
    name: id,
    sizeBytes: 1,
    progress: 0,
    state: 'downloading',
    error: null,
    checkProgress: 0,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    etaSec: null,
    peers: 0,
    seeds: 0,
    ratio: 0,
    pieceCount: 1,
    pieceLength: 1,
    verifiedPieces: 0,
    savePath: '/d',
    addedAt: 0,
    completedAt: null,
    magnet: 'magnet:?xt=urn:btih:' + id.repeat(40).slice(0, 40),
    private: false,
    ...extra,
  };
}

const items = (entries: ReturnType<typeof menuEntries>): Map<string, ActionItem> =>
  new Map(entries.flatMap((e) => (e.kind === 'item' ? [[e.id, e] as const] : [])));

describe('the torrent menu (issue 21)', () => {
  it('offers every action for one torrent, with its shortcuts', () => {
    const m = items(menuEntries([summary('a')], { desktop: true }));
    for (const id of [
      'reannounce',
      'add-peer',
      'edit-trackers',
      'verify',
      'move-storage',
      'open-file',
      'show-in-folder',
      'copy-magnet',
      'copy-hash',
      'save-torrent',
      'limits',
      'queue-up',
      'remove',
    ])
      expect(m.get(id as never)?.disabled, id).toBe(false);
    expect(m.get('pause')?.shortcut).toBe('Space');
    expect(m.get('remove')?.shortcut).toBe('Delete');
    expect(m.get('queue-up')?.shortcut).toBe('Alt+↑');
    expect(m.get('resume')?.disabled).toBe(true);
  });

  it('hides Open and Show in folder where there is no desktop shell', () => {
    const m = items(menuEntries([summary('a')], { desktop: false }));
    expect(m.has('open-file')).toBe(false);
    expect(m.has('show-in-folder')).toBe(false);
  });

  it('keeps multi-select actions for several torrents and disables single ones', () => {
    const m = items(
      menuEntries([summary('a'), summary('b', { state: 'paused' })], { desktop: true }),
    );
    for (const id of ['pause', 'resume', 'reannounce', 'verify', 'remove', 'queue-top', 'limits'])
      expect(m.get(id as never)?.disabled, id).toBe(false);
    for (const id of ['add-peer', 'edit-trackers', 'move-storage', 'copy-magnet', 'save-torrent'])
      expect(m.get(id as never)?.disabled, id).toBe(true);
    expect(m.get('copy-hash')?.label).toBe('Copy info-hashes');
  });

  it('shows the pick order as checkboxes, checked when every selected torrent has it', () => {
    const seq = { ...defaultTorrentLimits };
    const on = summary('a', {
      actions: { limits: seq, sequential: true, firstLast: false, forced: false },
    });
    const off = summary('b');
    expect(items(menuEntries([on], { desktop: false })).get('sequential')?.checked).toBe(true);
    expect(items(menuEntries([on, off], { desktop: false })).get('sequential')?.checked).toBe(
      false,
    );
    expect(items(menuEntries([on], { desktop: false })).get('first-last')?.checked).toBe(false);
  });

  it('lets a queued torrent be resumed or force-started', () => {
    const m = items(
      menuEntries([summary('a', { state: 'queued', queuePosition: 2 })], { desktop: false }),
    );
    expect(m.get('force-start')?.disabled).toBe(false);
    expect(m.get('pause')?.disabled).toBe(false);
  });

  it('maps the queue shortcuts and the menu keys', () => {
    const k = (
      key: string,
      mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {},
    ) => ({
      key,
      altKey: false,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      ...mods,
    });
    expect(shortcutAction(k('ArrowUp', { altKey: true }))).toBe('queue-up');
    expect(shortcutAction(k('End', { altKey: true }))).toBe('queue-bottom');
    expect(shortcutAction(k('ArrowUp'))).toBe(null);
    expect(shortcutAction(k('ArrowUp', { altKey: true, shiftKey: true }))).toBe(null);
    expect(opensContextMenu(k('F10', { shiftKey: true }))).toBe(true);
    expect(opensContextMenu(k('F10'))).toBe(false);
    expect(opensContextMenu(k('ContextMenu'))).toBe(true);
  });
});

describe('Add peer input', () => {
  it('reads IPv4, bracketed IPv6 and host names with a port', () => {
    expect(parsePeerAddress(' 192.0.2.7:6881 ')).toEqual({
      ok: true,
      address: '192.0.2.7',
      port: 6881,
    });
    expect(parsePeerAddress('[2001:db8::1]:51413')).toEqual({
      ok: true,
      address: '2001:db8::1',
      port: 51413,
    });
    expect(parsePeerAddress('peer.example.org:1')).toEqual({
      ok: true,
      address: 'peer.example.org',
      port: 1,
    });
  });

  it('says what is wrong with bad input', () => {
    expect(parsePeerAddress('192.0.2.7')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('port'),
    });
    expect(parsePeerAddress('2001:db8::1:80')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('brackets'),
    });
    expect(parsePeerAddress('300.1.1.1:80')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not an IPv4'),
    });
    expect(parsePeerAddress('a b:80')).toMatchObject({ ok: false });
    expect(parsePeerAddress('host:0')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('1 to 65535'),
    });
    expect(parsePeerAddress('host:70000')).toMatchObject({ ok: false });
    expect(parsePeerAddress('[1.2.3.4]:80')).toMatchObject({ ok: false });
    expect(parsePeerAddress('')).toMatchObject({ ok: false });
  });
});

describe('Edit trackers text', () => {
  it('reads tiers separated by blank lines and writes them back', () => {
    const text = 'udp://a.example:1\nhttp://b.example/announce\n\n\nhttps://c.example/announce\n';
    const r = parseTrackerText(text);
    expect(r).toEqual({
      ok: true,
      tiers: [['udp://a.example:1', 'http://b.example/announce'], ['https://c.example/announce']],
    });
    if (r.ok) expect(parseTrackerText(formatTrackerTiers(r.tiers))).toEqual(r);
    expect(parseTrackerText('  \n')).toEqual({ ok: true, tiers: [] });
  });

  it('refuses other schemes and repeats', () => {
    expect(parseTrackerText('ftp://x.example/')).toMatchObject({ ok: false });
    expect(parseTrackerText('udp://a.example:1\n\nudp://a.example:1')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('twice'),
    });
  });
});

describe('Limits form', () => {
  it('round-trips limits through the form, KiB/s in the form', () => {
    const limits = {
      downBps: 512 * 1024,
      upBps: 0,
      maxPeers: 30,
      ratioLimit: 2,
      seedTimeLimitMin: 90,
      onLimit: 'remove' as const,
    };
    expect(formToLimits(limitsToForm(limits))).toEqual({ ok: true, limits });
    expect(formToLimits(limitsToForm(defaultTorrentLimits))).toEqual({
      ok: true,
      limits: defaultTorrentLimits,
    });
    expect(limitsToForm({ ...defaultTorrentLimits, ratioLimit: 0 }).ratioMode).toBe('none');
  });

  it('says which field is wrong', () => {
    const f = limitsToForm(defaultTorrentLimits);
    expect(formToLimits({ ...f, downKiB: '1.5' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('download'),
    });
    expect(formToLimits({ ...f, ratioMode: 'own', ratio: '0' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('ratio'),
    });
    expect(formToLimits({ ...f, maxPeers: '70000' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('65535'),
    });
  });
});

describe('Queue settings form', () => {
  it('round-trips the settings, empty meaning no limit', () => {
    const s = {
      maxActiveDownloads: 3,
      maxActiveSeeds: 0,
      seedRatioLimit: 1.5,
      seedLimitAction: 'remove' as const,
    };
    expect(queueForm(s)).toEqual({ downloads: '3', seeds: '', ratio: '1.5', action: 'remove' });
    expect(queuePatch(queueForm(s))).toEqual({ ok: true, patch: s });
    expect(queuePatch({ downloads: 'x', seeds: '', ratio: '', action: 'pause' })).toMatchObject({
      ok: false,
    });
    expect(queuePatch({ downloads: '', seeds: '', ratio: '-1', action: 'pause' })).toMatchObject({
      ok: false,
    });
  });
});
