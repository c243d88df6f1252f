import { describe, expect, it } from 'vitest';
import { decideQueue, TorrentQueue, type QueueEntry } from './queue';

const down = (id: string, extra: Partial<QueueEntry> = {}): QueueEntry => ({
  id,
  wantsToRun: true,
  complete: false,
  forced: false,
  ...extra,
});
const seed = (id: string, extra: Partial<QueueEntry> = {}): QueueEntry =>
  down(id, { complete: true, ...extra });

describe('decideQueue (issue 21)', () => {
  it('runs the first N downloads in order and queues the rest with their positions', () => {
    const d = decideQueue([down('a'), down('b'), down('c'), down('d')], {
      maxActiveDownloads: 2,
      maxActiveSeeds: 5,
    });
    expect([...d.run]).toEqual(['a', 'b']);
    expect([...d.queued]).toEqual([
      ['c', 1],
      ['d', 2],
    ]);
  });

  it('counts downloads and seeds apart, each with its own line', () => {
    const d = decideQueue([seed('s1'), down('a'), seed('s2'), down('b'), seed('s3')], {
      maxActiveDownloads: 1,
      maxActiveSeeds: 1,
    });
    expect([...d.run]).toEqual(['s1', 'a']);
    expect(d.queued.get('s2')).toBe(1);
    expect(d.queued.get('b')).toBe(1);
    expect(d.queued.get('s3')).toBe(2);
  });

  it('lets force-started torrents run without taking a slot', () => {
    const d = decideQueue([down('a'), down('f', { forced: true }), down('b')], {
      maxActiveDownloads: 1,
      maxActiveSeeds: 1,
    });
    expect([...d.run].sort()).toEqual(['a', 'f']);
    expect(d.queued.get('b')).toBe(1);
  });

  it('never queues nor counts a torrent that does not want to run (paused, error)', () => {
    const d = decideQueue([down('p', { wantsToRun: false }), down('a'), down('b')], {
      maxActiveDownloads: 1,
      maxActiveSeeds: 1,
    });
    expect([...d.run]).toEqual(['a']);
    expect(d.queued.has('p')).toBe(false);
    expect(d.queued.get('b')).toBe(1);
  });

  it('a limit of 0 means no limit', () => {
    const entries = Array.from({ length: 50 }, (_, i) => down(`t${i}`));
    const d = decideQueue(entries, { maxActiveDownloads: 0, maxActiveSeeds: 0 });
    expect(d.run.size).toBe(50);
    expect(d.queued.size).toBe(0);
  });

  it('a download that finishes frees its slot for the next one', () => {
    const limits = { maxActiveDownloads: 1, maxActiveSeeds: 5 };
    expect([...decideQueue([down('a'), down('b')], limits).run]).toEqual(['a']);
    expect([...decideQueue([seed('a'), down('b')], limits).run]).toEqual(['a', 'b']);
  });
});

describe('TorrentQueue moves', () => {
  const queue = (...ids: string[]): TorrentQueue => {
    const q = new TorrentQueue();
    for (const id of ids) q.add(id);
    return q;
  };

  it('moves one step up and down, and not past the ends', () => {
    const q = queue('a', 'b', 'c');
    expect(q.move(['c'], 'up')).toBe(true);
    expect(q.ids).toEqual(['a', 'c', 'b']);
    expect(q.move(['a'], 'up')).toBe(false);
    expect(q.move(['a'], 'down')).toBe(true);
    expect(q.ids).toEqual(['c', 'a', 'b']);
    expect(q.move(['b'], 'down')).toBe(false);
  });

  it('moves several to the top or bottom keeping their order', () => {
    const q = queue('a', 'b', 'c', 'd');
    q.move(['d', 'b'], 'top');
    expect(q.ids).toEqual(['b', 'd', 'a', 'c']);
    q.move(['b', 'a'], 'bottom');
    expect(q.ids).toEqual(['d', 'c', 'b', 'a']);
  });

  it('moves a block of adjacent torrents up together', () => {
    const q = queue('a', 'b', 'c', 'd');
    q.move(['c', 'd'], 'up');
    expect(q.ids).toEqual(['a', 'c', 'd', 'b']);
  });

  it('restores a saved order, unknown ids last in their added order', () => {
    const q = queue('a', 'b', 'c', 'd');
    const saved: Record<string, number> = { c: 0, a: 1 };
    q.sortBy((id) => saved[id]);
    expect(q.ids).toEqual(['c', 'a', 'b', 'd']);
    q.remove('a');
    expect(q.ids).toEqual(['c', 'b', 'd']);
  });
});
