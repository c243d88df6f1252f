import { afterAll, afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseTorrent } from '../metainfo';
import { buildTorrent, tinyTorrent } from '../metainfo/test-fixtures';
import { tempDir } from '../../testing/fixtures';
import { seededRandom } from '../time/clock';
import { FileStorage } from '../storage/file-storage';
import type { ResumeData } from '../session/resume-file';
import { HashWritePool } from '../hash';
import { FileLayout } from '../storage/file-layout';
import { MemoryStorage } from '../storage/memory-storage';
import { StorageError } from '../storage/storage';
import type { Storage } from '../storage/storage';
import { DataCheck, fileStamps } from './data-check';

const pool = new HashWritePool({ threads: 1 });
afterAll(() => pool.close());
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

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

describe('DataCheck with resume data (issue 15)', () => {
  /**
   * Three files of 40, 24 and 16 bytes in pieces of 16: pieces 0-1 in a.bin, 2 straddles a.bin
   * and b.bin, 3 in b.bin, 4 in c.bin. All of it on disk, stamped in resume data that says
   * every piece is verified. Reads go through a storage that counts bytes.
   */
  async function onDisk() {
    const root = tempDir('resume-check');
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const rnd = seededRandom(3);
    const files = [
      { path: ['a.bin'], data: rnd.bytes(40) },
      { path: ['b.bin'], data: rnd.bytes(24) },
      { path: ['c.bin'], data: rnd.bytes(16) },
    ];
    const { torrentFile } = buildTorrent({ name: 'three', pieceLength: 16, files });
    const meta = parseTorrent(torrentFile);
    const paths = files.map((f) => path.join(root, 'three', ...f.path));
    fs.mkdirSync(path.join(root, 'three'));
    files.forEach((f, i) => fs.writeFileSync(paths[i] as string, f.data));
    const layout = new FileLayout(
      meta.files.map((f) => ({ path: f.path, length: f.length })),
      meta.pieceLength,
    );
    const inner = new FileStorage(layout, root, paths);
    cleanups.push(() => inner.close());
    let bytesRead = 0;
    const storage: Storage = {
      writePiece: (i, d) => inner.writePiece(i, d),
      read: (i, b, l) => {
        bytesRead += l;
        return inner.read(i, b, l);
      },
      flush: () => inner.flush(),
      close: () => inner.close(),
      remove: () => inner.remove(),
    };
    const resume: ResumeData = {
      infoHash: meta.infoHashHex,
      savePath: root,
      pieceCount: 5,
      verified: new Uint8Array([0b1111_1000]),
      files: await fileStamps(meta, paths),
      paused: false,
      uploadedBytes: 0,
      downloadedBytes: 0,
      activeSeconds: 0,
      priorities: ['normal', 'normal', 'normal'],
      peers: [],
      trackers: [],
      savedAt: 0,
    };
    const check = (viaPool: boolean) =>
      new DataCheck(
        { meta, layout, storage, hashWritePool: pool, filePaths: viaPool ? paths : null },
        () => {},
      );
    return { paths, resume, check, read: () => bytesRead };
  }

  it('trusts unchanged files and reads no piece data', async () => {
    const d = await onDisk();
    const r = await d.check(false).runResumed(d.resume, d.paths);
    expect([...(r?.verified ?? [])]).toEqual([1, 1, 1, 1, 1]);
    expect(r?.outcome).toMatchObject({ trustedPieces: 5, recheckedBytes: 0, changedFiles: [] });
    expect(d.read()).toBe(0);
  });

  it('hashes again only the pieces of a file whose mtime moved, and finds a changed piece', async () => {
    const d = await onDisk();
    // b.bin rewritten with one byte changed (piece 3), same size, mtime moved.
    const b = fs.readFileSync(d.paths[1] as string);
    b[20] = (b[20] as number) ^ 0xff;
    fs.writeFileSync(d.paths[1] as string, b);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(d.paths[1] as string, later, later);
    for (const viaPool of [false, true]) {
      const r = await d.check(viaPool).runResumed(d.resume, d.paths);
      expect([...(r?.verified ?? [])]).toEqual([1, 1, 1, 0, 1]);
      expect(r?.outcome).toMatchObject({ trustedPieces: 3, recheckedPieces: 2, changedFiles: [1] });
    }
    // Through the storage: pieces 2 and 3 only (16 + 16 bytes), nothing of a.bin or c.bin.
    expect(d.read()).toBe(32);
  });

  it('does not trust a missing file, and reads nothing for it', async () => {
    const d = await onDisk();
    fs.rmSync(d.paths[2] as string);
    const r = await d.check(false).runResumed(d.resume, d.paths);
    expect([...(r?.verified ?? [])]).toEqual([1, 1, 1, 1, 0]);
    expect(r?.outcome).toMatchObject({ missingFiles: [2], recheckedBytes: 0 });
    expect(d.read()).toBe(0);
  });

  it('does not trust a file whose size changed, even with the same mtime', async () => {
    const d = await onDisk();
    const st = fs.statSync(d.paths[0] as string);
    fs.appendFileSync(d.paths[0] as string, 'x');
    fs.utimesSync(d.paths[0] as string, st.atime, st.mtime);
    const r = await d.check(false).runResumed(d.resume, d.paths);
    expect(r?.outcome.changedFiles).toEqual([0]);
    expect(r?.outcome.recheckedPieces).toBe(3);
  });
});
