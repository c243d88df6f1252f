/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function made for short
 * inputs, here over 32-bit halves so that it runs in plain JS numbers without allocating.
 * Used for UDP connection ids, where a MAC per packet must cost well under a microsecond (the
 * Linux kernel keys its SYN cookies the same way). Checked against the reference vectors.
 *
 * Invariant: `hash` allocates nothing; its result is in `hi` and `lo` until the next call.
 */

export class SipHash24 {
  /** The result of the last `hash`: high and low 32 bits, unsigned. */
  hi = 0;
  lo = 0;
  private readonly k0h: number;
  private readonly k0l: number;
  private readonly k1h: number;
  private readonly k1l: number;

  /** `key`: 16 bytes (more are ignored). */
  constructor(key: Uint8Array) {
    if (key.length < 16) throw new RangeError('SipHash24: the key must be 16 bytes');
    this.k0l = le32(key, 0);
    this.k0h = le32(key, 4);
    this.k1l = le32(key, 8);
    this.k1h = le32(key, 12);
  }

  /**
   * Hashes the first `len` bytes of `msg`; the result goes to `hi` and `lo`. The state is
   * eight local 32-bit halves (v0..v3, high and low) so that the rounds stay in registers.
   */
  hash(msg: Uint8Array, len: number): void {
    let v0h = this.k0h ^ 0x736f6d65;
    let v0l = this.k0l ^ 0x70736575;
    let v1h = this.k1h ^ 0x646f7261;
    let v1l = this.k1l ^ 0x6e646f6d;
    let v2h = this.k0h ^ 0x6c796765;
    let v2l = this.k0l ^ 0x6e657261;
    let v3h = this.k1h ^ 0x74656462;
    let v3l = this.k1l ^ 0x79746573;
    const whole = len - (len & 7);
    // Message blocks, then the final block (remaining bytes with the length mod 256 on top),
    // then 4 finishing rounds: blocks + 1 compressions of 2 rounds each, and one of 4.
    const blocks = whole / 8;
    for (let blk = 0; blk <= blocks + 1; blk++) {
      let mh = 0;
      let ml = 0;
      let rounds = 2;
      if (blk < blocks) {
        ml = le32(msg, blk * 8);
        mh = le32(msg, blk * 8 + 4);
      } else if (blk === blocks) {
        mh = (len & 0xff) << 24;
        for (let i = 0; i < (len & 7); i++) {
          const b = msg[whole + i] as number;
          if (i < 4) ml |= b << (8 * i);
          else mh |= b << (8 * (i - 4));
        }
      } else {
        v2l ^= 0xff;
        rounds = 4;
      }
      v3h ^= mh;
      v3l ^= ml;
      for (let r = 0; r < rounds; r++) {
        // One SipRound, 64-bit adds carried by hand.
        let lo = (v0l >>> 0) + (v1l >>> 0);
        v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0;
        v0l = lo | 0;
        let h = v1h;
        v1h = (h << 13) | (v1l >>> 19);
        v1l = (v1l << 13) | (h >>> 19);
        v1h ^= v0h;
        v1l ^= v0l;
        h = v0h;
        v0h = v0l;
        v0l = h;
        lo = (v2l >>> 0) + (v3l >>> 0);
        v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0;
        v2l = lo | 0;
        h = v3h;
        v3h = (h << 16) | (v3l >>> 16);
        v3l = (v3l << 16) | (h >>> 16);
        v3h ^= v2h;
        v3l ^= v2l;
        lo = (v0l >>> 0) + (v3l >>> 0);
        v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0;
        v0l = lo | 0;
        h = v3h;
        v3h = (h << 21) | (v3l >>> 11);
        v3l = (v3l << 21) | (h >>> 11);
        v3h ^= v0h;
        v3l ^= v0l;
        lo = (v2l >>> 0) + (v1l >>> 0);
        v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0;
        v2l = lo | 0;
        h = v1h;
        v1h = (h << 17) | (v1l >>> 15);
        v1l = (v1l << 17) | (h >>> 15);
        v1h ^= v2h;
        v1l ^= v2l;
        h = v2h;
        v2h = v2l;
        v2l = h;
      }
      v0h ^= mh;
      v0l ^= ml;
    }
    this.hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
    this.lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
  }
}

/** Four bytes at `o`, little-endian, as a signed 32-bit number. */
function le32(b: Uint8Array, o: number): number {
  return (
    (b[o] as number) |
    ((b[o + 1] as number) << 8) |
    ((b[o + 2] as number) << 16) |
    ((b[o + 3] as number) << 24)
  );
}
