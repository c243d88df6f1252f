import { describe, expect, it } from 'vitest';
import type { TorrentPreview } from '../../../src-shared/model';
import type { PendingAdd } from '../../store/add-seed-slice';
import type { Toast } from '../../store/store';
import { addAll } from './add-all';

const item = (name: string, alreadyAdded = false): PendingAdd => ({
  fileName: `${name}.torrent`,
  torrentFile: new TextEncoder().encode(name),
  preview: {
    id: name.padEnd(40, '0'),
    name,
    sizeBytes: 10,
    pieceLength: 16384,
    pieceCount: 1,
    files: [{ index: 0, path: name, sizeBytes: 10 }],
    trackers: [],
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    alreadyAdded,
  } as TorrentPreview,
});

describe('addAll (issue 21: several dropped torrents, one click)', () => {
  it('adds every queued torrent, the first with its own choices, and skips duplicates', async () => {
    const calls: unknown[] = [];
    const api = {
      invoke: (async (name: string, req: Record<string, unknown>) => {
        calls.push([name, new TextDecoder().decode(req.torrentFile as Uint8Array), req]);
        return { id: 'x' };
      }) as never,
    };
    const toasts: Omit<Toast, 'id'>[] = [];
    const added = await addAll(
      api,
      [item('one'), item('two'), item('dup', true), item('three')],
      { savePath: '/media', paused: true, skipFiles: [0] },
      (t) => toasts.push(t),
    );
    expect(added).toBe(3);
    expect(calls.map((c) => (c as unknown[])[1])).toEqual(['one', 'two', 'three']);
    const reqs = calls.map((c) => (c as [string, string, Record<string, unknown>])[2]);
    expect(reqs[0]).toMatchObject({ savePath: '/media', paused: true, skipFiles: [0] });
    expect(reqs[1]).toMatchObject({ savePath: '/media', paused: true });
    expect(reqs[1]).not.toHaveProperty('skipFiles');
    expect(toasts.at(-1)?.title).toBe('dup is already in the list');
  });
});
