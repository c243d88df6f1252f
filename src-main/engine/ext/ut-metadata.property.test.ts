/**
 * Property tests of the ut_metadata codec (BEP 9): any bytes a peer sends as a ut_metadata
 * message raise only ProtocolError, and valid messages, mutated, still do.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { anyBytes, checkBytes, expectOnlyTyped, mutated } from '../../testing/fuzz';
import { ProtocolError } from '../wire/protocol-error';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata-codec';

const valid: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.nat({ max: 600 }).map((piece) => encodeUtMetadata({ type: 'request', piece })),
  fc.nat({ max: 600 }).map((piece) => encodeUtMetadata({ type: 'reject', piece })),
  fc
    .record({ piece: fc.nat({ max: 600 }), data: fc.uint8Array({ maxLength: 64 }) })
    .map(({ piece, data }) => encodeUtMetadata({ type: 'data', piece, totalSize: 12345, data })),
);

describe('ut_metadata codec properties', () => {
  it('decoding any bytes raises only ProtocolError', () => {
    checkBytes('ut-metadata-decode', fc.oneof(mutated(valid), anyBytes(1024)), (input) => {
      expectOnlyTyped(() => decodeUtMetadata(input), [ProtocolError], input);
    });
  });
});
