/**
 * Storage under disk faults and file modes: short writes (Transmission #2367), unwanted files
 * kept in the part file, BEP 47 pad files, and files deleted under a torrent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { shortWrites } from './faulty-storage';
import { FileLayout } from './file-layout';
import type { FileEntry } from './file-layout';
import { FileStorage } from './file-storage';
import type { FileStorageOptions } from './file-storage';
import { FREE_SLOT, SLOT_HEADER_BYTES, slotPosition } from './part-file';
import { StorageError } from './storage';

let root: string;
let opened: FileStorage[] = [];
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swarmscope-faults-'));
});
afterEach(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  opened = [];
  await rm(root, { recursive: true, force: true });
});

function storageOf(files: FileEntry[], pieceLength: number, opts: FileStorageOptions = {}) {
  const layout = new FileLayout(files, pieceLength);
  const s = new FileStorage(
    layout,
    root,
    files.map((f) => path.join(root, ...f.path)),
    opts,
  );
  opened.push(s);
  const content = seededRandom(5).bytes(layout.totalLength);
  const piece = (i: number): Uint8Array =>
    content.slice(i * pieceLength, i * pieceLength + layout.pieceSize(i));
  return { s, layout, content, piece };
}

async function writeAll(s: FileStorage, count: number, piece: (i: number) => Uint8Array) {
  for (let i = 0; i < count; i++) await s.writePiece(i, piece(i));
}

describe('short writes', () => {
  const files = [
    { path: ['t', 'a.bin'], length: 40_000 },
    { path: ['t', 'b.bin'], length: 25_000 },
  ];

  it('a write syscall that takes fewer bytes than asked is continued until every byte is on disk', async () => {
    const write = shortWrites({ maxBytesPerCall: 3_000 });
    const { s, layout, content, piece } = storageOf(files, 16_384, { positionalWrite: write });
    await writeAll(s, layout.pieceCount, piece);
    await s.flush();
    expect(write.shortCalls).toBeGreaterThan(layout.pieceCount);
    const a = await readFile(path.join(root, 't', 'a.bin'));
    const b = await readFile(path.join(root, 't', 'b.bin'));
    expect(Buffer.concat([a, b]).equals(Buffer.from(content))).toBe(true);
  });

  it('a write that makes no progress fails the piece with EIO instead of counting it written', async () => {
    const write = shortWrites({ maxBytesPerCall: 4_096, zeroAfterBytes: 20_000 });
    const { s, piece } = storageOf(files, 16_384, { positionalWrite: write });
    await s.writePiece(0, piece(0));
    const err = await s.writePiece(1, piece(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('EIO');
    expect((err as StorageError).path).toBe(path.join(root, 't', 'a.bin'));
  });

  it('part file writes are checked the same way', async () => {
    const write = shortWrites({ maxBytesPerCall: 1_000 });
    const partFile = path.join(root, '.parts');
    const { s, piece } = storageOf(files, 16_384, { positionalWrite: write, partFile });
    await s.setFilesWanted([true, false]);
    // Piece 2 holds the end of a.bin and the start of b.bin (unwanted: to the part file).
    await s.writePiece(2, piece(2));
    expect(await s.read(2, 0, 16_384)).toEqual(piece(2));
    expect(existsSync(path.join(root, 't', 'b.bin'))).toBe(false);
  });
});

describe('unwanted files and the part file', () => {
  // Pieces of 10 bytes over files of 15, 20 and 15: pieces 1 and 3 straddle the middle file.
  const files = [
    { path: ['m', 'first'], length: 15 },
    { path: ['m', 'middle'], length: 20 },
    { path: ['m', 'last'], length: 15 },
  ];
  const partFile = (): string => path.join(root, '.abc.parts');

  it('never creates an unwanted file; its share of straddling pieces is read back from the part file', async () => {
    const { s, piece } = storageOf(files, 10, { partFile: partFile() });
    await s.setFilesWanted([true, false, true]);
    for (const i of [0, 1, 3, 4]) await s.writePiece(i, piece(i));
    await s.flush();
    expect(existsSync(path.join(root, 'm', 'middle'))).toBe(false);
    expect(existsSync(partFile())).toBe(true);
    for (const i of [0, 1, 3, 4]) expect(await s.read(i, 0, 10)).toEqual(piece(i));
    // A block inside the middle file's share of piece 1 (bytes 15..19 of the torrent).
    expect(await s.read(1, 6, 3)).toEqual(piece(1).subarray(6, 9));
    // Piece 2 lies wholly in the middle file: never written, so not had.
    const err = await s.read(2, 0, 10).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('ENOENT');
  });

  it('moves the bytes into the file when it becomes wanted, and deletes the emptied part file', async () => {
    const { s, layout, content, piece } = storageOf(files, 10, { partFile: partFile() });
    await s.setFilesWanted([true, false, true]);
    for (const i of [0, 1, 3, 4]) await s.writePiece(i, piece(i));
    await s.setFilesWanted([true, true, true]);
    await s.writePiece(2, piece(2));
    await s.flush();
    expect(existsSync(partFile())).toBe(false);
    const middle = await readFile(path.join(root, 'm', 'middle'));
    expect(middle.equals(Buffer.from(content.subarray(15, 35)))).toBe(true);
    for (let i = 0; i < layout.pieceCount; i++) expect(await s.read(i, 0, 10)).toEqual(piece(i));
  });

  it('keeps a slot while another unwanted file still needs it', async () => {
    // Piece 0 spans x (wanted) | y (unwanted) | z (unwanted).
    const three = [
      { path: ['x'], length: 4 },
      { path: ['y'], length: 3 },
      { path: ['z'], length: 3 },
    ];
    const { s, piece } = storageOf(three, 10, { partFile: partFile() });
    await s.setFilesWanted([true, false, false]);
    await s.writePiece(0, piece(0));
    await s.setFilesWanted([true, true, false]);
    expect(existsSync(path.join(root, 'y'))).toBe(true);
    expect(existsSync(path.join(root, 'z'))).toBe(false);
    expect(existsSync(partFile())).toBe(true);
    expect(await s.read(0, 0, 10)).toEqual(piece(0));
    await s.setFilesWanted([true, true, true]);
    expect(existsSync(partFile())).toBe(false);
    expect(await s.read(0, 0, 10)).toEqual(piece(0));
  });

  it('a restart finds the slots again from the part file', async () => {
    const first = storageOf(files, 10, { partFile: partFile() });
    await first.s.setFilesWanted([true, false, true]);
    for (const i of [1, 3]) await first.s.writePiece(i, first.piece(i));
    await first.s.close();
    const again = storageOf(files, 10, { partFile: partFile() });
    await again.s.setFilesWanted([true, false, true]);
    for (const i of [1, 3]) expect(await again.s.read(i, 0, 10)).toEqual(first.piece(i));
  });

  it('lays slots out as a header naming the piece and the piece bytes at their offsets', async () => {
    const { s, piece } = storageOf(files, 10, { partFile: partFile() });
    await s.setFilesWanted([true, false, true]);
    await s.writePiece(3, piece(3));
    await s.writePiece(1, piece(1));
    await s.flush();
    const raw = await readFile(partFile());
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect(raw.length).toBe(slotPosition(1, 10) + SLOT_HEADER_BYTES + 10);
    expect(view.getUint32(slotPosition(0, 10))).toBe(3);
    expect(view.getUint32(slotPosition(1, 10))).toBe(1);
    // Piece 3 is torrent bytes 30..39; the middle file's share is 30..34, offsets 0..4.
    const body = raw.subarray(slotPosition(0, 10) + SLOT_HEADER_BYTES);
    expect(Buffer.from(body.subarray(0, 5)).equals(Buffer.from(piece(3).subarray(0, 5)))).toBe(
      true,
    );
    expect(FREE_SLOT).toBe(0xffffffff);
  });

  it('a file already on disk when it is skipped stays a real file', async () => {
    const { s, piece } = storageOf(files, 10, { partFile: partFile() });
    for (let i = 0; i < 5; i++) await s.writePiece(i, piece(i));
    await s.setFilesWanted([true, false, true]);
    await s.writePiece(2, piece(2));
    expect(existsSync(partFile())).toBe(false);
    expect(await s.read(2, 0, 10)).toEqual(piece(2));
  });

  it('creates no zero-length file that is unwanted', async () => {
    const withEmpty = [
      { path: ['e', 'data'], length: 10 },
      { path: ['e', 'empty-skipped'], length: 0 },
      { path: ['e', 'empty-wanted'], length: 0 },
    ];
    const { s } = storageOf(withEmpty, 10, { partFile: partFile() });
    await s.setFilesWanted([true, false, true]);
    await s.ensureFiles();
    expect(existsSync(path.join(root, 'e', 'empty-skipped'))).toBe(false);
    expect(existsSync(path.join(root, 'e', 'empty-wanted'))).toBe(true);
  });
});

describe('pad files (BEP 47)', () => {
  it('are never created and read as zeros', async () => {
    const files = [
      { path: ['p', 'a'], length: 6 },
      { path: ['.pad', '4'], length: 4, pad: true },
      { path: ['p', 'b'], length: 10 },
    ];
    const layout = new FileLayout(files, 10);
    const s = new FileStorage(
      layout,
      root,
      files.map((f) => path.join(root, ...f.path)),
    );
    opened.push(s);
    const piece0 = new Uint8Array([1, 2, 3, 4, 5, 6, 0, 0, 0, 0]);
    await s.writePiece(0, piece0);
    await s.ensureFiles();
    expect(existsSync(path.join(root, '.pad'))).toBe(false);
    expect(await s.read(0, 4, 6)).toEqual(new Uint8Array([5, 6, 0, 0, 0, 0]));
  });
});

describe('files deleted under a torrent', () => {
  const files = [
    { path: ['d', 'one'], length: 20 },
    { path: ['d', 'two'], length: 20 },
  ];

  it('reports an expected file that is gone, also one deleted under an open handle', async () => {
    const { s, piece } = storageOf(files, 10);
    for (let i = 0; i < 4; i++) await s.writePiece(i, piece(i));
    expect(await s.missingFiles()).toEqual([]);
    await unlink(path.join(root, 'd', 'two'));
    expect(await s.missingFiles()).toEqual([1]);
  });

  it('a skipped file the user deleted is not missing', async () => {
    const { s, piece } = storageOf(files, 10);
    for (let i = 0; i < 4; i++) await s.writePiece(i, piece(i));
    await s.setFilesWanted([true, false]);
    await unlink(path.join(root, 'd', 'two'));
    expect(await s.missingFiles()).toEqual([]);
  });

  it('a write never re-creates an expected file: it fails with EMISSING naming it', async () => {
    const { s, piece } = storageOf(files, 10, { maxOpenFiles: 1 });
    await s.close();
    opened = [];
    const again = storageOf(files, 10, { maxOpenFiles: 1 });
    await again.s.writePiece(0, piece(0));
    again.s.expectFiles([0, 1]);
    const err = await again.s.writePiece(2, piece(2)).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('EMISSING');
    expect((err as StorageError).path).toBe(path.join(root, 'd', 'two'));
    expect(await readdir(path.join(root, 'd'))).toEqual(['one']);
  });

  it('files the torrent no longer expects (after a recheck) are created again', async () => {
    const { s, piece } = storageOf(files, 10, { maxOpenFiles: 1 });
    s.expectFiles([1]);
    s.expectFiles([]);
    await s.writePiece(2, piece(2));
    expect(existsSync(path.join(root, 'd', 'two'))).toBe(true);
  });
});
