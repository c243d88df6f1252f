/**
 * The hostile-torrent corpus (hostile-torrents.ts), run through parse and, for the entries that
 * touch the disk, through FileStorage in a temp dir: each ends as its expected outcome.
 */
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetainfoError, parseTorrent, resolveInside } from '../engine/metainfo';
import type { Metainfo } from '../engine/metainfo';
import { FileLayout } from '../engine/storage/file-layout';
import { FileStorage } from '../engine/storage/file-storage';
import { hostileTorrents } from './hostile-torrents';
import type { HostileTorrent } from './hostile-torrents';

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

function parseOutcome(entry: HostileTorrent): Metainfo | MetainfoError {
  try {
    return parseTorrent(entry.torrentFile);
  } catch (err) {
    expect(err).toBeInstanceOf(MetainfoError);
    return err as MetainfoError;
  }
}

/** Every entry below `dir`, depth first; bounded by what the test itself wrote. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const p = path.join(dir, name);
    out.push(p);
    const st = await lstat(p);
    if (st.isDirectory() && !st.isSymbolicLink()) out.push(...(await walk(p)));
  }
  return out;
}

/** Writes every piece through FileStorage (as a download would), then creates empty files. */
async function download(meta: Metainfo, content: Uint8Array): Promise<string> {
  const save = await mkdtemp(path.join(tmpdir(), 'swarmscope-hostile-'));
  dirs.push(save);
  const layout = new FileLayout(
    meta.files.map((f) => ({ path: f.path, length: f.length, ...(f.pad ? { pad: true } : {}) })),
    meta.pieceLength,
  );
  const storage = new FileStorage(
    layout,
    save,
    meta.files.map((f) => resolveInside(save, f.path)),
  );
  try {
    for (let i = 0; i < layout.pieceCount; i++) {
      const at = i * meta.pieceLength;
      await storage.writePiece(i, content.slice(at, at + layout.pieceSize(i)));
    }
    await storage.ensureFiles();
    await storage.flush();
    // Every piece reads back as sent, pad bytes included (they read as zeros).
    for (let i = 0; i < layout.pieceCount; i++) {
      const at = i * meta.pieceLength;
      expect(await storage.read(i, 0, layout.pieceSize(i))).toEqual(
        content.slice(at, at + layout.pieceSize(i)),
      );
    }
  } finally {
    await storage.close();
  }
  return save;
}

describe('hostile-torrent corpus', () => {
  const corpus = hostileTorrents();

  it('covers every outcome kind, BEP 47 and the disk', () => {
    expect(corpus.some((e) => e.expected.kind === 'rejected')).toBe(true);
    expect(corpus.some((e) => e.expected.kind === 'sanitised')).toBe(true);
    expect(corpus.filter((e) => e.onDisk !== undefined).length).toBeGreaterThan(2);
    expect(new Set(corpus.map((e) => e.attack)).size).toBe(corpus.length);
  });

  for (const entry of corpus) {
    it(`${entry.attack}: ${entry.expected.kind}`, async () => {
      const got = parseOutcome(entry);
      const want = entry.expected;
      if (want.kind === 'rejected') {
        expect(got).toBeInstanceOf(MetainfoError);
        expect((got as MetainfoError).field).toBe(want.field);
        expect((got as MetainfoError).message).toMatch(want.problem);
        return;
      }
      expect(got).not.toBeInstanceOf(MetainfoError);
      const meta = got as Metainfo;
      expect(meta.files.map((f) => f.path.join('/'))).toEqual(want.paths);
      expect(meta.pathWarnings).toHaveLength(want.warnings.length);
      want.warnings.forEach((w, i) => expect(meta.pathWarnings[i]).toMatch(w));
      if (entry.onDisk === undefined) return;

      const save = await download(meta, entry.content);
      for (const rel of entry.onDisk.absent) {
        await expect(lstat(path.join(save, rel))).rejects.toMatchObject({ code: 'ENOENT' });
      }
      for (const p of await walk(save)) {
        const st = await lstat(p);
        expect(st.isSymbolicLink(), `${p} is a symlink`).toBe(false);
        if (st.isFile()) expect(st.mode & 0o111, `${p} is executable`).toBe(0);
      }
      const written = meta.files.filter((f) => !f.pad).map((f) => path.join(save, ...f.path));
      for (const p of written) expect((await lstat(p)).isFile()).toBe(true);
    });
  }
});
