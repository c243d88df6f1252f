/**
 * The part file: the bytes of unwanted ("skipped") files that pieces shared with wanted files
 * bring, kept aside so the unwanted file is never created (libtorrent and qBittorrent keep a
 * `.parts` file for the same reason). One per torrent, hidden in its save folder.
 *
 * Layout on disk: a run of slots, each SLOT_HEADER_BYTES then `pieceLength` bytes. A slot's
 * header is the index of the piece it holds (u32, big-endian) or FREE_SLOT; its body holds that
 * piece's bytes at their offsets inside the piece (only the unwanted files' spans mean anything).
 *
 * Invariants:
 * - Operations run one at a time, in the order asked (slot allocation must not interleave).
 * - A slot's body is written before its header names the piece (a new slot's header says
 *   FREE_SLOT first), so a crash leaves a free slot, never a header naming bytes not there.
 * - The file is created by the first write and deleted when its last slot is freed.
 * - Reading a piece that has no slot fails with ENOENT (the Storage contract's "not had").
 * - Every write is checked for its length: a short write is continued, a zero-byte one fails.
 */
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SafeRoot } from './safe-path';
import { StorageError } from './storage';
import { readFully, writeFully } from './positional-io';
import type { PositionalWrite } from './positional-io';

export const SLOT_HEADER_BYTES = 4;

/** A torrent's part file: hidden in its save folder, named by its info-hash (as libtorrent). */
export function partFilePath(savePath: string, infoHashHex: string): string {
  return path.join(savePath, `.${infoHashHex}.parts`);
}
export const FREE_SLOT = 0xffffffff;

/** Byte position of a slot's header; its body follows. */
export function slotPosition(slot: number, pieceLength: number): number {
  return slot * (SLOT_HEADER_BYTES + pieceLength);
}

export class PartFile {
  private fh: FileHandle | null = null;
  private writable = false;
  private loaded = false;
  /** piece -> slot */
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [];
  private slotCount = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly safe: SafeRoot,
    readonly file: string,
    private readonly pieceLength: number,
    private readonly pieceCount: number,
    private readonly write: PositionalWrite,
  ) {}

  /** The pieces that have a slot, ascending. */
  pieces(): Promise<number[]> {
    return this.run(async () => {
      await this.load();
      return [...this.slots.keys()].sort((a, b) => a - b);
    });
  }

  /** Stores `bytes` at offset `at` of `piece`'s slot, allocating the slot if needed. */
  put(piece: number, at: number, bytes: Uint8Array): Promise<void> {
    this.checkRange(piece, at, bytes.length);
    return this.run(async () => {
      await this.load();
      const fh = await this.handle(true);
      let slot = this.slots.get(piece);
      const fresh = slot === undefined;
      if (slot === undefined) slot = this.free.pop() ?? this.slotCount++;
      const base = slotPosition(slot, this.pieceLength);
      try {
        // A new slot reads as free until its body is in: a file extended by the body alone
        // would read as a header of zeros, naming piece 0.
        if (fresh) await writeFully(this.write, fh, header(FREE_SLOT), base, this.file);
        await writeFully(this.write, fh, bytes, base + SLOT_HEADER_BYTES + at, this.file);
        if (fresh) await writeFully(this.write, fh, header(piece), base, this.file);
      } catch (err) {
        if (fresh) this.free.push(slot);
        throw StorageError.from(err, 'write', this.file);
      }
      this.slots.set(piece, slot);
    });
  }

  /** Fills `into` with the bytes at offset `at` of `piece`; ENOENT when it has no slot. */
  get(piece: number, at: number, into: Uint8Array): Promise<void> {
    this.checkRange(piece, at, into.length);
    return this.run(async () => {
      await this.load();
      const slot = this.slots.get(piece);
      if (slot === undefined || this.fh === null) {
        throw new StorageError('ENOENT', 'read', `piece ${piece} is not in ${this.file}`, {
          path: this.file,
        });
      }
      const base = slotPosition(slot, this.pieceLength);
      await readFully(this.fh, into, base + SLOT_HEADER_BYTES + at, this.file);
    });
  }

  /** Frees `piece`'s slot; deletes the file once no slot is used. */
  release(piece: number): Promise<void> {
    return this.run(async () => {
      await this.load();
      const slot = this.slots.get(piece);
      if (slot === undefined) return;
      const fh = await this.handle(true);
      await writeFully(
        this.write,
        fh,
        header(FREE_SLOT),
        slotPosition(slot, this.pieceLength),
        this.file,
      );
      this.slots.delete(piece);
      this.free.push(slot);
      if (this.slots.size === 0) await this.drop();
    });
  }

  close(): Promise<void> {
    return this.run(() => this.closeHandle());
  }

  /** Closes and deletes the file. */
  remove(): Promise<void> {
    return this.run(() => this.drop());
  }

  // ------------------------------------------------------------------ internals

  private run<T>(op: () => Promise<T>): Promise<T> {
    const p = this.queue.then(op, op);
    this.queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Reads the slot headers of an existing part file (a restart); none when there is no file. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    let fh: FileHandle | null = null;
    try {
      fh = await this.handle(false);
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'ENOENT')) throw err;
    }
    if (fh !== null) {
      const size = (await fh.stat()).size;
      const stride = SLOT_HEADER_BYTES + this.pieceLength;
      // Bounded by the file's size. A slot's body may end early (only the unwanted files'
      // spans are written); a slot counts once its header is whole.
      const count = Math.floor((size + stride - SLOT_HEADER_BYTES) / stride);
      const buf = new Uint8Array(SLOT_HEADER_BYTES);
      for (let slot = 0; slot < count; slot++) {
        await readFully(fh, buf, slotPosition(slot, this.pieceLength), this.file);
        const piece = new DataView(buf.buffer).getUint32(0);
        if (piece !== FREE_SLOT && piece < this.pieceCount && !this.slots.has(piece)) {
          this.slots.set(piece, slot);
        } else {
          this.free.push(slot);
        }
      }
      this.slotCount = count;
    }
    this.loaded = true;
  }

  private async handle(writable: boolean): Promise<FileHandle> {
    if (this.fh !== null && (this.writable || !writable)) return this.fh;
    await this.closeHandle();
    this.fh = await this.safe.openFile(this.file, writable);
    this.writable = writable;
    return this.fh;
  }

  private async closeHandle(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.writable = false;
    if (fh !== null) await fh.close();
  }

  private async drop(): Promise<void> {
    await this.closeHandle();
    await this.safe.removeFiles([this.file]);
    this.slots.clear();
    this.free.length = 0;
    this.slotCount = 0;
    this.loaded = true;
  }

  private checkRange(piece: number, at: number, length: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new RangeError(`piece index ${piece} out of range`);
    }
    if (at < 0 || at + length > this.pieceLength) {
      throw new RangeError(`range ${at}+${length} exceeds a piece (${this.pieceLength} bytes)`);
    }
  }
}

function header(value: number): Uint8Array {
  const out = new Uint8Array(SLOT_HEADER_BYTES);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}
