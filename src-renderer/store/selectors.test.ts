import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../src-shared/model';
import { nextSort, sortTorrents, totals } from './selectors';
import { initialSyncState, reduceDelta, reduceSnapshot } from './sync-reducers';

function t(id: string, patch: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    id: id.padStart(40, '0'),
    name: id,
    sizeBytes: 100,
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
    pieceLength: 16384,
    verifiedPieces: 0,
    savePath: '/d',
    addedAt: 0,
    completedAt: null,
    magnet: '',
    private: false,
    ...patch,
  };
}

const session = { downRateBps: 0, upRateBps: 0, listenPort: 6881, peers: 0, trackerRunning: false };
const map = (...list: TorrentSummary[]) => new Map(list.map((x) => [x.id, x]));

describe('sync reducers', () => {
  it('builds state from a snapshot, then applies consecutive deltas', () => {
    const s0 = reduceSnapshot({ seq: 4, torrents: [t('a'), t('b')], session });
    expect([...s0.torrents.keys()]).toHaveLength(2);
    const out = reduceDelta(s0, {
      seq: 5,
      upserts: [t('a', { progress: 0.5 }), t('c')],
      removed: [t('b').id],
      session: { ...session, peers: 3 },
    });
    expect(out.kind).toBe('applied');
    if (out.kind !== 'applied') return;
    expect([...out.state.torrents.values()].map((x) => [x.name, x.progress])).toEqual([
      ['a', 0.5],
      ['c', 0],
    ]);
    expect(out.state.seq).toBe(5);
    expect(out.state.session?.peers).toBe(3);
    // The previous state is untouched: a new Map was built.
    expect(s0.torrents.get(t('a').id)?.progress).toBe(0);
  });

  it('ignores stale deltas and reports gaps', () => {
    const s0 = reduceSnapshot({ seq: 4, torrents: [], session });
    const delta = (seq: number) => ({ seq, upserts: [], removed: [], session });
    expect(reduceDelta(s0, delta(4)).kind).toBe('stale');
    expect(reduceDelta(s0, delta(6))).toEqual({ kind: 'gap', expected: 5, got: 6 });
    expect(reduceDelta(initialSyncState, delta(1)).kind).toBe('gap');
  });

  it('keeps the same Map when a delta changes only the session', () => {
    const s0 = reduceSnapshot({ seq: 0, torrents: [t('a')], session });
    const out = reduceDelta(s0, { seq: 1, upserts: [], removed: [], session });
    expect(out.kind === 'applied' && out.state.torrents).toBe(s0.torrents);
  });
});

describe('selectors', () => {
  const list = map(
    t('b10', { sizeBytes: 5, state: 'seeding', etaSec: null, addedAt: 3 }),
    t('b9', { sizeBytes: 50, state: 'error', etaSec: 10, addedAt: 2 }),
    t('a', { sizeBytes: 50, downRateBps: 7, etaSec: 100, addedAt: 1 }),
  );
  const names = (sorted: TorrentSummary[]) => sorted.map((x) => x.name);

  it('sorts by name naturally, by size with a name tie-break, by state by urgency', () => {
    expect(names(sortTorrents(list, { key: 'name', dir: 'asc' }))).toEqual(['a', 'b9', 'b10']);
    expect(names(sortTorrents(list, { key: 'size', dir: 'desc' }))).toEqual(['a', 'b9', 'b10']);
    expect(names(sortTorrents(list, { key: 'state', dir: 'asc' }))).toEqual(['b9', 'a', 'b10']);
    expect(names(sortTorrents(list, { key: 'eta', dir: 'asc' }))).toEqual(['b9', 'a', 'b10']);
    expect(names(sortTorrents(list, { key: 'added', dir: 'desc' }))).toEqual(['b10', 'b9', 'a']);
  });

  it('flips the direction on the same key and picks a natural one for a new key', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'size')).toEqual({ key: 'size', dir: 'desc' });
    expect(nextSort({ key: 'size', dir: 'asc' }, 'eta')).toEqual({ key: 'eta', dir: 'asc' });
  });

  it('sums totals', () => {
    expect(totals(list)).toEqual({
      count: 3,
      active: 2,
      sizeBytes: 105,
      downRateBps: 7,
      upRateBps: 0,
    });
  });
});
