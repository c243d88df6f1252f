import { describe, expect, it } from 'vitest';
import type { FileProgress, PeerEvent, PeerFlags, TorrentSummary } from '../../src-shared/model';
import {
  buildFileTree,
  filterCounts,
  filterLog,
  filterTorrents,
  flattenFileTree,
  logPeers,
  peerFlagLetters,
  pieceCounts,
  unavailableCount,
} from './detail-selectors';

function t(name: string, state: TorrentSummary['state']): TorrentSummary {
  return { id: name.padStart(40, '0'), name, state } as TorrentSummary;
}

const flags = (patch: Partial<PeerFlags>): PeerFlags => ({
  amChoking: true,
  amInterested: false,
  peerChoking: true,
  peerInterested: false,
  optimistic: false,
  snubbed: false,
  incoming: false,
  encrypted: false,
  fast: false,
  extended: false,
  ...patch,
});

describe('list filters', () => {
  const list = [
    t('Ubuntu 24.04', 'downloading'),
    t('debian netinst', 'seeding'),
    t('Fedora', 'checking'),
    t('arch', 'paused'),
    t('broken', 'error'),
    t('later', 'queued'),
  ];
  it('counts every state filter, checking and queued under downloading', () => {
    expect(filterCounts(new Map(list.map((x) => [x.id, x])))).toEqual({
      all: 6,
      downloading: 3,
      seeding: 1,
      paused: 1,
      error: 1,
      stalled: 0, // --- explainer (issue 21)
    });
  });
  it('counts a magnet fetching its metadata under downloading (issue 17)', () => {
    const magnet = t('magnet', 'fetching-metadata');
    expect(filterCounts(new Map([[magnet.id, magnet]]))).toMatchObject({ all: 1, downloading: 1 });
  });
  it('filters by state and by every word of the search, keeping the order', () => {
    expect(filterTorrents(list, 'downloading', '').map((x) => x.name)).toEqual([
      'Ubuntu 24.04',
      'Fedora',
      'later',
    ]);
    expect(filterTorrents(list, 'all', 'DEB inst').map((x) => x.name)).toEqual(['debian netinst']);
    expect(filterTorrents(list, 'seeding', 'ubuntu')).toEqual([]);
  });
});

describe('peer flags', () => {
  it('spells the four choke/interest states and the extras', () => {
    expect(peerFlagLetters(flags({}))).toBe('');
    expect(peerFlagLetters(flags({ amInterested: true, peerChoking: false }))).toBe('D');
    expect(peerFlagLetters(flags({ amInterested: true }))).toBe('d');
    expect(
      peerFlagLetters(flags({ peerInterested: true, amChoking: false, optimistic: true })),
    ).toBe('UO');
    expect(peerFlagLetters(flags({ peerInterested: true }))).toBe('u');
    expect(peerFlagLetters(flags({ peerChoking: false, amChoking: false }))).toBe('K?');
    expect(
      peerFlagLetters(
        flags({ snubbed: true, incoming: true, encrypted: true, fast: true, extended: true }),
      ),
    ).toBe('SIEFX');
  });
});

describe('piece counts', () => {
  it('counts each state and ignores unknown bytes', () => {
    expect(pieceCounts(Uint8Array.of(0, 4, 4, 2, 5, 9, 3, 1))).toEqual({
      missing: 1,
      requested: 1,
      partial: 1,
      verifying: 1,
      have: 2,
      failed: 1,
    });
  });
  it('counts missing pieces no peer has', () => {
    expect(unavailableCount(Uint8Array.of(0, 4, 2, 0), Uint16Array.of(0, 0, 0, 3))).toBe(2);
  });
});

describe('file tree', () => {
  const f = (
    index: number,
    path: string,
    sizeBytes: number,
    progress: number,
    priority: FileProgress['priority'],
  ): FileProgress => ({
    index,
    path,
    sizeBytes,
    progress,
    priority,
  });
  const files = [
    f(0, 'album/cd2/track10.flac', 100, 1, 'normal'),
    f(1, 'album/cd2/track9.flac', 100, 0.5, 'normal'),
    f(2, 'album/cover.jpg', 50, 0, 'skip'),
    f(3, 'album/cd1/track1.flac', 200, 0, 'high'),
    f(4, 'album/empty.txt', 0, 0, 'normal'),
  ];
  it('nests folders with sums, folder-first natural order and a mixed priority', () => {
    const root = buildFileTree(files);
    const album = root.children[0]!;
    expect(album.name).toBe('album');
    expect(album.sizeBytes).toBe(450);
    expect(album.doneBytes).toBe(150);
    expect(album.priority).toBe('mixed');
    expect(album.fileIndices.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(album.children.map((c) => c.name)).toEqual(['cd1', 'cd2', 'cover.jpg', 'empty.txt']);
    const cd2 = album.children[1]!;
    expect(cd2.children.map((c) => c.name)).toEqual(['track9.flac', 'track10.flac']);
    expect(cd2.priority).toBe('normal');
  });
  it('flattens with depths and hides collapsed folders', () => {
    const root = buildFileTree(files);
    expect(flattenFileTree(root, new Set()).map((r) => `${r.depth}:${r.node.name}`)).toEqual([
      '0:album',
      '1:cd1',
      '2:track1.flac',
      '1:cd2',
      '2:track9.flac',
      '2:track10.flac',
      '1:cover.jpg',
      '1:empty.txt',
    ]);
    expect(flattenFileTree(root, new Set(['album/cd2'])).map((r) => r.node.name)).toEqual([
      'album',
      'cd1',
      'track1.flac',
      'cd2',
      'cover.jpg',
      'empty.txt',
    ]);
  });
  it('handles a single-file torrent', () => {
    const rows = flattenFileTree(buildFileTree([f(0, 'movie.mkv', 10, 0.2, 'normal')]), new Set());
    expect(rows.map((r) => [r.depth, r.node.name, r.node.kind])).toEqual([
      [0, 'movie.mkv', 'file'],
    ]);
  });
});

describe('log filter', () => {
  const e = (peer: string, type: PeerEvent['type']): PeerEvent => ({
    at: 0,
    peer,
    dir: 'in',
    type,
    detail: '',
  });
  const log = [e('a:1', 'have'), e('b:2', 'choke'), e('a:1', 'piece'), e('b:2', 'have')];
  it('filters by peer and by type, and returns the same array when unfiltered', () => {
    expect(filterLog(log, { peer: null, types: new Set() })).toBe(log);
    expect(filterLog(log, { peer: 'a:1', types: new Set() })).toHaveLength(2);
    expect(filterLog(log, { peer: null, types: new Set(['have']) })).toHaveLength(2);
    expect(filterLog(log, { peer: 'b:2', types: new Set(['have', 'piece']) })).toEqual([log[3]]);
    expect(logPeers(log)).toEqual(['a:1', 'b:2']);
  });
});
