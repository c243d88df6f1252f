/**
 * Property test of the web host's frame codec (issue 16, fuzzing): any bytes from a WebSocket
 * raise only ContractError. Only the public encode/decode functions are used: wire-frame.ts is
 * owned elsewhere. Lives here because src-shared may not import the Node-based harness.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ContractError } from '../../src-shared/model';
import { decodeFrame, encodeFrame } from '../../src-shared/wire-frame';
import { anyBytes, bytesOf, checkBytes, expectOnlyTyped, mutated } from './fuzz';

const typedArray = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 16 }).map((b) => Uint16Array.from(b)),
  fc.uint8Array({ maxLength: 16 }).map((b) => Uint32Array.from(b)),
  fc.array(fc.double(), { maxLength: 4 }).map((d) => Float64Array.from(d)),
);

/** Contract-like payloads: JSON with typed arrays inside. */
const payload: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
    typedArray,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;

const frames = payload.map((v) => new Uint8Array(encodeFrame(v)));

/** A hand-made header, so placeholders and segment lists are wrong in every way. */
const rawFrames = fc
  .tuple(
    fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc
        .record({
          v: fc.oneof(
            fc.record({ $bin: fc.integer({ min: -2, max: 5 }) }),
            fc.array(fc.record({ $bin: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.string()) }), {
              maxLength: 3,
            }),
          ),
          b: fc.array(
            fc.tuple(
              fc.constantFrom('u8', 'u16', 'u32', 'f64', 'x', ''),
              fc.integer({ min: -1, max: 40 }),
            ),
            { maxLength: 4 },
          ),
        })
        .map((h) => JSON.stringify(h)),
    ),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([header, tail]) => {
    const h = bytesOf(header);
    const out = new Uint8Array(4 + h.length + tail.length);
    new DataView(out.buffer).setUint32(0, h.length, true);
    out.set(h, 4);
    out.set(tail, 4 + h.length);
    return out;
  });

describe('web-host frame properties', () => {
  it('decoding any bytes raises only ContractError', () => {
    const input = fc.oneof(anyBytes(), frames, mutated(frames), rawFrames, mutated(rawFrames));
    checkBytes('wire-frame-decode', input, (bytes) => {
      expectOnlyTyped(() => decodeFrame(bytes), [ContractError], bytes);
    });
  });
});
