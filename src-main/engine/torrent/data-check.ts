/**
 * The data check: which pieces are already on disk, hashed in the worker pool.
 *
 * Invariants:
 * - Missing or short data is simply not had yet; any other read failure is an I/O error and
 *   is thrown to the caller.
 * - Progress is reported in bytes checked, so a large torrent shows it moving.
 * - An aborted check throws; the caller tells an abort from a failure by its signal.
 * - A DataCheck runs one check at a time; `cancel()` aborts the one running, and its `run()`
 *   then resolves null instead of throwing (a cancel is not a fault).
 */
import type { Metainfo } from '../metainfo';
import type { HashWritePool } from '../hash';
import type { FileLayout } from '../storage/file-layout';
import { StorageError } from '../storage/storage';
import type { Storage } from '../storage/storage';

export interface DataCheckInput {
  meta: Metainfo;
  layout: FileLayout;
  storage: Storage;
  hashWritePool: HashWritePool;
  /** Absolute path of every file, to hash them in the pool; null to read through `storage`. */
  filePaths: string[] | null;
  signal: AbortSignal;
  onProgress(checkedBytes: number): void;
}

/** One byte per piece: 1 when its data on disk matched its hash. */
export async function checkData(c: DataCheckInput): Promise<Uint8Array> {
  const files = c.filePaths;
  if (files)
    return c.hashWritePool.checkPieces(
      c.meta.files.map((f, i) => ({ path: files[i] as string, length: f.length, pad: f.pad })),
      c.meta.pieceLength,
      c.meta.pieceHashes,
      { signal: c.signal, onProgress: (done: number) => c.onProgress(done) },
    );
  return checkThroughStorage(c);
}

/**
 * The check as a torrent runs it: progress kept for its summary, and cancellable by stop().
 */
export class DataCheck {
  /** Bytes checked by the running (or last) check. */
  checkedBytes = 0;
  private abort: AbortController | null = null;

  constructor(
    private readonly input: Omit<DataCheckInput, 'signal' | 'onProgress'>,
    private readonly changed: () => void,
  ) {}

  /** The verified pieces; null when cancelled. An I/O fault is thrown. */
  async run(): Promise<Uint8Array | null> {
    this.checkedBytes = 0;
    this.changed();
    const abort = new AbortController();
    this.abort = abort;
    try {
      return await checkData({
        ...this.input,
        signal: abort.signal,
        onProgress: (done) => {
          this.checkedBytes = done;
          this.changed();
        },
      });
    } catch (err) {
      if (abort.signal.aborted) return null;
      throw err;
    } finally {
      this.abort = null;
    }
  }

  cancel(): void {
    this.abort?.abort();
  }
}

/** Check through the storage interface (memory and wrapped backends): read, then hash. */
async function checkThroughStorage(c: DataCheckInput): Promise<Uint8Array> {
  const { meta, layout, storage, hashWritePool, signal } = c;
  const verified = new Uint8Array(meta.pieceCount);
  let done = 0;
  for (let i = 0; i < meta.pieceCount && !signal.aborted; i++) {
    const size = layout.pieceSize(i);
    let data: Uint8Array;
    try {
      data = await storage.read(i, 0, size);
    } catch (err) {
      if (!(err instanceof StorageError && (err.code === 'ENOENT' || err.code === 'ESHORTREAD')))
        throw err;
      done += size;
      continue;
    }
    const digest = await hashWritePool.sha1(data);
    verified[i] =
      Buffer.compare(digest, meta.pieceHashes.subarray(i * 20, i * 20 + 20)) === 0 ? 1 : 0;
    done += size;
    c.onProgress(done);
  }
  if (signal.aborted) throw new Error('check cancelled');
  return verified;
}
