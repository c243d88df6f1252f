/**
 * Property tests of the uTP codec (issue 18, bad input): any datagram raises only UtpPacketError,
 * and what we encode decodes to the same fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyBytes, checkBytes, expectOnlyTyped, mutated } from '../../testing/fuzz';
import { UtpPacketError, decodePacket, encodePacket } from './packet';
import type { UtpType } from './packet';

const validPackets = fc
  .record({
    type: fc.integer({ min: 0, max: 4 }),
    connectionId: fc.integer({ min: 0, max: 0xffff }),
    timestampUs: fc.integer({ min: 0, max: 0xffffffff }),
    timestampDiffUs: fc.integer({ min: 0, max: 0xffffffff }),
    wndSize: fc.integer({ min: 0, max: 0xffffffff }),
    seqNr: fc.integer({ min: 0, max: 0xffff }),
    ackNr: fc.integer({ min: 0, max: 0xffff }),
    sackWords: fc.integer({ min: 0, max: 8 }),
    payload: fc.uint8Array({ maxLength: 200 }),
  })
  .map((r) => {
    const type = r.type as UtpType;
    const sack = r.sackWords > 0 ? new Uint8Array(r.sackWords * 4).fill(0x5a) : null;
    const payload = type === 0 || type === 1 ? r.payload : new Uint8Array(0);
    return encodePacket({ ...r, type, selectiveAck: sack }, payload);
  });

describe('uTP codec properties', () => {
  it('decoding any bytes raises only UtpPacketError', () => {
    checkBytes('utp-decode', fc.oneof(anyBytes(), mutated(validPackets)), (input) => {
      expectOnlyTyped(() => decodePacket(input), [UtpPacketError], input);
    });
  });

  it('re-encoding what it decodes gives the same bytes (for packets we could have sent)', () => {
    checkBytes('utp-roundtrip', validPackets, (bytes) => {
      const p = decodePacket(bytes);
      expect(encodePacket(p, p.payload)).toEqual(Buffer.from(bytes));
    });
  });
});
