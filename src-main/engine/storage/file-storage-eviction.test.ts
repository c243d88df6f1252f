// FileStorage's bound on open files under a torrent of many small files (issue 20's multi-file
// bench, 200 files): more files in flight than the bound, and files evicted while dirty.
import { write as fsWrite, fstatSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../time/clock';
import { FileLayout } from './file-layout';
import { FileStorage } from './file-storage';
import type { FdWriter } from './file-storage';

/** 40 files of 3 bytes in pieces of 4: every piece spans two files. */
const many = Array.from({ length: 40 }, (_, i) => ({ path: [`d${i % 3}`, `f${i}`], length: 3 }));
const layout = new FileLayout(many, 4);
const data = seededRandom(5).bytes(layout.totalLength);
const pieceOf = (i: number): Uint8Array => data.slice(i * 4, i * 4 + layout.pieceSize(i));

let root: string;
let opened: FileStorage[] = [];
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swarmscope-eviction-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of opened) await s.close().catch(() => undefined);
  opened = [];
  await rm(root, { recursive: true, force: true });
});

function storage(maxOpenFiles: number, writer?: FdWriter): FileStorage {
  const s = new FileStorage(
    layout,
    root,
    many.map((f) => path.join(root, ...f.path)),
    { maxOpenFiles, ...(writer ? { writer } : {}) },
  );
  opened.push(s);
  return s;
}

/** A writer like the hash pool's: it writes by descriptor, later, off this turn. */
const fdWriter: FdWriter = {
  writeAt: (fd, bytes, position) =>
    new Promise((resolve, reject) =>
      setImmediate(() =>
        fsWrite(fd, bytes, 0, bytes.length, position, (err) =>
          err ? reject(err) : resolve(bytes),
        ),
      ),
    ),
};

async function expectAllOnDisk(): Promise<void> {
  let at = 0;
  for (const f of many) {
    const got = new Uint8Array(await readFile(path.join(root, ...f.path)));
    expect(got).toEqual(data.slice(at, at + f.length));
    at += f.length;
  }
}

describe('FileStorage with more files in flight than its bound on open files', () => {
  // Regression: a new handle was counted in use only after the eviction its opening triggered,
  // so with every older handle busy it evicted itself and the write that opened it ran on a
  // closed handle: "EBADF: file closed", or fd -1 through a writer (the multi-file bench).
  it('writes every piece when all are written at once (libuv writes)', async () => {
    const s = storage(4);
    await Promise.all(
      Array.from({ length: layout.pieceCount }, (_, i) => s.writePiece(i, pieceOf(i))),
    );
    await s.flush();
    await expectAllOnDisk();
    await s.close();
    expect(s.openFileCount()).toBe(0);
  });

  it('writes every piece when all are written at once (through a writer)', async () => {
    const s = storage(4, fdWriter);
    await Promise.all(
      Array.from({ length: layout.pieceCount }, (_, i) => s.writePiece(i, pieceOf(i))),
    );
    await s.flush();
    await expectAllOnDisk();
  });

  it('reads every piece when all are read at once', async () => {
    const s = storage(40);
    for (let i = 0; i < layout.pieceCount; i++) await s.writePiece(i, pieceOf(i));
    await s.close();
    const r = storage(3);
    const got = await Promise.all(
      Array.from({ length: layout.pieceCount }, (_, i) => r.read(i, 0, layout.pieceSize(i))),
    );
    got.forEach((g, i) => expect(g).toEqual(pieceOf(i)));
  });
});

describe('FileStorage flush after eviction', () => {
  // Regression: closing an evicted handle did not sync it, and flush syncs only open handles, so
  // a completed torrent of more files than the bound had files never synced to disk.
  it('has synced every file written since the last flush, evicted or not', async () => {
    // FileHandle.prototype.datasync, seen through a handle of our own: which inodes it syncs.
    const probe = await open(path.join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const synced = new Set<number>();
    const real = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: { fd: number }) {
      synced.add(fstatSync(this.fd).ino);
      return real.call(this);
    });
    const s = storage(2, fdWriter);
    for (let i = 0; i < layout.pieceCount; i++) await s.writePiece(i, pieceOf(i));
    await s.flush();
    const inodes = await Promise.all(
      many.map(async (f) => (await stat(path.join(root, ...f.path))).ino),
    );
    expect(inodes.filter((ino) => !synced.has(ino))).toEqual([]);
    expect(s.openFileCount()).toBeLessThanOrEqual(2);
  });
});
