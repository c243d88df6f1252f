/**
 * "Files missing": a torrent whose files held verified data finds them gone (deleted, moved,
 * their drive unplugged). It stops in the error state naming the file, and never quietly
 * downloads the data again (a bug trusted clients shipped); Recheck or Set location recover it.
 *
 * Invariants:
 * - Only files holding at least one verified byte are expected to exist.
 * - A read failing with ENOENT, or a storage error EMISSING, is this fault; other I/O faults
 *   keep their own code ('io').
 */
import type { ErrorCode } from '../../../src-shared/model';
import type { FileLayout } from '../storage/file-layout';
import { StorageError } from '../storage/storage';

/** Files holding bytes of a verified piece, by index. */
export function filesWithData(layout: FileLayout, have: (piece: number) => boolean): number[] {
  const out: number[] = [];
  layout.fileProgress(have).forEach((bytes, i) => {
    if (bytes > 0) out.push(i);
  });
  return out;
}

/** The error for files found gone: the first one named, the count of the others. */
export function filesMissingError(paths: readonly string[]): StorageError {
  const first = paths[0] ?? '?';
  const more = paths.length > 1 ? ` (and ${paths.length - 1} more)` : '';
  return new StorageError('EMISSING', 'open', `${first}${more}`, { path: first });
}

export function isFilesMissing(operation: string, err: unknown): err is StorageError {
  if (!(err instanceof StorageError)) return false;
  return err.code === 'EMISSING' || (err.code === 'ENOENT' && operation === 'read');
}

/** The contract's code for a torrent's fault. */
export function faultCode(operation: string, err: unknown): ErrorCode {
  return isFilesMissing(operation, err) ? 'files-missing' : 'io';
}

/** The user's text for files missing: "files missing: <path>", with the count of the others. */
export function filesMissingText(err: StorageError): string {
  const more = /\(and \d+ more\)$/.exec(err.message)?.[0];
  return `files missing: ${err.path ?? '?'}${more !== undefined ? ` ${more}` : ''}`;
}
