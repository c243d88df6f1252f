/**
 * SHA-1 of a range of pieces, read from the files themselves with blocking reads. This one body
 * of code runs on the hash workers and, in a pool made with `mainThreadHelps`, on the main thread
 * in short slices (see HashWritePool).
 *
 * Invariants:
 * - Self-contained: the workers get its source text (`hashRangeSync.toString()`, see
 *   worker-source.ts), so it uses only its parameters and JavaScript's globals. No imports, no
 *   helpers outside it, no nested functions.
 * - A file that cannot be opened or is short makes the pieces it touches unreadable (digest left
 *   zero), not the range failed; an error while reading counts the same from there on.
 * - A file marked `zeros` (a BEP 47 pad file) is never opened: its bytes hash as zeros.
 * - `hooks.cancelled()` is checked before every read; when it says yes the result is null.
 * - `hooks.progress(bytes)` is called after every read with the bytes of the range it covered.
 * - Every file descriptor is closed before it returns or throws.
 */

export interface RangeFile {
  path: string;
  length: number;
  /** Where the file starts in the torrent's bytes laid end to end. */
  offset: number;
  /** A BEP 47 pad file: its bytes are zeros, not read from anywhere. */
  zeros?: boolean;
}

export interface RangeJob {
  /** The files holding bytes of the range, in order; others are skipped. */
  files: readonly RangeFile[];
  pieceLength: number;
  totalLength: number;
  fromPiece: number;
  toPiece: number;
}

/** The file and hash functions it uses, passed in so that it imports nothing. */
export interface RangeIo {
  openSync(path: string, flags: 'r'): number;
  readSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  closeSync(fd: number): void;
  createHash(algorithm: 'sha1'): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

export interface RangeHooks {
  cancelled(): boolean;
  progress(bytes: number): void;
}

export interface RangeDigests {
  /** 20 bytes per piece of the range; zero for unreadable pieces. */
  digests: Uint8Array;
  /** One byte per piece: 1 if all its bytes could be read. */
  readable: Uint8Array;
}

/** Hashes pieces [fromPiece, toPiece), reading into `buf` (its length is the read size). */
export function hashRangeSync(
  io: RangeIo,
  job: RangeJob,
  buf: Uint8Array,
  hooks: RangeHooks,
): RangeDigests | null {
  const { files, pieceLength, totalLength, fromPiece, toPiece } = job;
  const start = fromPiece * pieceLength;
  const end = Math.min(toPiece * pieceLength, totalLength);
  const count = toPiece - fromPiece;
  const digests = new Uint8Array(count * 20);
  const readable = new Uint8Array(count).fill(1);
  let piece = fromPiece;
  let hash = io.createHash('sha1');
  let pos = start;
  let pieceEnd = Math.min(start + pieceLength, end);

  for (const f of files) {
    const fileStart = Math.max(f.offset, start);
    const fileEnd = Math.min(f.offset + f.length, end);
    if (fileEnd <= fileStart) continue;
    if (fileStart !== pos) throw new Error(`files are not contiguous at byte ${pos}`);
    let fd: number;
    // A missing or unreadable file is an expected state (a partial download), reported per
    // piece through readable[], so the open error itself is not needed.
    try {
      fd = f.zeros === true ? -1 : io.openSync(f.path, 'r');
    } catch {
      fd = -1;
    }
    try {
      let usable = fd >= 0;
      while (pos < fileEnd) {
        if (hooks.cancelled()) return null;
        const want = Math.min(buf.length, fileEnd - pos);
        // Reads up to `want` bytes; fewer only at the end of the file (or on an error).
        let got = 0;
        if (f.zeros === true) {
          buf.fill(0, 0, want);
          got = want;
        }
        while (usable && got < want) {
          let n = 0;
          try {
            n = io.readSync(fd, buf, got, want - got, pos - f.offset + got);
          } catch {
            n = 0; // EIO and the like: the rest of this file counts as unreadable
          }
          if (n === 0) usable = false;
          got += n;
        }
        // Feeds the `want` bytes at pos, hashing the first `got` of them; the pieces of the
        // rest are marked unreadable.
        let off = 0;
        while (off < want) {
          const take = Math.min(want - off, pieceEnd - pos);
          const ok = Math.min(take, Math.max(0, got - off));
          if (ok > 0) hash.update(buf.subarray(off, off + ok));
          if (ok < take) readable[piece - fromPiece] = 0;
          pos += take;
          off += take;
          if (pos === pieceEnd) {
            const digest = hash.digest();
            if (readable[piece - fromPiece] === 1) digests.set(digest, (piece - fromPiece) * 20);
            piece++;
            hash = io.createHash('sha1');
            pieceEnd = Math.min(pos + pieceLength, end);
          }
        }
        hooks.progress(want);
      }
    } finally {
      if (fd >= 0) io.closeSync(fd);
    }
  }
  if (pos !== end) throw new Error(`files end at byte ${pos}, expected ${end}`);
  return { digests, readable };
}
