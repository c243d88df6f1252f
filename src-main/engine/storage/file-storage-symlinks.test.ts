/**
 * Issue 16 item 2: symlinks already in the download folder must not carry a torrent's writes,
 * reads or deletions outside it. Every test builds the attack with real symlinks in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLayout } from './file-layout';
import { FileStorage } from './file-storage';

let dir: string;
let save: string;
let outside: string;
let opened: FileStorage[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'swarmscope-symlinks-'));
  save = path.join(dir, 'save');
  outside = path.join(dir, 'outside');
  await mkdir(save);
  await mkdir(outside);
});
afterEach(async () => {
  for (const s of opened) await s.close();
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

/** One piece of `bytes.length` bytes per file list; returns the storage and the piece. */
function storageFor(files: { path: string[]; length: number }[]): FileStorage {
  const total = files.reduce((n, f) => n + f.length, 0);
  const s = new FileStorage(
    new FileLayout(files, total),
    save,
    files.map((f) => path.join(save, ...f.path)),
  );
  opened.push(s);
  return s;
}

const piece = (n: number): Uint8Array => new Uint8Array(n).fill(0x41);

describe('FileStorage refuses symlinks out of the save folder', () => {
  it('never writes through a symlinked folder to a file outside the save folder', async () => {
    await mkdir(path.join(save, 'T'));
    await symlink(outside, path.join(save, 'T', 'docs'));
    const s = storageFor([{ path: ['T', 'docs', 'pwned.txt'], length: 4 }]);
    await expect(s.writePiece(0, piece(4))).rejects.toMatchObject({
      name: 'StorageError',
      code: 'EUNSAFEPATH',
      operation: 'open',
    });
    expect(await readdir(outside)).toEqual([]);
  });

  it('never creates folders through a symlink deeper in the path (no mkdir -p outside)', async () => {
    await mkdir(path.join(save, 'T', 'a'), { recursive: true });
    await symlink(outside, path.join(save, 'T', 'a', 'b'));
    const s = storageFor([{ path: ['T', 'a', 'b', 'c', 'x.bin'], length: 3 }]);
    await expect(s.writePiece(0, piece(3))).rejects.toMatchObject({ code: 'EUNSAFEPATH' });
    expect(await readdir(outside)).toEqual([]);
  });

  it("never overwrites a symlink's target with a single-file torrent's data", async () => {
    const target = path.join(outside, 'victim.txt');
    await writeFile(target, 'precious');
    await symlink(target, path.join(save, 'movie.mkv'));
    const s = storageFor([{ path: ['movie.mkv'], length: 4 }]);
    await expect(s.writePiece(0, piece(4))).rejects.toMatchObject({ code: 'EUNSAFEPATH' });
    await expect(s.ensureFiles()).resolves.toBeUndefined();
    expect(await readFile(target, 'utf8')).toBe('precious');
  });

  it("never reads (and so never seeds) a symlink's target", async () => {
    const secret = path.join(outside, 'id_ed25519');
    await writeFile(secret, 'AAAA');
    await symlink(secret, path.join(save, 'movie.mkv'));
    const s = storageFor([{ path: ['movie.mkv'], length: 4 }]);
    await expect(s.read(0, 0, 4)).rejects.toMatchObject({ code: 'EUNSAFEPATH' });
  });

  it('never creates a zero-length file through a symlinked folder', async () => {
    await mkdir(path.join(save, 'T'));
    await symlink(outside, path.join(save, 'T', 'docs'));
    const s = storageFor([
      { path: ['T', 'a'], length: 2 },
      { path: ['T', 'docs', 'empty'], length: 0 },
    ]);
    await expect(s.ensureFiles()).rejects.toMatchObject({ code: 'EUNSAFEPATH' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('remove with data deletes nothing reached through a symlinked folder', async () => {
    await mkdir(path.join(save, 'T'));
    await writeFile(path.join(outside, 'pwned.txt'), 'not yours');
    await symlink(outside, path.join(save, 'T', 'docs'));
    const s = storageFor([
      { path: ['T', 'a.bin'], length: 2 },
      { path: ['T', 'docs', 'pwned.txt'], length: 2 },
    ]);
    await s.remove();
    expect(await readFile(path.join(outside, 'pwned.txt'), 'utf8')).toBe('not yours');
    // The link itself is not ours either: it stays, and so does the folder holding it.
    expect((await lstat(path.join(save, 'T', 'docs'))).isSymbolicLink()).toBe(true);
  });

  it('remove with data does not empty a real folder reached through a symlink', async () => {
    await mkdir(path.join(outside, 'sub'));
    await mkdir(path.join(save, 'T'));
    await symlink(outside, path.join(save, 'T', 'docs'));
    const s = storageFor([{ path: ['T', 'docs', 'sub', 'x'], length: 2 }]);
    await s.remove();
    expect(await readdir(outside)).toEqual(['sub']);
  });

  it('refuses a FIFO with the file name instead of hanging on open', async () => {
    try {
      execFileSync('mkfifo', [path.join(save, 'movie.mkv')]);
    } catch {
      expect.fail('mkfifo is needed for this test');
    }
    const s = storageFor([{ path: ['movie.mkv'], length: 4 }]);
    await expect(s.writePiece(0, piece(4))).rejects.toMatchObject({ code: 'EUNSAFEPATH' });
  });
});

describe('FileStorage keeps what is legitimately there', () => {
  it('follows a symlink that stays inside the save folder', async () => {
    await mkdir(path.join(save, 'real-docs'));
    await mkdir(path.join(save, 'T'));
    await symlink(path.join(save, 'real-docs'), path.join(save, 'T', 'docs'));
    const s = storageFor([{ path: ['T', 'docs', 'f.txt'], length: 3 }]);
    await s.writePiece(0, piece(3));
    await s.flush();
    expect(await readFile(path.join(save, 'real-docs', 'f.txt'), 'utf8')).toBe('AAA');
  });

  it('opens an existing plain file without truncating it, so the data check can verify it', async () => {
    await writeFile(path.join(save, 'movie.mkv'), 'BBBBBBBB');
    const s = storageFor([
      { path: ['movie.mkv'], length: 8 },
      { path: ['other'], length: 0 },
    ]);
    expect(Buffer.from(await s.read(0, 0, 8)).toString()).toBe('BBBBBBBB');
    await s.writePiece(0, new Uint8Array(Buffer.from('BBBBCCCC')));
    await s.flush();
    expect(await readFile(path.join(save, 'movie.mkv'), 'utf8')).toBe('BBBBCCCC');
  });

  it('a read (the data check) of a new torrent creates no folder, and reports ENOENT', async () => {
    const fresh = path.join(dir, 'not-yet');
    const s = new FileStorage(new FileLayout([{ path: ['T', 'f'], length: 2 }], 2), fresh, [
      path.join(fresh, 'T', 'f'),
    ]);
    opened.push(s);
    await expect(s.read(0, 0, 2)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    await s.writePiece(0, piece(2));
    expect(await readFile(path.join(fresh, 'T', 'f'), 'utf8')).toBe('AA');
  });

  it('accepts a torrent named "..foo": a legal name, not a way out of the save folder', async () => {
    const s = storageFor([{ path: ['..foo', 'f'], length: 2 }]);
    await s.writePiece(0, piece(2));
    await s.flush();
    expect(await readFile(path.join(save, '..foo', 'f'), 'utf8')).toBe('AA');
    expect(() => storageFor([{ path: ['..', 'f'], length: 2 }])).toThrow(RangeError);
  });

  it('works when the save folder itself is reached through a symlink', async () => {
    const alias = path.join(dir, 'alias');
    await symlink(save, alias);
    const s = new FileStorage(new FileLayout([{ path: ['T', 'f'], length: 2 }], 2), alias, [
      path.join(alias, 'T', 'f'),
    ]);
    opened.push(s);
    await s.writePiece(0, piece(2));
    await s.flush();
    expect(await readFile(path.join(save, 'T', 'f'), 'utf8')).toBe('AA');
  });
});
