/**
 * Property tests of the bencode codec (issue 16, fuzzing): any bytes raise only BencodeError,
 * and for valid input our decoder, our encoder and the `bencode` package (the oracle) agree.
 */
import bencode from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyBytes, checkBytes, expectOnlyTyped, mutated } from '../../testing/fuzz';
import { decode, decodeTorrentFile } from './decode';
import { encode } from './encode';
import type { Encodable } from './encode';
import { BencodeError, isDict, isList } from './types';
import type { BValue } from './types';

/** Valid bencode values; keys are printable ASCII and never `__proto__` (see test-values.ts). */
export const bvalue: fc.Arbitrary<Encodable> = fc.letrec<{ value: Encodable }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.maxSafeInteger(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
  ),
})).value;

const validBytes = bvalue.map((v) => encode(v));

function asciiKeysOnly(v: BValue): boolean {
  if (isList(v)) return v.every(asciiKeysOnly);
  if (isDict(v)) {
    return Object.entries(v).every(([k, x]) => /^[\x20-\x7e]*$/.test(k) && asciiKeysOnly(x));
  }
  return true;
}

describe('bencode properties', () => {
  it('decoding any bytes raises only BencodeError', () => {
    checkBytes('bencode-decode', fc.oneof(anyBytes(), mutated(validBytes)), (input) => {
      expectOnlyTyped(() => decode(input), [BencodeError], input);
      expectOnlyTyped(() => decodeTorrentFile(input), [BencodeError], input);
    });
  });

  it('round-trips valid values, and the bencode package agrees byte for byte', () => {
    checkBytes('bencode-roundtrip', validBytes, (bytes) => {
      expect(encode(decode(bytes))).toEqual(bytes);
      expect(new Uint8Array(bencode.encode(bencode.decode(bytes)))).toEqual(bytes);
    });
  });

  it('whatever it accepts with ASCII keys re-encodes to what the bencode package makes of it', () => {
    checkBytes('bencode-oracle', mutated(validBytes), (bytes) => {
      let value: BValue;
      try {
        value = decode(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(BencodeError);
        return;
      }
      // The oracle reads keys as UTF-8 text, so it cannot judge other keys.
      if (!asciiKeysOnly(value)) return;
      const ours = encode(value);
      expect(new Uint8Array(bencode.encode(bencode.decode(bytes)))).toEqual(ours);
    });
  });
});
