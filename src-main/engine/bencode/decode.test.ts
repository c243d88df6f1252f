import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { decode, decodeTorrentFile } from './decode';
import { encode } from './encode';
import { randomBValue } from './test-values';
import { BencodeError, isDict } from './types';
import type { BDict } from './types';

const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);
const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function decodeError(input: string | Uint8Array): BencodeError {
  try {
    decode(typeof input === 'string' ? latin1Bytes(input) : input);
  } catch (err) {
    expect(err).toBeInstanceOf(BencodeError);
    return err as BencodeError;
  }
  throw new Error(`decode accepted ${String(input)}`);
}

describe('decode: valid input', () => {
  it('decodes integers, strings, lists and dicts', () => {
    expect(decode(b('i0e'))).toBe(0);
    expect(decode(b('i-42e'))).toBe(-42);
    expect(decode(b(`i${Number.MAX_SAFE_INTEGER}e`))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode(b(`i-${Number.MAX_SAFE_INTEGER}e`))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decode(b('0:'))).toEqual(new Uint8Array(0));
    expect(decode(b('4:spam'))).toEqual(b('spam'));
    expect(decode(b('l4:spami3ee'))).toEqual([b('spam'), 3]);
    const d = decode(b('d3:cow3:moo4:spaml1:a1:bee')) as BDict;
    expect(Object.keys(d)).toEqual(['cow', 'spam']);
    expect(d['cow']).toEqual(b('moo'));
    expect(d['spam']).toEqual([b('a'), b('b')]);
  });

  it('creates dicts without a prototype, so __proto__ is plain data', () => {
    const d = decode(b('d9:__proto__d1:xi1ee11:constructori2e8:toStringi3ee')) as BDict;
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(isDict(d['__proto__'])).toBe(true);
    expect((d['__proto__'] as BDict)['x']).toBe(1);
    expect(d['constructor']).toBe(2);
    expect(d['toString']).toBe(3);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('keeps dict keys as raw latin1 bytes', () => {
    const d = decode(latin1Bytes('d2:\xc3\xa9i1e1:\xffi2ee')) as BDict;
    expect(Object.keys(d)).toEqual(['\xc3\xa9', '\xff']);
  });

  it('accepts unsorted keys like libtorrent, unless requireSortedKeys', () => {
    const d = decode(b('d1:bi1e1:ai2ee')) as BDict;
    expect(d['a']).toBe(2);
    expect(d['b']).toBe(1);
    expect(() => decode(b('d1:bi1e1:ai2ee'), { requireSortedKeys: true })).toThrow(
      'unsorted dictionary key "a" at offset 7',
    );
  });

  it('copies strings out, so the result never aliases the input', () => {
    const input = b('4:spam');
    const out = decode(input) as Uint8Array;
    input[2] = 0x58;
    expect(out).toEqual(b('spam'));
  });

  it('decodes 100 levels of nesting (the limit) and values inside it', () => {
    const deep = 'l'.repeat(100) + 'e'.repeat(100);
    let v = decode(b(deep));
    for (let i = 0; i < 99; i++) v = (v as unknown[])[0] as never;
    expect(v).toEqual([]);
  });
});

describe('decode: every rejection has a clear message and offset', () => {
  const cases: [name: string, input: string, message: string, offset: number][] = [
    ['empty input', '', 'empty input', 0],
    ['leading zero in integer', 'i03e', 'leading zero in integer', 0],
    ['leading zero in negative integer', 'i-03e', 'leading zero in integer', 0],
    ['negative zero', 'i-0e', 'negative zero integer', 0],
    ['empty integer', 'ie', 'empty integer', 0],
    ['lone minus', 'i-e', 'empty integer', 0],
    ['plus sign', 'i+1e', "invalid character '+' in integer", 1],
    ['float', 'i1.5e', "invalid character '.' in integer", 2],
    ['space in integer', 'i1 e', "invalid character ' ' in integer", 2],
    ['unterminated integer', 'i12', 'unterminated integer', 0],
    ['integer beyond MAX_SAFE', 'i9007199254740992e', 'integer beyond Number.MAX_SAFE_INTEGER', 0],
    ['integer with 17 digits', 'i10000000000000000e', 'integer beyond Number.MAX_SAFE_INTEGER', 0],
    ['huge negative', 'i-99999999999999999999e', 'integer beyond Number.MAX_SAFE_INTEGER', 0],
    ['leading zero in string length', '03:abc', 'leading zero in string length', 0],
    ['negative string length', '-3:abc', 'negative string length', 0],
    ['non-digit string length', '3a:abc', "invalid character 'a' in string length", 1],
    ['string length past the end', '5:abc', 'string length 5 exceeds the 3 bytes left', 0],
    ['oversized string length', '99999999999999999:a', 'string length out of range', 0],
    ['unterminated string length', '12', 'unterminated string length', 0],
    ['trailing data', 'i1ei2e', 'trailing data', 3],
    ['trailing data after a dict', 'de0:', 'trailing data', 2],
    ['unterminated list', 'li1e', 'unterminated list', 0],
    ['unterminated nested list', 'lli1ee', 'unterminated list', 0],
    ['unterminated dict', 'd1:ai1e', 'unterminated dictionary', 0],
    ['missing dict value', 'd1:ae', 'missing value for dictionary key "a"', 4],
    ['integer dict key', 'di1ei2ee', "dictionary key must be a string, found 'i'", 1],
    ['list dict key', 'dlei2ee', "dictionary key must be a string, found 'l'", 1],
    ['duplicate key', 'd1:ai1e1:ai2ee', 'duplicate dictionary key "a"', 7],
    [
      'duplicate key after unsorted ones',
      'd1:bi1e1:ai2e1:bi3ee',
      'duplicate dictionary key "b"',
      13,
    ],
    ['a stray e', 'e', "unexpected 'e'", 0],
    ['unknown type byte', 'x', "unexpected 'x'", 0],
    ['binary byte', '\x00', 'unexpected 0x00', 0],
  ];
  for (const [name, input, message, offset] of cases) {
    it(`rejects ${name}`, () => {
      const err = decodeError(input);
      expect(err.message).toBe(`${message} at offset ${offset}`);
      expect(err.offset).toBe(offset);
    });
  }

  it('rejects 100k "l" with BencodeError, not RangeError', () => {
    const err = decodeError('l'.repeat(100_000) + 'e'.repeat(100_000));
    expect(err.message).toBe('nesting deeper than 100 at offset 100');
  });

  it('rejects 100k "d" nesting too', () => {
    const err = decodeError('d1:a'.repeat(100_000));
    expect(err.message).toMatch(/^nesting deeper than 100/);
  });

  it('enforces maxDepth, maxBytes and maxItems', () => {
    expect(() => decode(b('llee'), { maxDepth: 1 })).toThrow('nesting deeper than 1 at offset 1');
    expect(() => decode(b('4:spam'), { maxBytes: 5 })).toThrow('input of 6 bytes exceeds 5');
    expect(() => decode(b('li1ei2ei3ee'), { maxItems: 3 })).toThrow(
      'more than 3 items at offset 7',
    );
    expect(decode(b('li1ei2ee'), { maxItems: 3 })).toEqual([1, 2]);
  });

  /** Decodes, and if accepted checks that re-encoding is stable; returns whether accepted. */
  function tryDecode(bytes: Uint8Array): boolean {
    try {
      const v = decode(bytes);
      expect(decode(encode(v))).toEqual(v);
      return true;
    } catch (err) {
      if (!(err instanceof BencodeError)) throw err;
      return false;
    }
  }

  it('decodes random bytes only ever throwing BencodeError', () => {
    const rnd = seededRandom(7);
    const alphabet = latin1Bytes('ilde0123456789:-e');
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + rnd.int(24);
      const bytes = new Uint8Array(n);
      // Mostly bencode's own alphabet, so inputs get past the first byte.
      for (let j = 0; j < n; j++) {
        bytes[j] = rnd.int(8) === 0 ? rnd.int(256) : alphabet[rnd.int(alphabet.length)]!;
      }
      tryDecode(bytes);
    }
  });

  it('decodes mutated and truncated valid encodings only ever throwing BencodeError', () => {
    const rnd = seededRandom(11);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 3_000; i++) {
      const valid = encode(randomBValue(rnd, { maxDepth: 4, asciiKeys: false }));
      const bytes = valid.slice();
      const mutation = rnd.int(3);
      if (mutation === 0) bytes[rnd.int(bytes.length)] = rnd.int(256);
      else if (mutation === 1) bytes[rnd.int(bytes.length)] = latin1Bytes('ilde0:-')[rnd.int(7)]!;
      const cut = mutation === 2 ? rnd.int(bytes.length + 1) : bytes.length;
      if (tryDecode(bytes.subarray(0, cut))) accepted++;
      else rejected++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('decodeTorrentFile', () => {
  it('returns the exact byte span of info, even when it is not canonical', () => {
    // Unsorted keys inside info: re-encoding would change the info-hash; the span must not.
    const info = 'd4:name1:x6:lengthi1e12:piece lengthi5e6:pieces20:aaaaaaaaaaaaaaaaaaaae';
    const file = `d8:announce3:url4:info${info}3:zzzi1ee`;
    const bytes = latin1Bytes(file);
    const { value, infoSpan } = decodeTorrentFile(bytes);
    const [s, e] = infoSpan;
    expect(Buffer.from(bytes.subarray(s, e)).toString('latin1')).toBe(info);
    expect(isDict(value['info'])).toBe(true);
    const hashOfSpan = createHash('sha1').update(bytes.subarray(s, e)).digest('hex');
    const hashOfReencoded = createHash('sha1').update(encode(value['info']!)).digest('hex');
    expect(hashOfSpan).not.toBe(hashOfReencoded);
  });

  it('ignores an info key that is not at the top level', () => {
    expect(() => decodeTorrentFile(b('d1:ad4:infodeee'))).toThrow(
      'a torrent file must have an info value',
    );
    const { infoSpan } = decodeTorrentFile(b('d1:ad4:infodee4:infoi7ee'));
    expect(infoSpan).toEqual([20, 23]);
  });

  it('rejects a torrent that is not a dict', () => {
    expect(() => decodeTorrentFile(b('le'))).toThrow('a torrent file must be a dictionary');
  });
});
