import bencode from 'bencode';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { decode } from './decode';
import { encode } from './encode';
import { randomBValue } from './test-values';
import { BencodeError, createDict, isBytes, isDict } from './types';
import type { BValue } from './types';

const td = new TextDecoder();
const text = (u: Uint8Array): string => Buffer.from(u).toString('latin1');

/** Our keys are latin1 byte strings; the oracle's are UTF-8 text. Map ours onto its form. */
function toOracleForm(v: BValue): unknown {
  if (isBytes(v) || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toOracleForm);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[td.decode(Buffer.from(k, 'latin1'))] = toOracleForm(v[k]!);
  return out;
}

/** The oracle returns plain objects with a prototype; compare structure, not prototypes. */
function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = normalise((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

describe('encode', () => {
  it('encodes BEP 3 examples', () => {
    expect(text(encode(3))).toBe('i3e');
    expect(text(encode(-3))).toBe('i-3e');
    expect(text(encode(0))).toBe('i0e');
    expect(text(encode(-0))).toBe('i0e');
    expect(text(encode('spam'))).toBe('4:spam');
    expect(text(encode(['spam', 'eggs']))).toBe('l4:spam4:eggse');
    expect(text(encode({ spam: 'eggs', cow: 'moo' }))).toBe('d3:cow3:moo4:spam4:eggse');
    expect(text(encode({ spam: ['a', 'b'] }))).toBe('d4:spaml1:a1:bee');
  });

  it('encodes JS strings as UTF-8 and keys as raw latin1 bytes', () => {
    expect(encode('é')).toEqual(Uint8Array.from([0x32, 0x3a, 0xc3, 0xa9]));
    expect(text(encode({ '\xe9': 1 }))).toBe('d1:\xe9i1ee');
    expect(() => encode({ 'é\u0100': 1 })).toThrow(BencodeError);
  });

  it('sorts keys by raw bytes, not by UTF-16 or locale', () => {
    const m = new Map<string | Uint8Array, BValue>([
      [Uint8Array.from([0xc3, 0xa9]), 1],
      ['Z', 2],
      ['a', 3],
      ['', 4],
      ['ab', 5],
    ]);
    expect(text(encode(m))).toBe('d0:i4e1:Zi2e1:ai3e2:abi5e2:\xc3\xa9i1ee');
  });

  it('skips null and undefined dict values, rejects them in lists', () => {
    expect(text(encode({ a: 1, b: undefined, c: null }))).toBe('d1:ai1ee');
    expect(() => encode([1, null as unknown as BValue])).toThrow('(root)[1]: null or undefined');
  });

  it('rejects values bencode cannot carry', () => {
    expect(() => encode(1.5)).toThrow('1.5 is not a safe integer');
    expect(() => encode(2 ** 53)).toThrow(BencodeError);
    expect(() => encode(true as unknown as BValue)).toThrow('a boolean is not encodable');
    expect(() => encode({ a: new Uint16Array(2) as unknown as BValue })).toThrow(
      '(root).a: only Uint8Array byte strings are encodable',
    );
    const dup = new Map<string | Uint8Array, BValue>([
      ['a', 1],
      [Uint8Array.from([0x61]), 2],
    ]);
    expect(() => encode(dup)).toThrow('duplicate key');
  });

  it('round-trips __proto__ keys as data', () => {
    const d = createDict();
    d['__proto__'] = 1;
    d['constructor'] = Uint8Array.from([1, 2]);
    const back = decode(encode(d));
    expect(isDict(back) && back['__proto__']).toBe(1);
    expect(text(encode(d))).toBe('d9:__proto__i1e11:constructor2:\x01\x02e');
  });
});

describe('round trips (property)', () => {
  it('decode(encode(v)) equals v and encode(decode(x)) equals x, for 2,000 random values', () => {
    const rnd = seededRandom(1);
    for (let i = 0; i < 2_000; i++) {
      const v = randomBValue(rnd, { maxDepth: 5, asciiKeys: false });
      const bytes = encode(v);
      const back = decode(bytes, { requireSortedKeys: true });
      expect(back).toEqual(v);
      expect(encode(back)).toEqual(bytes);
    }
  });
});

describe('differential against the bencode package', () => {
  it('both decode valid random inputs to the same values', () => {
    const rnd = seededRandom(2);
    for (let i = 0; i < 1_000; i++) {
      const v = randomBValue(rnd, { maxDepth: 5, asciiKeys: true });
      const bytes = encode(v);
      expect(normalise(bencode.decode(bytes))).toEqual(normalise(toOracleForm(decode(bytes))));
    }
  });

  it('both encode the same values to the same bytes', () => {
    const rnd = seededRandom(3);
    for (let i = 0; i < 1_000; i++) {
      const v = randomBValue(rnd, { maxDepth: 5, asciiKeys: true });
      expect(Buffer.from(bencode.encode(toOracleForm(v)))).toEqual(Buffer.from(encode(v)));
    }
  });

  it('documents where the package is lax and we are strict', () => {
    for (const lax of ['i03e', 'i-0e', 'i1ei2e', 'd1:ai1e1:ai2ee']) {
      const bytes = new TextEncoder().encode(lax);
      expect(() => bencode.decode(bytes)).not.toThrow();
      expect(() => decode(bytes)).toThrow(BencodeError);
    }
  });
});
