/**
 * Positional reads and writes that take every byte or fail. A write syscall may write fewer
 * bytes than asked (a disk filling up, a signal, a network file system); treating that as done
 * leaves a hole in a piece we count as verified (Transmission #2367). So the rest is written
 * again, and a write that makes no progress fails with EIO.
 *
 * Invariants:
 * - Bounded: every round moves at least one byte or throws.
 * - `PositionalWrite` is the one seam where tests inject short writes (faulty-storage.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from './storage';

/** Writes up to `length` bytes of `data` from `offset` at file position `position`. */
export type PositionalWrite = (
  fh: FileHandle,
  data: Uint8Array,
  offset: number,
  length: number,
  position: number,
) => Promise<number>;

export const fileHandleWrite: PositionalWrite = async (fh, data, offset, length, position) =>
  (await fh.write(data, offset, length, position)).bytesWritten;

/** Writes all of `bytes` at `position`. */
export async function writeFully(
  write: PositionalWrite,
  fh: FileHandle,
  bytes: Uint8Array,
  position: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const n = await write(fh, bytes, done, bytes.length - done, position + done);
    if (!(n > 0)) {
      throw new StorageError('EIO', 'write', `wrote 0 of ${bytes.length - done} bytes to ${file}`, {
        path: file,
      });
    }
    done += n;
  }
}

/** Fills `into` from `position`; ESHORTREAD when the file ends first. */
export async function readFully(
  fh: FileHandle,
  into: Uint8Array,
  position: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
    if (bytesRead <= 0) {
      throw new StorageError(
        'ESHORTREAD',
        'read',
        `${file} ends before byte ${position + into.length}`,
        {
          path: file,
        },
      );
    }
    done += bytesRead;
  }
}
