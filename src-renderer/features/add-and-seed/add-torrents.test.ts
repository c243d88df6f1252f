import { describe, expect, it } from 'vitest';
import type { TorrentPreview } from '../../../src-shared/model';
import { maxTorrentFileBytes } from '../../../src-shared/validate';
import type { Toast } from '../../store/store';
import { inspectTorrentFiles, isTorrentFile, startAdd, type PickedFile } from './add-torrents';

function file(name: string, bytes: number[], size = bytes.length): PickedFile {
  return {
    name,
    size,
    type: '',
    arrayBuffer: async () => Uint8Array.from(bytes).buffer,
  };
}

const preview = (name: string): TorrentPreview => ({
  id: 'a'.repeat(40),
  name,
  sizeBytes: 13,
  pieceLength: 16384,
  pieceCount: 1,
  files: [{ index: 0, path: name, sizeBytes: 13 }],
  trackers: [],
  private: false,
  comment: null,
  createdBy: null,
  creationDate: null,
  alreadyAdded: false,
});

describe('inspectTorrentFiles', () => {
  it('inspects each .torrent and reports every refusal by name', async () => {
    const sent: unknown[] = [];
    const api = {
      invoke: (async (name: string, req: { torrentFile: Uint8Array }) => {
        sent.push([name, ...req.torrentFile]);
        if (req.torrentFile[0] === 0) {
          throw { code: 'invalid-torrent', message: 'invalid torrent: info: missing' };
        }
        return preview('good');
      }) as never,
    };
    const toasts: Omit<Toast, 'id'>[] = [];
    const pending = await inspectTorrentFiles(
      api,
      [
        file('good.torrent', [100, 101]),
        file('bad.TORRENT', [0]),
        file('notes.txt', [1]),
        file('huge.torrent', [1], maxTorrentFileBytes + 1),
      ],
      (t) => toasts.push(t),
    );
    expect(pending.map((p) => [p.fileName, p.preview.name, [...p.torrentFile]])).toEqual([
      ['good.torrent', 'good', [100, 101]],
    ]);
    expect(sent).toEqual([
      ['torrent.inspect', 100, 101],
      ['torrent.inspect', 0],
    ]);
    expect(toasts.map((t) => [t.level, t.title])).toEqual([
      ['error', 'Could not add bad.TORRENT'],
      ['warn', 'notes.txt is not a .torrent file'],
      ['error', 'Could not add huge.torrent'],
    ]);
    // A sentence for people, the host's words behind Details (issue 19).
    expect(toasts[0]!.message).toBe('This file is damaged or is not a .torrent file.');
    expect(toasts[0]!.detail).toBe('invalid torrent: info: missing');
    expect(toasts[2]!.message).toContain('at most 16.0 MiB');
  });

  it('recognises torrents by extension or MIME type', () => {
    expect(isTorrentFile({ name: 'x.torrent', type: '' })).toBe(true);
    expect(isTorrentFile({ name: 'download', type: 'application/x-bittorrent' })).toBe(true);
    expect(isTorrentFile({ name: 'x.torrent.txt', type: 'text/plain' })).toBe(false);
  });
});

describe('startAdd', () => {
  const item = { fileName: 'x.torrent', torrentFile: new Uint8Array([7]), preview: preview('X') };

  it('sends the choices, leaving out defaults', async () => {
    const sent: unknown[] = [];
    const api = { invoke: (async (_n: string, req: unknown) => void sent.push(req)) as never };
    const toasts: Omit<Toast, 'id'>[] = [];
    expect(
      await startAdd(api, item, { savePath: '/dl', skipFiles: [0], paused: true }, (t) =>
        toasts.push(t),
      ),
    ).toBe(true);
    expect(await startAdd(api, item, { skipFiles: [], paused: false }, (t) => toasts.push(t))).toBe(
      true,
    );
    expect(sent).toEqual([
      { torrentFile: item.torrentFile, savePath: '/dl', skipFiles: [0], paused: true },
      { torrentFile: item.torrentFile },
    ]);
    expect(toasts[0]!.title).toBe('Added X');
  });

  it('reports a refusal with the host message', async () => {
    const api = {
      invoke: (async () => Promise.reject({ code: 'io', message: 'EACCES: /dl' })) as never,
    };
    const toasts: Omit<Toast, 'id'>[] = [];
    expect(await startAdd(api, item, { skipFiles: [], paused: false }, (t) => toasts.push(t))).toBe(
      false,
    );
    expect(toasts).toEqual([
      {
        level: 'error',
        title: 'Could not add x.torrent',
        message: 'Reading from or writing to the disk failed.',
        detail: 'EACCES: /dl',
      },
    ]);
  });
});
