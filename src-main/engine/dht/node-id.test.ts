import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import {
  commonPrefixBits,
  compareDistance,
  idFromHex,
  idToHex,
  isNodeId,
  randomIdWithPrefix,
} from './node-id';

const id = (first: number, rest = 0): Uint8Array => {
  const out = new Uint8Array(20).fill(rest);
  out[0] = first;
  return out;
};

describe('node ids', () => {
  it('round-trips hex and refuses anything but 40 hex digits', () => {
    const x = seededRandom(1).bytes(20);
    expect(idFromHex(idToHex(x))).toEqual(x);
    expect(idFromHex('ab')).toBeNull();
    expect(idFromHex('g'.repeat(40))).toBeNull();
    expect(isNodeId(new Uint8Array(19))).toBe(false);
  });

  it('orders by XOR distance, not by numeric difference', () => {
    const target = id(0x80);
    // 0x7f is numerically next to 0x80 but XOR-far (differs in the top bit).
    expect(compareDistance(target, id(0xc0), id(0x7f))).toBeLessThan(0);
    expect(compareDistance(target, id(0x80), id(0x81))).toBeLessThan(0);
    expect(compareDistance(target, id(0x81), id(0x81))).toBe(0);
  });

  it('counts shared leading bits', () => {
    expect(commonPrefixBits(id(0), id(0x80))).toBe(0);
    expect(commonPrefixBits(id(0), id(0x01))).toBe(7);
    expect(commonPrefixBits(id(0), id(0))).toBe(160);
    const deep = id(0);
    deep[19] = 1;
    expect(commonPrefixBits(id(0), deep)).toBe(159);
  });

  it('makes ids inside a bucket: exactly `bits` shared leading bits', () => {
    const rnd = seededRandom(2);
    const base = rnd.bytes(20);
    for (const bits of [0, 1, 7, 8, 9, 63, 159]) {
      for (let i = 0; i < 20; i++) {
        expect(commonPrefixBits(base, randomIdWithPrefix(base, bits, rnd))).toBe(bits);
      }
    }
  });
});
