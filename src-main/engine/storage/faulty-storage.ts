/**
 * A storage that misbehaves on purpose, for tests (after anacrolix's badStorage and libtorrent's
 * test_disk): writes fail once a byte budget is spent (a full disk), reads can come back with a
 * flipped bit (silent corruption that only hashing catches), writes can be slow. And the
 * short-write mode (`shortWrites`), a write syscall for a FileStorage that takes fewer bytes
 * than asked, as a filling disk does (Transmission #2367 ignored them).
 */
import { StorageError } from './storage';
import type { Storage } from './storage';
import { systemClock } from '../time/clock';
import { fileHandleWrite } from './positional-io';
import type { PositionalWrite } from './positional-io';

export interface ShortWriteOptions {
  /** Each call writes at most this many bytes (at least 1). */
  maxBytesPerCall: number;
  /** Once this many bytes went through, every call writes nothing and reports 0. */
  zeroAfterBytes?: number;
}

/** A positional write (FileStorageOptions.positionalWrite) that writes short; counts its calls. */
export function shortWrites(opts: ShortWriteOptions): PositionalWrite & {
  calls: number;
  shortCalls: number;
} {
  let written = 0;
  const write = async (
    ...[fh, data, offset, length, position]: Parameters<PositionalWrite>
  ): Promise<number> => {
    fn.calls++;
    if (opts.zeroAfterBytes !== undefined && written >= opts.zeroAfterBytes) {
      fn.shortCalls++;
      return 0;
    }
    const take = Math.max(1, Math.min(length, opts.maxBytesPerCall));
    if (take < length) fn.shortCalls++;
    const n = await fileHandleWrite(fh, data, offset, take, position);
    written += n;
    return n;
  };
  const fn = Object.assign(write, { calls: 0, shortCalls: 0 });
  return fn;
}

export interface FaultyStorageOptions {
  /** Writes that would take the total past this many bytes fail (nothing of them is written). */
  failAfterBytes?: number;
  /** Flip one bit of every read, or of reads of the pieces this returns true for. */
  flipBitsOnRead?: boolean | ((index: number) => boolean);
  /** The error writes fail with. Default 'ENOSPC'. */
  errorCode?: 'ENOSPC' | 'EIO';
  /** A slow disk: every write waits this long first (real time). */
  writeDelayMs?: number;
}

export class FaultyStorage implements Storage {
  private readonly inner: Storage;
  private opts: FaultyStorageOptions;
  private written = 0;
  private failedWrites = 0;
  private pendingWrites = 0;
  private peakPendingWrites = 0;

  constructor(inner: Storage, opts: FaultyStorageOptions = {}) {
    this.inner = inner;
    this.opts = opts;
  }

  /** Frees space (or takes it): writes past the new budget fail; undefined lets all pass. */
  setFailAfterBytes(bytes: number | undefined): void {
    this.opts = { ...this.opts, failAfterBytes: bytes };
  }

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.written;
  }

  get writeFailures(): number {
    return this.failedWrites;
  }

  /** The most writes that were waiting or running at once. */
  get maxPendingWrites(): number {
    return this.peakPendingWrites;
  }

  async writePiece(index: number, data: Uint8Array): Promise<Uint8Array> {
    const budget = this.opts.failAfterBytes;
    if (budget !== undefined && this.written + data.length > budget) {
      this.failedWrites++;
      const code = this.opts.errorCode ?? 'ENOSPC';
      throw new StorageError(code, 'write', `injected ${code} writing piece ${index}`);
    }
    // The bytes count from acceptance, as a disk's space does: with many writes in flight,
    // counting them only once written let every one of them past the budget.
    const length = data.length;
    this.written += length;
    this.pendingWrites++;
    this.peakPendingWrites = Math.max(this.peakPendingWrites, this.pendingWrites);
    try {
      const delay = this.opts.writeDelayMs ?? 0;
      if (delay > 0) await new Promise<void>((resolve) => systemClock.setTimeout(resolve, delay));
      return await this.inner.writePiece(index, data);
    } catch (err) {
      this.written -= length;
      throw err;
    } finally {
      this.pendingWrites--;
    }
  }

  async read(index: number, begin: number, length: number): Promise<Uint8Array> {
    const data = await this.inner.read(index, begin, length);
    const flip = this.opts.flipBitsOnRead;
    if (data.length > 0 && (flip === true || (typeof flip === 'function' && flip(index)))) {
      const copy = data.slice();
      const at = (index * 7919 + begin) % copy.length;
      copy[at] = (copy[at] as number) ^ 0x10;
      return copy;
    }
    return data;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async ensureFiles(): Promise<void> {
    await this.inner.ensureFiles?.();
  }

  remove(): Promise<void> {
    return this.inner.remove();
  }
}
