/**
 * Property tests of the peer wire codecs (issue 16, fuzzing): frames, messages, the handshake and
 * the BEP 10 extended handshake raise only ProtocolError on any bytes, in any chunking.
 * Only the public decode functions are used: the decoders themselves are owned elsewhere.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { encode } from '../bencode';
import { anyBytes, checkBytes, expectOnlyTyped, mutated } from '../../testing/fuzz';
import {
  FrameDecoder,
  HANDSHAKE_BYTES,
  HandshakeReader,
  ProtocolError,
  decodeExtendedHandshake,
  decodeFrameBody,
  decodeHandshake,
  encodeHandshake,
  reservedFlags,
} from './index';

/** Length-prefixed frames with every message id (and some beyond), mostly well formed. */
const frames = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.uint8Array({ maxLength: 40 })), {
    maxLength: 6,
  })
  .map((parts) => {
    const out: number[] = [];
    for (const [id, payload] of parts) {
      const len = payload.length + 1;
      out.push(len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, id, ...payload);
    }
    return Uint8Array.from(out);
  });

/** Splits `input` into chunks of 1-17 bytes, sizes derived from `seed`: chunking is explored too. */
function chunked(input: Uint8Array, seed: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  let s = seed >>> 0;
  while (at < input.length) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const n = 1 + (s % 17);
    chunks.push(input.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

const handshakes = fc
  .tuple(
    fc.uint8Array({ minLength: 20, maxLength: 20 }),
    fc.uint8Array({ minLength: 20, maxLength: 20 }),
  )
  .map(([infoHash, peerId]) =>
    encodeHandshake({
      infoHash,
      peerId,
      reserved: reservedFlags({ fast: true, extended: true }),
    }),
  );

const extendedHandshakes = fc
  .record({
    m: fc.dictionary(fc.string({ maxLength: 12 }), fc.integer({ min: -2, max: 300 }), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
    v: fc.string({ maxLength: 12 }),
    p: fc.integer({ min: -1, max: 70_000 }),
    reqq: fc.integer({ min: -1, max: 100_000 }),
    metadata_size: fc.integer({ min: -1, max: 1 << 30 }),
    yourip: fc.uint8Array({ maxLength: 17 }),
  })
  .map((d) => encode(d));

describe('wire codec properties', () => {
  it('the frame decoder raises only ProtocolError, however the bytes are chunked', () => {
    const input = fc.oneof(anyBytes(), frames, mutated(frames));
    checkBytes('wire-frames', input, (bytes) => {
      for (const volatile of [false, true]) {
        const decoder = new FrameDecoder({ maxFrameBytes: 1 << 16 });
        expectOnlyTyped(
          () => {
            for (const chunk of chunked(bytes, bytes.length)) decoder.push(chunk, volatile);
          },
          [ProtocolError],
          bytes,
        );
      }
    });
  });

  it('decoding one frame body raises only ProtocolError', () => {
    checkBytes('wire-frame-body', fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
      expectOnlyTyped(() => decodeFrameBody(bytes, 0, bytes.length, true), [ProtocolError], bytes);
    });
  });

  it('the handshake reader raises only ProtocolError, however the bytes are chunked', () => {
    const input = fc.oneof(anyBytes(200), handshakes, mutated(handshakes));
    checkBytes('wire-handshake', input, (bytes) => {
      const reader = new HandshakeReader();
      expectOnlyTyped(
        () => {
          for (const chunk of chunked(bytes, 7)) if (reader.push(chunk) !== null) break;
        },
        [ProtocolError],
        bytes,
      );
      if (bytes.length >= HANDSHAKE_BYTES) {
        expectOnlyTyped(
          () => decodeHandshake(bytes.subarray(0, HANDSHAKE_BYTES)),
          [ProtocolError],
          bytes,
        );
      }
    });
  });

  it('the BEP 10 extended handshake raises only ProtocolError', () => {
    const input = fc.oneof(anyBytes(), extendedHandshakes, mutated(extendedHandshakes));
    checkBytes('wire-extended-handshake', input, (bytes) => {
      expectOnlyTyped(() => decodeExtendedHandshake(bytes), [ProtocolError], bytes);
    });
  });
});
