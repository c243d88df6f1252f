/**
 * RC4 decryption on a worker thread, for encrypted connections that carry bulk data (issue 18).
 *
 * RC4 costs about as much CPU as the rest of a download's main-thread work together (wire
 * parsing, piece assembly, bookkeeping), and on the main thread the two run one after the other.
 * Moving a busy connection's decryption to a worker lets them run side by side, on two cores, so
 * an encrypted download is no longer capped by one thread doing both. The total CPU stays the
 * same (plus a copy per batch); the wall time is what falls. Small connections stay inline: a
 * connection moves here only after `RC4_OFFLOAD_AFTER_BYTES`.
 *
 * Invariants:
 * - Bytes come back in the order they were pushed, each exactly once, decrypted with the same
 *   keystream an inline `Rc4` would have used (the worker runs `rc4Xor`'s own source text).
 * - At most one batch per stream is at the worker; what arrives meanwhile is copied into the
 *   next batch, so under load batches grow and messages stay few. Pending bytes are capped
 *   (`RC4_OFFLOAD_MAX_PENDING_BYTES`): a peer that floods past it is failed, not buffered.
 * - One worker serves every stream of the process; it starts with the first stream and is
 *   terminated when the last one closes, so an idle engine holds no thread. It never keeps the
 *   process alive (`unref`).
 * - After `close`, nothing more is delivered.
 */
import { Worker } from 'node:worker_threads';
import { RC4_OFFLOAD_MAX_PENDING_BYTES } from '../limits';
import { rc4Xor } from './rc4';
import type { Rc4State } from './rc4';

/** A connection decrypts inline until it has received this much; bulk transfers move off. */
export const RC4_OFFLOAD_AFTER_BYTES = 4 * 1024 * 1024;

let offloadAfterBytes = RC4_OFFLOAD_AFTER_BYTES;

/**
 * Process-wide: after how many received bytes a new encrypted stream moves its decryption to the
 * worker (`Infinity`: never). The bench sets it to compare inline and offloaded RC4.
 */
export function setRc4OffloadAfterBytes(bytes: number): void {
  offloadAfterBytes = bytes;
}

export function rc4OffloadAfterBytes(): number {
  return offloadAfterBytes;
}

/** Batches smaller than this are allocated at this size, so a few buffers serve many batches. */
const MIN_BATCH_BYTES = 256 * 1024;

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const rc4Xor = ${rc4Xor.toString()};
const streams = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'open') {
    streams.set(m.id, { s: m.s, ij: m.i | (m.j << 8) });
  } else if (m.op === 'close') {
    streams.delete(m.id);
  } else if (m.op === 'run') {
    const st = streams.get(m.id);
    const bytes = new Uint8Array(m.buffer, 0, m.length);
    if (st) st.ij = rc4Xor(st.s, st.ij, bytes, bytes, LITTLE_ENDIAN);
    parentPort.postMessage({ id: m.id, buffer: m.buffer, length: m.length }, [m.buffer]);
  }
});
`;

interface Reply {
  id: number;
  buffer: ArrayBuffer;
  length: number;
}

type ReplyHandler = (bytes: Uint8Array) => void;

/** The one worker, shared by every offloaded stream, started and stopped by reference count. */
class OffloadWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly handlers = new Map<
    number,
    { onReply: ReplyHandler; onFail: (e: Error) => void }
  >();

  open(state: Rc4State, onReply: ReplyHandler, onFail: (e: Error) => void): number {
    const worker = this.start();
    const id = this.nextId++;
    this.handlers.set(id, { onReply, onFail });
    worker.postMessage({ op: 'open', id, s: state.s, i: state.i, j: state.j });
    return id;
  }

  run(id: number, batch: Uint8Array): void {
    // The batch owns its whole buffer from offset 0 (see OffloadedDecrypt.send).
    const buffer = batch.buffer as ArrayBuffer;
    this.worker?.postMessage({ op: 'run', id, buffer, length: batch.length }, [buffer]);
  }

  close(id: number): void {
    if (!this.handlers.delete(id)) return;
    this.worker?.postMessage({ op: 'close', id });
    if (this.handlers.size === 0) this.stop();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'swarmscope-rc4' });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      this.handlers.get(reply.id)?.onReply(new Uint8Array(reply.buffer, 0, reply.length));
    });
    const fail = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      const handlers = [...this.handlers.values()];
      this.handlers.clear();
      for (const h of handlers) h.onFail(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the RC4 worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }
}

const sharedWorker = new OffloadWorker();

/**
 * One stream's decryption at the worker. `push` takes chunks (lent: copied here), `deliver`
 * gets them back decrypted (lent as well: the buffer is reused once `deliver` returns).
 */
export class OffloadedDecrypt {
  private readonly id: number;
  private inFlight = false;
  private pending: Uint8Array = new Uint8Array(0);
  private pendingBytes = 0;
  /** Buffers back from the worker, reused for the next batch. */
  private spare: ArrayBuffer | null = null;
  private closed = false;

  constructor(
    state: Rc4State,
    private readonly deliver: (chunk: Uint8Array) => void,
    private readonly fail: (error: Error) => void,
  ) {
    this.id = sharedWorker.open(
      state,
      (bytes) => this.onReply(bytes),
      (error) => this.onFail(error),
    );
  }

  /** Nothing is at the worker or waiting for it (or never will be: closed). */
  get idle(): boolean {
    return this.closed || (!this.inFlight && this.pendingBytes === 0);
  }

  push(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) return;
    const need = this.pendingBytes + chunk.length;
    if (need > RC4_OFFLOAD_MAX_PENDING_BYTES) {
      this.onFail(new Error(`more than ${RC4_OFFLOAD_MAX_PENDING_BYTES} bytes arrived unasked`));
      return;
    }
    if (need > this.pending.length) this.pending = this.grow(need);
    this.pending.set(chunk, this.pendingBytes);
    this.pendingBytes = need;
    if (!this.inFlight) this.send();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    sharedWorker.close(this.id);
  }

  private grow(need: number): Uint8Array {
    let size = Math.max(MIN_BATCH_BYTES, this.pending.length);
    while (size < need) size *= 2;
    const next = this.takeBuffer(size);
    next.set(this.pending.subarray(0, this.pendingBytes));
    return next;
  }

  private takeBuffer(size: number): Uint8Array {
    const spare = this.spare;
    if (spare && spare.byteLength >= size) {
      this.spare = null;
      return new Uint8Array(spare);
    }
    return new Uint8Array(size);
  }

  private send(): void {
    const batch = this.pending.subarray(0, this.pendingBytes);
    this.pending = new Uint8Array(0);
    this.pendingBytes = 0;
    this.inFlight = true;
    sharedWorker.run(this.id, new Uint8Array(batch.buffer, 0, batch.length));
  }

  private onReply(bytes: Uint8Array): void {
    this.inFlight = false;
    if (this.closed) return;
    if (this.pendingBytes > 0) this.send();
    this.deliver(bytes);
    // Lent to `deliver`, which has copied what it keeps: the buffer serves a later batch.
    if (!this.spare || this.spare.byteLength < bytes.buffer.byteLength)
      this.spare = bytes.buffer as ArrayBuffer;
  }

  private onFail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.fail(error);
  }
}
