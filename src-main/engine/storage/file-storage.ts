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
 * - An unwanted file (setFilesWanted) that is not on disk is never created: its spans go to the
 *   part file (part-file.ts) and are read back from there; when it becomes wanted, its bytes
 *   move into it and the slots nothing else needs are freed. Mode changes wait for the
 *   operations running, and operations that start meanwhile wait for the change.
 * - A file that holds verified data (expectFiles, or created by a write of ours) is never
 *   re-created by a write: it is reported missing (EMISSING) instead, as `missingFiles` does
 *   for those deleted under an open handle.
 * - Every write takes all its bytes or fails (positional-io.ts: short writes are continued).
 * - `flush` syncs every file written since the last flush, including those whose handles were
 *   evicted and closed meanwhile (closing does not sync).
 * - After `close()` no handle is open and every operation fails with ECLOSED.
 * - Paths are the caller's, already sanitised; we check they stay inside `rootDir`, on disk too:
 *   folders and files are made, opened and removed through safe-path.ts, which follows no
 *   symlink out of `rootDir` and opens no symlink at all.
 */
import type { FileHandle } from 'node:fs/promises';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_OPEN_FILES_PER_STORAGE } from '../limits';
import type { FileLayout, FileSpan } from './file-layout';
import { SafeRoot, isInside } from './safe-path';
import { PartFile } from './part-file';
import { fileHandleWrite, readFully, writeFully } from './positional-io';
import type { PositionalWrite } from './positional-io';
import { StorageError } from './storage';
import type { Storage, StorageOperation } from './storage';

/** Open handles per storage unless told otherwise (libtorrent's file pool is a few dozen too). */
export const DEFAULT_MAX_OPEN_FILES = MAX_OPEN_FILES_PER_STORAGE;
/** Evicted files a flush syncs at once: libuv's thread pool has four threads. */
const EVICTED_SYNC_LANES = 4;

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
  /**
   * Where the bytes of unwanted files go (an absolute path inside the save folder, usually
   * `.<info-hash>.parts`); without it unwanted files are created as before.
   */
  partFile?: string;
  /** The write syscall on the main thread (not the writer's); tests inject short writes. */
  positionalWrite?: PositionalWrite;
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
  private readonly part: PartFile | null;
  private readonly write: PositionalWrite;
  /** Per file: unwanted and not on disk, so its bytes live in the part file. */
  private readonly parked: boolean[];
  /** Per file: skipped by the user (whether or not it is on disk). */
  private readonly unwanted: boolean[];
  /** Files that must exist (see expectFiles). */
  private expected = new Set<number>();
  /** A running setFilesWanted: operations wait for it. */
  private modeChange: Promise<void> | null = null;
  /**
   * Files written since the last flush whose handles were evicted and closed meanwhile: the next
   * flush syncs them (a torrent of more files than the bound otherwise said complete with the
   * evicted files' last writes only in the page cache).
   */
  private readonly evictedDirty = new Set<number>();
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
    this.write = opts.positionalWrite ?? fileHandleWrite;
    this.parked = layout.files.map(() => false);
    this.unwanted = layout.files.map(() => false);
    const partPath = opts.partFile;
    if (partPath !== undefined && (!path.isAbsolute(partPath) || !isInside(root, partPath))) {
      throw new RangeError(`part file ${partPath} is not inside ${root}`);
    }
    this.part =
      partPath === undefined
        ? null
        : new PartFile(this.safe, partPath, layout.pieceLength, layout.pieceCount, this.write);
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
      if (this.modeChange !== null) await this.modeChange;
      // Span after span: a writer may move the buffer, which can be in one place at a time.
      let bytes = data;
      let at = 0;
      for (const span of spans) {
        const slice = bytes.subarray(at, at + span.length);
        if (this.parked[span.fileIndex] === true && this.part !== null) {
          await this.part.put(index, at, slice);
        } else {
          const back = await this.writeSpan(span, slice);
          bytes = new Uint8Array(back.buffer, back.byteOffset - at, size);
        }
        at += span.length;
      }
      return bytes;
    });
  }

  read(index: number, begin: number, length: number): Promise<Uint8Array> {
    const spans = this.layout.spans(index, begin, length);
    return this.track('read', async () => {
      if (this.modeChange !== null) await this.modeChange;
      const out = new Uint8Array(length);
      let at = 0;
      const reads: Promise<void>[] = [];
      for (const span of spans) {
        const into = out.subarray(at, at + span.length);
        if (this.parked[span.fileIndex] === true && this.part !== null) {
          reads.push(this.part.get(index, begin + at, into));
        } else {
          reads.push(this.readSpan(span, into));
        }
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
      const evicted = [...this.evictedDirty];
      this.evictedDirty.clear();
      if (evicted.length > 0) syncs.push(this.syncEvicted(evicted));
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
        const skip = this.isPad(i) || this.parked[i] === true;
        if ((this.layout.files[i] as { length: number }).length !== 0 || skip) continue;
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
    if (this.part !== null) closes.push(this.part.close());
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
    await this.part?.remove();
  }

  /** See Storage.setFilesWanted and the invariants above. */
  setFilesWanted(wanted: readonly boolean[]): Promise<void> {
    if (wanted.length !== this.layout.files.length) {
      throw new RangeError(`${wanted.length} flags for ${this.layout.files.length} files`);
    }
    if (this.closed) {
      return Promise.reject(new StorageError('ECLOSED', 'write', 'storage is closed'));
    }
    const previous = this.modeChange;
    const running = [...this.pending];
    const change = (async () => {
      if (previous !== null) await previous.catch(() => undefined);
      await Promise.allSettled(running);
      await this.applyWanted(wanted);
    })();
    const done = change.then(
      () => undefined,
      () => undefined,
    );
    this.modeChange = done;
    void done.then(() => {
      if (this.modeChange === done) this.modeChange = null;
    });
    return change;
  }

  expectFiles(files: readonly number[]): void {
    this.expected = new Set(
      files.filter(
        (i) => !this.isPad(i) && this.parked[i] !== true && (this.layout.files[i]?.length ?? 0) > 0,
      ),
    );
  }

  async missingFiles(): Promise<number[]> {
    if (this.closed) return [];
    const out: number[] = [];
    for (const i of [...this.expected].sort((a, b) => a - b)) {
      // A skipped file the user deleted is not missing: nobody wants it.
      if (this.parked[i] === true || this.unwanted[i] === true) continue;
      const entry = this.handles.get(i);
      let gone: boolean;
      if (entry) {
        // Deleted under an open handle: reads and writes would go on, to a file nobody sees.
        entry.users++;
        try {
          gone = (await (await entry.handle).stat()).nlink === 0;
        } catch {
          gone = false; // the operation that opened it reports its own failure
        } finally {
          this.release(entry);
        }
      } else {
        gone = await lstat(this.paths[i] as string).then(
          () => false,
          (err: unknown) => (err as { code?: unknown }).code === 'ENOENT',
        );
      }
      if (gone) out.push(i);
    }
    return out;
  }

  partPieces(): Promise<number[]> {
    return this.part === null ? Promise.resolve([]) : this.part.pieces();
  }

  /** Parks newly unwanted files that are not on disk; moves newly wanted ones out of the part file. */
  private async applyWanted(wanted: readonly boolean[]): Promise<void> {
    wanted.forEach((w, i) => (this.unwanted[i] = !w));
    const part = this.part;
    if (part === null) return;
    const unparked = new Set<number>();
    for (let i = 0; i < wanted.length; i++) {
      if (this.isPad(i)) continue;
      if (!wanted[i] && !this.parked[i]) {
        // Already on disk (downloaded before it was skipped): it stays where it is.
        if (this.handles.has(i)) continue;
        const exists = await lstat(this.paths[i] as string).then(
          () => true,
          () => false,
        );
        if (!exists) this.parked[i] = true;
      } else if (wanted[i] && this.parked[i]) {
        unparked.add(i);
      }
    }
    if (unparked.size === 0) return;
    const pieces = await part.pieces();
    for (const piece of pieces) {
      const spans = this.layout.spans(piece, 0, this.layout.pieceSize(piece));
      let at = 0;
      let stillParked = false;
      for (const span of spans) {
        if (unparked.has(span.fileIndex)) {
          const bytes = new Uint8Array(span.length);
          await part.get(piece, at, bytes);
          await this.writeSpan(span, bytes);
        } else if (this.parked[span.fileIndex] === true) {
          stillParked = true;
        }
        at += span.length;
      }
      if (!stillParked) await part.release(piece);
    }
    for (const i of unparked) this.parked[i] = false;
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
      await writeFully(this.write, fh, bytes, span.fileOffset, file as string);
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
      await readFully(fh, into, span.fileOffset, file as string);
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
      entry.users++;
    } else {
      entry = {
        fileIndex,
        handle: this.openFile(fileIndex, writable),
        writable,
        // In use from the start: counted after `evict`, a new handle with every older one busy
        // was itself evicted, closed under the write that opened it (a torrent of many small
        // files, with more of them in flight than the bound, failed with EBADF or fd -1).
        users: 1,
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
    return entry;
  }

  private release(entry: HandleEntry): void {
    entry.users--;
    if (entry.retired && entry.users === 0) this.closeInBackground(entry);
    else if (!entry.retired) this.evict();
  }

  private closeInBackground(entry: HandleEntry): void {
    // Closing does not sync, and flush syncs through open handles: remember the file for it.
    if (entry.dirty) this.evictedDirty.add(entry.fileIndex);
    const p = this.closeEntry(entry).then(undefined, (err: unknown) => {
      this.deferredError ??= StorageError.from(err, 'close', this.paths[entry.fileIndex]);
    });
    // close() waits for it, so no handle outlives the storage.
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  /**
   * fdatasync files whose handles were closed while written since the last flush, each through a
   * short-lived descriptor of its own (fdatasync syncs the file, whichever descriptor asks), a
   * few at a time, outside the LRU so that syncing evicts no handle in use: a flush may hold
   * EVICTED_SYNC_LANES descriptors beyond the bound, for a moment.
   */
  private async syncEvicted(files: number[]): Promise<void> {
    const next = (): number | undefined => files.pop();
    const lane = async (): Promise<void> => {
      for (let i = next(); i !== undefined; i = next()) {
        const file = this.paths[i] as string;
        let fh: FileHandle;
        try {
          fh = await this.safe.openFile(file, false, false);
        } catch (err) {
          // Deleted since it was written: nothing left to sync, and missingFiles reports it.
          if (err instanceof StorageError && err.code === 'ENOENT') continue;
          throw StorageError.from(err, 'flush', file);
        }
        this.opened++;
        try {
          await fh.datasync();
        } catch (err) {
          throw StorageError.from(err, 'flush', file);
        } finally {
          this.opened--;
          await fh.close().catch(() => undefined);
        }
      }
    };
    await settleAll(Array.from({ length: Math.min(files.length, EVICTED_SYNC_LANES) }, lane));
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
    const file = this.paths[fileIndex] as string;
    // A file that held verified data is not quietly made again, empty: that is "files missing".
    const create = !this.expected.has(fileIndex);
    let fh: FileHandle;
    try {
      fh = await this.safe.openFile(file, writable, create);
    } catch (err) {
      if (!create && err instanceof StorageError && err.code === 'ENOENT') throw missing(file);
      throw err;
    }
    if (writable) this.expected.add(fileIndex);
    return this.counted(fh);
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

function missing(file: string): StorageError {
  return new StorageError('EMISSING', 'open', `${file} is missing`, { path: file });
}
