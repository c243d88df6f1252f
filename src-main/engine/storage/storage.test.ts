import { createHash } from 'node:crypto';
import { write as fsWrite } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskWriteError, HashWritePool } from '../hash';
import { seededRandom } from '../time/clock';
import { FaultyStorage } from './faulty-storage';
import { FileLayout } from './file-layout';
import { FileStorage } from './file-storage';
import type { FdWriter } from './file-storage';
import { MemoryStorage } from './memory-storage';
import { StorageError } from './storage';
import type { Storage } from './storage';

const files = [
  { path: ['Folder', 'a.txt'], length: 7 },
  { path: ['Folder', 'empty'], length: 0 },
  { path: ['Folder', 'sub dir', 'ünïcødé 名前.bin'], length: 10 },
  { path: ['Folder', 'c'], length: 1 },
  { path: ['Folder', 'deep', 'er', 'zero'], length: 0 },
  { path: ['Folder', 'd'], length: 6 },
];
const layout = new FileLayout(files, 5);
const content = seededRandom(11).bytes(layout.totalLength);
const pieceOf = (i: number): Uint8Array => content.slice(i * 5, i * 5 + layout.pieceSize(i));
const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

let root: string;
let opened: Storage[] = [];
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swarmscope-storage-'));
});
afterEach(async () => {
  for (const s of opened) await s.close();
  opened = [];
  await rm(root, { recursive: true, force: true });
});

function fileStorage(maxOpenFiles?: number, writer?: FdWriter): FileStorage {
  const s = new FileStorage(
    layout,
    root,
    files.map((f) => path.join(root, ...f.path)),
    {
      ...(maxOpenFiles !== undefined ? { maxOpenFiles } : {}),
      ...(writer !== undefined ? { writer } : {}),
    },
  );
  opened.push(s);
  return s;
}

function writeFd(fd: number, data: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) =>
    fsWrite(fd, data, 0, data.length, position, (err) => (err ? reject(err) : resolve())),
  );
}

/** A writer that records the lane of every write, then really writes. */
function recordingWriter(): FdWriter & { lanes: number[] } {
  const lanes: number[] = [];
  return {
    lanes,
    async writeAt(fd, data, position, lane) {
      lanes.push(lane);
      await writeFd(fd, data, position);
      return data;
    },
  };
}

describe('FileStorage', () => {
  it('round-trips pieces through real files, creating missing folders', async () => {
    const s = fileStorage();
    // out of order, concurrently
    await Promise.all([4, 1, 3, 0, 2].map((i) => s.writePiece(i, pieceOf(i))));
    await s.ensureFiles();
    await s.flush();
    for (let i = 0; i < layout.pieceCount; i++) {
      expect(await s.read(i, 0, layout.pieceSize(i))).toEqual(pieceOf(i));
    }
    expect(await s.read(3, 1, 3)).toEqual(content.slice(16, 19));
    const names = files.map((f) => path.join(root, ...f.path));
    let at = 0;
    for (const [i, name] of names.entries()) {
      const len = (files[i] as { length: number }).length;
      expect(new Uint8Array(await readFile(name))).toEqual(content.slice(at, at + len));
      at += len;
    }
  });

  it('writes through a worker writer (the hash pool), each file in its own lane', async () => {
    const pool = new HashWritePool({ threads: 2 });
    try {
      const s = fileStorage(undefined, pool);
      await Promise.all([4, 1, 3, 0, 2].map((i) => s.writePiece(i, pieceOf(i))));
      // A plain buffer moves to the worker and back, across every file the piece spans.
      const own = new Uint8Array(7);
      own.set(pieceOf(3), 2);
      const view = own.subarray(2);
      expect(layout.spans(3, 0, 5).length).toBeGreaterThan(1);
      const back = await s.writePiece(3, view);
      expect(own.buffer.byteLength).toBe(0); // moved away, and back as a new view
      expect(back.byteOffset).toBe(2);
      expect(back).toEqual(pieceOf(3));
      await s.flush();
      for (let i = 0; i < layout.pieceCount; i++) {
        expect(await s.read(i, 0, layout.pieceSize(i))).toEqual(pieceOf(i));
      }
      await s.close();
    } finally {
      await pool.close();
    }
    // Each span's file is its lane, so the writer keeps one file's writes in order.
    const writer = recordingWriter();
    const s = fileStorage(undefined, writer);
    for (let i = 0; i < layout.pieceCount; i++) await s.writePiece(i, pieceOf(i));
    const expected = [0, 1, 2, 3, 4].flatMap((i) => layout.spans(i, 0, layout.pieceSize(i)));
    expect(writer.lanes).toEqual(expected.map((span) => span.fileIndex));
    expect(await s.read(1, 0, 5)).toEqual(pieceOf(1));
  });

  it('a failed worker write is a StorageError with its code, and later writes still run', async () => {
    let fail = true;
    const s = fileStorage(undefined, {
      writeAt: (fd, data, position) =>
        fail
          ? Promise.reject(new DiskWriteError('no space left on device', 'ENOSPC'))
          : writeFd(fd, data, position).then(() => data),
    });
    await expect(s.writePiece(0, pieceOf(0))).rejects.toMatchObject({
      name: 'StorageError',
      code: 'ENOSPC',
      operation: 'write',
    });
    fail = false;
    await s.writePiece(0, pieceOf(0));
    expect(await s.read(0, 0, 5)).toEqual(pieceOf(0));
  });

  it('reads what another process left on disk (seeding)', async () => {
    const s = fileStorage();
    for (let i = 0; i < 5; i++) await s.writePiece(i, pieceOf(i));
    await s.close();
    const again = fileStorage();
    expect(await again.read(2, 0, 5)).toEqual(pieceOf(2));
    // a write after reads reopens the file read-write
    await again.writePiece(2, pieceOf(2));
  });

  it('missing data reads fail with ENOENT or ESHORTREAD, which a data check treats as not had', async () => {
    const s = fileStorage();
    await expect(s.read(0, 0, 5)).rejects.toMatchObject({ code: 'ENOENT', operation: 'open' });
    await s.writePiece(0, pieceOf(0));
    // file a.txt has only 5 of its 7 bytes
    await expect(s.read(1, 0, 5)).rejects.toMatchObject({ code: 'ESHORTREAD', operation: 'read' });
  });

  it('reports real disk errors with code, operation and path', async () => {
    const s = fileStorage();
    // A file where a folder must go: the open cannot create 'sub dir/...'.
    await mkdir(path.join(root, 'Folder'), { recursive: true });
    await writeFile(path.join(root, 'Folder', 'sub dir'), 'not a folder');
    const err = await s.writePiece(2, pieceOf(2)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ code: 'ENOTDIR', operation: 'open' });
    expect((err as StorageError).path).toContain('ünïcødé');
  });

  it('respects the bound on open files and closes everything', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ path: [`f${i}`], length: 3 }));
    const big = new FileLayout(many, 4);
    const s = new FileStorage(
      big,
      root,
      many.map((f) => path.join(root, ...f.path)),
      { maxOpenFiles: 4 },
    );
    opened.push(s);
    const data = seededRandom(2).bytes(big.totalLength);
    let peak = 0;
    for (let i = 0; i < big.pieceCount; i++) {
      await s.writePiece(i, data.slice(i * 4, i * 4 + big.pieceSize(i)));
      peak = Math.max(peak, s.openFileCount());
    }
    for (let i = big.pieceCount - 1; i >= 0; i--) {
      expect(await s.read(i, 0, big.pieceSize(i))).toEqual(
        data.slice(i * 4, i * 4 + big.pieceSize(i)),
      );
      peak = Math.max(peak, s.openFileCount());
    }
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    await s.close();
    expect(s.openFileCount()).toBe(0);
    await expect(s.read(0, 0, 4)).rejects.toMatchObject({ code: 'ECLOSED' });
  });

  it('close leaves no fd open', async () => {
    const fdDir = '/proc/self/fd';
    const before = (await readdir(fdDir)).length;
    const s = fileStorage();
    await Promise.all([0, 1, 2, 3, 4].map((i) => s.writePiece(i, pieceOf(i))));
    await Promise.all([0, 1, 2, 3, 4].map((i) => s.read(i, 0, layout.pieceSize(i))));
    expect(s.openFileCount()).toBe(4);
    await s.close();
    expect(s.openFileCount()).toBe(0);
    expect((await readdir(fdDir)).length).toBeLessThanOrEqual(before);
  });

  it('remove deletes the files and the folders it made, never the root', async () => {
    const s = fileStorage();
    for (let i = 0; i < 5; i++) await s.writePiece(i, pieceOf(i));
    await s.ensureFiles();
    expect((await stat(path.join(root, 'Folder', 'deep', 'er', 'zero'))).size).toBe(0);
    await writeFile(path.join(root, 'keep.txt'), 'mine');
    await s.remove();
    expect(await readdir(root)).toEqual(['keep.txt']);
  });

  it('rejects paths outside the root', () => {
    expect(
      () =>
        new FileStorage(
          layout,
          root,
          files.map(() => path.join(root, '..', 'x')),
        ),
    ).toThrow(RangeError);
  });
});

describe('MemoryStorage', () => {
  it('round-trips and reports unwritten pieces as ENOENT', async () => {
    const s = new MemoryStorage(layout);
    await s.writePiece(4, pieceOf(4));
    expect(await s.read(4, 1, 2)).toEqual(pieceOf(4).slice(1, 3));
    await expect(s.read(0, 0, 5)).rejects.toMatchObject({ code: 'ENOENT', operation: 'read' });
    await expect(s.writePiece(0, new Uint8Array(4))).rejects.toThrow(RangeError);
    await s.close();
    await expect(s.writePiece(0, pieceOf(0))).rejects.toMatchObject({ code: 'ECLOSED' });
  });
});

describe('FaultyStorage', () => {
  it('ENOSPC surfaces as a StorageError with code and operation', async () => {
    const s = new FaultyStorage(new MemoryStorage(layout), { failAfterBytes: 12 });
    await s.writePiece(0, pieceOf(0));
    await s.writePiece(1, pieceOf(1));
    const err = await s.writePiece(2, pieceOf(2)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ code: 'ENOSPC', operation: 'write' });
    expect(s.bytesWritten).toBe(10);
    await expect(s.read(2, 0, 5)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('EIO can be injected instead', async () => {
    const s = new FaultyStorage(new MemoryStorage(layout), { failAfterBytes: 0, errorCode: 'EIO' });
    await expect(s.writePiece(0, pieceOf(0))).rejects.toMatchObject({
      code: 'EIO',
      operation: 'write',
    });
  });

  it('bit flips on read are caught by hashing', async () => {
    const inner = new MemoryStorage(layout);
    const s = new FaultyStorage(inner, { flipBitsOnRead: (i) => i === 3 });
    for (let i = 0; i < 5; i++) await s.writePiece(i, pieceOf(i));
    const hashes = [0, 1, 2, 3, 4].map((i) => sha1(pieceOf(i)));
    const ok: boolean[] = [];
    for (let i = 0; i < 5; i++)
      ok.push(sha1(await s.read(i, 0, layout.pieceSize(i))) === hashes[i]);
    expect(ok).toEqual([true, true, true, false, true]);
    // the flip is on the copy: the stored data is intact
    expect(sha1(await inner.read(3, 0, 5))).toBe(hashes[3]);
  });
});
