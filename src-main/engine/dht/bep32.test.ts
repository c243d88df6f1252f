/**
 * BEP 32 (issue 18): IPv6 nodes (`nodes6`, 38 bytes each), the `want` argument, and a v6 node
 * answering with its own table and, when asked, its v4 sibling's.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../time/clock';
import { COMPACT_NODE6_BYTES, decodeCompactNodes6, encodeCompactNodes6 } from './compact-nodes';
import { DhtNode } from './dht-node';
import { decodeKrpc, encodeKrpc } from './krpc';
import type { KrpcMessage } from './krpc';
import { isValidNodeAddress } from './routing-table';

const id = (n: number): Uint8Array => new Uint8Array(20).fill(n);

describe('BEP 32 codecs', () => {
  it('round-trips IPv6 compact nodes and skips v4 ones', () => {
    const nodes = [
      { id: id(1), address: '2001:db8::1', port: 6881 },
      { id: id(2), address: '10.0.0.1', port: 6881 },
      { id: id(3), address: '::1', port: 1 },
    ];
    const bytes = encodeCompactNodes6(nodes);
    expect(bytes.length).toBe(2 * COMPACT_NODE6_BYTES);
    expect(decodeCompactNodes6(bytes, 10)).toEqual([nodes[0], nodes[2]]);
    expect(decodeCompactNodes6(bytes.subarray(1), 10)).toBeNull();
  });

  it('carries nodes6 in responses and want in queries; unknown wants are ignored', () => {
    const msg: KrpcMessage = {
      kind: 'response',
      transactionId: Uint8Array.of(1, 2),
      id: id(9),
      nodes6: [{ id: id(4), address: '2001:db8::4', port: 4 }],
      values: [
        { address: '2001:db8::5', port: 5 },
        { address: '10.0.0.5', port: 5 },
      ],
    };
    expect(decodeKrpc(encodeKrpc(msg))).toEqual(msg);
    const q: KrpcMessage = {
      kind: 'query',
      transactionId: Uint8Array.of(3),
      id: id(9),
      method: 'get_peers',
      infoHash: id(7),
      want: ['n4', 'n6'],
    };
    expect(decodeKrpc(encodeKrpc(q))).toEqual(q);
    const raw = Buffer.from(
      'd1:ad2:id20:' +
        'a'.repeat(20) +
        '6:target20:' +
        'b'.repeat(20) +
        '4:wantl2:n62:x9ee1:q9:find_node1:t1:z1:y1:qe',
      'latin1',
    );
    const d = decodeKrpc(raw);
    expect(d.kind === 'query' && d.method === 'find_node' ? d.want : null).toEqual(['n6']);
  });

  it('accepts unicast IPv6 node addresses only', () => {
    expect(isValidNodeAddress('2001:db8::1', 6881, 6)).toBe(true);
    expect(isValidNodeAddress('2001:db8::1', 6881, 4)).toBe(false);
    expect(isValidNodeAddress('10.0.0.1', 6881, 6)).toBe(false);
    expect(isValidNodeAddress('::', 6881, 6)).toBe(false);
    expect(isValidNodeAddress('ff02::1', 6881, 6)).toBe(false);
    expect(isValidNodeAddress('::ffff:10.0.0.1', 6881, 6)).toBe(false);
  });
});

describe('an IPv6 DHT node', () => {
  function nodes() {
    const clock = new ManualClock();
    const sent: { msg: KrpcMessage; address: string }[] = [];
    const v4 = new DhtNode({ send: () => {}, clock, random: seededRandom(1), id: id(0x10) });
    const v6 = new DhtNode({
      send: (p, address) => sent.push({ msg: decodeKrpc(p), address }),
      clock,
      random: seededRandom(2),
      id: id(0x20),
      family: 6,
      sibling: () => v4,
    });
    v4.table.insert({ id: id(0x11), address: '10.0.0.1', port: 1000 }, clock.now());
    v6.table.insert({ id: id(0x21), address: '2001:db8::1', port: 2000 }, clock.now());
    return { v4, v6, sent };
  }

  function answer(sent: { msg: KrpcMessage }[]) {
    const r = sent.find((s) => s.msg.kind === 'response')?.msg;
    if (r?.kind !== 'response') throw new Error('no response');
    return r;
  }

  it('answers find_node with nodes6 from its own table, and with both when want asks', () => {
    const { v4, v6, sent } = nodes();
    const query = (want?: ('n4' | 'n6')[]) =>
      encodeKrpc({
        kind: 'query',
        transactionId: Uint8Array.of(7),
        id: id(0x30),
        method: 'find_node',
        target: id(0x21),
        ...(want ? { want } : {}),
      });
    v6.receive(query(), '2001:db8::99', 6881);
    const plain = answer(sent);
    expect(plain.nodes).toBeUndefined();
    expect(plain.nodes6?.map((n) => n.address)).toEqual(['2001:db8::1']);
    sent.length = 0;
    v6.receive(query(['n4', 'n6']), '2001:db8::99', 6881);
    const both = answer(sent);
    expect(both.nodes?.map((n) => n.address)).toEqual(['10.0.0.1']);
    expect(both.nodes6?.map((n) => n.address)).toEqual(['2001:db8::1']);
    v4.close();
    v6.close();
  });

  it('drops datagrams from IPv4 sources', () => {
    const { v4, v6, sent } = nodes();
    v6.receive(
      encodeKrpc({ kind: 'query', transactionId: Uint8Array.of(1), id: id(0x30), method: 'ping' }),
      '10.0.0.9',
      6881,
    );
    expect(sent).toEqual([]);
    expect(v6.stats().dropped.malformed).toBe(1);
    v4.close();
    v6.close();
  });
});
