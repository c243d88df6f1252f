import { describe, expect, it } from 'vitest';
import type { TorrentPreview } from '../../src-shared/model';
import { enqueueAdds, type PendingAdd } from './add-seed-slice';
import { reduceTrackerStats } from './tracker-slice';

const item = (id: string, fileName: string): PendingAdd => ({
  fileName,
  torrentFile: new Uint8Array([1]),
  preview: { id } as TorrentPreview,
});

describe('add queue', () => {
  it('keeps order and each torrent once', () => {
    const q1 = enqueueAdds(
      [],
      [item('a', 'a.torrent'), item('b', 'b.torrent'), item('a', 'copy.torrent')],
    );
    const q2 = enqueueAdds(q1, [item('b', 'again.torrent'), item('c', 'c.torrent')]);
    expect(q2.map((q) => q.fileName)).toEqual(['a.torrent', 'b.torrent', 'c.torrent']);
    expect(q1).toHaveLength(2);
  });
});

describe('tracker stats', () => {
  const stats = (running: boolean, error: string | null) =>
    ({ running, error }) as Parameters<typeof reduceTrackerStats>[1];

  it('keeps a start failure until the tracker runs', () => {
    expect(
      reduceTrackerStats({ trackerError: 'EADDRINUSE' }, stats(false, null)).trackerError,
    ).toBe('EADDRINUSE');
    expect(
      reduceTrackerStats({ trackerError: null }, stats(false, 'bind failed')).trackerError,
    ).toBe('bind failed');
    expect(reduceTrackerStats({ trackerError: 'EADDRINUSE' }, stats(true, null)).trackerError).toBe(
      null,
    );
  });
});
