/**
 * Whole pieces read once and served block by block: a peer asks for a piece in 16 KiB blocks,
 * and one read per block would cost a syscall (and a disk seek) each.
 *
 * Invariants:
 * - At most `capacity` pieces are held; the least recently used goes first.
 * - A failed read is forgotten at once, so the next request reads again.
 */
export class PieceReadCache {
  private readonly pieces = new Map<number, Promise<Uint8Array>>();

  constructor(
    private readonly read: (index: number) => Promise<Uint8Array>,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.pieces.size;
  }

  get(index: number): Promise<Uint8Array> {
    const cached = this.pieces.get(index);
    if (cached) {
      // Map order is the recency order: move it to the back.
      this.pieces.delete(index);
      this.pieces.set(index, cached);
      return cached;
    }
    const p = this.read(index);
    this.pieces.set(index, p);
    p.catch(() => {
      if (this.pieces.get(index) === p) this.pieces.delete(index);
    });
    while (this.pieces.size > this.capacity) {
      const oldest = this.pieces.keys().next().value as number;
      this.pieces.delete(oldest);
    }
    return p;
  }

  clear(): void {
    this.pieces.clear();
  }
}
