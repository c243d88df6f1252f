/**
 * The corrupt lab peer's storage: the content's real files, but every block read for sending
 * has one byte flipped. Pieces it serves fail their hash at the receiver, which strikes and then
 * bans it (the engine's ban policy) - the behaviour the lab exists to show. Writes, flushes and
 * the optional file bookkeeping pass through unchanged.
 */
import type { Storage } from '../engine';

export class CorruptingStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  writePiece(index: number, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.writePiece(index, data);
  }

  async read(index: number, begin: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(index, begin, length);
    // A copy: the inner backend may hand out a cached buffer that others read too.
    const out = Uint8Array.from(bytes);
    if (out.length > 0) out[out.length >> 1] = (out[out.length >> 1] ?? 0) ^ 0xff;
    return out;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  remove(): Promise<void> {
    return this.inner.remove();
  }

  ensureFiles(): Promise<void> {
    return this.inner.ensureFiles?.() ?? Promise.resolve();
  }

  setFilesWanted(wanted: readonly boolean[]): Promise<void> {
    return this.inner.setFilesWanted?.(wanted) ?? Promise.resolve();
  }

  expectFiles(files: readonly number[]): void {
    this.inner.expectFiles?.(files);
  }

  missingFiles(): Promise<number[]> {
    return this.inner.missingFiles?.() ?? Promise.resolve([]);
  }

  partPieces(): Promise<number[]> {
    return this.inner.partPieces?.() ?? Promise.resolve([]);
  }
}
