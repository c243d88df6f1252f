/**
 * Pieces kept sorted by a small integer key, in contiguous buckets (after libtorrent's piece
 * picker). Changing a piece's key by one bucket is one swap, so a HAVE message costs O(1), not a
 * re-sort of 100k pieces.
 *
 * Invariants:
 * - `order` is a permutation of 0..pieceCount-1 and `position[order[p]] === p`.
 * - Bucket k occupies positions [start(k), end(k)); buckets are in ascending key order, so walking
 *   `order` from the front visits pieces from the lowest (best) key to the highest.
 * - Within a bucket the order is random after `rebuild` (the random tie-break); single moves put a
 *   piece at the edge of its new bucket.
 */
import type { Random } from '../time/clock';

export class PieceOrder {
  readonly order: Uint32Array;
  private readonly position: Uint32Array;
  private readonly keys: Uint16Array;
  /** ends[k] = one past the last position of bucket k. */
  private readonly ends: Uint32Array;

  constructor(
    readonly pieceCount: number,
    readonly bucketCount: number,
  ) {
    if (bucketCount < 1 || bucketCount > 0xffff) throw new RangeError('bucketCount out of range');
    this.order = new Uint32Array(pieceCount);
    this.position = new Uint32Array(pieceCount);
    this.keys = new Uint16Array(pieceCount);
    this.ends = new Uint32Array(bucketCount);
  }

  /** Counting sort by key, then a Fisher-Yates shuffle inside each bucket: O(pieces + buckets). */
  rebuild(keyOf: (piece: number) => number, random: Random): void {
    const counts = new Uint32Array(this.bucketCount);
    for (let i = 0; i < this.pieceCount; i++) {
      const k = keyOf(i);
      this.keys[i] = k;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    let acc = 0;
    const next = new Uint32Array(this.bucketCount);
    for (let k = 0; k < this.bucketCount; k++) {
      next[k] = acc;
      acc += counts[k] ?? 0;
      this.ends[k] = acc;
    }
    for (let i = 0; i < this.pieceCount; i++) {
      const k = this.keys[i] as number;
      const p = next[k] as number;
      next[k] = p + 1;
      this.order[p] = i;
    }
    for (let k = 0; k < this.bucketCount; k++) {
      const start = this.start(k);
      const end = this.ends[k] as number;
      for (let p = end - 1; p > start; p--) {
        const q = start + random.int(p - start + 1);
        const a = this.order[p] as number;
        this.order[p] = this.order[q] as number;
        this.order[q] = a;
      }
    }
    for (let p = 0; p < this.pieceCount; p++) this.position[this.order[p] as number] = p;
  }

  key(piece: number): number {
    return this.keys[piece] as number;
  }

  /** Position of a piece in `order`; lower is picked earlier. */
  positionOf(piece: number): number {
    return this.position[piece] as number;
  }

  start(bucket: number): number {
    return bucket === 0 ? 0 : (this.ends[bucket - 1] as number);
  }

  end(bucket: number): number {
    return this.ends[bucket] as number;
  }

  /** Moves a piece to another bucket with one swap per bucket crossed. */
  setKey(piece: number, key: number): void {
    let k = this.keys[piece] as number;
    if (k === key) return;
    if (key < 0 || key >= this.bucketCount) throw new RangeError(`key ${key} out of range`);
    while (k < key) {
      // Swap with the last piece of bucket k, then shrink bucket k: the piece is now first of k+1.
      const last = (this.ends[k] as number) - 1;
      this.swap(this.position[piece] as number, last);
      this.ends[k] = last;
      k++;
    }
    while (k > key) {
      // Swap with the first piece of bucket k, then grow bucket k-1 over it.
      const first = this.ends[k - 1] as number;
      this.swap(this.position[piece] as number, first);
      this.ends[k - 1] = first + 1;
      k--;
    }
    this.keys[piece] = key;
  }

  private swap(p: number, q: number): void {
    if (p === q) return;
    const a = this.order[p] as number;
    const b = this.order[q] as number;
    this.order[p] = b;
    this.order[q] = a;
    this.position[a] = q;
    this.position[b] = p;
  }
}
