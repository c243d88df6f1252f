/**
 * The hash-and-write pool: worker threads, one per core, that SHA-1 hash pieces and ranges and
 * write verified pieces to disk, so neither runs on the main thread (except range hashing in a
 * pool made with `mainThreadHelps`, below). Both are a download's disk-bound work, so they
 * share one set of threads and one queue rather than competing for the two cores.
 *
 * Invariants:
 * - Workers start lazily with the first task and live until `close()`; an idle worker is
 *   unref'd so it never keeps the process alive, a busy one is ref'd so results arrive.
 * - Each worker holds at most MAX_TASKS_PER_WORKER tasks, so it never idles between chunks and
 *   a piece verification (`sha1`, queued first) waits behind at most that many chunks.
 * - A range of pieces is split into chunks of whole pieces handed out as workers free up; each
 *   chunk's results land at their own offsets, so the order in which chunks finish is irrelevant.
 * - Aborting sets a shared flag the workers check before every read, drops queued chunks and
 *   rejects with AbortError at once. `close()` rejects everything pending with HashWritePoolError and
 *   resolves once every worker has exited.
 * - With `mainThreadHelps`, the main thread is one of the `threads`: it takes range chunks like a
 *   worker (never piece hashes or writes) and hashes them with the workers' own code
 *   (hashRangeSync) in slices of whole pieces of about MAIN_SLICE_BYTES, yielding to the event
 *   loop between slices, and reports progress as a worker does (every PROGRESS_INTERVAL_MS).
 *   One worker fewer hashes ranges: none with `threads: 1` (a worker is still started for piece
 *   hashes and writes). Pieces longer than MAIN_SLICE_BYTES are left to the workers, so no slice
 *   holds the loop for longer. Meant for one-shot jobs such as the CLI's `create`, where a
 *   worker's start-up (~45 ms of CPU here) is a tenth of hashing 1 GiB and nothing else waits.
 */
import os from 'node:os';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { pageAlignedBytes } from './aligned-buffer';
import { AbortError, DiskWriteError, HashWritePoolError } from './errors';
import { hashRangeSync } from './range-hash';
import type { RangeFile, RangeIo } from './range-hash';
import { HASH_WORKER_SOURCE } from './worker-source';

export interface HashFile {
  path: string;
  length: number;
  /** BEP 47 pad file: zeros by definition, never on disk, so never opened. */
  pad?: boolean;
}

export interface HashPiecesOptions {
  /** First piece to hash (default 0). */
  fromPiece?: number;
  /** One past the last piece to hash (default: all). */
  toPiece?: number;
  /** Bytes of the range processed so far; monotonic, ends at the range's length. */
  onProgress?: (doneBytes: number) => void;
  signal?: AbortSignal;
}

export interface HashPiecesResult {
  /** 20 bytes per piece of the range; index 0 is `fromPiece`. Zero for unreadable pieces. */
  digests: Uint8Array;
  /** One byte per piece of the range: 1 if all its bytes could be read. */
  readable: Uint8Array;
}

/** Two tasks per worker: one running, one ready, so no round trip is idle time. */
const MAX_TASKS_PER_WORKER = 2;
/**
 * Reads of 1 MiB: large enough that syscalls cost nothing next to SHA-1, small enough that the
 * bytes are still in L2 cache when hashed. Measured here: 4 MiB reads were ~15% slower.
 */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes per write syscall of `writeAt` (see there). Measured here, kernel time to write 1 GiB
 * into the page cache: 16 KiB 0.42-0.48 s, 64 KiB 0.27-0.30 s, 256 KiB 0.23-0.35 s, 1 MiB
 * 0.6-1.6 s warm and 2.5 s once the free memory went back to the host.
 */
const WRITE_CHUNK_BYTES = 64 * 1024;
/**
 * A range is cut into chunks as in guided self-scheduling: each chunk is what is left of the
 * range divided by (threads * CHUNK_SHARE_DIVISOR), within MIN/MAX_CHUNK_BYTES. Chunks are large
 * at first, so few replies wake the main thread (on 2 cores each wake-up preempts a hashing
 * thread), and small at the end, so the threads finish together. Measured here against fixed
 * chunks of 1/16 of the range (A/B, 3 rounds of the create bench, ratio to mktorrent): with a
 * running pool 1.11-1.12x against 1.11-1.15x, with a fresh helped pool 1.01-1.06x against
 * 0.97-0.99x (1/64: 1.06-1.08x and 0.99-1.04x).
 */
const CHUNK_SHARE_DIVISOR = 2;
/**
 * Bytes the main thread hashes between two turns of the event loop, when it helps: ~3 ms here.
 */
const MAIN_SLICE_BYTES = 4 * 1024 * 1024;
/** Progress from the main thread goes out as often as from a worker (see worker-source.ts). */
const PROGRESS_INTERVAL_MS = 50;
const MIN_CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
/** Staging buffers come in powers of two from here (one block, BEP 3). */
const MIN_STAGING_BYTES = 16 * 1024;
/** Free staging buffers kept per size: enough for every worker's queue. */
const MAX_FREE_STAGING_PER_SIZE = 16;

interface RangeMessage {
  kind: 'range';
  id: number;
  files: RangeFile[];
  pieceLength: number;
  totalLength: number;
  fromPiece: number;
  toPiece: number;
  readChunkBytes: number;
  cancel: Int32Array;
}

type TaskMessage =
  | { kind: 'sha1'; id: number; data: Uint8Array; giveBack: boolean }
  | {
      kind: 'write';
      id: number;
      fd: number;
      data: Uint8Array;
      position: number;
      chunkBytes: number;
      giveBack: boolean;
    }
  | RangeMessage;

type ReplyMessage =
  | { kind: 'sha1-done'; id: number; digest: Uint8Array; data?: Uint8Array }
  | { kind: 'write-done'; id: number; data?: Uint8Array }
  | { kind: 'progress'; id: number; bytes: number }
  | { kind: 'range-done'; id: number; digests: Uint8Array; readable: Uint8Array }
  | { kind: 'aborted'; id: number }
  | { kind: 'failed'; id: number; message: string; code: string | null };

interface Task {
  message: TaskMessage;
  transfer: ArrayBuffer[];
  onReply: (reply: ReplyMessage) => void;
  onFail: (err: Error) => void;
  /** Set by enqueue: urgent tasks queue ahead of range chunks (see there). */
  urgent?: boolean;
  /** Tasks of one lane run on one worker, in order (see writeAt). */
  lane?: number | null;
}

interface Slot {
  worker: Worker;
  tasks: Set<number>;
  exited: boolean;
}

/** The main thread as a hashing thread (mainThreadHelps): at most one range chunk at a time. */
interface MainSlot {
  tasks: Set<number>;
  readBuffer: Uint8Array | null;
  /** The next slice, while a chunk is being hashed. */
  next: NodeJS.Immediate | null;
}

const FS_IO: RangeIo = { openSync, readSync, closeSync, createHash };

export class HashWritePool {
  readonly threads: number;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private tasks = new Map<number, Task>();
  private nextId = 1;
  private closed = false;
  /** Free staging buffers by capacity, for `sha1` and `writeAt` of non-shared bytes. */
  private staging = new Map<number, SharedArrayBuffer[]>();
  /** Set when the main thread helps with ranges. */
  private main: MainSlot | null;
  /** Workers started at most: `threads`, one fewer when the main thread helps (but at least 1). */
  private readonly maxWorkers: number;
  /** Whether workers take range chunks: not when the main thread is the only hashing thread. */
  private readonly workersTakeRanges: boolean;

  /**
   * `threads`: threads that hash, by default one per core. `mainThreadHelps`: the main thread
   * is one of them for ranges (see the invariants above).
   */
  constructor(opts: { threads?: number; mainThreadHelps?: boolean } = {}) {
    this.threads = Math.max(1, Math.floor(opts.threads ?? os.availableParallelism()));
    this.main =
      opts.mainThreadHelps === true ? { tasks: new Set(), readBuffer: null, next: null } : null;
    this.maxWorkers = this.main === null ? this.threads : Math.max(1, this.threads - 1);
    this.workersTakeRanges = this.main === null || this.threads > 1;
  }

  /**
   * Starts every worker now rather than with the first task, so their start-up overlaps the
   * caller's own (a one-shot `swarmscope create` boots them before it reads its arguments).
   */
  prestart(): void {
    if (this.closed || (!this.workersTakeRanges && this.main !== null)) return;
    while (this.slots.length < this.maxWorkers) this.spawn();
    this.refreshRefs();
  }

  /** Workers currently alive (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.length;
  }

  /**
   * SHA-1 of one buffer, off the main thread. Bytes in a SharedArrayBuffer are read in place;
   * others are copied once into a reused shared staging buffer. (Posting a fresh copy instead
   * costs the main thread several times more: each new ArrayBuffer is zeroed and page-faulted.)
   */
  async sha1(data: Uint8Array): Promise<Uint8Array> {
    const { reply } = await this.runOnBytes(data, false, null, (id, payload, giveBack) => ({
      kind: 'sha1',
      id,
      data: payload,
      giveBack,
    }));
    if (reply.kind === 'sha1-done') return reply.digest;
    throw failure('sha1', reply);
  }

  /**
   * SHA-1 of bytes the caller owns outright: a plain Uint8Array's buffer moves to a worker and
   * back, so nothing is copied. The caller must not touch `data` until this settles, and then
   * uses the returned `data`, a view of the same bytes. Shared bytes are read in place, and a
   * Node Buffer (maybe a slice of Node's pool, which must not move) is staged as in `sha1`.
   *
   * Why not shared memory for piece buffers: V8 fills shared memory with relaxed atomic copies,
   * byte by byte when source and target are misaligned, as blocks inside socket reads are.
   * Measured in a download: 0.57 s per GiB against 0.21 s into a plain buffer.
   */
  async sha1Owned(data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    const done = await this.runOnBytes(data, true, null, (id, payload, giveBack) => ({
      kind: 'sha1',
      id,
      data: payload,
      giveBack,
    }));
    if (done.reply.kind === 'sha1-done') return { digest: done.reply.digest, data: done.data };
    throw failure('sha1', done.reply);
  }

  /**
   * Writes `data` to the open file descriptor `fd` at `position`, on a worker thread, in
   * WRITE_CHUNK_BYTES syscalls, and resolves with the bytes to keep using: like `sha1Owned`, a
   * plain Uint8Array's buffer moves to the worker and back. The caller keeps `fd` open until
   * this settles. A failed write rejects with a DiskWriteError carrying the system error code
   * (ENOSPC, EIO, ...); the moved buffer is then lost.
   *
   * Writes with the same `lane` (a file, say) go to the same worker, which runs them one at a
   * time in the order they were asked for: no two threads write one file at once (they would
   * only spin on its inode lock), and no round trip through the main thread separates them.
   *
   * Why here and in small chunks: one write syscall of a whole piece makes the page cache take a
   * large folio per write, and on a VM whose free memory is handed back to the host (virtio-balloon
   * free page reporting) each such folio is cold: measured here, 1 GiB written in 1 MiB syscalls
   * cost 2.5 s of kernel time against 0.3-0.75 s in 16-64 KiB ones. Many syscalls per piece
   * from the main thread through libuv would cost more than they save; a worker makes them for
   * one message each way.
   */
  async writeAt(fd: number, data: Uint8Array, position: number, lane = 0): Promise<Uint8Array> {
    const done = await this.runOnBytes(data, true, lane, (id, payload, giveBack) => ({
      kind: 'write',
      id,
      fd,
      data: payload,
      position,
      chunkBytes: WRITE_CHUNK_BYTES,
      giveBack,
    }));
    if (done.reply.kind === 'write-done') return done.data;
    if (done.reply.kind === 'failed') throw new DiskWriteError(done.reply.message, done.reply.code);
    throw failure('write', done.reply);
  }

  /**
   * Runs one urgent task on `data`, which the worker gets one of three ways: shared bytes in
   * place; a plain Uint8Array moved there and back (when `move`); anything else copied into a
   * staging buffer. Resolves with the reply and the view of the bytes the caller uses afterwards.
   */
  private runOnBytes(
    data: Uint8Array,
    move: boolean,
    lane: number | null,
    message: (id: number, payload: Uint8Array, giveBack: boolean) => TaskMessage,
  ): Promise<{ reply: ReplyMessage; data: Uint8Array }> {
    const shared = data.buffer instanceof SharedArrayBuffer;
    const moved = move && !shared && !Buffer.isBuffer(data);
    if (moved && isDetached(data.buffer)) {
      // A detached buffer (moved away and never given back) would be dropped by postMessage
      // without a word, and the task would wait for ever.
      return Promise.reject(new RangeError('the bytes were moved away (a detached buffer)'));
    }
    let payload = data;
    let staged: SharedArrayBuffer | null = null;
    if (!shared && !moved) {
      staged = this.acquireStaging(data.byteLength);
      payload = new Uint8Array(staged, 0, data.byteLength);
      payload.set(data);
    }
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const release = (): void => {
        if (staged !== null) this.releaseStaging(staged);
        staged = null;
      };
      this.enqueue(
        {
          message: message(id, payload, moved),
          transfer: moved ? [data.buffer as ArrayBuffer] : [],
          onReply: (reply) => {
            release();
            const back = moved && 'data' in reply ? reply.data : undefined;
            if (moved && reply.kind !== 'failed' && back === undefined) {
              reject(failure(reply.kind, reply));
              return;
            }
            resolve({ reply, data: back ?? data });
          },
          onFail: (err) => {
            release();
            reject(err);
          },
          lane,
        },
        true,
      );
    });
  }

  /** A shared buffer of at least `bytes`, from the free list of its power-of-two size. */
  private acquireStaging(bytes: number): SharedArrayBuffer {
    const capacity = Math.max(MIN_STAGING_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
    return this.staging.get(capacity)?.pop() ?? new SharedArrayBuffer(capacity);
  }

  private releaseStaging(buffer: SharedArrayBuffer): void {
    if (this.closed) return;
    const free = this.staging.get(buffer.byteLength) ?? [];
    if (free.length < MAX_FREE_STAGING_PER_SIZE) free.push(buffer);
    this.staging.set(buffer.byteLength, free);
  }

  /**
   * SHA-1 of each piece of the files laid end to end (BEP 3), read by the hashing threads
   * themselves.
   * Missing or short files make their pieces unreadable, not the call failed.
   */
  hashPieces(
    files: readonly HashFile[],
    pieceLength: number,
    opts: HashPiecesOptions = {},
  ): Promise<HashPiecesResult> {
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new RangeError(`pieceLength must be a positive integer, got ${pieceLength}`);
    }
    const layout: RangeFile[] = [];
    let totalLength = 0;
    for (const f of files) {
      if (!Number.isSafeInteger(f.length) || f.length < 0) {
        throw new RangeError(`bad length ${f.length} for ${f.path}`);
      }
      layout.push(
        f.pad === true
          ? { path: f.path, length: f.length, offset: totalLength, zeros: true }
          : { path: f.path, length: f.length, offset: totalLength },
      );
      totalLength += f.length;
    }
    const pieceCount = Math.ceil(totalLength / pieceLength);
    const fromPiece = opts.fromPiece ?? 0;
    const toPiece = opts.toPiece ?? pieceCount;
    if (!(0 <= fromPiece && fromPiece <= toPiece && toPiece <= pieceCount)) {
      throw new RangeError(`piece range ${fromPiece}..${toPiece} is outside 0..${pieceCount}`);
    }
    const count = toPiece - fromPiece;
    const result: HashPiecesResult = {
      digests: new Uint8Array(count * 20),
      readable: new Uint8Array(count),
    };
    if (this.closed)
      return Promise.reject(new HashWritePoolError('hashPieces', 'the pool is closed'));
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(undefined, signal.reason));
    if (count === 0) return Promise.resolve(result);

    const rangeEnd = Math.min(toPiece * pieceLength, totalLength);
    /** Guided self-scheduling: the chunk from piece a is its share of what is left (see above). */
    const chunkEnd = (a: number): number => {
      const share = (rangeEnd - a * pieceLength) / (this.threads * CHUNK_SHARE_DIVISOR);
      const bytes = Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, share));
      return Math.min(toPiece, a + Math.max(1, Math.floor(bytes / pieceLength)));
    };
    const cancel = new Int32Array(new SharedArrayBuffer(4));

    return new Promise<HashPiecesResult>((resolve, reject) => {
      const ids: number[] = [];
      let remaining = 0;
      let doneBytes = 0;
      let settled = false;
      const settle = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err === null) {
          resolve(result);
          return;
        }
        Atomics.store(cancel, 0, 1);
        this.dropQueued(new Set(ids));
        reject(err);
      };
      const onAbort = (): void => settle(new AbortError(undefined, signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });

      for (let a = fromPiece, b = chunkEnd(a); a < toPiece; a = b, b = chunkEnd(a)) {
        const id = this.nextId++;
        ids.push(id);
        remaining++;
        this.enqueue(
          {
            message: {
              kind: 'range',
              id,
              files: overlapping(layout, a * pieceLength, Math.min(b * pieceLength, totalLength)),
              pieceLength,
              totalLength,
              fromPiece: a,
              toPiece: b,
              readChunkBytes: READ_CHUNK_BYTES,
              cancel,
            },
            transfer: [],
            onReply: (reply) => {
              if (settled) return;
              if (reply.kind === 'progress') {
                doneBytes += reply.bytes;
                try {
                  opts.onProgress?.(doneBytes);
                } catch (err) {
                  // The caller's own fault: it ends this job, never the pool's bookkeeping.
                  settle(err instanceof Error ? err : new Error(String(err)));
                }
              } else if (reply.kind === 'range-done') {
                result.digests.set(reply.digests, (a - fromPiece) * 20);
                result.readable.set(reply.readable, a - fromPiece);
                if (--remaining === 0) settle(null);
              } else if (reply.kind === 'aborted') {
                settle(new AbortError());
              } else {
                settle(failure('hashPieces', reply));
              }
            },
            onFail: (err) => settle(err),
          },
          false,
        );
      }
    });
  }

  /** Which pieces of the range match `expected` (20 bytes per piece of the whole torrent). */
  async checkPieces(
    files: readonly HashFile[],
    pieceLength: number,
    expected: Uint8Array,
    opts: HashPiecesOptions = {},
  ): Promise<Uint8Array> {
    const { digests, readable } = await this.hashPieces(files, pieceLength, opts);
    const from = opts.fromPiece ?? 0;
    if (expected.length < (from + readable.length) * 20) {
      throw new RangeError(`expected holds ${expected.length / 20} hashes, too few for the range`);
    }
    const verified = new Uint8Array(readable.length);
    for (let i = 0; i < readable.length; i++) {
      if (readable[i] !== 1) continue;
      let same = 1;
      for (let j = 0; j < 20; j++) {
        if (digests[i * 20 + j] !== expected[(from + i) * 20 + j]) {
          same = 0;
          break;
        }
      }
      verified[i] = same;
    }
    return verified;
  }

  /** Rejects everything pending and stops every worker; resolves once all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    this.staging.clear();
    if (this.main !== null) {
      if (this.main.next !== null) clearImmediate(this.main.next);
      this.main.next = null;
      this.main.tasks.clear();
      this.main.readBuffer = null;
    }
    const err = new HashWritePoolError('close', 'the pool was closed with tasks pending');
    const pending = [...this.queue, ...this.tasks.values()];
    this.queue = [];
    this.tasks.clear();
    for (const t of new Set(pending)) t.onFail(err);
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /**
   * Tasks with a lane (writes) go straight to their worker. The others queue: urgent ones
   * (piece hashes) ahead of range chunks, first come first served among themselves, so the
   * oldest piece buffers come back first.
   */
  private enqueue(task: Task, urgent: boolean): void {
    if (this.closed) {
      task.onFail(new HashWritePoolError(task.message.kind, 'the pool is closed'));
      return;
    }
    if (task.lane !== undefined && task.lane !== null) {
      // Straight to its lane's worker, whose message queue keeps the order.
      const index = task.lane % this.maxWorkers;
      while (this.slots.length <= index) this.spawn();
      this.post(this.slots[index] as Slot, task);
      this.refreshRefs();
      return;
    }
    task.urgent = urgent;
    let at = this.queue.length;
    if (urgent) while (at > 0 && this.queue[at - 1]?.urgent !== true) at--;
    this.queue.splice(at, 0, task);
    this.pump();
  }

  private dropQueued(ids: Set<number>): void {
    this.queue = this.queue.filter((t) => !ids.has(t.message.id));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.main !== null && this.main.tasks.size === 0) {
        const at = this.queue.findIndex(
          (t) => t.message.kind === 'range' && t.message.pieceLength <= MAIN_SLICE_BYTES,
        );
        if (at !== -1) {
          this.runOnMain(this.main, this.queue.splice(at, 1)[0]!);
          continue;
        }
      }
      const head = this.queue[0]!.message;
      // Urgent tasks queue first, so a range at the head means only ranges are left; with one
      // thread, those the main thread can take wait for it.
      const mainOnly = head.kind === 'range' && head.pieceLength <= MAIN_SLICE_BYTES;
      if (mainOnly && !this.workersTakeRanges) break;
      let slot: Slot | null = null;
      for (const s of this.slots) {
        if (s.tasks.size < MAX_TASKS_PER_WORKER && (!slot || s.tasks.size < slot.tasks.size)) {
          slot = s;
        }
      }
      if ((slot === null || slot.tasks.size > 0) && this.slots.length < this.maxWorkers) {
        slot = this.spawn();
      }
      if (slot === null) break;
      this.post(slot, this.queue.shift()!);
    }
    this.refreshRefs();
  }

  private post(slot: Slot, task: Task): void {
    slot.tasks.add(task.message.id);
    this.tasks.set(task.message.id, task);
    try {
      slot.worker.postMessage(task.message, task.transfer);
    } catch (err) {
      // An untransferable buffer (DataCloneError): this task fails, nothing is left waiting.
      slot.tasks.delete(task.message.id);
      this.tasks.delete(task.message.id);
      task.onFail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** A busy worker keeps the process alive (its result must arrive); an idle one does not. */
  private refreshRefs(): void {
    for (const s of this.slots) {
      if (s.tasks.size > 0) s.worker.ref();
      else s.worker.unref();
    }
  }

  private spawn(): Slot {
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true, name: 'swarmscope-hash' });
    const slot: Slot = { worker, tasks: new Set(), exited: false };
    worker.on('message', (reply: ReplyMessage) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onWorkerGone(slot, err));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`worker exited with ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  /**
   * Hashes a range chunk on the main thread, a slice of whole pieces at a time with a turn of the
   * event loop between slices, and answers with the messages a worker would send.
   */
  private runOnMain(main: MainSlot, task: Task): void {
    const m = task.message as RangeMessage;
    main.tasks.add(m.id);
    this.tasks.set(m.id, task);
    const count = m.toPiece - m.fromPiece;
    const digests = new Uint8Array(count * 20);
    const readable = new Uint8Array(count);
    const slicePieces = Math.max(1, Math.floor(MAIN_SLICE_BYTES / m.pieceLength));
    if (main.readBuffer === null || main.readBuffer.length < m.readChunkBytes) {
      main.readBuffer = pageAlignedBytes(m.readChunkBytes);
    }
    // hashRangeSync reads its buffer's length at a time.
    const buffer = main.readBuffer.subarray(0, m.readChunkBytes);
    let at = m.fromPiece;
    let unreported = 0;
    let reportedAt = performance.now();
    const step = (): void => {
      main.next = null;
      if (this.tasks.get(m.id) !== task) return; // the pool was closed
      if (Atomics.load(m.cancel, 0) !== 0) {
        this.onReply(main, { kind: 'aborted', id: m.id });
        return;
      }
      try {
        const to = Math.min(m.toPiece, at + slicePieces);
        const part = hashRangeSync(FS_IO, { ...m, fromPiece: at, toPiece: to }, buffer, {
          cancelled: () => false,
          progress: (bytes) => (unreported += bytes),
        })!;
        digests.set(part.digests, (at - m.fromPiece) * 20);
        readable.set(part.readable, at - m.fromPiece);
        at = to;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        this.onReply(main, {
          kind: 'failed',
          id: m.id,
          message: err instanceof Error ? err.message : String(err),
          code: typeof code === 'string' ? code : null,
        });
        return;
      }
      const now = performance.now();
      if (at === m.toPiece || now - reportedAt >= PROGRESS_INTERVAL_MS) {
        const bytes = unreported;
        unreported = 0;
        reportedAt = now;
        this.onReply(main, { kind: 'progress', id: m.id, bytes });
        if (this.tasks.get(m.id) !== task) return; // onProgress closed the pool
      }
      if (at < m.toPiece) main.next = setImmediate(step);
      else this.onReply(main, { kind: 'range-done', id: m.id, digests, readable });
    };
    main.next = setImmediate(step);
  }

  private onReply(slot: Slot | MainSlot, reply: ReplyMessage): void {
    const task = this.tasks.get(reply.id);
    if (task === undefined) return; // its job was aborted or the pool closed
    if (reply.kind !== 'progress') {
      this.tasks.delete(reply.id);
      slot.tasks.delete(reply.id);
    }
    task.onReply(reply);
    if (reply.kind !== 'progress') this.pump();
  }

  /** A worker died on its own (not by close): fail its tasks and let pump start another. */
  private onWorkerGone(slot: Slot, cause: Error): void {
    if (slot.exited) return;
    slot.exited = true;
    const index = this.slots.indexOf(slot);
    if (index === -1) return; // close() already took it
    this.slots.splice(index, 1);
    const err = new HashWritePoolError('worker', 'a hashing worker failed', cause);
    for (const id of slot.tasks) {
      const task = this.tasks.get(id);
      this.tasks.delete(id);
      task?.onFail(err);
    }
    slot.tasks.clear();
    void slot.worker.terminate();
    this.pump();
  }
}

/** True for an ArrayBuffer whose bytes were transferred away. */
function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function failure(operation: string, reply: ReplyMessage): HashWritePoolError {
  const detail = reply.kind === 'failed' ? reply.message : `unexpected reply ${reply.kind}`;
  return new HashWritePoolError(operation, detail);
}

/** The files (with offsets) holding bytes of [start, end); zero-length ones are left out. */
function overlapping(layout: readonly RangeFile[], start: number, end: number): RangeFile[] {
  let lo = 0;
  let hi = layout.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout[mid]!.offset + layout[mid]!.length <= start) lo = mid + 1;
    else hi = mid;
  }
  const out: RangeFile[] = [];
  for (let i = lo; i < layout.length && layout[i]!.offset < end; i++) {
    if (layout[i]!.length > 0) out.push(layout[i]!);
  }
  return out;
}
