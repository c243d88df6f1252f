/**
 * Opening, creating and deleting a torrent's files without following symlinks out of the save
 * folder (issue 16 item 2).
 *
 * Invariants:
 * - A folder is created one level at a time (never `mkdir -p`), and each level's real path
 *   (symlinks resolved) must lie inside the save folder's real path before the next is made.
 * - Before a file is opened, its parent's real path must lie inside the save folder; the file
 *   itself is opened with O_NOFOLLOW, so a symlink in its place is refused, never written through.
 * - Only regular files are opened: a FIFO, socket or device with a torrent file's name is refused
 *   (opening a FIFO would hang the thread pool; a device is not data).
 * - An existing regular file is opened without O_TRUNC: its bytes are kept for the data check.
 * - Removal deletes only regular files and empty real folders inside the save folder; a symlink
 *   is never deleted through, nor deleted (we never create one, so it is not ours).
 * - Residual race: a local process that swaps a checked folder for a symlink between the check
 *   and the open wins; Node has no openat(). The threat here is links already on disk.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, realpath, rm, rmdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from './storage';
import type { StorageOperation } from './storage';

/** Windows has no O_NOFOLLOW (Node leaves it undefined); there the parent checks remain. */
const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `p` is `root` itself or below it (both already absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

function unsafe(operation: StorageOperation, file: string, why: string): StorageError {
  return new StorageError('EUNSAFEPATH', operation, `refusing ${file}: ${why}`, { path: file });
}

/** The guarded view of one save folder. `root` is absolute; it is created if missing. */
export class SafeRoot {
  readonly root: string;
  private real: string | null = null;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * The save folder's real path, creating the folder first when `create` (a write): a read or
   * a removal must not make folders. The user chose the folder, so the root may be a symlink.
   */
  async realRoot(create: boolean): Promise<string> {
    if (this.real !== null) return this.real;
    if (create) await mkdir(this.root, { recursive: true });
    // Only success is cached: the folder may appear later (a drive mounted, a first write).
    this.real = await realpath(this.root);
    return this.real;
  }

  /** Creates `dir` (below the root) level by level, refusing any level that resolves outside. */
  async makeDir(dir: string, operation: StorageOperation): Promise<void> {
    const real = await this.realRoot(true);
    const rel = path.relative(this.root, dir);
    if (rel === '') return;
    if (!isInside(this.root, dir)) throw unsafe(operation, dir, 'not inside the save folder');
    let cur = this.root;
    for (const part of rel.split(path.sep)) {
      cur = path.join(cur, part);
      try {
        await mkdir(cur);
      } catch (err) {
        if (errCode(err) !== 'EEXIST') throw err;
      }
      const resolved = await realpath(cur);
      if (!isInside(real, resolved)) {
        throw unsafe(operation, cur, `a symlink to ${resolved}, outside the save folder`);
      }
    }
  }

  /** Throws EUNSAFEPATH unless `file`'s parent resolves inside the root; ENOENT passes through. */
  async checkParent(file: string, operation: StorageOperation): Promise<void> {
    const real = await this.realRoot(false);
    const dir = path.dirname(file);
    if (!isInside(this.root, dir)) throw unsafe(operation, file, 'not inside the save folder');
    const resolved = await realpath(dir);
    if (!isInside(real, resolved)) {
      throw unsafe(operation, file, `its folder resolves to ${resolved}, outside the save folder`);
    }
  }

  /**
   * Opens `file` for reading, or for writing (creating it and its folders unless `create` is
   * false: then a missing file fails with ENOENT). Refuses symlinks and anything but regular
   * files with EUNSAFEPATH; other failures keep their fs code.
   */
  async openFile(file: string, writable: boolean, create = true): Promise<FileHandle> {
    const operation: StorageOperation = 'open';
    try {
      try {
        await this.checkParent(file, operation);
      } catch (err) {
        if (!writable || !create || errCode(err) !== 'ENOENT') throw err;
        await this.makeDir(path.dirname(file), operation);
      }
      const existing = await lstat(file).catch((err: unknown) => {
        if (errCode(err) === 'ENOENT') return null;
        throw err;
      });
      if (existing?.isSymbolicLink()) throw unsafe(operation, file, 'it is a symbolic link');
      if (existing && !existing.isFile()) throw unsafe(operation, file, 'it is not a regular file');
      const flags = writable
        ? fsConstants.O_RDWR | (create ? fsConstants.O_CREAT : 0) | O_NOFOLLOW
        : fsConstants.O_RDONLY | O_NOFOLLOW;
      let fh: FileHandle;
      try {
        fh = await open(file, flags, 0o644);
      } catch (err) {
        // Replaced by a symlink since the lstat: O_NOFOLLOW refused it.
        if (errCode(err) === 'ELOOP') throw unsafe(operation, file, 'it is a symbolic link');
        throw err;
      }
      const st = await fh.stat().catch(async (err: unknown) => {
        await fh.close();
        throw err;
      });
      if (!st.isFile()) {
        await fh.close();
        throw unsafe(operation, file, 'it is not a regular file');
      }
      return fh;
    } catch (err) {
      throw StorageError.from(err, operation, file);
    }
  }

  /**
   * Deletes `files` and then the folders below the root that became empty, skipping whatever
   * is not plainly ours: symlinks, and anything reached through a folder that resolves outside.
   */
  async removeFiles(files: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const file of files) {
      for (let d = path.dirname(file); d !== this.root && isInside(this.root, d);) {
        dirs.add(d);
        d = path.dirname(d);
      }
      try {
        await this.checkParent(file, 'remove');
        const st = await lstat(file);
        if (!st.isFile()) continue;
        await rm(file, { force: true });
      } catch (err) {
        const code = err instanceof StorageError ? err.code : errCode(err);
        // Gone already, or not ours to delete (outside through a symlink, or not a folder).
        if (code === 'ENOENT' || code === 'EUNSAFEPATH' || code === 'ENOTDIR') continue;
        throw StorageError.from(err, 'remove', file);
      }
    }
    const real = await this.realRoot(false).catch(() => null);
    if (real === null) return;
    // Deepest first, so a parent is tried after its children.
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
      try {
        const st = await lstat(dir);
        if (!st.isDirectory()) continue;
        const resolved = await realpath(dir);
        if (!isInside(real, resolved)) continue;
        await rmdir(dir);
      } catch (err) {
        const code = errCode(err);
        // Not ours to delete: something else lives there, or it is already gone.
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || code === 'ENOTDIR') {
          continue;
        }
        throw StorageError.from(err, 'remove', dir);
      }
    }
  }
}
