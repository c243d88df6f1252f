/**
 * Moving a torrent's data to another folder ("Set location…" with move): file by file, a rename
 * where both folders are on one device, else a copy and then an unlink (EXDEV), with progress.
 *
 * Invariants:
 * - Only the files given move; one missing at the source is skipped (its data is not had, and
 *   the check after the move says so). Symlinks and non-regular files are never followed.
 * - A copy goes to a temporary name beside its target, is synced, then renamed into place, and
 *   only then is the source unlinked: a failure never leaves a half-written file under the real
 *   name, nor deletes a source whose copy is not whole.
 * - An existing file at a target is never overwritten: the move fails before anything moves.
 * - On failure the files already moved go back (best effort) and the error is thrown.
 * - Bounded: each copy round reads and writes one chunk or fails; writes take every byte
 *   (positional-io.ts).
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MOVE_COPY_CHUNK_BYTES } from '../limits';
import { EngineError } from '../errors';
import { SafeRoot } from '../storage/safe-path';
import { StorageError } from '../storage/storage';
import { fileHandleWrite, writeFully } from '../storage/positional-io';

export interface MoveItem {
  from: string;
  to: string;
}

export interface MoveOptions {
  /** The folder the sources are in: emptied folders below it are removed after the move. */
  fromRoot: string;
  /** The folder the targets go to: folders below it are made as storage makes them. */
  toRoot: string;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Moves the files that exist; resolves with the bytes moved. */
export async function moveFiles(items: readonly MoveItem[], opts: MoveOptions): Promise<number> {
  const present: (MoveItem & { size: number })[] = [];
  for (const item of items) {
    if (path.resolve(item.from) === path.resolve(item.to)) continue;
    const st = await lstat(item.from).catch((err: unknown) => {
      if (errCode(err) === 'ENOENT') return null;
      throw StorageError.from(err, 'open', item.from);
    });
    if (st === null || !st.isFile()) continue;
    const there = await lstat(item.to).catch(() => null);
    if (there !== null) {
      throw new EngineError('already-exists', `${item.to} already exists; nothing was moved`);
    }
    present.push({ ...item, size: st.size });
  }
  const total = present.reduce((sum, f) => sum + f.size, 0);
  const target = new SafeRoot(opts.toRoot);
  const moved: MoveItem[] = [];
  let done = 0;
  opts.onProgress?.(0, total);
  try {
    for (const f of present) {
      await target.makeDir(path.dirname(f.to), 'write');
      await moveOne(f.from, f.to, (bytes) => {
        done += bytes;
        opts.onProgress?.(done, total);
      });
      moved.push(f);
    }
  } catch (err) {
    for (const f of moved.reverse()) {
      await moveOne(f.to, f.from, () => undefined).catch(() => undefined);
    }
    throw err instanceof EngineError ? err : StorageError.from(err, 'write');
  }
  // The folders the files left, when nothing else is in them.
  await new SafeRoot(opts.fromRoot).removeFiles(present.map((f) => f.from)).catch(() => undefined);
  return total;
}

/** Renames, or copies then unlinks across devices; `progress` gets the bytes as they move. */
async function moveOne(from: string, to: string, progress: (bytes: number) => void): Promise<void> {
  try {
    await rename(from, to);
    progress((await lstat(to)).size);
    return;
  } catch (err) {
    if (errCode(err) !== 'EXDEV') throw StorageError.from(err, 'write', to);
  }
  const temp = `${to}.${process.pid}.moving`;
  const src = await open(from, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  try {
    const dst = await open(temp, 'wx', 0o644);
    try {
      const buf = new Uint8Array(MOVE_COPY_CHUNK_BYTES);
      let position = 0;
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, buf.length, position);
        if (bytesRead === 0) break;
        await writeFully(fileHandleWrite, dst, buf.subarray(0, bytesRead), position, to);
        position += bytesRead;
        progress(bytesRead);
      }
      await dst.sync();
    } finally {
      await dst.close();
    }
    await rename(temp, to);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw StorageError.from(err, 'write', to);
  } finally {
    await src.close();
  }
  await unlink(from);
}
