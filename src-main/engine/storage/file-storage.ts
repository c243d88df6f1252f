/**
 * Pieces stored in the torrent's files on disk, with positional reads and writes.
 *
 * Invariants:
 * - Each verified piece is written once per file span (usually one), with positional writes, so a
 *   piece is never read back, merged or rewritten. With a `writer`, a worker thread makes them.
 * - Folders are created lazily, on the first write into them; files are opened lazily and their
 *   handles kept in an LRU of at most `maxOpenFiles`. A handle in use by an operation is never
 *   closed under it: the bound can only be exceeded while more operations than that are in flight.
 * - A file opened read-only (seeding) is reopened read-write on the first write to it.
 * - BEP 47 pad files are never opened, created, written or removed; they read as zeros.
 * - After `close()` no handle is open and every operation fails with ECLOSED.
 * - Paths are the caller's, already sanitised; we check they stay inside `rootDir`, on disk too:
 *   folders and files are made, opened and removed through safe-path.ts, which follows no
 *   symlink out of `rootDir` and opens no symlink at all.
 */
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { MAX_OPEN_FILES_PER_STORAGE } from '../limits';
import type { FileLayout, FileSpan } from './file-layout';
import { SafeRoot, isInside } from './safe-path';
import { StorageError } from './storage';
import type { Storage, StorageOperation } from './storage';

/** Open handles per storage unless told otherwise (libtorrent's file pool is a few dozen too). */
export const DEFAULT_MAX_OPEN_FILES = MAX_OPEN_FILES_PER_STORAGE;

interface HandleEntry {
  fileIndex: number;
  handle: Promise<FileHandle>;
  writable: boolean;
  users: number;
  /** Written since the last flush. */
  dirty: boolean;
  /** Replaced or evicted: close as soon as the last user is done. */
  retired: boolean;
  closing: boolean;
}

/**
 * Writes bytes to an open file descriptor at a position, off the main thread (the HashWritePool).
 * Resolves with the bytes to keep using: it may move `data`'s buffer to a worker and back.
 * Writes with the same `lane` run one at a time, in the order asked.
 */
export interface FdWriter {
  writeAt(fd: number, data: Uint8Array, position: number, lane: number): Promise<Uint8Array>;
}

export interface FileStorageOptions {
  maxOpenFiles?: number;
  /**
   * Makes the piece writes (one message per file span instead of libuv's positional writes).
   * The descriptor stays open until the write settles: the span holds its handle meanwhile.
   */
  writer?: FdWriter;
}

export class FileStorage implements Storage {
  readonly layout: FileLayout;
  readonly rootDir: string;
  private readonly paths: readonly string[];
  private readonly maxOpenFiles: number;
  private readonly writer: FdWriter | null;
  /** LRU: Map iteration order is least recently used first. */
  private readonly handles = new Map<number, HandleEntry>();
  private readonly retiring = new Set<HandleEntry>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly safe: SafeRoot;
  /** The last write queued per file: writes to one file go one at a time (see writeSpan). */
  private readonly lastWrite = new Map<number, Promise<unknown>>();
  private opened = 0;
  private closed = false;
  /** A close after eviction failed with no caller waiting: reported by the next flush/close. */
  private deferredError: StorageError | null = null;

  constructor(
    layout: FileLayout,
    rootDir: string,
    resolvedPaths: string[],
    opts: FileStorageOptions = {},
  ) {
    if (resolvedPaths.length !== layout.files.length) {
      throw new RangeError(`${resolvedPaths.length} paths for ${layout.files.length} files`);
    }
    const root = path.resolve(rootDir);
    for (const p of resolvedPaths) {
      // Not `rel.startsWith('..')`: that refused a torrent named "..foo", a legal name.
      if (!path.isAbsolute(p) || p === root || !isInside(root, p)) {
        throw new RangeError(`path ${p} is not inside ${root}`);
      }
    }
    this.layout = layout;
    this.rootDir = root;
    this.safe = new SafeRoot(root);
    this.paths = [...resolvedPaths];
    this.maxOpenFiles = Math.max(1, opts.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    this.writer = opts.writer ?? null;
  }

  /** Handles currently open (LRU entries plus retired ones still in use). */
  openFileCount(): number {
    return this.opened;
  }

  writePiece(index: number, data: Uint8Array): Promise<Uint8Array> {
    const size = this.layout.pieceSize(index);
    if (data.length !== size) {
      throw new RangeError(`piece ${index} is ${size} bytes, got ${data.length}`);
    }
    const spans = this.layout.spans(index, 0, size);
    return this.track('write', async () => {
      // Span after span: a writer may move the buffer, which can be in one place at a time.
      let bytes = data;
      let at = 0;
      for (const span of spans) {
        const back = await this.writeSpan(span, bytes.subarray(at, at + span.length));
        bytes = new Uint8Array(back.buffer, back.byteOffset - at, size);
        at += span.length;
      }
      return bytes;
    });
  }

  read(index: number, begin: number, length: number): Promise<Uint8Array> {
    const spans = this.layout.spans(index, begin, length);
    return this.track('read', async () => {
      const out = new Uint8Array(length);
      let at = 0;
      const reads: Promise<void>[] = [];
      for (const span of spans) {
        reads.push(this.readSpan(span, out.subarray(at, at + span.length)));
        at += span.length;
      }
      await settleAll(reads);
      return out;
    });
  }

  /** fdatasync every file written since the last flush. */
  flush(): Promise<void> {
    return this.track('flush', async () => {
      const syncs: Promise<void>[] = [];
      for (const entry of [...this.handles.values(), ...this.retiring]) {
        if (!entry.dirty) continue;
        entry.dirty = false;
        entry.users++;
        syncs.push(
          entry.handle
            .then((fh) => fh.datasync())
            .catch((err: unknown) => {
              throw StorageError.from(err, 'flush', this.paths[entry.fileIndex]);
            })
            .finally(() => this.release(entry)),
        );
      }
      await settleAll(syncs);
      this.takeDeferredError();
    });
  }

  /**
   * Creates the torrent's zero-length files (and their folders): they own no piece, so no write
   * ever creates them. Call when the torrent is created or completes.
   */
  ensureFiles(): Promise<void> {
    return this.track('open', async () => {
      for (let i = 0; i < this.layout.files.length; i++) {
        if ((this.layout.files[i] as { length: number }).length !== 0 || this.isPad(i)) continue;
        const file = this.paths[i] as string;
        try {
          const fh = await this.safe.openFile(file, true);
          await fh.close();
        } catch (err) {
          throw StorageError.from(err, 'open', file);
        }
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Let running operations finish (their callers get their results or errors).
    await Promise.allSettled([...this.pending]);
    const entries = [...this.handles.values(), ...this.retiring];
    this.handles.clear();
    this.retiring.clear();
    const closes = entries.map((e) => this.closeEntry(e));
    await settleAll(closes);
    this.takeDeferredError();
  }

  /**
   * Closes, then deletes the files and the folders that became empty (never `rootDir`). What is
   * not ours is left alone: symlinks, and whatever a folder symlinked out of `rootDir` leads to.
   */
  async remove(): Promise<void> {
    await this.close();
    await this.safe.removeFiles(this.paths.filter((_, i) => !this.isPad(i)));
  }

  // ------------------------------------------------------------------ internals

  /**
   * Writes to one file go one at a time. Parallel writes to one file gain nothing (the kernel
   * takes the file's inode lock for each) and cost CPU: measured here, two to four threads
   * writing one file spent 0.3-0.5 s per GiB spinning on that lock. A writer does this itself
   * (the file is its lane), with no round trip through this thread between two writes: queued
   * here, each write waited for the previous one's reply, and that capped a download at
   * about 370 MB/s.
   */
  private writeSpan(span: FileSpan, bytes: Uint8Array): Promise<Uint8Array> {
    if (this.writer !== null) return this.writeSpanNow(span, bytes);
    const file = span.fileIndex;
    const run = (): Promise<Uint8Array> => this.writeSpanNow(span, bytes);
    const p = (this.lastWrite.get(file) ?? Promise.resolve()).then(run, run);
    this.lastWrite.set(file, p);
    const forget = (): void => {
      if (this.lastWrite.get(file) === p) this.lastWrite.delete(file);
    };
    p.then(forget, forget);
    return p;
  }

  /** Resolves with the bytes to keep using (see FdWriter). */
  private async writeSpanNow(span: FileSpan, bytes: Uint8Array): Promise<Uint8Array> {
    // BEP 47: a pad file is zeros by definition; writing it would only cost disk and a file.
    if (this.isPad(span.fileIndex)) return bytes;
    const entry = this.acquire(span.fileIndex, true);
    const file = this.paths[span.fileIndex];
    try {
      const fh = await entry.handle;
      entry.dirty = true;
      if (this.writer !== null) {
        return await this.writer.writeAt(fh.fd, bytes, span.fileOffset, span.fileIndex);
      }
      let done = 0;
      // Bounded: each round writes at least one byte or fails.
      while (done < bytes.length) {
        const { bytesWritten } = await fh.write(
          bytes,
          done,
          bytes.length - done,
          span.fileOffset + done,
        );
        if (bytesWritten <= 0) {
          throw new StorageError('EIO', 'write', `wrote 0 bytes to ${file}`, pathOpt(file));
        }
        done += bytesWritten;
      }
      return bytes;
    } catch (err) {
      throw StorageError.from(err, 'write', file);
    } finally {
      this.release(entry);
    }
  }

  private async readSpan(span: FileSpan, into: Uint8Array): Promise<void> {
    if (this.isPad(span.fileIndex)) {
      into.fill(0);
      return;
    }
    const entry = this.acquire(span.fileIndex, false);
    const file = this.paths[span.fileIndex];
    try {
      const fh = await entry.handle;
      let done = 0;
      while (done < into.length) {
        const { bytesRead } = await fh.read(into, done, into.length - done, span.fileOffset + done);
        if (bytesRead <= 0) {
          throw new StorageError(
            'ESHORTREAD',
            'read',
            `${file} ends before byte ${span.fileOffset + into.length}`,
            pathOpt(file),
          );
        }
        done += bytesRead;
      }
    } catch (err) {
      throw StorageError.from(err, 'read', file);
    } finally {
      this.release(entry);
    }
  }

  private isPad(fileIndex: number): boolean {
    return this.layout.files[fileIndex]?.pad === true;
  }

  /** A handle for the file, opened if needed, counted as in use until `release`. */
  private acquire(fileIndex: number, writable: boolean): HandleEntry {
    let entry = this.handles.get(fileIndex);
    if (entry && writable && !entry.writable) {
      this.retire(entry);
      entry = undefined;
    }
    if (entry) {
      // Most recently used goes to the end of the Map.
      this.handles.delete(fileIndex);
      this.handles.set(fileIndex, entry);
    } else {
      entry = {
        fileIndex,
        handle: this.openFile(fileIndex, writable),
        writable,
        users: 0,
        dirty: false,
        retired: false,
        closing: false,
      };
      // A failed open must not stay cached; the operation awaiting the handle reports the error.
      const failed = entry;
      entry.handle.then(undefined, () => this.forgetFailed(failed));
      this.handles.set(fileIndex, entry);
      this.evict();
    }
    entry.users++;
    return entry;
  }

  private release(entry: HandleEntry): void {
    entry.users--;
    if (entry.retired && entry.users === 0) this.closeInBackground(entry);
    else if (!entry.retired) this.evict();
  }

  private closeInBackground(entry: HandleEntry): void {
    const p = this.closeEntry(entry).then(undefined, (err: unknown) => {
      this.deferredError ??= StorageError.from(err, 'close', this.paths[entry.fileIndex]);
    });
    // close() waits for it, so no handle outlives the storage.
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  private takeDeferredError(): void {
    const err = this.deferredError;
    this.deferredError = null;
    if (err) throw err;
  }

  private evict(): void {
    for (const entry of this.handles.values()) {
      if (this.handles.size <= this.maxOpenFiles) return;
      if (entry.users === 0) this.retire(entry);
    }
  }

  private retire(entry: HandleEntry): void {
    this.handles.delete(entry.fileIndex);
    entry.retired = true;
    if (entry.users === 0) this.closeInBackground(entry);
    else this.retiring.add(entry);
  }

  private forgetFailed(entry: HandleEntry): void {
    if (this.handles.get(entry.fileIndex) === entry) this.handles.delete(entry.fileIndex);
    this.retiring.delete(entry);
    entry.retired = true;
  }

  private async closeEntry(entry: HandleEntry): Promise<void> {
    this.retiring.delete(entry);
    let fh: FileHandle;
    try {
      fh = await entry.handle;
    } catch {
      // The open failed: nothing to close; the error went to the operation that needed it.
      return;
    }
    if (entry.closing) return;
    entry.closing = true;
    this.opened--;
    try {
      await fh.close();
    } catch (err) {
      throw StorageError.from(err, 'close', this.paths[entry.fileIndex]);
    }
  }

  private async openFile(fileIndex: number, writable: boolean): Promise<FileHandle> {
    return this.counted(await this.safe.openFile(this.paths[fileIndex] as string, writable));
  }

  private counted(fh: FileHandle): FileHandle {
    this.opened++;
    return fh;
  }

  private track<T>(operation: StorageOperation, run: () => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(new StorageError('ECLOSED', operation, 'storage is closed'));
    }
    const p = run();
    this.pending.add(p);
    const done = (): void => void this.pending.delete(p);
    p.then(done, done);
    return p;
  }
}

/** Waits for every promise, then throws the first failure (so no operation is left running). */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  if (promises.length === 1) return promises[0];
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

function pathOpt(file: string | undefined): { path?: string } {
  return file !== undefined ? { path: file } : {};
}
