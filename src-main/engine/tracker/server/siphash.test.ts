import { describe, expect, it } from 'vitest';
import { SipHash24 } from './siphash';

/** The reference implementation's vectors: key 00..0f, message 00..(n-1). */
const VECTORS: Array<[number, string]> = [
  [0, '726fdb47dd0e0e31'],
  [1, '74f839c593dc67fd'],
  [7, 'ab0200f58b01d137'],
  [8, '93f5f5799a932462'],
  [15, 'a129ca6149be45e5'],
  [16, '3f2acc7f57c29bdb'],
  [63, '958a324ceb064572'],
];

describe('SipHash24', () => {
  it('matches the reference vectors', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const msg = Uint8Array.from({ length: 64 }, (_, i) => i);
    const h = new SipHash24(key);
    for (const [len, expected] of VECTORS) {
      h.hash(msg, len);
      const hex = h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
      expect(hex, `length ${len}`).toBe(expected);
    }
  });

  it('depends on the key', () => {
    const msg = new Uint8Array(12);
    const a = new SipHash24(new Uint8Array(16));
    const b = new SipHash24(new Uint8Array(16).fill(1));
    a.hash(msg, 12);
    b.hash(msg, 12);
    expect([a.hi, a.lo]).not.toEqual([b.hi, b.lo]);
  });

  it('refuses a short key', () => {
    expect(() => new SipHash24(new Uint8Array(8))).toThrow(RangeError);
  });
});
