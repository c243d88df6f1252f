import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import { UT_METADATA_MAX_HEADER_BYTES } from '../limits';
import { ProtocolError } from '../wire/protocol-error';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata-codec';

describe('ut_metadata codec (BEP 9)', () => {
  it('round-trips request, reject and data', () => {
    expect(decodeUtMetadata(encodeUtMetadata({ type: 'request', piece: 3 }))).toEqual({
      type: 'request',
      piece: 3,
    });
    expect(decodeUtMetadata(encodeUtMetadata({ type: 'reject', piece: 0 }))).toEqual({
      type: 'reject',
      piece: 0,
    });
    // Data that itself looks like bencode ending in 'e' stays data.
    const data = new TextEncoder().encode('d4:infoi1ee');
    const m = decodeUtMetadata(
      encodeUtMetadata({ type: 'data', piece: 1, totalSize: 20000, data }),
    );
    expect(m).toMatchObject({ type: 'data', piece: 1, totalSize: 20000 });
    expect(m.type === 'data' && Buffer.from(m.data).toString()).toBe('d4:infoi1ee');
  });

  it('reads the bytes libtorrent sends', () => {
    const bytes = new TextEncoder().encode('d8:msg_typei1e5:piecei0e10:total_sizei5eeHELLO');
    const m = decodeUtMetadata(bytes);
    expect(m.type === 'data' && Buffer.from(m.data).toString()).toBe('HELLO');
  });

  it('decodes an unknown msg_type as unknown (BEP 9: ignore it)', () => {
    expect(decodeUtMetadata(encode({ msg_type: 7, piece: 0 }))).toEqual({
      type: 'unknown',
      msgType: 7,
    });
  });

  const bad: [string, Uint8Array][] = [
    ['not bencode', new TextEncoder().encode('hello')],
    ['a list', encode([1, 2])],
    ['no msg_type', encode({ piece: 0 })],
    ['a negative piece', encode({ msg_type: 0, piece: -1 })],
    ['data without total_size', encode({ msg_type: 1, piece: 0 })],
    [
      'a header past the cap',
      encode({ msg_type: 0, piece: 0, x: 'y'.repeat(UT_METADATA_MAX_HEADER_BYTES) }),
    ],
  ];
  for (const [what, bytes] of bad) {
    it(`raises ProtocolError for ${what}`, () => {
      expect(() => decodeUtMetadata(bytes)).toThrow(ProtocolError);
    });
  }
});
