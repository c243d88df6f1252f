/**
 * The BEP 5 routing table: k-buckets of at most K nodes over the 160-bit id space.
 *
 * Invariants:
 * - Bucket i (i < last) holds nodes sharing exactly i leading bits with our id; the last bucket
 *   holds everything closer. Only the last bucket, the one covering our own id, splits, so the
 *   table is the BEP 5 tree and never holds more than 160 * K nodes.
 * - Our own id and invalid addresses (not IPv4, port 0, 0.0.0.0/8, multicast and above) are
 *   refused. Unless `allowSameIp`, one IP holds one entry, so one host cannot fill buckets
 *   (loopback tests turn this off: all their nodes share 127.0.0.1).
 * - A node is good when heard from within 15 minutes, bad after DHT_NODE_MAX_FAILURES failed
 *   queries in a row, questionable otherwise. A full bucket replaces a bad node at once; with
 *   questionable nodes it keeps the newcomer in a bounded replacement cache and asks the caller
 *   to ping them (`ping` in the outcome); a failed ping then lets the newcomer in.
 * - Only nodes that answered a query of ours are inserted (`responded`); that is the caller's
 *   job, so addresses seen only in `nodes` lists never enter the table.
 * - Time comes from `now` arguments (the node's injected Clock).
 */
import {
  DHT_K,
  DHT_MAX_RESTORED_NODES,
  DHT_NODE_MAX_FAILURES,
  DHT_NODE_QUESTIONABLE_AFTER_MS,
  DHT_REPLACEMENT_CACHE_SIZE,
} from '../limits';
import { ipv6ToBytes, parseIpv4 } from '../tracker/codec/compact-peers';
import type { NodeInfo } from './compact-nodes';
import {
  NODE_ID_BITS,
  commonPrefixBits,
  compareDistance,
  idFromHex,
  idToHex,
  idsEqual,
  isNodeId,
} from './node-id';
import type { NodeId } from './node-id';

export type NodeStatus = 'good' | 'questionable' | 'bad';

export interface RoutingNode extends NodeInfo {
  /** When the node last answered us or queried us; 0 for restored nodes not yet heard from. */
  lastSeenMs: number;
  /** Failed queries in a row. */
  failures: number;
}

interface Bucket {
  nodes: RoutingNode[];
  replacements: NodeInfo[];
  lastChangedMs: number;
}

export type InsertOutcome =
  | { kind: 'added' }
  | { kind: 'updated' }
  | { kind: 'refused'; reason: 'own-id' | 'invalid-address' | 'same-ip' | 'address-changed' }
  /** Kept in the replacement cache; ping these questionable nodes to make room. */
  | { kind: 'cached'; ping: NodeInfo[] };

export interface RoutingTableOptions {
  /** Allow several nodes on one IP (loopback tests); BEP 5 deployments keep one per IP. */
  allowSameIp?: boolean;
  /** --- BEP 32 (issue 18): the family of the nodes it holds (the IPv6 DHT's table: 6). */
  family?: 4 | 6;
}

/** Plain data for persistence across restarts. */
export interface SerializedRoutingTable {
  id: string;
  nodes: { id: string; address: string; port: number }[];
}

export function isValidNodeAddress(address: string, port: number, family: 4 | 6 = 4): boolean {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return false;
  // --- IPv6, BEP 32 (issue 18): a unicast v6 address (not ::, not multicast, not v4-mapped).
  if (address.includes(':') !== (family === 6)) return false;
  if (family === 6) {
    const b = ipv6ToBytes(address);
    if (!b || b[0] === 0xff || b.every((x) => x === 0)) return false;
    return !(b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff);
  }
  const ip = parseIpv4(address);
  if (ip < 0) return false;
  const first = ip >>> 24;
  return first !== 0 && first < 224;
}

export class RoutingTable {
  readonly id: NodeId;
  private readonly allowSameIp: boolean;
  private readonly family: 4 | 6;
  private buckets: Bucket[];
  /** Node count per IP, for the one-node-per-IP rule. */
  private readonly ips = new Map<string, number>();

  constructor(id: NodeId, opts: RoutingTableOptions = {}, nowMs = 0) {
    if (!isNodeId(id)) throw new Error('a node id must be 20 bytes');
    this.id = id;
    this.allowSameIp = opts.allowSameIp ?? false;
    this.family = opts.family ?? 4;
    this.buckets = [{ nodes: [], replacements: [], lastChangedMs: nowMs }];
  }

  get size(): number {
    let n = 0;
    for (const b of this.buckets) n += b.nodes.length;
    return n;
  }

  get bucketCount(): number {
    return this.buckets.length;
  }

  status(node: RoutingNode, nowMs: number): NodeStatus {
    if (node.failures >= DHT_NODE_MAX_FAILURES) return 'bad';
    if (node.lastSeenMs > 0 && nowMs - node.lastSeenMs < DHT_NODE_QUESTIONABLE_AFTER_MS) {
      return 'good';
    }
    return 'questionable';
  }

  /** Records that `node` answered a query of ours: inserts it or refreshes it. */
  insert(node: NodeInfo, nowMs: number): InsertOutcome {
    return this.add(node, nowMs, nowMs);
  }

  private add(node: NodeInfo, nowMs: number, lastSeenMs: number): InsertOutcome {
    if (!isNodeId(node.id) || idsEqual(node.id, this.id))
      return { kind: 'refused', reason: 'own-id' };
    if (!isValidNodeAddress(node.address, node.port, this.family)) {
      return { kind: 'refused', reason: 'invalid-address' };
    }
    for (let guard = 0; guard <= NODE_ID_BITS; guard++) {
      const bucket = this.bucketFor(node.id);
      const existing = bucket.nodes.find((n) => idsEqual(n.id, node.id));
      if (existing) {
        // A known id from a new address may be a spoof; BEP 5 nodes keep their address.
        if (existing.address !== node.address || existing.port !== node.port) {
          return { kind: 'refused', reason: 'address-changed' };
        }
        existing.lastSeenMs = Math.max(existing.lastSeenMs, lastSeenMs);
        existing.failures = 0;
        return { kind: 'updated' };
      }
      if (!this.allowSameIp && (this.ips.get(node.address) ?? 0) > 0) {
        return { kind: 'refused', reason: 'same-ip' };
      }
      if (bucket.nodes.length < DHT_K) {
        this.put(bucket, node, lastSeenMs, nowMs);
        return { kind: 'added' };
      }
      if (bucket === this.buckets[this.buckets.length - 1] && this.buckets.length < NODE_ID_BITS) {
        this.split();
        continue;
      }
      const bad = bucket.nodes.find((n) => this.status(n, nowMs) === 'bad');
      if (bad) {
        this.remove(bucket, bad);
        this.put(bucket, node, lastSeenMs, nowMs);
        return { kind: 'added' };
      }
      this.cache(bucket, node);
      const questionable = bucket.nodes.filter((n) => this.status(n, nowMs) === 'questionable');
      return {
        kind: 'cached',
        ping: questionable.map(({ id, address, port }) => ({ id, address, port })),
      };
    }
    throw new Error('routing table split did not converge');
  }

  /** Records that a known node queried us (BEP 5: it stays good). Unknown nodes are ignored. */
  touch(id: NodeId, address: string, port: number, nowMs: number): boolean {
    const node = this.find(id);
    if (!node || node.address !== address || node.port !== port) return false;
    node.lastSeenMs = Math.max(node.lastSeenMs, nowMs);
    return true;
  }

  /** Records a failed query; a node turning bad is replaced from its bucket's cache. */
  markFailed(id: NodeId, nowMs: number): void {
    const bucket = this.bucketFor(id);
    const node = bucket.nodes.find((n) => idsEqual(n.id, id));
    if (!node) return;
    node.failures++;
    if (this.status(node, nowMs) !== 'bad') return;
    this.remove(bucket, node);
    // The newest cached node whose IP is free (it may have taken a table slot since).
    for (let i = bucket.replacements.length - 1; i >= 0; i--) {
      const next = bucket.replacements[i]!;
      if (this.allowSameIp || (this.ips.get(next.address) ?? 0) === 0) {
        this.put(bucket, next, nowMs, nowMs);
        return;
      }
    }
    // No replacement: the bad node stays until a newcomer takes its place.
    bucket.nodes.push(node);
    this.ips.set(node.address, (this.ips.get(node.address) ?? 0) + 1);
  }

  /** Whether a node with this id and address would enter now (or evict a bad one). */
  wouldAccept(id: NodeId, address: string, port: number, nowMs: number): boolean {
    if (idsEqual(id, this.id) || !isValidNodeAddress(address, port, this.family)) return false;
    if (this.find(id)) return false;
    if (!this.allowSameIp && (this.ips.get(address) ?? 0) > 0) return false;
    const bucket = this.bucketFor(id);
    if (bucket.nodes.length < DHT_K) return true;
    if (bucket === this.buckets[this.buckets.length - 1] && this.buckets.length < NODE_ID_BITS) {
      return true;
    }
    return bucket.nodes.some((n) => this.status(n, nowMs) !== 'good');
  }

  find(id: NodeId): RoutingNode | undefined {
    return this.bucketFor(id).nodes.find((n) => idsEqual(n.id, id));
  }

  /** The `n` nodes closest to `target` by XOR distance, closest first; bad nodes are left out. */
  closest(target: NodeId, n: number, nowMs: number): NodeInfo[] {
    const all: RoutingNode[] = [];
    for (const b of this.buckets) {
      for (const node of b.nodes) if (this.status(node, nowMs) !== 'bad') all.push(node);
    }
    all.sort((a, b) => compareDistance(target, a.id, b.id));
    return all.slice(0, n).map(({ id, address, port }) => ({ id, address, port }));
  }

  /** All nodes in the given status. */
  nodesIn(status: NodeStatus, nowMs: number): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const b of this.buckets) {
      for (const n of b.nodes) {
        if (this.status(n, nowMs) === status)
          out.push({ id: n.id, address: n.address, port: n.port });
      }
    }
    return out;
  }

  /** Depths (shared prefix bits) of buckets unchanged for `staleMs`, for BEP 5 refreshes. */
  staleBuckets(nowMs: number, staleMs: number): number[] {
    const out: number[] = [];
    this.buckets.forEach((b, i) => {
      if (nowMs - b.lastChangedMs >= staleMs) out.push(i);
    });
    return out;
  }

  /** Marks a bucket refreshed (a lookup for an id in its range ran). */
  bucketRefreshed(depth: number, nowMs: number): void {
    const b = this.buckets[Math.min(depth, this.buckets.length - 1)];
    if (b) b.lastChangedMs = nowMs;
  }

  serialize(): SerializedRoutingTable {
    const nodes: SerializedRoutingTable['nodes'] = [];
    for (const b of this.buckets) {
      for (const n of b.nodes) nodes.push({ id: idToHex(n.id), address: n.address, port: n.port });
    }
    return { id: idToHex(this.id), nodes };
  }

  /**
   * A table from saved data. Its nodes come back questionable (not heard from since), so they
   * are used for lookups but replaced when they fail. Malformed entries are skipped; null when
   * the saved id itself is malformed.
   */
  static restore(
    data: SerializedRoutingTable,
    opts: RoutingTableOptions = {},
    nowMs = 0,
  ): RoutingTable | null {
    const id = typeof data.id === 'string' ? idFromHex(data.id) : null;
    if (!id) return null;
    const table = new RoutingTable(id, opts, nowMs);
    const nodes = Array.isArray(data.nodes) ? data.nodes.slice(0, DHT_MAX_RESTORED_NODES) : [];
    for (const n of nodes) {
      const nodeId = typeof n.id === 'string' ? idFromHex(n.id) : null;
      if (!nodeId || typeof n.address !== 'string' || typeof n.port !== 'number') continue;
      table.add({ id: nodeId, address: n.address, port: n.port }, nowMs, 0);
    }
    return table;
  }

  private bucketFor(id: NodeId): Bucket {
    const depth = commonPrefixBits(this.id, id);
    return this.buckets[Math.min(depth, this.buckets.length - 1)]!;
  }

  private put(bucket: Bucket, node: NodeInfo, lastSeenMs: number, nowMs: number): void {
    bucket.nodes.push({
      id: node.id,
      address: node.address,
      port: node.port,
      lastSeenMs,
      failures: 0,
    });
    bucket.replacements = bucket.replacements.filter((r) => !idsEqual(r.id, node.id));
    bucket.lastChangedMs = nowMs;
    this.ips.set(node.address, (this.ips.get(node.address) ?? 0) + 1);
  }

  private remove(bucket: Bucket, node: RoutingNode): void {
    bucket.nodes = bucket.nodes.filter((n) => n !== node);
    const left = (this.ips.get(node.address) ?? 1) - 1;
    if (left > 0) this.ips.set(node.address, left);
    else this.ips.delete(node.address);
  }

  private cache(bucket: Bucket, node: NodeInfo): void {
    const rest = bucket.replacements.filter((r) => !idsEqual(r.id, node.id));
    rest.push({ id: node.id, address: node.address, port: node.port });
    // The newest stays: it was heard from last, so it is likeliest to be alive.
    bucket.replacements = rest.slice(-DHT_REPLACEMENT_CACHE_SIZE);
  }

  /** Splits the last bucket: nodes sharing more bits with our id move into a new last bucket. */
  private split(): void {
    const last = this.buckets[this.buckets.length - 1]!;
    const depth = this.buckets.length - 1;
    const near: Bucket = { nodes: [], replacements: [], lastChangedMs: last.lastChangedMs };
    const far: Bucket = { nodes: [], replacements: [], lastChangedMs: last.lastChangedMs };
    for (const n of last.nodes)
      (commonPrefixBits(this.id, n.id) > depth ? near : far).nodes.push(n);
    for (const r of last.replacements) {
      (commonPrefixBits(this.id, r.id) > depth ? near : far).replacements.push(r);
    }
    this.buckets.splice(this.buckets.length - 1, 1, far, near);
  }
}
