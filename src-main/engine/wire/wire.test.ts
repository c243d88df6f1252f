import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import type { Random } from '../time/clock';
import {
  BLOCK_REF_FRAME_BYTES,
  Bitfield,
  FrameDecoder,
  HANDSHAKE_BYTES,
  HandshakeReader,
  ProtocolError,
  decodeExtendedHandshake,
  decodeHandshake,
  decodeReserved,
  encodeExtendedHandshake,
  encodeHandshake,
  encodeMessage,
  encodePieceHeader,
  encodeRequests,
  reservedFlags,
} from './index';
import type { Message } from './index';

function u32(r: Random): number {
  return r.int(2 ** 32);
}

/** One random message of every type, so round trips cover the whole union. */
function randomMessages(r: Random): Message[] {
  const ref = () => ({ index: u32(r), begin: u32(r), length: u32(r) });
  return [
    { type: 'keep-alive' },
    { type: 'choke' },
    { type: 'unchoke' },
    { type: 'interested' },
    { type: 'not-interested' },
    { type: 'have', index: u32(r) },
    { type: 'bitfield', bits: r.bytes(r.int(40)) },
    { type: 'request', ...ref() },
    { type: 'piece', index: u32(r), begin: u32(r), block: r.bytes(r.int(3000)) },
    { type: 'cancel', ...ref() },
    { type: 'port', port: r.int(65536) },
    { type: 'suggest', index: u32(r) },
    { type: 'have-all' },
    { type: 'have-none' },
    { type: 'reject', ...ref() },
    { type: 'allowed-fast', index: u32(r) },
    { type: 'extended', extId: r.int(256), payload: r.bytes(r.int(100)) },
  ];
}

function normalise(m: Message): unknown {
  // Views into the receive buffer compare by content.
  if (m.type === 'bitfield') return { ...m, bits: [...m.bits] };
  if (m.type === 'piece') return { ...m, block: [...m.block] };
  if (m.type === 'extended') return { ...m, payload: [...m.payload] };
  return m;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe('handshake', () => {
  it('round-trips and is 68 bytes', () => {
    const r = seededRandom(1);
    const h = {
      infoHash: r.bytes(20),
      peerId: r.bytes(20),
      reserved: reservedFlags({ fast: true, extended: true }),
    };
    const bytes = encodeHandshake(h);
    expect(bytes.length).toBe(HANDSHAKE_BYTES);
    expect(bytes[0]).toBe(19);
    expect(Buffer.from(bytes.subarray(1, 20)).toString()).toBe('BitTorrent protocol');
    expect(decodeHandshake(bytes)).toEqual(h);
  });

  it('maps reserved bits as BEP 5, 6 and 10 define them', () => {
    const r = reservedFlags({ fast: true, extended: true, dht: true });
    expect([...r]).toEqual([0, 0, 0, 0, 0, 0x10, 0, 0x05]);
    expect(decodeReserved(r)).toEqual({ fast: true, extended: true, dht: true });
    expect(decodeReserved(new Uint8Array(8))).toEqual({ fast: false, extended: false, dht: false });
    for (const flags of [{ fast: true }, { extended: true }, { dht: true }]) {
      expect(decodeReserved(reservedFlags(flags))).toEqual({
        fast: false,
        extended: false,
        dht: false,
        ...flags,
      });
    }
  });

  it('refuses a wrong protocol string with ProtocolError', () => {
    const bytes = encodeHandshake({
      infoHash: new Uint8Array(20),
      peerId: new Uint8Array(20),
      reserved: new Uint8Array(8),
    });
    bytes[5] = 0x41;
    expect(() => decodeHandshake(bytes)).toThrow(ProtocolError);
    const http = new TextEncoder().encode('GET / HTTP/1.1\r\n');
    expect(() => new HandshakeReader().push(http)).toThrow(/protocol length/);
  });

  it('reader finds the handshake at any split and returns the bytes after it', () => {
    const h = encodeHandshake({
      infoHash: new Uint8Array(20).fill(1),
      peerId: new Uint8Array(20).fill(2),
      reserved: new Uint8Array(8),
    });
    const tail = encodeMessage({ type: 'have', index: 7 });
    const all = concat([h, tail]);
    for (let split = 1; split < all.length; split++) {
      const reader = new HandshakeReader();
      const first = reader.push(all.subarray(0, split));
      if (split >= HANDSHAKE_BYTES) {
        expect(first?.rest.length).toBe(split - HANDSHAKE_BYTES);
        continue;
      }
      expect(first).toBeNull();
      const res = reader.push(all.subarray(split));
      expect(res?.handshake.peerId).toEqual(new Uint8Array(20).fill(2));
      expect([...(res?.rest ?? [])]).toEqual([...tail]);
    }
  });
});

describe('messages', () => {
  it('round-trip through the frame decoder (100 random rounds of every type)', () => {
    const r = seededRandom(42);
    for (let round = 0; round < 100; round++) {
      const msgs = randomMessages(r);
      const dec = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      const out = dec.push(concat(msgs.map(encodeMessage)));
      expect(out.map(normalise)).toEqual(msgs.map(normalise));
      expect(dec.bufferedBytes).toBe(0);
    }
  });

  it('decodes the same messages when the stream is split at every byte', () => {
    const r = seededRandom(7);
    const msgs = randomMessages(r);
    const stream = concat(msgs.map(encodeMessage));
    for (let split = 0; split <= stream.length; split += split < 200 ? 1 : 97) {
      const dec = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      // Normalised (copied) at once: a block gathered across chunks lives until the next push.
      const out = [
        ...dec.push(stream.subarray(0, split)).map(normalise),
        ...dec.push(stream.subarray(split)).map(normalise),
      ];
      expect(out).toEqual(msgs.map(normalise));
    }
    // And one byte at a time.
    const dec = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i++) {
      out.push(...dec.push(stream.subarray(i, i + 1)).map(normalise));
    }
    expect(out).toEqual(msgs.map(normalise));
  });

  it('keeps nothing of a volatile chunk: one reused read buffer, split at every 13th byte', () => {
    const r = seededRandom(11);
    const msgs = [...randomMessages(r), ...randomMessages(r)];
    const stream = concat(msgs.map(encodeMessage));
    // A Node Buffer, as sockets hand out: its `slice` is a view, not a copy.
    const readBuffer = Buffer.alloc(512);
    for (const size of [1, 13, 100, 512]) {
      const dec = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      const kept: Message[] = [];
      for (let at = 0; at < stream.length; at += size) {
        const n = Math.min(size, stream.length - at);
        readBuffer.set(stream.subarray(at, at + n));
        const out = dec.push(readBuffer.subarray(0, n), true);
        // A piece block is only valid now; what the decoder hands out otherwise must survive.
        kept.push(...out.map((m) => (m.type === 'piece' ? { ...m, block: m.block.slice() } : m)));
        readBuffer.fill(0xee);
      }
      expect(kept.map(normalise)).toEqual(msgs.map(normalise));
      expect(dec.bufferedBytes).toBe(0);
    }
  });

  it('hands out a piece block as a view of the received chunk when the frame is contiguous', () => {
    const block = new Uint8Array(16384).fill(9);
    const chunk = concat([encodePieceHeader(3, 16384, block.length), block]);
    const [m] = new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(chunk);
    expect(m?.type).toBe('piece');
    if (m?.type !== 'piece') return;
    expect(m.block.buffer).toBe(chunk.buffer);
    expect(m.block.byteOffset).toBe(chunk.byteOffset + 13);
  });

  it('encodes a piece as header + block identical to encodeMessage', () => {
    const block = seededRandom(3).bytes(1000);
    const whole = encodeMessage({ type: 'piece', index: 5, begin: 32768, block });
    expect([...concat([encodePieceHeader(5, 32768, 1000), block])]).toEqual([...whole]);
    expect([...encodeMessage({ type: 'request', index: 1, begin: 2, length: 16384 })]).toEqual([
      0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0x40, 0,
    ]);
    expect([...encodeMessage({ type: 'keep-alive' })]).toEqual([0, 0, 0, 0]);
    expect([...encodeMessage({ type: 'have-all' })]).toEqual([0, 0, 0, 1, 0x0e]);
  });

  it('encodes a batch of requests as the concatenation of single request frames', () => {
    const blocks = [
      { index: 0, begin: 0, length: 16384 },
      { index: 7, begin: 16384, length: 16384 },
      { index: 0xffffffff, begin: 0xffffffff, length: 1 },
    ];
    const batch = encodeRequests(blocks);
    expect(batch.length).toBe(blocks.length * BLOCK_REF_FRAME_BYTES);
    expect([...batch]).toEqual([
      ...concat(blocks.map((b) => encodeMessage({ type: 'request', ...b }))),
    ]);
    const decoded = new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(batch);
    expect(decoded).toEqual(blocks.map((b) => ({ type: 'request', ...b })));
    expect(encodeRequests([]).length).toBe(0);
    expect(() => encodeRequests([{ index: -1, begin: 0, length: 1 }])).toThrow(RangeError);
  });

  it('refuses frames over the maximum as soon as the length arrives', () => {
    const dec = new FrameDecoder({ maxFrameBytes: 100 });
    expect(() => dec.push(new Uint8Array([0, 0, 0, 101]))).toThrow(/exceeds/);
    try {
      new FrameDecoder({ maxFrameBytes: 100 }).push(new Uint8Array([0, 1, 0, 0]));
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('frame-too-large');
    }
  });

  it.each([
    ['choke with a body', [0, 0, 0, 2, 0, 0], 'bad-message-length'],
    ['have without index', [0, 0, 0, 1, 4], 'bad-message-length'],
    [
      'request of 12 bytes',
      [0, 0, 0, 12, 6, ...new Array<number>(11).fill(0)],
      'bad-message-length',
    ],
    ['short piece', [0, 0, 0, 5, 7, 0, 0, 0, 0], 'bad-message-length'],
    ['port of 1 byte', [0, 0, 0, 2, 9, 0], 'bad-message-length'],
    ['extended without id', [0, 0, 0, 1, 20], 'bad-message-length'],
    ['unknown id 21', [0, 0, 0, 1, 21], 'unknown-message'],
    ['unknown id 255', [0, 0, 0, 1, 255], 'unknown-message'],
  ])('refuses %s', (_name, bytes, code) => {
    let caught: unknown;
    try {
      new FrameDecoder({ maxFrameBytes: 1000 }).push(new Uint8Array(bytes));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe(code);
  });

  it('random bytes only ever raise ProtocolError', () => {
    const r = seededRandom(99);
    let errors = 0;
    let decoded = 0;
    for (let round = 0; round < 3000; round++) {
      const dec = new FrameDecoder({ maxFrameBytes: 64 });
      // Small lengths make valid-looking frames common, so decoding paths are exercised too.
      const bytes = r.bytes(1 + r.int(80));
      if (r.next() < 0.7) {
        bytes[0] = bytes[1] = bytes[2] = 0;
        bytes[3] = r.int(20);
        if (r.next() < 0.7)
          bytes[4] = [0, 1, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 20][r.int(14)] ?? 0;
      }
      try {
        decoded += dec.push(bytes).length;
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        errors++;
      }
      try {
        new HandshakeReader().push(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
      try {
        decodeExtendedHandshake(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
    }
    expect(errors).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('Bitfield', () => {
  it('sets, counts and serialises MSB first', () => {
    const bf = new Bitfield(10);
    bf.set(0);
    bf.set(9);
    bf.set(9);
    expect(bf.count()).toBe(2);
    expect([...bf.toBytes()]).toEqual([0x80, 0x40]);
    bf.set(0, false);
    expect(bf.get(0)).toBe(false);
    expect(bf.count()).toBe(1);
    expect(bf.isFull()).toBe(false);
    expect(bf.get(10)).toBe(false);
    expect(() => bf.set(10)).toThrow(RangeError);
  });

  it('round-trips through bytes and knows full', () => {
    const r = seededRandom(5);
    for (let n = 1; n < 70; n++) {
      const bf = new Bitfield(n);
      for (let i = 0; i < n; i++) if (r.next() < 0.5) bf.set(i);
      const back = Bitfield.fromBytes(bf.toBytes(), n);
      expect(back.count()).toBe(bf.count());
      for (let i = 0; i < n; i++) expect(back.get(i)).toBe(bf.get(i));
      const full = Bitfield.full(n);
      expect(full.isFull()).toBe(true);
      expect(Bitfield.fromBytes(full.toBytes(), n).count()).toBe(n);
    }
  });

  it('refuses a wrong length or spare bits with ProtocolError', () => {
    expect(() => Bitfield.fromBytes(new Uint8Array(3), 10)).toThrow(ProtocolError);
    expect(() => Bitfield.fromBytes(new Uint8Array([0, 0x01]), 10)).toThrow(/spare bits/);
    expect(Bitfield.fromBytes(new Uint8Array([0xff, 0xc0]), 10).isFull()).toBe(true);
  });
});

describe('BEP 10 extended handshake', () => {
  it('round-trips the known keys', () => {
    const h = {
      m: { ut_metadata: 1, ut_pex: 2 },
      v: 'Swarmscope 0.1.0',
      reqq: 4000,
      p: 6881,
      yourip: new Uint8Array([127, 0, 0, 1]),
      metadata_size: 31337,
    };
    const back = decodeExtendedHandshake(encodeExtendedHandshake(h));
    expect({ ...back, m: { ...back.m } }).toEqual(h);
  });

  it('ignores unknown keys and ill-typed values, keeps m prototype-less', () => {
    const payload = new TextEncoder().encode(
      'd1:md9:__proto__i3e6:ut_pexi300e11:ut_metadatai2ee1:pi99999e4:reqq3:abc1:v6:libté6:zzzzzzi1ee',
    );
    const h = decodeExtendedHandshake(payload);
    expect(h.m['ut_metadata']).toBe(2);
    expect(h.m['ut_pex']).toBeUndefined();
    expect(Object.getPrototypeOf(h.m)).toBeNull();
    expect(h.m['__proto__']).toBe(3);
    expect(h.p).toBeUndefined();
    expect(h.reqq).toBeUndefined();
    expect(h.v).toBe('libté');
  });

  it('refuses non-dicts, bad bencode and oversize payloads with ProtocolError', () => {
    for (const s of ['i1e', 'd1:m', 'le', 'xyz']) {
      expect(() => decodeExtendedHandshake(new TextEncoder().encode(s))).toThrow(ProtocolError);
    }
    expect(() => decodeExtendedHandshake(new Uint8Array(70 * 1024))).toThrow(/exceeds/);
  });
});
