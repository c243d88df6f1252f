/**
 * The download pipeline: how many requests may go out (the request budget), the assembly of
 * blocks into pieces in recycled buffers, and verify-then-write.
 *
 * Invariants:
 * - Finished pieces awaiting their hash and write, and the blocks requested, share one memory
 *   budget, so a disk slower than the network cannot fill memory.
 * - Requests go out in batches (one write of many requests instead of one per block) and the
 *   pipeline stays at least three quarters full.
 * - A piece is written only after its SHA-1 matched; its buffer returns to the pool after.
 * - Pure but for the hash and write callbacks handed to `verifyThenWrite`.
 */
import { BLOCK_BYTES, REQUEST_BATCH_MAX } from '../limits';

export interface RequestBudgetInput {
  /** Requests the connection wants in flight (its queue depth). */
  depth: number;
  /** Requests in flight on this connection. */
  inFlight: number;
  /** Requests in flight on all connections of the torrent. */
  inFlightTotal: number;
  budgetBytes: number;
  piecesInVerifyOrWrite: number;
  pieceLength: number;
}

/**
 * Requests to send to one peer now; 0 for none. As the backlog of pieces to write grows, fewer
 * requests go out, but they keep going: stopping until a backlog drained emptied the pipeline
 * and left the peer idle.
 */
export function requestsWanted(r: RequestBudgetInput): number {
  const batch = Math.min(REQUEST_BATCH_MAX, Math.floor(r.depth / 4));
  const want = r.depth - r.inFlight;
  if (want <= 0 || (r.inFlight > 0 && want < batch)) return 0;
  const room =
    Math.floor((r.budgetBytes - r.piecesInVerifyOrWrite * r.pieceLength) / BLOCK_BYTES) -
    r.inFlightTotal;
  if (room >= want) return want;
  if (room <= 0 || (r.inFlight > 0 && room < batch)) return 0;
  return room;
}

export interface PieceBuffer {
  data: Uint8Array;
  /** Blocks written into it. */
  received: number;
  blocks: number;
}

/**
 * Partial pieces, each in a buffer from a pool. Buffers are recycled: a fresh megabyte per piece
 * would be zeroed and page-faulted, and grow the heap by the size of the download. Plain (not
 * shared) memory: blocks are copied in at full speed, and the buffer moves to a hash worker and
 * back.
 */
export class PieceAssembly {
  private readonly partial = new Map<number, PieceBuffer>();
  private readonly free: Uint8Array[] = [];

  /**
   * @param maxFreeBuffers spare buffers kept: as many as the pipeline budget holds pieces, so
   *   none is allocated anew in steady state; a dropped one goes back to the kernel.
   */
  constructor(
    private readonly pieceLength: number,
    private readonly maxFreeBuffers: number,
  ) {}

  get partialCount(): number {
    return this.partial.size;
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** Copies a block into its piece's buffer (taken from the pool on the first block). */
  addBlock(index: number, begin: number, data: Uint8Array, pieceSize: number): PieceBuffer {
    let buf = this.partial.get(index);
    if (!buf) {
      buf = { data: this.take(pieceSize), received: 0, blocks: Math.ceil(pieceSize / BLOCK_BYTES) };
      this.partial.set(index, buf);
    }
    buf.data.set(data, begin);
    buf.received++;
    return buf;
  }

  /** The piece is whole: it leaves assembly (for verify-then-write). */
  finish(index: number): void {
    this.partial.delete(index);
  }

  /** Drops every partial piece (a stop); returns their indices. */
  abandonAll(): number[] {
    const indices = [...this.partial.keys()];
    for (const buf of this.partial.values()) this.release(buf.data);
    this.partial.clear();
    return indices;
  }

  release(data: Uint8Array): void {
    // A buffer lost with a failed hash task comes back detached (length 0): nothing to keep.
    if (data.buffer.byteLength !== this.pieceLength) return;
    if (this.free.length < this.maxFreeBuffers)
      this.free.push(new Uint8Array(data.buffer, 0, this.pieceLength));
  }

  private take(size: number): Uint8Array {
    const base = this.free.pop() ?? new Uint8Array(this.pieceLength);
    return base.subarray(0, size);
  }
}

export type VerifyOutcome =
  | { kind: 'verified' }
  | { kind: 'hash-mismatch' }
  | { kind: 'hash-error'; error: unknown }
  | { kind: 'write-error'; error: unknown };

export interface VerifyIo {
  /** Hashes the buffer, which may move to a worker and back: use the returned one. */
  sha1Owned(data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }>;
  /** Writes the piece; resolves with the bytes to keep using (see Storage.writePiece). */
  writePiece(index: number, data: Uint8Array): Promise<Uint8Array>;
}

/** Hash, compare, and only on a match write. `buf.data` follows the buffer through both. */
export async function verifyThenWrite(
  index: number,
  buf: PieceBuffer,
  expected: Uint8Array,
  io: VerifyIo,
): Promise<VerifyOutcome> {
  let digest: Uint8Array;
  try {
    const hashed = await io.sha1Owned(buf.data);
    buf.data = hashed.data;
    digest = hashed.digest;
  } catch (error) {
    return { kind: 'hash-error', error };
  }
  if (Buffer.compare(digest, expected) !== 0) return { kind: 'hash-mismatch' };
  try {
    buf.data = await io.writePiece(index, buf.data);
  } catch (error) {
    return { kind: 'write-error', error };
  }
  return { kind: 'verified' };
}
