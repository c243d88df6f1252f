/**
 * Which pieces are verified on disk: the completion store (anacrolix calls it PieceCompletion).
 * Storage owns it: `trackCompletion` wraps a torrent's Storage so that a piece is marked the
 * moment its verified write resolves, and only then; a data check replaces the whole set, and a
 * piece that fails a recheck is cleared. The resume file (session/resume-file.ts) persists it.
 *
 * Invariants:
 * - A bit is set only after the bytes were written (or a check read and hashed them): the set
 *   never claims a piece that is not on disk, so trusting it at the next start is safe as long
 *   as the files did not change behind our back (the resume check looks at size and mtime).
 * - `version` moves on every change (and only then), so a writer tells "changed since my last save" in O(1)
 *   instead of comparing bitfields; nothing here does I/O.
 * - The bitfield is BEP 3's layout (high bit first), spare bits of the last byte zero.
 */
import type { Storage } from './storage';

export class PieceCompletion {
  private readonly bits: Uint8Array;
  private verified = 0;
  /** Moves on every change (see the header). */
  version = 0;

  constructor(readonly pieceCount: number) {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0)
      throw new RangeError(`bad piece count ${pieceCount}`);
    this.bits = new Uint8Array(Math.ceil(pieceCount / 8));
  }

  has(index: number): boolean {
    if (!(index >= 0 && index < this.pieceCount)) return false;
    return ((this.bits[index >> 3] as number) & (0x80 >> (index & 7))) !== 0;
  }

  /** A verified piece is on disk. */
  set(index: number): void {
    this.checkIndex(index);
    if (this.has(index)) return;
    this.bits[index >> 3] = (this.bits[index >> 3] as number) | (0x80 >> (index & 7));
    this.verified++;
    this.version++;
  }

  /** The piece is not (or no longer) verified on disk: a failed recheck, a changed file. */
  clear(index: number): void {
    this.checkIndex(index);
    if (!this.has(index)) return;
    this.bits[index >> 3] = (this.bits[index >> 3] as number) & ~(0x80 >> (index & 7));
    this.verified--;
    this.version++;
  }

  /** Replaces the set with a data check's result (one byte per piece, 1 = verified). */
  replace(verifiedPieces: Uint8Array): void {
    if (verifiedPieces.length !== this.pieceCount)
      throw new RangeError(`${verifiedPieces.length} results for ${this.pieceCount} pieces`);
    const next = new Uint8Array(this.bits.length);
    let verified = 0;
    for (let i = 0; i < verifiedPieces.length; i++) {
      if (verifiedPieces[i] !== 1) continue;
      next[i >> 3] = (next[i >> 3] as number) | (0x80 >> (i & 7));
      verified++;
    }
    // The same set (a restart that trusted its resume data) is no change: nothing to save.
    if (verified === this.verified && Buffer.compare(next, this.bits) === 0) return;
    this.bits.set(next);
    this.verified = verified;
    this.version++;
  }

  get count(): number {
    return this.verified;
  }

  /** A copy of the bitfield (BEP 3 layout). */
  bitfield(): Uint8Array {
    return this.bits.slice();
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount)
      throw new RangeError(`piece index ${index} out of range`);
  }
}

/** The verified pieces of a BEP 3 bitfield, one byte per piece (1 = verified). */
export function piecesOfBitfield(bits: Uint8Array, pieceCount: number): Uint8Array {
  const out = new Uint8Array(pieceCount);
  for (let i = 0; i < pieceCount; i++) out[i] = ((bits[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
  return out;
}

/**
 * The storage with completion kept: a piece is marked once its write resolved. Every other
 * member passes through to the backend (a Proxy, so methods a backend adds later pass too), and
 * works on the backend itself, never on a copy of its state.
 */
export function trackCompletion<S extends Storage>(storage: S, completion: PieceCompletion): S {
  const writePiece = async (index: number, data: Uint8Array): Promise<Uint8Array> => {
    const back = await storage.writePiece(index, data);
    completion.set(index);
    return back;
  };
  return new Proxy(storage, {
    get(target, prop) {
      if (prop === 'writePiece') return writePiece;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
