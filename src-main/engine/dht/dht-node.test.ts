import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import {
  DHT_LOOKUP_MAX_QUERIES,
  DHT_MAINTENANCE_INTERVAL_MS,
  DHT_MAX_VERIFY_PINGS_IN_FLIGHT,
  DHT_NODE_QUESTIONABLE_AFTER_MS,
  DHT_QUERY_BURST_PER_IP,
  DHT_QUERY_TIMEOUT_MS,
  KRPC_MAX_PACKET_BYTES,
} from '../limits';
import { ManualClock, seededRandom } from '../time/clock';
import { DhtNode } from './dht-node';
import { decodeKrpc, encodeKrpc, KRPC_METHOD_UNKNOWN, KRPC_PROTOCOL_ERROR } from './krpc';
import type { KrpcMessage, KrpcQuery, KrpcResponse } from './krpc';

const OWN = new Uint8Array(20).fill(0x11);
const OTHER = new Uint8Array(20).fill(0x22);
const HASH = new Uint8Array(20).fill(0x33);
const t = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A query without the fields the harness fills in (distributes over the union). */
type QueryBody<Q = KrpcQuery> = Q extends unknown
  ? Omit<Q, 'kind' | 'transactionId' | 'id'>
  : never;

interface Sent {
  msg: KrpcMessage;
  address: string;
  port: number;
}

/** A node whose datagrams are captured; `respond` answers them (asynchronously, like a network). */
function harness(respond?: (s: Sent, node: DhtNode) => void) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  const node: DhtNode = new DhtNode({
    clock,
    random: seededRandom(1),
    id: OWN,
    bootstrapNodes: [],
    allowSameIp: true,
    send: (packet, address, port) => {
      expect(packet.length).toBeLessThanOrEqual(KRPC_MAX_PACKET_BYTES);
      const s = { msg: decodeKrpc(packet), address, port };
      sent.push(s);
      if (respond) queueMicrotask(() => respond(s, node));
    },
  });
  const query = (q: QueryBody, from = '10.0.0.1', port = 7000, tid = 'aa') =>
    node.receive(
      encodeKrpc({ kind: 'query', transactionId: t(tid), id: OTHER, ...q } as KrpcQuery),
      from,
      port,
    );
  const replies = (): KrpcMessage[] => sent.filter((s) => s.msg.kind !== 'query').map((s) => s.msg);
  return { clock, sent, node, query, replies };
}

const lastReply = (h: ReturnType<typeof harness>): KrpcMessage =>
  h.replies()[h.replies().length - 1]!;

describe('DhtNode answers queries', () => {
  it('answers ping with its id and the same transaction id', () => {
    const h = harness();
    h.query({ method: 'ping' }, '10.0.0.1', 7000, 'pq');
    expect(lastReply(h)).toEqual({ kind: 'response', transactionId: t('pq'), id: OWN });
    expect(h.sent.find((s) => s.msg.kind === 'response')).toMatchObject({
      address: '10.0.0.1',
      port: 7000,
    });
  });

  it('get_peers gives a token; announce_peer with it stores the peer; get_peers returns it', () => {
    const h = harness();
    h.query({ method: 'get_peers', infoHash: HASH });
    const first = lastReply(h) as KrpcResponse;
    expect(first.token).toBeDefined();
    expect(first.values).toBeUndefined();
    h.query({
      method: 'announce_peer',
      infoHash: HASH,
      port: 6881,
      token: first.token!,
      impliedPort: false,
    });
    expect(lastReply(h)).toEqual({ kind: 'response', transactionId: t('aa'), id: OWN });
    h.query({ method: 'get_peers', infoHash: HASH }, '10.0.0.9');
    expect((lastReply(h) as KrpcResponse).values).toEqual([{ address: '10.0.0.1', port: 6881 }]);
    expect(h.node.stats().storedPeers).toBe(1);
  });

  it('implied_port stores the UDP source port', () => {
    const h = harness();
    h.query({ method: 'get_peers', infoHash: HASH }, '10.0.0.1', 7000);
    const token = (lastReply(h) as KrpcResponse).token!;
    h.query(
      { method: 'announce_peer', infoHash: HASH, port: 1, token, impliedPort: true },
      '10.0.0.1',
      7000,
    );
    h.query({ method: 'get_peers', infoHash: HASH }, '10.0.0.9');
    expect((lastReply(h) as KrpcResponse).values).toEqual([{ address: '10.0.0.1', port: 7000 }]);
  });

  it('refuses announce_peer with a token made for another IP (error 203)', () => {
    const h = harness();
    h.query({ method: 'get_peers', infoHash: HASH }, '10.0.0.1');
    const token = (lastReply(h) as KrpcResponse).token!;
    h.query(
      { method: 'announce_peer', infoHash: HASH, port: 6881, token, impliedPort: false },
      '10.0.0.2',
    );
    expect(lastReply(h)).toMatchObject({ kind: 'error', errorCode: KRPC_PROTOCOL_ERROR });
    expect(h.node.stats().storedPeers).toBe(0);
  });

  it('answers an unknown method with error 204', () => {
    const h = harness();
    h.node.receive(
      encode({ t: 'zz', y: 'q', q: 'sample_infohashes', a: { id: OTHER } }),
      '10.0.0.1',
      7000,
    );
    expect(lastReply(h)).toEqual({
      kind: 'error',
      transactionId: t('zz'),
      errorCode: KRPC_METHOD_UNKNOWN,
      message: 'Method Unknown',
    });
  });

  it('a node that queries us enters the table only after answering our ping', () => {
    const h = harness();
    h.query({ method: 'find_node', target: HASH });
    expect(h.node.stats().nodes).toBe(0);
    const ping = h.sent.find((s) => s.msg.kind === 'query')!;
    expect(ping).toMatchObject({ address: '10.0.0.1', port: 7000, msg: { method: 'ping' } });
    h.node.receive(
      encodeKrpc({ kind: 'response', transactionId: ping.msg.transactionId, id: OTHER }),
      '10.0.0.1',
      7000,
    );
    expect(h.node.stats().nodes).toBe(1);
  });
});

describe('DhtNode under hostile input', () => {
  it('drops garbage and oversized packets without answering or throwing', () => {
    const h = harness();
    h.node.receive(new Uint8Array(KRPC_MAX_PACKET_BYTES + 1), '10.0.0.1', 7000);
    h.node.receive(t('d1:ad2:id20:'), '10.0.0.1', 7000);
    h.node.receive(t('hello'), '10.0.0.1', 7000);
    h.node.receive(
      encodeKrpc({ kind: 'response', transactionId: t('nn'), id: OTHER }),
      'not-an-ip',
      7000,
    );
    const ping = encodeKrpc({ kind: 'query', method: 'ping', transactionId: t('pp'), id: OTHER });
    h.node.receive(ping, '10.0.0.1', 0);
    expect(h.sent).toEqual([]);
    expect(h.node.stats().dropped.malformed).toBe(5);
  });

  it('never throws on random datagrams (property)', () => {
    const h = harness();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(65535), (bytes, port) => {
        h.node.receive(bytes, '10.0.0.5', port);
      }),
      { numRuns: 2_000, seed: 23 },
    );
  });

  it('rate-limits a flood of queries from one IP but still answers others', () => {
    const h = harness();
    for (let i = 0; i < 2_000; i++) h.query({ method: 'ping' }, '10.0.0.66');
    const toFlooder = h.sent.filter(
      (s) => s.address === '10.0.0.66' && s.msg.kind === 'response',
    ).length;
    expect(toFlooder).toBe(DHT_QUERY_BURST_PER_IP);
    expect(h.node.stats().dropped.rateLimited).toBe(2_000 - DHT_QUERY_BURST_PER_IP);
    h.query({ method: 'ping' }, '10.0.0.67');
    expect(lastReply(h)).toMatchObject({ kind: 'response', id: OWN });
    h.clock.advance(1_000); // the bucket refills
    h.query({ method: 'ping' }, '10.0.0.66');
    expect(h.sent[h.sent.length - 1]).toMatchObject({
      address: '10.0.0.66',
      msg: { kind: 'response' },
    });
  });

  it('a flood from many IPs costs at most a bounded number of verification pings', () => {
    const h = harness();
    for (let i = 0; i < 2_000; i++) {
      const id = seededRandom(i + 1).bytes(20);
      const q = encodeKrpc({ kind: 'query', method: 'ping', transactionId: t('fl'), id });
      h.node.receive(q, `10.${i >> 8}.${i & 255}.1`, 7000);
    }
    const pings = h.sent.filter((s) => s.msg.kind === 'query').length;
    expect(pings).toBe(DHT_MAX_VERIFY_PINGS_IN_FLIGHT);
    expect(h.node.stats().queriesInFlight).toBe(DHT_MAX_VERIFY_PINGS_IN_FLIGHT);
    expect(h.replies().length).toBe(2_000);
    h.node.close();
  });

  it('ignores unsolicited responses and responses from another address than asked', async () => {
    const h = harness();
    const pinged = h.node.ping('10.0.0.1', 7000);
    const q = h.sent[0]!;
    h.node.receive(
      encodeKrpc({ kind: 'response', transactionId: t('xx'), id: OTHER }),
      '10.0.0.1',
      7000,
    );
    h.node.receive(
      encodeKrpc({ kind: 'response', transactionId: q.msg.transactionId, id: OTHER }),
      '10.0.0.2',
      7000,
    );
    expect(h.node.stats().dropped.unsolicited).toBe(2);
    expect(h.node.stats().nodes).toBe(0);
    h.node.receive(
      encodeKrpc({ kind: 'response', transactionId: q.msg.transactionId, id: OTHER }),
      '10.0.0.1',
      7000,
    );
    await expect(pinged).resolves.toEqual(OTHER);
    expect(h.node.stats().nodes).toBe(1);
  });

  it('an unanswered query times out on the clock', async () => {
    const h = harness();
    const pinged = h.node.ping('10.0.0.1', 7000);
    expect(h.node.stats().queriesInFlight).toBe(1);
    h.clock.advance(DHT_QUERY_TIMEOUT_MS);
    await expect(pinged).resolves.toBeNull();
    expect(h.node.stats().queriesInFlight).toBe(0);
    h.node.close();
    expect(h.clock.pending).toBe(0);
  });

  it('a lookup terminates against a node that answers every query with itself', async () => {
    const h = harness((s, node) => {
      if (s.msg.kind !== 'query') return;
      const self = { id: OTHER, address: s.address, port: s.port };
      node.receive(
        encodeKrpc({
          kind: 'response',
          transactionId: s.msg.transactionId,
          id: OTHER,
          nodes: [self, self],
        }),
        s.address,
        s.port,
      );
    });
    h.node.table.insert({ id: OTHER, address: '10.0.0.1', port: 7000 }, h.clock.now());
    const peers = await h.node.getPeers(HASH);
    expect(peers).toEqual([]);
    expect(h.sent.filter((s) => s.msg.kind === 'query').length).toBe(1);
    expect(h.node.stats().lookupsInFlight).toBe(0);
  });

  it('a lookup stops after a bounded number of queries when nodes invent ever closer nodes', async () => {
    let n = 0;
    const h = harness((s, node) => {
      if (s.msg.kind !== 'query') return;
      // Every answer names 8 new nodes, each closer to the target than anything before.
      const nodes = Array.from({ length: 8 }, () => {
        n++;
        const id = HASH.slice();
        id[19] = 0;
        id[18] = 0;
        id[10] = 0xff - (n >> 8);
        id[11] = 0xff - (n & 0xff);
        return {
          id,
          address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`,
          port: 7000,
        };
      });
      node.receive(
        encodeKrpc({
          kind: 'response',
          transactionId: s.msg.transactionId,
          id: randomId(n),
          nodes,
        }),
        s.address,
        s.port,
      );
    });
    h.node.table.insert({ id: OTHER, address: '10.0.0.1', port: 7000 }, h.clock.now());
    await h.node.findNode(HASH);
    expect(h.sent.filter((s) => s.msg.kind === 'query').length).toBeLessThanOrEqual(
      DHT_LOOKUP_MAX_QUERIES + 1,
    );
    expect(h.sent.filter((s) => s.msg.kind === 'query').length).toBeGreaterThan(
      DHT_LOOKUP_MAX_QUERIES / 2,
    );
    expect(h.node.stats().lookupsInFlight).toBe(0);
    h.node.close();
  });
});

function randomId(seed: number): Uint8Array {
  return seededRandom(seed).bytes(20);
}

describe('DhtNode upkeep and persistence', () => {
  it('a different id answering at a known node address counts as that node failing', async () => {
    const h = harness((s, node) => {
      if (s.msg.kind !== 'query') return;
      const impostor = new Uint8Array(20).fill(0x44);
      node.receive(
        encodeKrpc({ kind: 'response', transactionId: s.msg.transactionId, id: impostor }),
        s.address,
        s.port,
      );
    });
    h.node.table.insert({ id: OTHER, address: '10.0.0.1', port: 7000 }, h.clock.now());
    await h.node.findNode(HASH);
    await h.node.findNode(HASH);
    const n = h.node.table.find(OTHER)!;
    expect(h.node.table.status(n, h.clock.now())).toBe('bad');
    h.node.close();
  });

  it('pings a node gone questionable and marks it bad when it stays silent', () => {
    const h = harness();
    const silent = { id: OTHER, address: '10.0.0.1', port: 7000 };
    h.node.table.insert(silent, h.clock.now());
    h.clock.advance(DHT_NODE_QUESTIONABLE_AFTER_MS - 1);
    expect(h.sent).toEqual([]);
    h.clock.advance(DHT_MAINTENANCE_INTERVAL_MS);
    expect(
      h.sent.some(
        (s) => s.address === '10.0.0.1' && s.msg.kind === 'query' && s.msg.method === 'ping',
      ),
    ).toBe(true);
    h.clock.advance(2 * DHT_MAINTENANCE_INTERVAL_MS);
    const n = h.node.table.find(OTHER)!;
    expect(h.node.table.status(n, h.clock.now())).toBe('bad');
    expect(h.node.table.closest(OTHER, 8, h.clock.now())).toEqual([]);
    h.node.close();
    expect(h.clock.pending).toBe(0);
  });

  it('restarts from a saved table with the same id and nodes', () => {
    const h = harness();
    h.node.table.insert({ id: OTHER, address: '10.0.0.1', port: 7000 }, h.clock.now());
    const saved = JSON.parse(JSON.stringify(h.node.serialize())) as ReturnType<
      DhtNode['serialize']
    >;
    h.node.close();
    const again = new DhtNode({
      send: () => undefined,
      clock: h.clock,
      savedTable: saved,
      bootstrapNodes: [],
    });
    expect(again.id).toEqual(OWN);
    expect(again.stats().nodes).toBe(1);
    expect(again.table.find(OTHER)?.address).toBe('10.0.0.1');
    again.close();
  });
});
