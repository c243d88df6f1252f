import { describe, expect, it } from 'vitest';
import { maxTorrentFileBytes } from '../../../src-shared/validate';
import type { Toast } from '../../store/store';
import { addTorrentFiles, isTorrentFile, type PickedFile } from './add-torrents';

function file(name: string, bytes: number[], size = bytes.length): PickedFile {
  return {
    name,
    size,
    type: '',
    arrayBuffer: async () => Uint8Array.from(bytes).buffer,
  };
}

describe('addTorrentFiles', () => {
  it('sends each .torrent as bytes and reports every outcome by name', async () => {
    const sent: unknown[] = [];
    const api = {
      invoke: (async (_name: string, req: { torrentFile: Uint8Array }) => {
        sent.push([...req.torrentFile]);
        if (req.torrentFile[0] === 0) {
          throw { code: 'invalid-torrent', message: 'not a valid torrent: info: missing' };
        }
        return { id: 'x' };
      }) as never,
    };
    const toasts: Omit<Toast, 'id'>[] = [];
    const added = await addTorrentFiles(
      api,
      [
        file('good.torrent', [100, 101]),
        file('bad.TORRENT', [0]),
        file('notes.txt', [1]),
        file('huge.torrent', [1], maxTorrentFileBytes + 1),
      ],
      (t) => toasts.push(t),
    );
    expect(added).toBe(1);
    expect(sent).toEqual([[100, 101], [0]]);
    expect(toasts.map((t) => [t.level, t.title])).toEqual([
      ['info', 'Added good.torrent'],
      ['error', 'Could not add bad.TORRENT'],
      ['warn', 'notes.txt is not a .torrent file'],
      ['error', 'Could not add huge.torrent'],
    ]);
    expect(toasts[1]!.message).toBe('not a valid torrent: info: missing');
    expect(toasts[3]!.message).toContain('at most 16.0 MiB');
  });

  it('recognises torrents by extension or MIME type', () => {
    expect(isTorrentFile({ name: 'x.torrent', type: '' })).toBe(true);
    expect(isTorrentFile({ name: 'download', type: 'application/x-bittorrent' })).toBe(true);
    expect(isTorrentFile({ name: 'x.torrent.txt', type: 'text/plain' })).toBe(false);
  });
});
