import { hashRangeSync } from './range-hash';

/**
 * The hashing worker, as plain JavaScript source. It is started with
 * `new Worker(HASH_WORKER_SOURCE, { eval: true })`, so the same code runs from TypeScript under
 * vitest and from every esbuild bundle (out/cli, out/web, out/main) with no worker file to ship.
 * The range hashing is `hashRangeSync` (range-hash.ts), pasted in as its source text, so the
 * main thread can run the very same code when a pool lets it help.
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
 * chunks of `readChunkBytes`; unreadable files and cancelling behave as hashRangeSync says.
 */
export const HASH_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');

const PROGRESS_INTERVAL_MS = 50;

let readBuffer = null;

/**
 * The read buffer starts on a page boundary (a WebAssembly memory's is one): reads into a buffer
 * that starts 16 bytes into a page, as a large Buffer.allocUnsafe's does, cost the kernel about
 * four times as much here (see pageAlignedBytes in aligned-buffer.ts).
 */
function bufferOf(bytes) {
  if (readBuffer === null || readBuffer.length < bytes) {
    try {
      readBuffer = new Uint8Array(new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) }).buffer);
    } catch {
      readBuffer = Buffer.allocUnsafe(bytes); // no address space for it: slower, still right
    }
  }
  return readBuffer;
}

function ownCopy(digest) {
  const out = new Uint8Array(digest.length);
  out.set(digest);
  return out;
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

const io = {
  openSync: fs.openSync,
  readSync: fs.readSync,
  closeSync: fs.closeSync,
  createHash,
};

const hashRangeSync = ${hashRangeSync.toString()};

function hashRange(msg) {
  const { id, readChunkBytes, cancel } = msg;
  // Progress goes out at most every PROGRESS_INTERVAL_MS (and before the result): a message per
  // 1 MiB read woke the main thread 1,000 times per GiB, stealing a core from the hashing.
  let unreported = 0;
  let reportedAt = performance.now();
  const result = hashRangeSync(io, msg, bufferOf(readChunkBytes).subarray(0, readChunkBytes), {
    cancelled: () => Atomics.load(cancel, 0) !== 0,
    progress: (bytes) => {
      unreported += bytes;
      const now = performance.now();
      if (now - reportedAt >= PROGRESS_INTERVAL_MS) {
        parentPort.postMessage({ kind: 'progress', id, bytes: unreported });
        unreported = 0;
        reportedAt = now;
      }
    },
  });
  if (result === null) {
    parentPort.postMessage({ kind: 'aborted', id });
    return;
  }
  if (unreported > 0) parentPort.postMessage({ kind: 'progress', id, bytes: unreported });
  const { digests, readable } = result;
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
