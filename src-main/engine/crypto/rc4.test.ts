import { describe, expect, it } from 'vitest';
import { MSE_RC4_DROP_BYTES, Rc4, createMseRc4 } from './rc4';
import { seededRandom } from '../time/clock';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keystream(key: Uint8Array, bytes: number): Uint8Array {
  return new Rc4(key).process(new Uint8Array(bytes));
}

describe('Rc4', () => {
  // RFC 6229 section 2, key 0x0102030405 (40 bits): keystream at the listed offsets.
  it('matches the RFC 6229 keystream for the 40-bit key 0x0102030405', () => {
    const ks = keystream(hex('0102030405'), 1040);
    expect(toHex(ks.subarray(0, 32))).toBe(
      'b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919',
    );
    expect(toHex(ks.subarray(240, 272))).toBe(
      '28cb1132c96ce286421dcaadb8b69eae1cfcf62b03eddb641d77dfcf7f8d8c93',
    );
    expect(toHex(ks.subarray(1008, 1040))).toBe(
      '45129048e6a0ed0b56b490338f078da530abbcc7c20b01609f23ee2d5f6bb7df',
    );
  });

  // RFC 6229 section 2, key 0x0102...10 (128 bits), at offsets 0, 1024, 1536 and 4096.
  it('matches the RFC 6229 keystream for the 128-bit key 0x0102...0f10', () => {
    const ks = keystream(hex('0102030405060708090a0b0c0d0e0f10'), 4112);
    expect(toHex(ks.subarray(0, 16))).toBe('9ac7cc9a609d1ef7b2932899cde41b97');
    expect(toHex(ks.subarray(1024, 1040))).toBe('bdf0324e6083dcc6d3cedd3ca8c53c16');
    expect(toHex(ks.subarray(1536, 1552))).toBe('ffa0b514647ec04f6306b892ae661181');
    expect(toHex(ks.subarray(4096, 4112))).toBe('a36a4c301ae8ac13610ccbc12256cacc');
  });

  it('drops the first 1024 keystream bytes for MSE (RC4-drop-1024)', () => {
    const key = hex('0102030405');
    const dropped = createMseRc4(key).process(new Uint8Array(16));
    expect(MSE_RC4_DROP_BYTES).toBe(1024);
    expect(toHex(dropped)).toBe('30abbcc7c20b01609f23ee2d5f6bb7df');
  });

  it('gives the same stream whatever the chunking, in place or into a buffer', () => {
    const random = seededRandom(7);
    const key = random.bytes(20);
    const plain = random.bytes(10_000);
    const whole = new Rc4(key).process(plain);
    const chunked = new Rc4(key);
    const inPlace = plain.slice();
    for (let at = 0; at < inPlace.length;) {
      const n = Math.min(inPlace.length - at, 1 + random.int(700));
      const part = inPlace.subarray(at, at + n);
      chunked.process(part, part);
      at += n;
    }
    expect(toHex(inPlace)).toBe(toHex(whole));
    expect(toHex(plain)).not.toBe(toHex(whole));
  });

  it('decrypts what it encrypted with the same key', () => {
    const key = hex('6b657941');
    const plain = new TextEncoder().encode('\x13BitTorrent protocol');
    const cipher = createMseRc4(key).process(plain);
    expect(toHex(cipher)).not.toBe(toHex(plain));
    expect(toHex(createMseRc4(key).process(cipher))).toBe(toHex(plain));
  });

  it('leaves its input alone when no output buffer is given', () => {
    const src = new Uint8Array(64);
    const out = new Rc4(hex('01')).process(src);
    expect(out).not.toBe(src);
    expect(src.every((b) => b === 0)).toBe(true);
  });

  it('refuses an empty key and a short output buffer', () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(RangeError);
    expect(() => new Rc4(hex('01')).process(new Uint8Array(4), new Uint8Array(3))).toThrow(
      RangeError,
    );
  });
});

describe('Rc4 word path', () => {
  it('gives the same stream for arrays at every byte alignment, in place and across buffers', () => {
    const random = seededRandom(11);
    const key = random.bytes(16);
    const plain = random.bytes(4_099);
    const expected = toHex(new Rc4(key).process(plain));
    for (let srcAt = 0; srcAt < 4; srcAt++) {
      for (let dstAt = 0; dstAt < 4; dstAt++) {
        const src = new Uint8Array(plain.length + 4).subarray(srcAt, srcAt + plain.length);
        src.set(plain);
        const dst = new Uint8Array(plain.length + 4).subarray(dstAt, dstAt + plain.length);
        expect(toHex(new Rc4(key).process(src, dst))).toBe(expected);
        expect(toHex(new Rc4(key).process(src, src))).toBe(expected);
      }
    }
  });
});
