/**
 * The hashing worker, as plain JavaScript source. It is started with
 * `new Worker(HASH_WORKER_SOURCE, { eval: true })`, so the same code runs from TypeScript under
 * vitest and from every esbuild bundle (out/cli, out/web, out/main) with no worker file to ship.
 *
 * Protocol (all messages carry the task `id`):
 * - in  { kind: 'sha1', id, data: Uint8Array, giveBack }  -> out { kind: 'sha1-done', id, digest },
 *       with `data` too when giveBack (its buffer was transferred here and goes back the same way)
 * - in  { kind: 'write', id, fd, data: Uint8Array, position, chunkBytes, giveBack }
 *       -> out { kind: 'write-done', id }, with `data` too when giveBack
 * - in  { kind: 'range', id, files: [{ path, length, offset }], pieceLength, totalLength,
 *         fromPiece, toPiece, readChunkBytes, cancel: Int32Array (shared) }
 *       -> out { kind: 'progress', id, bytes } every 50 ms at most, then
 *          { kind: 'range-done', id, digests, readable } or { kind: 'aborted', id }
 * - out { kind: 'failed', id, message, code } when a task throws.
 *
 * Invariants: the worker reads the files itself, with blocking reads (it is its own thread) in
 * chunks of `readChunkBytes`; a file that cannot be opened or is short makes the pieces it touches
 * unreadable, not the task failed; `cancel[0] !== 0` stops a range before its next read; every
 * file descriptor is closed in a finally.
 */
export const HASH_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');

const PROGRESS_INTERVAL_MS = 50;

let readBuffer = null;

function bufferOf(bytes) {
  if (readBuffer === null || readBuffer.length < bytes) readBuffer = Buffer.allocUnsafe(bytes);
  return readBuffer;
}

function ownCopy(digest) {
  const out = new Uint8Array(digest.length);
  out.set(digest);
  return out;
}

/** Reads up to want bytes at position; fewer only at end of file. */
function readFully(fd, buf, want, position) {
  let got = 0;
  while (got < want) {
    const n = fs.readSync(fd, buf, got, want - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Writes all of data at position in syscalls of at most chunkBytes; bounded: each writes >= 1 byte or throws. */
function writeAt(msg) {
  const { fd, data, position, chunkBytes } = msg;
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, Math.min(chunkBytes, data.length - done), position + done);
    if (n <= 0) {
      const err = new Error('wrote 0 bytes at ' + (position + done));
      err.code = 'EIO';
      throw err;
    }
    done += n;
  }
}

function hashRange(msg) {
  const { id, files, pieceLength, totalLength, fromPiece, toPiece, readChunkBytes, cancel } = msg;
  const start = fromPiece * pieceLength;
  const end = Math.min(toPiece * pieceLength, totalLength);
  const count = toPiece - fromPiece;
  const digests = new Uint8Array(count * 20);
  const readable = new Uint8Array(count).fill(1);
  const buf = bufferOf(readChunkBytes);
  let piece = fromPiece;
  let hash = createHash('sha1');
  let pos = start;
  let pieceEnd = Math.min(start + pieceLength, end);
  // Progress goes out at most every PROGRESS_INTERVAL_MS (and before the result): a message per
  // 1 MiB read woke the main thread 1,000 times per GiB, stealing a core from the hashing.
  let unreported = 0;
  let reportedAt = performance.now();

  // Feeds len bytes at pos: hashed when ok, else their piece is marked unreadable.
  function feed(off, len, ok) {
    while (len > 0) {
      const take = Math.min(len, pieceEnd - pos);
      if (ok) hash.update(buf.subarray(off, off + take));
      else readable[piece - fromPiece] = 0;
      pos += take;
      off += take;
      len -= take;
      if (pos === pieceEnd) {
        const digest = hash.digest();
        if (readable[piece - fromPiece] === 1) digests.set(digest, (piece - fromPiece) * 20);
        piece++;
        hash = createHash('sha1');
        pieceEnd = Math.min(pos + pieceLength, end);
      }
    }
  }

  for (const f of files) {
    const fileStart = Math.max(f.offset, start);
    const fileEnd = Math.min(f.offset + f.length, end);
    if (fileEnd <= fileStart) continue;
    if (fileStart !== pos) throw new Error('files are not contiguous at byte ' + pos);
    let fd = -1;
    // A missing or unreadable file is an expected state (a partial download), reported per
    // piece through readable[], so the open error itself is not needed.
    try {
      fd = fs.openSync(f.path, 'r');
    } catch {
      fd = -1;
    }
    try {
      let usable = fd >= 0;
      while (pos < fileEnd) {
        if (Atomics.load(cancel, 0) !== 0) {
          parentPort.postMessage({ kind: 'aborted', id });
          return;
        }
        const want = Math.min(readChunkBytes, fileEnd - pos);
        let got = 0;
        if (usable) {
          try {
            got = readFully(fd, buf, want, pos - f.offset);
          } catch {
            got = 0; // EIO and the like: the rest of this file counts as unreadable
          }
          if (got < want) usable = false;
        }
        feed(0, got, true);
        feed(got, want - got, false);
        unreported += want;
        const now = performance.now();
        if (now - reportedAt >= PROGRESS_INTERVAL_MS) {
          parentPort.postMessage({ kind: 'progress', id, bytes: unreported });
          unreported = 0;
          reportedAt = now;
        }
      }
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }
  if (pos !== end) throw new Error('files end at byte ' + pos + ', expected ' + end);
  if (unreported > 0) parentPort.postMessage({ kind: 'progress', id, bytes: unreported });
  parentPort.postMessage({ kind: 'range-done', id, digests, readable }, [
    digests.buffer,
    readable.buffer,
  ]);
}

parentPort.on('message', (msg) => {
  try {
    if (msg.kind === 'sha1') {
      const digest = ownCopy(createHash('sha1').update(msg.data).digest());
      if (msg.giveBack) {
        parentPort.postMessage({ kind: 'sha1-done', id: msg.id, digest, data: msg.data }, [
          digest.buffer,
          msg.data.buffer,
        ]);
      } else {
        parentPort.postMessage({ kind: 'sha1-done', id: msg.id, digest }, [digest.buffer]);
      }
    } else if (msg.kind === 'write') {
      writeAt(msg);
      if (msg.giveBack) {
        parentPort.postMessage({ kind: 'write-done', id: msg.id, data: msg.data }, [msg.data.buffer]);
      } else {
        parentPort.postMessage({ kind: 'write-done', id: msg.id });
      }
    } else if (msg.kind === 'range') {
      hashRange(msg);
    } else {
      throw new Error('unknown task kind ' + String(msg.kind));
    }
  } catch (err) {
    parentPort.postMessage({
      kind: 'failed',
      id: msg.id,
      message: err instanceof Error ? err.message : String(err),
      code: err && typeof err.code === 'string' ? err.code : null,
    });
  }
});
`;
