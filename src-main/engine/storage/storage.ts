/**
 * The storage interface every backend implements (memory, files, faulty), and its error.
 *
 * Contract:
 * - `writePiece` is called once per verified piece with exactly `pieceSize(index)` bytes. It
 *   resolves with the bytes for the caller to keep using: `data` itself, or a new view of the
 *   same bytes when the backend moved `data`'s buffer to a worker thread and back (`data` is then
 *   detached). The caller does not touch `data` until it settles.
 * - `read` of data never written fails with code 'ENOENT' (no file) or 'ESHORTREAD' (file too
 *   short): a data check treats both as "not had", anything else as a disk fault.
 * - After `close` every call fails with 'ECLOSED'; `close` and `remove` may be called repeatedly.
 * - Wrong arguments (bad piece index, range outside the piece, wrong length) are programmer
 *   errors and throw RangeError.
 */

export type StorageErrorCode =
  | 'ENOSPC'
  | 'EIO'
  | 'EACCES'
  | 'EPERM'
  | 'EROFS'
  | 'ENOENT'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'EMFILE'
  | 'ENFILE'
  | 'EDQUOT'
  | 'EFBIG'
  | 'ESHORTREAD'
  | 'ECLOSED'
  /** A symlink, or a folder resolving outside the save folder, or not a regular file (safe-path.ts). */
  | 'EUNSAFEPATH'
  /** A file that held verified data is gone (deleted, or its drive unplugged): "files missing". */
  | 'EMISSING'
  | 'EOTHER';

export type StorageOperation = 'read' | 'write' | 'open' | 'flush' | 'close' | 'remove';

const KNOWN_CODES: ReadonlySet<string> = new Set<StorageErrorCode>([
  'ENOSPC',
  'EIO',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EMFILE',
  'ENFILE',
  'EDQUOT',
  'EFBIG',
  'ESHORTREAD',
  'ECLOSED',
  'EUNSAFEPATH',
  'EMISSING',
]);

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly operation: StorageOperation;
  /** The file concerned, when there is one. */
  readonly path: string | undefined;

  constructor(
    code: StorageErrorCode,
    operation: StorageOperation,
    message: string,
    opts: { path?: string; cause?: unknown } = {},
  ) {
    super(`${operation} failed (${code}): ${message}`, { cause: opts.cause });
    this.name = 'StorageError';
    this.code = code;
    this.operation = operation;
    this.path = opts.path;
  }

  /** Wraps a Node fs error (or passes a StorageError through unchanged). */
  static from(err: unknown, operation: StorageOperation, path?: string): StorageError {
    if (err instanceof StorageError) return err;
    const raw = (err as { code?: unknown } | null)?.code;
    const code: StorageErrorCode =
      typeof raw === 'string' && KNOWN_CODES.has(raw) ? (raw as StorageErrorCode) : 'EOTHER';
    const message = err instanceof Error ? err.message : String(err);
    return new StorageError(code, operation, message, {
      cause: err,
      ...(path !== undefined ? { path } : {}),
    });
  }
}

export interface Storage {
  writePiece(index: number, data: Uint8Array): Promise<Uint8Array>;
  read(index: number, begin: number, length: number): Promise<Uint8Array>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Deletes the data. */
  remove(): Promise<void>;
  /** Creates files that hold no piece (zero-length files), where the backend has files. */
  ensureFiles?(): Promise<void>;
  /**
   * Which files are wanted (one flag per file). An unwanted file is not created: the bytes of
   * it that a piece shared with a wanted file brings are kept aside (a part file) and still read
   * back; when it becomes wanted they move into it. Applies to later reads and writes.
   */
  setFilesWanted?(wanted: readonly boolean[]): Promise<void>;
  /**
   * Files that hold verified data, so must exist: a write never re-creates one of them, and
   * `missingFiles` checks them. Replaces the previous list; files created by writes join it.
   */
  expectFiles?(files: readonly number[]): void;
  /** The expected files that are gone from disk (see expectFiles), by index. */
  missingFiles?(): Promise<number[]>;
  /** Pieces with bytes in the part file (unwanted files' shares), ascending. */
  partPieces?(): Promise<number[]>;
}
