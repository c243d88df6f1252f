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
 * - With resume data (`runResumed`), a file whose size and mtime match what was saved is
 *   trusted: its verified pieces are taken as they are, none of its bytes read. A file that
 *   changed gets its pieces hashed again, and only those; a missing file counts as changed with
 *   nothing on disk (its pieces are not had, and the caller decides what "missing" means).
 */
import fsp from 'node:fs/promises';
import type { Metainfo } from '../metainfo';
import type { HashWritePool } from '../hash';
import type { FileLayout } from '../storage/file-layout';
import { StorageError } from '../storage/storage';
import type { Storage } from '../storage/storage';
import { piecesOfBitfield } from '../storage/piece-completion';
import type { FileStamp, ResumeData } from '../session/resume-file';

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
  run(): Promise<Uint8Array | null> {
    return this.running((input) => checkData(input));
  }

  /**
   * The check at a restart with resume data: unchanged files trusted, changed ones hashed
   * again (see the header). Null when cancelled; `outcome` says what was trusted and read.
   */
  runResumed(
    resume: ResumeData,
    filePaths: readonly string[],
  ): Promise<{ verified: Uint8Array; outcome: ResumeOutcome } | null> {
    return this.running((input) => checkResumed(input, resume, filePaths));
  }

  private async running<T>(body: (input: DataCheckInput) => Promise<T>): Promise<T | null> {
    this.checkedBytes = 0;
    this.changed();
    const abort = new AbortController();
    this.abort = abort;
    try {
      return await body({
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

/**
 * Check through the storage interface (memory and wrapped backends): read, then hash. `only`
 * limits it to those pieces (ascending); the others stay 0.
 */
async function checkThroughStorage(
  c: DataCheckInput,
  only: readonly number[] | null = null,
): Promise<Uint8Array> {
  const { meta, layout, storage, hashWritePool, signal } = c;
  const verified = new Uint8Array(meta.pieceCount);
  let done = 0;
  const count = only ? only.length : meta.pieceCount;
  for (let k = 0; k < count && !signal.aborted; k++) {
    const i = only ? (only[k] as number) : k;
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

/** What a resumed check trusted and what it read again, for the log and for tests. */
export interface ResumeOutcome {
  trustedPieces: number;
  /** Files whose size or mtime differ from the resume data (missing ones included). */
  changedFiles: number[];
  missingFiles: number[];
  /** Pieces hashed again, and their bytes. */
  recheckedPieces: number;
  recheckedBytes: number;
}

/**
 * Each file's size and mtime now; null for a file that is not there (or is not a regular file:
 * a symlink or a folder is never trusted). Pad files (BEP 47) are never on disk: null.
 */
export async function fileStamps(
  meta: Metainfo,
  filePaths: readonly string[],
): Promise<(FileStamp | null)[]> {
  return Promise.all(
    meta.files.map(async (f, i) => {
      const file = filePaths[i];
      if (f.pad === true || file === undefined) return null;
      try {
        const st = await fsp.lstat(file);
        return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
      } catch {
        return null;
      }
    }),
  );
}

async function checkResumed(
  c: DataCheckInput,
  resume: ResumeData,
  filePaths: readonly string[],
): Promise<{ verified: Uint8Array; outcome: ResumeOutcome }> {
  const { meta, layout } = c;
  const now = await fileStamps(meta, filePaths);
  /** Per file: 'same' (trusted), 'changed' (hash its pieces again) or 'missing'. */
  const status = meta.files.map((f, i): 'same' | 'changed' | 'missing' => {
    if (f.pad === true || f.length === 0) return 'same';
    const then = resume.files[i] ?? null;
    const cur = now[i] ?? null;
    if (cur === null) return 'missing';
    if (then === null) return 'changed';
    return then.size === cur.size && then.mtimeMs === cur.mtimeMs ? 'same' : 'changed';
  });
  const saved = piecesOfBitfield(resume.verified, meta.pieceCount);
  const verified = new Uint8Array(meta.pieceCount);
  const recheck = new Uint8Array(meta.pieceCount);
  // A piece is trusted when every file it touches is unchanged; it is hashed again when one of
  // them changed and is still there. Walking files, not pieces: each file's pieces are a range.
  const trustable = new Uint8Array(meta.pieceCount).fill(1);
  status.forEach((s, fi) => {
    if (s === 'same') return;
    const range = layout.piecesOfFile(fi);
    if (!range) return;
    for (let i = range[0]; i <= range[1]; i++) {
      trustable[i] = 0;
      if (s === 'changed') recheck[i] = 1;
    }
  });
  // A piece that touches a missing file cannot be on disk whole: never hashed, never had.
  status.forEach((s, fi) => {
    if (s !== 'missing') return;
    const range = layout.piecesOfFile(fi);
    if (range) for (let i = range[0]; i <= range[1]; i++) recheck[i] = 0;
  });
  let trustedPieces = 0;
  for (let i = 0; i < meta.pieceCount; i++) {
    if (trustable[i] === 1 && saved[i] === 1) {
      verified[i] = 1;
      trustedPieces++;
    }
  }
  const pieces: number[] = [];
  let recheckedBytes = 0;
  for (let i = 0; i < meta.pieceCount; i++) {
    if (recheck[i] !== 1) continue;
    pieces.push(i);
    recheckedBytes += layout.pieceSize(i);
  }
  if (pieces.length > 0) {
    const found = await checkPieceList(c, pieces);
    for (const i of pieces) verified[i] = found[i] === 1 ? 1 : 0;
  }
  return {
    verified,
    outcome: {
      trustedPieces,
      changedFiles: status.flatMap((s, i) => (s === 'same' ? [] : [i])),
      missingFiles: status.flatMap((s, i) => (s === 'missing' ? [i] : [])),
      recheckedPieces: pieces.length,
      recheckedBytes,
    },
  };
}

/** Hash the listed pieces (ascending): contiguous runs in the pool, or through the storage. */
async function checkPieceList(c: DataCheckInput, pieces: readonly number[]): Promise<Uint8Array> {
  const files = c.filePaths;
  if (!files) return checkThroughStorage(c, pieces);
  const out = new Uint8Array(c.meta.pieceCount);
  const hashFiles = c.meta.files.map((f, i) => ({ path: files[i] as string, length: f.length }));
  let before = 0;
  for (let k = 0; k < pieces.length;) {
    const from = pieces[k] as number;
    let to = from + 1;
    while (k + 1 < pieces.length && pieces[k + 1] === to) {
      k++;
      to++;
    }
    k++;
    const base = before;
    const run = await c.hashWritePool.checkPieces(
      hashFiles,
      c.meta.pieceLength,
      c.meta.pieceHashes,
      {
        fromPiece: from,
        toPiece: to,
        signal: c.signal,
        onProgress: (done: number) => c.onProgress(base + done),
      },
    );
    out.set(run, from);
    for (let i = from; i < to; i++) before += c.layout.pieceSize(i);
    c.onProgress(before);
  }
  return out;
}
