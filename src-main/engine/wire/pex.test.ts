import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode } from '../bencode';
import { PEX_MAX_MESSAGE_BYTES, PEX_MAX_RECEIVED_PER_MESSAGE } from '../limits';
import { decodePex, encodePex, PEX_FLAG_REACHABLE, PEX_FLAG_SEED } from './pex';
import { ProtocolError } from './protocol-error';

const peers4 = (n: number, from = 1): Uint8Array => {
  const out = new Uint8Array(n * 6);
  for (let i = 0; i < n; i++) out.set([10, 0, (i >> 8) & 255, i & 255, 0x1a, from], i * 6);
  return out;
};

function expectBadPex(payload: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    decodePex(payload);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe('bad-pex');
  expect((caught as ProtocolError).message).toMatch(message);
}

describe('PEX codec (BEP 11)', () => {
  it('round-trips IPv4 and IPv6 added peers with flags, and dropped peers', () => {
    const msg = {
      added: [
        { address: '10.1.2.3', port: 6881, flags: PEX_FLAG_REACHABLE | PEX_FLAG_SEED },
        { address: '2001:db8::1', port: 51413, flags: PEX_FLAG_REACHABLE },
        { address: '192.168.0.9', port: 1, flags: 0 },
      ],
      dropped: [
        { address: '10.9.9.9', port: 7000 },
        { address: 'fe80::2', port: 8000 },
      ],
    };
    const decoded = decodePex(encodePex(msg));
    expect(decoded.added).toEqual([msg.added[0], msg.added[2], msg.added[1]]);
    expect(decoded.dropped).toEqual(msg.dropped);
  });

  it('writes the keys libtorrent reads: added, added.f, added6, added6.f, dropped, dropped6', () => {
    const bytes = encodePex({
      added: [{ address: '1.2.3.4', port: 0x1ae1, flags: 0x12 }],
      dropped: [],
    });
    expect(Buffer.from(bytes).toString('latin1')).toBe(
      'd5:added6:\x01\x02\x03\x04\x1a\xe17:added.f1:\x126:added60:8:added6.f0:7:dropped0:8:dropped60:e',
    );
  });

  it('a map of an IPv4 address seen on a dual-stack socket is sent as IPv4', () => {
    const d = decodePex(
      encodePex({ added: [{ address: '::ffff:127.0.0.1', port: 5, flags: 0 }], dropped: [] }),
    );
    expect(d.added).toEqual([{ address: '127.0.0.1', port: 5, flags: 0 }]);
  });

  it('ignores flags whose length does not match, and skips port 0', () => {
    const added = peers4(2);
    added[11] = 0;
    added[10] = 0; // second peer: port 0
    const d = decodePex(encode({ added, 'added.f': new Uint8Array(5) }));
    expect(d.added).toEqual([{ address: '10.0.0.0', port: 0x1a01, flags: 0 }]);
  });

  it('accepts an empty dict and unknown keys', () => {
    expect(decodePex(encode({}))).toEqual({ added: [], dropped: [] });
    expect(decodePex(encode({ x: 1, added: peers4(1) })).added).toHaveLength(1);
  });

  it('refuses hostile messages with bad-pex', () => {
    expectBadPex(new TextEncoder().encode('garbage'), /not valid bencode/);
    expectBadPex(encode([1, 2]), /not a dictionary/);
    expectBadPex(encode({ added: 5 }), /added is not a byte string/);
    expectBadPex(encode({ added: new Uint8Array(7) }), /not a multiple of 6/);
    expectBadPex(encode({ added6: new Uint8Array(20) }), /not a multiple of 18/);
    expectBadPex(encode({ dropped: new Uint8Array(5) }), /not a multiple of 6/);
    // Trailing bytes and a duplicate key: strict bencode.
    expectBadPex(new TextEncoder().encode('dexx'), /not valid bencode/);
    expectBadPex(new TextEncoder().encode('d5:added0:5:added0:e'), /not valid bencode/);
  });

  it(`refuses more than ${PEX_MAX_RECEIVED_PER_MESSAGE} added or dropped peers (a flood)`, () => {
    expect(decodePex(encode({ added: peers4(PEX_MAX_RECEIVED_PER_MESSAGE) })).added).toHaveLength(
      PEX_MAX_RECEIVED_PER_MESSAGE,
    );
    expectBadPex(encode({ added: peers4(PEX_MAX_RECEIVED_PER_MESSAGE + 1) }), /adds 101 peers/);
    expectBadPex(encode({ added: peers4(60), added6: new Uint8Array(18 * 41) }), /adds 101 peers/);
    expectBadPex(encode({ dropped: peers4(PEX_MAX_RECEIVED_PER_MESSAGE + 1) }), /drops 101/);
  });

  it(`refuses a message over ${PEX_MAX_MESSAGE_BYTES} bytes before decoding it`, () => {
    expectBadPex(encode({ pad: new Uint8Array(PEX_MAX_MESSAGE_BYTES) }), /exceeds/);
  });

  it('random bytes raise nothing but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodePex(bytes);
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
  });
});
