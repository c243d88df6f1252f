/**
 * Pieces kept in memory, one buffer per written piece: for tests, swarms and seeding generated
 * content. Implements the Storage contract (storage.ts) including its error codes.
 */
import type { FileLayout } from './file-layout';
import { StorageError } from './storage';
import type { Storage } from './storage';

export class MemoryStorage implements Storage {
  private readonly layout: FileLayout;
  private readonly pieces = new Map<number, Uint8Array>();
  private closed = false;

  constructor(layout: FileLayout) {
    this.layout = layout;
  }

  /** Pieces written so far. */
  get pieceCount(): number {
    return this.pieces.size;
  }

  async writePiece(index: number, data: Uint8Array): Promise<Uint8Array> {
    const size = this.layout.pieceSize(index);
    if (data.length !== size) {
      throw new RangeError(`piece ${index} is ${size} bytes, got ${data.length}`);
    }
    this.checkOpen('write');
    // A copy even when handed a Node Buffer, whose `slice` is a view.
    this.pieces.set(index, new Uint8Array(data));
    return data;
  }

  async read(index: number, begin: number, length: number): Promise<Uint8Array> {
    this.layout.spans(index, begin, length); // validates the range
    this.checkOpen('read');
    const piece = this.pieces.get(index);
    if (!piece) throw new StorageError('ENOENT', 'read', `piece ${index} was never written`);
    return piece.slice(begin, begin + length);
  }

  async flush(): Promise<void> {
    this.checkOpen('flush');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async remove(): Promise<void> {
    this.closed = true;
    this.pieces.clear();
  }

  private checkOpen(operation: 'read' | 'write' | 'flush'): void {
    if (this.closed) throw new StorageError('ECLOSED', operation, 'storage is closed');
  }
}
