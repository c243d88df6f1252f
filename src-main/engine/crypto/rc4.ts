/**
 * RC4 over typed arrays, for MSE/PE (issue 18). Node's OpenSSL 3 ships no `rc4` cipher, so the
 * stream cipher is written here.
 *
 * Invariants:
 * - `Rc4` is one keystream: each byte processed advances it, whichever call processed it, so a
 *   stream encrypted in chunks of any sizes equals the stream encrypted at once.
 * - `process` allocates nothing per byte and nothing at all when given `dst` (or in place).
 * - MSE uses RC4-drop-1024: `createMseRc4` discards the first 1024 keystream bytes, because the
 *   early output of RC4 leaks key bits (Fluhrer, Mantin and Shamir).
 */

/** MSE: "RC4 ... the first 1024 bytes of the RC4 output are discarded". */
export const MSE_RC4_DROP_BYTES = 1024;

/** The word path below assumes the first byte of a Uint32 is its low byte. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Where a keystream stands: its permutation and the two indices. */
export interface Rc4State {
  s: Int32Array;
  i: number;
  j: number;
}

export class Rc4 {
  /**
   * Int32Array, not Uint8Array: V8 loads and stores int32 elements without the byte conversions,
   * and the values stay below 256 anyway (measured 2.7 against 7.2 CPU s/GiB, see the bench's encryption suite).
   */
  private readonly s = new Int32Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) throw new RangeError('RC4 key must be 1-256 bytes');
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    let j = 0;
    for (let k = 0; k < 256; k++) {
      const t = s[k]!;
      j = (j + t + key[k % key.length]!) & 0xff;
      s[k] = s[j]!;
      s[j] = t;
    }
  }

  /** Advances the keystream by `n` bytes without using them. */
  skip(n: number): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 0xff;
      const a = s[i]!;
      j = (j + a) & 0xff;
      s[i] = s[j]!;
      s[j] = a;
    }
    this.i = i;
    this.j = j;
  }

  /**
   * XORs `src` with the next `src.length` keystream bytes into `dst` (which may be `src` itself,
   * for in-place use) and returns `dst`. Without `dst`, a new array is returned and `src` is
   * left alone.
   */
  process(src: Uint8Array, dst: Uint8Array = new Uint8Array(src.length)): Uint8Array {
    if (dst.length < src.length)
      throw new RangeError('RC4 output buffer is shorter than its input');
    const ij = rc4Xor(this.s, this.i | (this.j << 8), src, dst, LITTLE_ENDIAN);
    this.i = ij & 0xff;
    this.j = ij >>> 8;
    return dst;
  }

  /** A copy of the keystream's position, to carry it on elsewhere (crypto/rc4-offload.ts). */
  exportState(): Rc4State {
    return { s: this.s.slice(), i: this.i, j: this.j };
  }

  /** The keystream `exportState` left off; `state` is copied. */
  static fromState(state: Rc4State): Rc4 {
    const rc4 = Object.create(Rc4.prototype) as Rc4;
    const fields = rc4 as unknown as { s: Int32Array; i: number; j: number };
    fields.s = Int32Array.from(state.s);
    fields.i = state.i & 0xff;
    fields.j = state.j & 0xff;
    return rc4;
  }
}

/**
 * The keystream loop itself: XORs `src` into `dst` from state `s` at position `ij` (i in the low
 * byte, j in the next) and returns the new position the same way. A plain function over its
 * arguments, with no reference outside itself, because the offload worker runs its source text
 * (crypto/rc4-offload.ts): both threads run the very same code.
 */
export function rc4Xor(
  s: Int32Array,
  ij: number,
  src: Uint8Array,
  dst: Uint8Array,
  littleEndian: boolean,
): number {
  const n = src.length;
  // Locals, not fields, in the loops: V8 keeps them in registers.
  let i = ij & 0xff;
  let j = ij >>> 8;
  let k = 0;
  // Four keystream bytes make one little-endian word XORed through 32-bit views: a quarter of
  // the loads and stores of the data. Both arrays must be 4-byte aligned at the same byte, so
  // the bytes before that boundary go one by one (socket reads often start unaligned).
  const head = (4 - (src.byteOffset & 3)) & 3;
  if (littleEndian && (src.byteOffset & 3) === (dst.byteOffset & 3) && n >= head + 4) {
    for (; k < head; k++) {
      i = (i + 1) & 0xff;
      const a = s[i]!;
      j = (j + a) & 0xff;
      const b = s[j]!;
      s[i] = b;
      s[j] = a;
      dst[k] = src[k]! ^ s[(a + b) & 0xff]!;
    }
    const words = (n - head) >>> 2;
    const src32 = new Uint32Array(src.buffer, src.byteOffset + head, words);
    const dst32 = new Uint32Array(dst.buffer, dst.byteOffset + head, words);
    for (let w = 0; w < words; w++) {
      i = (i + 1) & 0xff;
      let a = s[i]!;
      j = (j + a) & 0xff;
      let b = s[j]!;
      s[i] = b;
      s[j] = a;
      let x = s[(a + b) & 0xff]!;
      i = (i + 1) & 0xff;
      a = s[i]!;
      j = (j + a) & 0xff;
      b = s[j]!;
      s[i] = b;
      s[j] = a;
      x |= s[(a + b) & 0xff]! << 8;
      i = (i + 1) & 0xff;
      a = s[i]!;
      j = (j + a) & 0xff;
      b = s[j]!;
      s[i] = b;
      s[j] = a;
      x |= s[(a + b) & 0xff]! << 16;
      i = (i + 1) & 0xff;
      a = s[i]!;
      j = (j + a) & 0xff;
      b = s[j]!;
      s[i] = b;
      s[j] = a;
      x |= s[(a + b) & 0xff]! << 24;
      dst32[w] = src32[w]! ^ x;
    }
    k = head + (words << 2);
  }
  for (; k < n; k++) {
    i = (i + 1) & 0xff;
    const a = s[i]!;
    j = (j + a) & 0xff;
    const b = s[j]!;
    s[i] = b;
    s[j] = a;
    dst[k] = src[k]! ^ s[(a + b) & 0xff]!;
  }
  return i | (j << 8);
}

/** An RC4 keystream with the first 1024 bytes dropped, as MSE specifies. */
export function createMseRc4(key: Uint8Array): Rc4 {
  const rc4 = new Rc4(key);
  rc4.skip(MSE_RC4_DROP_BYTES);
  return rc4;
}
