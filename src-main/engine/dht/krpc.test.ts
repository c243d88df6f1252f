import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import {
  KRPC_MAX_NODES_PER_RESPONSE,
  KRPC_MAX_PACKET_BYTES,
  KRPC_MAX_VALUES_PER_RESPONSE,
} from '../limits';
import { encodeCompactNodes } from './compact-nodes';
import { KrpcError, KRPC_METHOD_UNKNOWN, decodeKrpc, encodeKrpc, isKrpcPacket } from './krpc';
import type { KrpcMessage } from './krpc';

const id = (byte: number): Uint8Array => new Uint8Array(20).fill(byte);
const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);

function krpcError(packet: Uint8Array): KrpcError {
  try {
    decodeKrpc(packet);
  } catch (err) {
    expect(err).toBeInstanceOf(KrpcError);
    return err as KrpcError;
  }
  throw new Error('decodeKrpc accepted the packet');
}

describe('KRPC codec', () => {
  it('decodes the BEP 5 example ping query byte for byte', () => {
    const msg = decodeKrpc(b('d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe'));
    expect(msg).toEqual({
      kind: 'query',
      method: 'ping',
      transactionId: b('aa'),
      id: b('abcdefghij0123456789'),
    });
    expect(Buffer.from(encodeKrpc(msg)).toString()).toBe(
      'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe',
    );
  });

  it('encodes announce_peer with implied_port as BEP 5 spells it', () => {
    const bytes = encodeKrpc({
      kind: 'query',
      method: 'announce_peer',
      transactionId: b('aa'),
      id: id(1),
      infoHash: id(2),
      port: 6881,
      token: b('tok'),
      impliedPort: true,
    });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toContain('12:implied_porti1e');
    expect(text).toContain('4:porti6881e');
    expect(text).toContain('1:q13:announce_peer');
  });

  it('accepts an implied-port announce with port 0 but refuses port 0 otherwise', () => {
    const announce = (implied: number, port: number): Uint8Array =>
      encode({
        t: 'aa',
        y: 'q',
        q: 'announce_peer',
        a: { id: id(1), info_hash: id(2), port, token: 'x', implied_port: implied },
      });
    const ok = decodeKrpc(announce(1, 0));
    expect(ok).toMatchObject({ method: 'announce_peer', impliedPort: true, port: 0 });
    expect(krpcError(announce(0, 0)).message).toBe('"port" must be an integer port');
  });

  it('decodes a get_peers response with values, nodes and token', () => {
    const nodes = encodeCompactNodes([{ id: id(3), address: '10.0.0.1', port: 6881 }]);
    const packet = encode({
      t: 'zz',
      y: 'r',
      r: { id: id(4), token: 'tk', nodes, values: [Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1)] },
    });
    expect(decodeKrpc(packet)).toEqual({
      kind: 'response',
      transactionId: b('zz'),
      id: id(4),
      token: b('tk'),
      nodes: [{ id: id(3), address: '10.0.0.1', port: 6881 }],
      values: [{ address: '127.0.0.1', port: 6881 }],
    });
  });

  it('decodes an error message', () => {
    expect(decodeKrpc(b('d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee'))).toEqual({
      kind: 'error',
      transactionId: b('aa'),
      errorCode: 201,
      message: 'A Generic Error Ocurred',
    });
  });

  it('caps nodes and values a response may carry', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      id: id(i + 1),
      address: '10.0.0.1',
      port: 1000 + i,
    }));
    const withNodes = decodeKrpc(
      encode({ t: 'a', y: 'r', r: { id: id(9), nodes: encodeCompactNodes(many) } }),
    );
    expect(withNodes.kind === 'response' && withNodes.nodes?.length).toBe(
      KRPC_MAX_NODES_PER_RESPONSE,
    );
    const values = Array.from({ length: 120 }, (_, i) => Uint8Array.of(10, 0, 0, 2, 0, i + 1));
    const withValues = decodeKrpc(encode({ t: 'a', y: 'r', r: { id: id(9), values } }));
    expect(withValues.kind === 'response' && withValues.values?.length).toBe(
      KRPC_MAX_VALUES_PER_RESPONSE,
    );
  });

  const rejections: [name: string, packet: Uint8Array, code: KrpcError['code']][] = [
    ['an oversized packet', new Uint8Array(KRPC_MAX_PACKET_BYTES + 1).fill(0x64), 'too-large'],
    ['garbage', b('\x00\x01hello'), 'bad-bencode'],
    ['trailing data', b('d1:t1:a1:y1:qeXX'), 'bad-bencode'],
    ['a list', b('le'), 'not-a-dict'],
    ['no transaction id', encode({ y: 'q', q: 'ping', a: { id: id(1) } }), 'bad-transaction-id'],
    ['an oversized transaction id', encode({ t: 'x'.repeat(17), y: 'q' }), 'bad-transaction-id'],
    ['an unknown type', encode({ t: 'a', y: 'z' }), 'bad-type'],
    ['a short node id', encode({ t: 'a', y: 'q', q: 'ping', a: { id: 'short' } }), 'bad-field'],
    [
      'find_node without target',
      encode({ t: 'a', y: 'q', q: 'find_node', a: { id: id(1) } }),
      'bad-field',
    ],
    [
      'a torn nodes string',
      encode({ t: 'a', y: 'r', r: { id: id(1), nodes: new Uint8Array(27) } }),
      'bad-field',
    ],
    [
      'a 7-byte value',
      encode({ t: 'a', y: 'r', r: { id: id(1), values: [new Uint8Array(7)] } }),
      'bad-field',
    ],
    [
      'an oversized token',
      encode({ t: 'a', y: 'r', r: { id: id(1), token: new Uint8Array(65) } }),
      'bad-field',
    ],
    ['an error without a message', encode({ t: 'a', y: 'e', e: [201] }), 'bad-field'],
  ];
  for (const [name, packet, code] of rejections) {
    it(`refuses ${name} with a typed error`, () => {
      expect(krpcError(packet).code).toBe(code);
    });
  }

  it('keeps the transaction id of an unknown method so the node can answer 204', () => {
    const err = krpcError(encode({ t: 'qq', y: 'q', q: 'vote', a: { id: id(1) } }));
    expect(err.code).toBe('unknown-method');
    expect(err.transactionId).toEqual(b('qq'));
    expect(err.replyCode).toBe(KRPC_METHOD_UNKNOWN);
  });

  it('tells KRPC datagrams from uTP ones on a shared port', () => {
    expect(isKrpcPacket(b('d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe'))).toBe(true);
    for (const utpType of [0x01, 0x11, 0x21, 0x31, 0x41]) {
      expect(isKrpcPacket(Uint8Array.of(utpType, 0, 0, 0))).toBe(false);
    }
    expect(isKrpcPacket(new Uint8Array(0))).toBe(false);
  });

  it('any bytes decode to a message or a KrpcError (property)', () => {
    const alphabet = fc.constantFrom(...b('dlie0123456789:-tyqrae'));
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(alphabet, { maxLength: 120 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, (packet) => {
        try {
          decodeKrpc(packet);
        } catch (err) {
          if (!(err instanceof KrpcError)) throw err;
        }
      }),
      { numRuns: 5_000, seed: 17 },
    );
  });

  it('mutated valid messages decode to a message or a KrpcError (property)', () => {
    const valid = encode({
      t: 'aa',
      y: 'r',
      r: {
        id: id(4),
        token: 'tk',
        nodes: encodeCompactNodes([{ id: id(3), address: '10.0.0.1', port: 1 }]),
        values: [new Uint8Array(6)],
      },
    });
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(valid.length),
        (at, byte, cut) => {
          const packet = valid.slice(0, cut);
          if (at < packet.length) packet[at] = byte;
          try {
            decodeKrpc(packet);
          } catch (err) {
            if (!(err instanceof KrpcError)) throw err;
          }
        },
      ),
      { numRuns: 5_000, seed: 18 },
    );
  });

  it('valid messages round-trip (property)', () => {
    const nodeId = fc.uint8Array({ minLength: 20, maxLength: 20 });
    const tid = fc.uint8Array({ minLength: 1, maxLength: 16 });
    const port = fc.integer({ min: 1, max: 65535 });
    const ipv4 = fc
      .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
      .map((p) => p.join('.'));
    const node = fc.record({ id: nodeId, address: ipv4, port });
    const peer = fc.record({ address: ipv4, port: fc.integer({ min: 0, max: 65535 }) });
    const token = fc.uint8Array({ minLength: 1, maxLength: 64 });
    const message: fc.Arbitrary<KrpcMessage> = fc.oneof(
      fc.record({
        kind: fc.constant('query'),
        method: fc.constant('ping'),
        transactionId: tid,
        id: nodeId,
      }),
      fc.record({
        kind: fc.constant('query'),
        method: fc.constant('find_node'),
        transactionId: tid,
        id: nodeId,
        target: nodeId,
      }),
      fc.record({
        kind: fc.constant('query'),
        method: fc.constant('get_peers'),
        transactionId: tid,
        id: nodeId,
        infoHash: nodeId,
      }),
      fc.record({
        kind: fc.constant('query'),
        method: fc.constant('announce_peer'),
        transactionId: tid,
        id: nodeId,
        infoHash: nodeId,
        port,
        token,
        impliedPort: fc.boolean(),
      }),
      fc.record(
        {
          kind: fc.constant('response'),
          transactionId: tid,
          id: nodeId,
          nodes: fc.array(node, { maxLength: 8 }),
          values: fc.array(peer, { maxLength: 20 }),
          token,
        },
        { requiredKeys: ['kind', 'transactionId', 'id'] },
      ),
      fc.record({
        kind: fc.constant('error'),
        transactionId: tid,
        errorCode: fc.integer({ min: 201, max: 204 }),
        message: fc.string({ maxLength: 40 }),
      }),
    ) as fc.Arbitrary<KrpcMessage>;
    fc.assert(
      fc.property(message, (msg) => {
        expect(decodeKrpc(encodeKrpc(msg))).toEqual(msg);
      }),
      { numRuns: 2_000, seed: 19 },
    );
  });
});
