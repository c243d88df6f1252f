/**
 * A fixed-length set of piece indices, stored as the BEP 3 wire bitfield: bit 7 of byte 0 is
 * piece 0. Invariants: the spare bits of the last byte are always zero, and `count()` always
 * equals the number of set bits (kept incrementally so it is O(1)).
 */
import { ProtocolError } from './protocol-error';

/** Set bits in each byte value, so counting a received bitfield is one lookup per byte. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] ?? 0);

export class Bitfield {
  readonly length: number;
  private readonly bytes: Uint8Array;
  private setCount = 0;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`bitfield length ${n} is invalid`);
    this.length = n;
    this.bytes = new Uint8Array(Math.ceil(n / 8));
  }

  /** Bytes a bitfield of `n` pieces occupies on the wire. */
  static byteLength(n: number): number {
    return Math.ceil(n / 8);
  }

  /** Copies `bytes`; throws ProtocolError if the length is wrong or a spare bit is set (BEP 3). */
  static fromBytes(bytes: Uint8Array, n: number): Bitfield {
    const bf = new Bitfield(n);
    if (bytes.length !== bf.bytes.length) {
      throw new ProtocolError(
        'bad-bitfield',
        'decode-bitfield',
        `bitfield of ${bytes.length} bytes for ${n} pieces (expected ${bf.bytes.length})`,
      );
    }
    const spare = bf.bytes.length * 8 - n;
    if (spare > 0) {
      const last = bytes[bytes.length - 1] ?? 0;
      if ((last & ((1 << spare) - 1)) !== 0) {
        throw new ProtocolError('bad-bitfield', 'decode-bitfield', 'bitfield has spare bits set');
      }
    }
    bf.bytes.set(bytes);
    let c = 0;
    for (let i = 0; i < bytes.length; i++) c += POPCOUNT[bytes[i] ?? 0] ?? 0;
    bf.setCount = c;
    return bf;
  }

  /** A bitfield with every piece set (BEP 6 have-all). */
  static full(n: number): Bitfield {
    const bf = new Bitfield(n);
    bf.setAll();
    return bf;
  }

  get(i: number): boolean {
    if (i < 0 || i >= this.length) return false;
    return ((this.bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0;
  }

  set(i: number, v = true): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`piece ${i} outside bitfield of ${this.length}`);
    }
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    const old = this.bytes[byte] ?? 0;
    const had = (old & mask) !== 0;
    if (had === v) return;
    this.bytes[byte] = v ? old | mask : old & ~mask;
    this.setCount += v ? 1 : -1;
  }

  setAll(): void {
    this.bytes.fill(0xff);
    const spare = this.bytes.length * 8 - this.length;
    if (spare > 0) this.bytes[this.bytes.length - 1] = (0xff << spare) & 0xff;
    this.setCount = this.length;
  }

  clearAll(): void {
    this.bytes.fill(0);
    this.setCount = 0;
  }

  count(): number {
    return this.setCount;
  }

  isFull(): boolean {
    return this.setCount === this.length;
  }

  isEmpty(): boolean {
    return this.setCount === 0;
  }

  /** A copy of the wire bytes. */
  toBytes(): Uint8Array {
    return this.bytes.slice();
  }

  clone(): Bitfield {
    return Bitfield.fromBytes(this.bytes, this.length);
  }
}
