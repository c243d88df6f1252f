import { describe, expect, it } from 'vitest';
import { DHT_K, DHT_NODE_QUESTIONABLE_AFTER_MS } from '../limits';
import { idToHex } from './node-id';
import { RoutingTable } from './routing-table';

const T0 = 1_000_000;
/** An id whose first byte is `first` and last byte `last`; our own id is all zeros. */
const nid = (first: number, last = 0): Uint8Array => {
  const id = new Uint8Array(20);
  id[0] = first;
  id[19] = last;
  return id;
};
const OWN = nid(0);
const node = (first: number, last: number, port = 6881) => ({
  id: nid(first, last),
  address: `10.0.${first}.${last}`,
  port,
});
/** A table holding DHT_K nodes in the far half (first bit set), all heard from at T0. */
function fullFarBucket(): RoutingTable {
  const t = new RoutingTable(OWN, {}, T0);
  for (let i = 0; i < DHT_K; i++) expect(t.insert(node(0x80, i + 1), T0).kind).toBe('added');
  return t;
}

describe('RoutingTable', () => {
  it('refuses our own id', () => {
    const t = new RoutingTable(OWN);
    expect(t.insert({ id: nid(0), address: '10.0.0.1', port: 1 }, T0)).toEqual({
      kind: 'refused',
      reason: 'own-id',
    });
    expect(t.size).toBe(0);
  });

  it('refuses invalid addresses', () => {
    const t = new RoutingTable(OWN);
    for (const [address, port] of [
      ['10.0.0.1', 0],
      ['10.0.0.1', 65536],
      ['0.0.0.0', 6881],
      ['224.0.0.1', 6881],
      ['255.255.255.255', 6881],
      ['::1', 6881],
      ['example.com', 6881],
    ] as const) {
      expect(t.insert({ id: nid(0x80, 1), address, port }, T0)).toEqual({
        kind: 'refused',
        reason: 'invalid-address',
      });
    }
    expect(t.size).toBe(0);
  });

  it('keeps one node per IP unless allowSameIp', () => {
    const strict = new RoutingTable(OWN);
    expect(strict.insert({ id: nid(0x80, 1), address: '127.0.0.1', port: 1 }, T0).kind).toBe(
      'added',
    );
    expect(strict.insert({ id: nid(0x80, 2), address: '127.0.0.1', port: 2 }, T0)).toEqual({
      kind: 'refused',
      reason: 'same-ip',
    });
    const loose = new RoutingTable(OWN, { allowSameIp: true });
    loose.insert({ id: nid(0x80, 1), address: '127.0.0.1', port: 1 }, T0);
    expect(loose.insert({ id: nid(0x80, 2), address: '127.0.0.1', port: 2 }, T0).kind).toBe(
      'added',
    );
  });

  it('refuses a known id arriving from another address', () => {
    const t = new RoutingTable(OWN);
    t.insert(node(0x80, 1), T0);
    expect(t.insert({ ...node(0x80, 1), port: 9999 }, T0)).toEqual({
      kind: 'refused',
      reason: 'address-changed',
    });
  });

  it('splits only the bucket that contains our own id', () => {
    const t = fullFarBucket();
    expect(t.bucketCount).toBe(1);
    // A ninth far node: the single bucket covers our id, so it splits; the far half stays full.
    expect(t.insert(node(0x81, 9), T0)).toEqual({ kind: 'cached', ping: [] });
    expect(t.bucketCount).toBe(2);
    expect(t.size).toBe(DHT_K);
    // The far bucket no longer covers our id: more far nodes never split it again.
    expect(t.insert(node(0x82, 10), T0).kind).toBe('cached');
    expect(t.bucketCount).toBe(2);
    // Near nodes go to the new bucket.
    expect(t.insert(node(0x40, 1), T0).kind).toBe('added');
    expect(t.size).toBe(DHT_K + 1);
  });

  it('grows to deep buckets near our id without bound problems', () => {
    const t = new RoutingTable(OWN);
    // Nodes sharing 150..159 bits with us, each needing its own bucket depth.
    for (let bits = 150; bits < 160; bits++) {
      const id = new Uint8Array(20);
      id[bits >> 3] = 0x80 >> (bits & 7);
      expect(t.insert({ id, address: `10.1.0.${bits - 100}`, port: 1 }, T0).kind).toBe('added');
    }
    expect(t.size).toBe(10);
  });

  it('nodes turn questionable after 15 minutes and bad after failed queries', () => {
    const t = new RoutingTable(OWN);
    t.insert(node(0x80, 1), T0);
    const n = t.find(nid(0x80, 1))!;
    expect(t.status(n, T0 + DHT_NODE_QUESTIONABLE_AFTER_MS - 1)).toBe('good');
    expect(t.status(n, T0 + DHT_NODE_QUESTIONABLE_AFTER_MS)).toBe('questionable');
    t.markFailed(n.id, T0);
    expect(t.status(n, T0)).toBe('good');
    t.markFailed(n.id, T0);
    expect(t.status(n, T0)).toBe('bad');
    // Answering again clears the failures.
    t.insert(node(0x80, 1), T0 + 1);
    expect(t.status(n, T0 + 1)).toBe('good');
  });

  it('a query from a known node keeps it good; unknown nodes are not added by queries', () => {
    const t = new RoutingTable(OWN);
    t.insert(node(0x80, 1), T0);
    const later = T0 + DHT_NODE_QUESTIONABLE_AFTER_MS;
    expect(t.touch(nid(0x80, 1), '10.0.128.1', 6881, later)).toBe(true);
    expect(t.status(t.find(nid(0x80, 1))!, later)).toBe('good');
    expect(t.touch(nid(0x80, 2), '10.0.128.2', 6881, later)).toBe(false);
    expect(t.size).toBe(1);
  });

  it('a full bucket asks to ping its questionable nodes before evicting them', () => {
    const t = fullFarBucket();
    t.insert(node(0x81, 9), T0); // split; the far bucket is full of good nodes
    const later = T0 + DHT_NODE_QUESTIONABLE_AFTER_MS;
    t.insert(node(0x80, 1), later); // node 1 answered again: still good
    const outcome = t.insert(node(0x90, 20), later);
    expect(outcome.kind).toBe('cached');
    const ping = outcome.kind === 'cached' ? outcome.ping.map((p) => p.id[19]) : [];
    expect(ping).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(t.find(nid(0x90, 20))).toBeUndefined();
    // Node 2 fails its pings: it turns bad and the newest cached node takes its place.
    t.markFailed(nid(0x80, 2), later);
    t.markFailed(nid(0x80, 2), later);
    expect(t.find(nid(0x80, 2))).toBeUndefined();
    expect(t.find(nid(0x90, 20))).toBeDefined();
    expect(t.size).toBe(DHT_K);
  });

  it('a bad node is replaced at once by a newcomer', () => {
    const t = fullFarBucket();
    t.insert(node(0x81, 9), T0); // split
    t.markFailed(nid(0x80, 3), T0);
    t.markFailed(nid(0x80, 3), T0); // bad, but the cache held 0x81/9 — it moved in
    expect(t.find(nid(0x81, 9))).toBeDefined();
    t.markFailed(nid(0x80, 4), T0);
    t.markFailed(nid(0x80, 4), T0); // bad; the cache is empty now, so it stays until replaced
    expect(t.find(nid(0x80, 4))).toBeDefined();
    expect(t.insert(node(0xa0, 1), T0)).toEqual({ kind: 'added' });
    expect(t.find(nid(0x80, 4))).toBeUndefined();
  });

  it('closest returns the n nodes nearest the target by XOR, leaving bad nodes out', () => {
    const t = new RoutingTable(OWN);
    for (const first of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80])
      t.insert(node(first, 1), T0);
    expect(t.closest(nid(0x03, 1), 3, T0).map((n) => n.id[0])).toEqual([0x02, 0x01, 0x04]);
    expect(t.closest(nid(0xc0, 1), 2, T0).map((n) => n.id[0])).toEqual([0x80, 0x40]);
    t.markFailed(nid(0x80, 1), T0);
    t.markFailed(nid(0x80, 1), T0);
    expect(t.closest(nid(0xc0, 1), 2, T0).map((n) => n.id[0])).toEqual([0x40, 0x01]);
  });

  it('serialises to plain JSON and restores with nodes questionable', () => {
    const t = fullFarBucket();
    t.insert(node(0x40, 1), T0);
    const json = JSON.stringify(t.serialize());
    const data = JSON.parse(json) as ReturnType<RoutingTable['serialize']>;
    expect(data.id).toBe('00'.repeat(20));
    const restored = RoutingTable.restore(data, {}, T0 + 5)!;
    expect(restored.size).toBe(DHT_K + 1);
    expect(idToHex(restored.id)).toBe(idToHex(OWN));
    const n = restored.find(nid(0x40, 1))!;
    expect(n.address).toBe('10.0.64.1');
    expect(restored.status(n, T0 + 5)).toBe('questionable');
    expect(restored.serialize()).toEqual(data);
  });

  it('restore skips malformed entries and refuses a malformed id', () => {
    expect(RoutingTable.restore({ id: 'zz', nodes: [] })).toBeNull();
    const restored = RoutingTable.restore({
      id: '00'.repeat(20),
      nodes: [
        { id: 'bad', address: '10.0.0.1', port: 1 },
        { id: '80'.repeat(20), address: 'nope', port: 1 },
        { id: '00'.repeat(20), address: '10.0.0.2', port: 1 },
        { id: '40'.repeat(20), address: '10.0.0.3', port: 1 },
      ],
    })!;
    expect(restored.size).toBe(1);
  });
});
