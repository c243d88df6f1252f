import { describe, expect, it } from 'vitest';
import type { TorrentPreview } from '../../../src-shared/model';
import { inspectTorrentPath, startAdd } from './add-torrents';

const preview = { id: 'a'.repeat(40), name: 'X' } as unknown as TorrentPreview;

describe('a .torrent picked on the host (issue 21, one file picker)', () => {
  it('is inspected and added by its path, never as bytes', async () => {
    const calls: [string, unknown][] = [];
    const api = {
      invoke: (async (name: string, req: unknown) => {
        calls.push([name, req]);
        return name === 'torrent.inspect' ? preview : { id: preview.id };
      }) as never,
    };
    const toasts: string[] = [];
    const toast = (t: { title: string }) => void toasts.push(t.title);
    const item = await inspectTorrentPath(api, '/home/u/Downloads/x.torrent', toast);
    expect(item?.fileName).toBe('x.torrent');
    expect(item?.hostPath).toBe('/home/u/Downloads/x.torrent');
    expect(await startAdd(api, item!, { savePath: '', skipFiles: [], paused: false }, toast)).toBe(
      true,
    );
    expect(calls).toEqual([
      ['torrent.inspect', { path: '/home/u/Downloads/x.torrent' }],
      ['torrent.add', { path: '/home/u/Downloads/x.torrent' }],
    ]);
    expect(toasts).toEqual(['Added X']);
  });

  it('names the file when the host cannot read it', async () => {
    const api = {
      invoke: (async () => {
        throw new Error('ENOENT');
      }) as never,
    };
    const toasts: string[] = [];
    const got = await inspectTorrentPath(api, 'C:\\t\\y.torrent', (t) => void toasts.push(t.title));
    expect(got).toBeNull();
    expect(toasts).toEqual(['Could not add y.torrent']);
  });
});
