import { describe, expect, it } from 'vitest';
import { parseTorrent } from '../metainfo';
import { straddlingTorrent } from '../metainfo/test-fixtures';
import { PIECE_BUFFER_POOL_BYTES } from '../limits';
import { FileLayout } from '../storage/file-layout';
import { MemoryStorage } from '../storage/memory-storage';
import type { PiecePicker } from '../picker';
import { buildParts, newPicker } from './torrent-parts';
import { seededRandom } from '../time/clock';
import type { TorrentDeps, TorrentOptions } from './torrent-context';

const meta = parseTorrent(straddlingTorrent().torrentFile);

/** Building reads only the options; the deps and hooks are not called. */
const partsWith = (over: Partial<TorrentOptions>) =>
  buildParts(
    {
      meta,
      savePath: '/x',
      storage: new MemoryStorage(new FileLayout(meta.files, meta.pieceLength)),
      filePaths: null,
      maxConnections: 10,
      addedAt: 0,
      ...over,
    },
    {} as TorrentDeps,
    {
      picker: () => ({}) as PiecePicker,
      running: () => true,
      sent: () => {},
      fail: () => {},
    },
  );

describe('buildParts', () => {
  it('keeps the pipeline budget at four pieces or more', () => {
    expect(partsWith({ pipelineBudgetBytes: 1 }).pipelineBudgetBytes).toBe(4 * meta.pieceLength);
  });

  it('gives the pipeline the default budget when none is set', () => {
    expect(partsWith({}).pipelineBudgetBytes).toBe(PIECE_BUFFER_POOL_BYTES);
  });

  it('lays the files out in pieces of the torrent', () => {
    const { layout } = partsWith({});
    expect(layout.pieceSize(meta.pieceCount - 1)).toBe(4);
  });

  it('makes a picker that knows no piece yet', () => {
    const picker = newPicker(meta, seededRandom(1));
    expect(picker.haveCount()).toBe(0);
    expect(picker.isComplete()).toBe(false);
  });

  it('skips the files the options skip, and wants the rest', () => {
    const { files } = partsWith({ skipFiles: [0] });
    expect([files.get(0), files.get(2)]).toEqual(['skip', 'normal']);
    expect(files.wantedBytes).toBe(meta.totalLength - 3);
  });
});
