import { afterAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../metainfo';
import { tinyTorrent } from '../metainfo/test-fixtures';
import { HashWritePool } from '../hash';
import { FileLayout } from '../storage/file-layout';
import { MemoryStorage } from '../storage/memory-storage';
import { StorageError } from '../storage/storage';
import type { Storage } from '../storage/storage';
import { DataCheck } from './data-check';

const pool = new HashWritePool({ threads: 1 });
afterAll(() => pool.close());

/** tiny.txt (13 bytes, pieces of 5) with pieces 0 and 2 on disk and piece 1 missing. */
async function setup(): Promise<{ check: (storage?: Storage) => DataCheck; storage: Storage }> {
  const { torrentFile, content } = tinyTorrent();
  const meta = parseTorrent(torrentFile);
  const layout = new FileLayout(
    meta.files.map((f) => ({ path: f.path, length: f.length })),
    meta.pieceLength,
  );
  const storage = new MemoryStorage(layout);
  await storage.writePiece(0, content.subarray(0, 5));
  await storage.writePiece(2, content.subarray(10, 13));
  const check = (s: Storage = storage): DataCheck =>
    new DataCheck({ meta, layout, storage: s, hashWritePool: pool, filePaths: null }, () => {});
  return { check, storage };
}

describe('DataCheck', () => {
  it('finds the pieces on disk and counts a missing one as not had', async () => {
    const { check } = await setup();
    expect([...((await check().run()) ?? [])]).toEqual([1, 0, 1]);
  });

  it('reports the bytes checked', async () => {
    const { check } = await setup();
    const c = check();
    await c.run();
    expect(c.checkedBytes).toBe(13);
  });

  it('resolves null, not a fault, when cancelled', async () => {
    const { check } = await setup();
    const c = check();
    const running = c.run();
    c.cancel();
    expect(await running).toBeNull();
  });

  it('raises an I/O fault other than missing data', async () => {
    const { check, storage } = await setup();
    const broken: Storage = Object.assign(Object.create(storage) as Storage, {
      read: () => Promise.reject(new StorageError('EIO', 'read', 'bad sector')),
    });
    await expect(check(broken).run()).rejects.toThrow('bad sector');
  });
});
