/**
 * A mainline DHT node (BEP 5) over any datagram transport.
 *
 * The node never owns a socket: it sends through an injected `send(packet, address, port)` and
 * is fed with `receive(packet, address, port)`, so one UDP socket can later be shared with uTP
 * (see `udp-dht-node.ts` for a standalone socket).
 *
 * Invariants:
 * - Hostile input never throws out of `receive`: malformed packets, floods and unsolicited
 *   responses are dropped and counted in `stats().dropped`.
 * - Queries from one IP are rate-limited (token bucket, bounded memory).
 * - A response is matched by transaction id *and* the address it was sent to, so nodes cannot
 *   answer for each other. Only nodes that answered us enter the routing table; a node that
 *   queries us is verified with a ping first.
 * - Our pending queries, lookups and verification pings are all bounded (limits.ts); every
 *   timer comes from the injected Clock and `close()` cancels them all.
 */
import {
  DHT_K,
  DHT_LOOKUP_ALPHA,
  DHT_LOOKUP_MAX_CANDIDATES,
  DHT_LOOKUP_MAX_PEERS,
  DHT_LOOKUP_MAX_QUERIES,
  DHT_LOOKUP_TIMEOUT_MS,
  DHT_MAINTENANCE_INTERVAL_MS,
  DHT_MAX_LOOKUPS_IN_FLIGHT,
  DHT_MAX_PENDING_QUERIES,
  DHT_MAX_VALUES_PER_ANSWER,
  DHT_MAX_VERIFY_PINGS_IN_FLIGHT,
  DHT_NODE_QUESTIONABLE_AFTER_MS,
  DHT_QUERY_BURST_PER_IP,
  DHT_QUERY_RATE_PER_IP_PER_SEC,
  DHT_QUERY_TIMEOUT_MS,
  DHT_RATE_LIMIT_MAX_IPS,
  KRPC_MAX_PACKET_BYTES,
} from '../limits';
import { systemClock, systemRandom } from '../time/clock';
import type { Clock, Random, TimerHandle } from '../time/clock';
import { ipv6ToBytes, normalizeAddress, parseIpv4 } from '../tracker/codec/compact-peers';
import { isIP } from 'node:net';
import { canonicalIp } from '../net/ip-address';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import type { NodeInfo } from './compact-nodes';
import { KRPC_PROTOCOL_ERROR, KrpcError, decodeKrpc, encodeKrpc } from './krpc';
import type { DhtWant, KrpcMessage, KrpcQuery, KrpcResponse } from './krpc';
import { runLookup } from './lookup';
import type { LookupResult, LookupTarget } from './lookup';
import { NODE_ID_BYTES, idsEqual, isNodeId, randomIdWithPrefix, randomNodeId } from './node-id';
import type { NodeId } from './node-id';
import { PeerStore } from './peer-store';
import { RateLimiter } from './rate-limiter';
import { RoutingTable } from './routing-table';
import type { SerializedRoutingTable } from './routing-table';
import { TokenIssuer } from './tokens';

/** BEP 5 bootstrap routers, used when no list is configured. */
export const DEFAULT_BOOTSTRAP_NODES: readonly BootstrapNode[] = [
  { host: 'router.bittorrent.com', port: 6881 },
  { host: 'router.utorrent.com', port: 6881 },
  { host: 'dht.transmissionbt.com', port: 6881 },
];

export interface BootstrapNode {
  host: string;
  port: number;
}

export type DhtSend = (packet: Uint8Array, address: string, port: number) => void;

export interface DhtNodeOptions {
  send: DhtSend;
  /** Our node id; random when absent (and no saved table gives one). */
  id?: NodeId;
  /** A table saved by `serialize()`; its id wins over a random one. */
  savedTable?: SerializedRoutingTable;
  clock?: Clock;
  random?: Random;
  bootstrapNodes?: readonly BootstrapNode[];
  /** Resolves a bootstrap host name to IPv4 addresses (IPv4 literals skip it). */
  resolveHost?: (host: string) => Promise<string[]>;
  /** Several nodes per IP in the table (loopback tests); off on the real DHT. */
  allowSameIp?: boolean;
  queryTimeoutMs?: number;
  lookupTimeoutMs?: number;
  queryRatePerIpPerSec?: number;
  queryBurstPerIp?: number;
  /** Peers found by a get_peers lookup, as they arrive. */
  onPeersFound?: (infoHash: NodeId, peers: PeerAddress[]) => void;
  /**
   * A peer that announced itself to us (announce_peer with a valid token). For a torrent we
   * have, it is a candidate like any other; in a small DHT nobody else may know it.
   */
  onPeerAnnounced?: (infoHash: NodeId, peer: PeerAddress) => void;
  // --- IPv6, BEP 32 (issue 18) ---
  /** The address family of the socket under this node: its table holds nodes of it only. */
  family?: 4 | 6;
  /** The other family's node, for a query whose `want` asks for both (BEP 32). */
  sibling?: () => DhtNode | null;
}

/** The node lists of an answer (BEP 5 `nodes`, BEP 32 `nodes6`). */
export interface NodeLists {
  nodes?: NodeInfo[];
  nodes6?: NodeInfo[];
}

export interface DhtStats {
  nodes: number;
  lookupsInFlight: number;
  queriesInFlight: number;
  storedPeers: number;
  storedInfoHashes: number;
  queriesAnswered: number;
  dropped: { malformed: number; rateLimited: number; unsolicited: number };
}

export interface AnnounceResult {
  peers: PeerAddress[];
  /** Nodes that accepted our announce_peer. */
  announcedTo: number;
}

interface Pending {
  resolve: (r: KrpcResponse | null) => void;
  timer: TimerHandle;
  expectedId: NodeId | null;
}

type QueryBody =
  | { method: 'ping' }
  | { method: 'find_node'; target: NodeId }
  | { method: 'get_peers'; infoHash: NodeId }
  | {
      method: 'announce_peer';
      infoHash: NodeId;
      port: number;
      token: Uint8Array;
      impliedPort: boolean;
    };

export class DhtNode {
  readonly id: NodeId;
  readonly table: RoutingTable;
  private readonly send: DhtSend;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly bootstrapNodes: readonly BootstrapNode[];
  private readonly resolveHost: (host: string) => Promise<string[]>;
  private readonly queryTimeoutMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly onPeersFound: DhtNodeOptions['onPeersFound'];
  private readonly onPeerAnnounced: DhtNodeOptions['onPeerAnnounced'];
  private readonly tokens: TokenIssuer;
  private readonly peers = new PeerStore();
  private readonly limiter: RateLimiter;
  private readonly pending = new Map<string, Pending>();
  private readonly maintenance: TimerHandle;
  private nextTransaction: number;
  private lookups = 0;
  private verifyPings = 0;
  private closed = false;
  private answered = 0;
  private readonly dropped = { malformed: 0, rateLimited: 0, unsolicited: 0 };
  /** --- BEP 32 (issue 18): 4 (BEP 5's DHT) or 6 (the IPv6 DHT, with `nodes6`). */
  readonly family: 4 | 6;
  private readonly sibling: () => DhtNode | null;

  constructor(opts: DhtNodeOptions) {
    this.family = opts.family ?? 4;
    this.sibling = opts.sibling ?? (() => null);
    this.send = opts.send;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? systemRandom;
    const now = this.clock.now();
    const tableOpts = { allowSameIp: opts.allowSameIp ?? false, family: opts.family ?? 4 };
    const restored = opts.savedTable ? RoutingTable.restore(opts.savedTable, tableOpts, now) : null;
    this.table = restored ?? new RoutingTable(opts.id ?? randomNodeId(this.random), tableOpts, now);
    this.id = this.table.id;
    this.bootstrapNodes = opts.bootstrapNodes ?? DEFAULT_BOOTSTRAP_NODES;
    this.resolveHost = opts.resolveHost ?? (this.family === 6 ? resolveIpv6 : resolveIpv4);
    this.queryTimeoutMs = opts.queryTimeoutMs ?? DHT_QUERY_TIMEOUT_MS;
    this.lookupTimeoutMs = opts.lookupTimeoutMs ?? DHT_LOOKUP_TIMEOUT_MS;
    this.onPeersFound = opts.onPeersFound;
    this.onPeerAnnounced = opts.onPeerAnnounced;
    this.tokens = new TokenIssuer(this.clock, this.random);
    this.limiter = new RateLimiter(
      opts.queryRatePerIpPerSec ?? DHT_QUERY_RATE_PER_IP_PER_SEC,
      opts.queryBurstPerIp ?? DHT_QUERY_BURST_PER_IP,
      DHT_RATE_LIMIT_MAX_IPS,
    );
    this.nextTransaction = this.random.int(0x10000);
    this.maintenance = this.clock.setInterval(() => this.maintain(), DHT_MAINTENANCE_INTERVAL_MS);
  }

  stats(): DhtStats {
    return {
      nodes: this.table.size,
      lookupsInFlight: this.lookups,
      queriesInFlight: this.pending.size,
      storedPeers: this.peers.size,
      storedInfoHashes: this.peers.infoHashCount,
      queriesAnswered: this.answered,
      dropped: { ...this.dropped },
    };
  }

  serialize(): SerializedRoutingTable {
    return this.table.serialize();
  }

  /** Frees every timer and settles every pending query; later packets are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.maintenance.cancel();
    for (const p of this.pending.values()) {
      p.timer.cancel();
      p.resolve(null);
    }
    this.pending.clear();
  }

  // ---- incoming packets

  /** Feeds one datagram from `address:port`. Never throws on what a remote party sends. */
  receive(packet: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    const from = normalizeAddress(address);
    // An answer to port 0 or to a source of another family could not be sent back: drop it.
    if (
      packet.length > KRPC_MAX_PACKET_BYTES ||
      !this.isOurFamily(from) ||
      port < 1 ||
      port > 65535
    ) {
      this.dropped.malformed++;
      return;
    }
    let msg: KrpcMessage;
    try {
      msg = decodeKrpc(packet);
    } catch (err) {
      if (!(err instanceof KrpcError)) throw err;
      this.dropped.malformed++;
      // BEP 5: a query for a method we do not know gets error 204, within the rate limit.
      if (err.code === 'unknown-method' && err.transactionId && this.allow(from)) {
        this.reply(from, port, {
          kind: 'error',
          transactionId: err.transactionId,
          errorCode: err.replyCode,
          message: 'Method Unknown',
        });
      }
      return;
    }
    if (msg.kind === 'query') {
      if (!this.allow(from)) return;
      this.answer(msg, from, port);
      return;
    }
    const key = pendingKey(from, port, msg.transactionId);
    const p = this.pending.get(key);
    if (!p) {
      this.dropped.unsolicited++;
      return;
    }
    this.pending.delete(key);
    p.timer.cancel();
    if (msg.kind === 'error') {
      p.resolve(null);
      return;
    }
    const now = this.clock.now();
    // Another id at the address we asked: the node we meant is gone from there.
    if (p.expectedId && !idsEqual(p.expectedId, msg.id)) this.table.markFailed(p.expectedId, now);
    const outcome = this.table.insert({ id: msg.id, address: from, port }, now);
    if (outcome.kind === 'cached') for (const n of outcome.ping) this.verify(n);
    p.resolve(msg);
  }

  /** --- BEP 32 (issue 18): whether an address is of this node's family. */
  private isOurFamily(address: string): boolean {
    return this.family === 6
      ? address.includes(':') && ipv6ToBytes(address) !== null
      : parseIpv4(address) >= 0;
  }

  /**
   * BEP 32: the nodes an answer carries: our family's (as `nodes` or `nodes6`) unless `want`
   * asks otherwise, and the other family's from the sibling node when `want` asks for it.
   */
  closestFor(target: NodeId, want: readonly DhtWant[] | undefined, now: number): NodeLists {
    const own: DhtWant = this.family === 6 ? 'n6' : 'n4';
    const out: NodeLists = {};
    for (const w of want && want.length > 0 ? want : [own]) {
      const node = w === own ? this : this.sibling();
      if (!node || node.family !== (w === 'n6' ? 6 : 4)) continue;
      const list = node.table.closest(target, DHT_K, now);
      if (w === 'n4') out.nodes = list;
      else out.nodes6 = list;
    }
    return out;
  }

  private allow(address: string): boolean {
    if (this.limiter.allow(address, this.clock.now())) return true;
    this.dropped.rateLimited++;
    return false;
  }

  private answer(q: KrpcQuery, address: string, port: number): void {
    const now = this.clock.now();
    const t = q.transactionId;
    // A node querying us may belong in the table; it enters only after answering a ping.
    if (!this.table.touch(q.id, address, port, now)) {
      if (this.table.wouldAccept(q.id, address, port, now))
        this.verify({ id: q.id, address, port });
    }
    this.answered++;
    switch (q.method) {
      case 'ping':
        this.reply(address, port, { kind: 'response', transactionId: t, id: this.id });
        return;
      case 'find_node':
        this.reply(address, port, {
          kind: 'response',
          transactionId: t,
          id: this.id,
          ...this.closestFor(q.target, q.want, now),
        });
        return;
      case 'get_peers': {
        const values = this.peers.get(q.infoHash, DHT_MAX_VALUES_PER_ANSWER, now, this.random);
        this.reply(address, port, {
          kind: 'response',
          transactionId: t,
          id: this.id,
          token: this.tokens.issue(address),
          ...this.closestFor(q.infoHash, q.want, now),
          ...(values.length > 0 ? { values } : {}),
        });
        return;
      }
      case 'announce_peer': {
        if (!this.tokens.verify(q.token, address)) {
          this.reply(address, port, {
            kind: 'error',
            transactionId: t,
            errorCode: KRPC_PROTOCOL_ERROR,
            message: 'bad token',
          });
          return;
        }
        const peerPort = q.impliedPort ? port : q.port;
        this.peers.add(q.infoHash, { address, port: peerPort }, now);
        this.reply(address, port, { kind: 'response', transactionId: t, id: this.id });
        this.onPeerAnnounced?.(q.infoHash, { address, port: peerPort });
        return;
      }
    }
  }

  private reply(address: string, port: number, msg: KrpcMessage): void {
    this.send(encodeKrpc(msg), address, port);
  }

  // ---- outgoing queries

  /** Pings `address:port`; its node id, or null on timeout or error. */
  async ping(address: string, port: number): Promise<NodeId | null> {
    const r = await this.query(address, port, null, { method: 'ping' });
    return r?.id ?? null;
  }

  private query(
    address: string,
    port: number,
    expectedId: NodeId | null,
    body: QueryBody,
  ): Promise<KrpcResponse | null> {
    if (this.closed || this.pending.size >= DHT_MAX_PENDING_QUERIES) return Promise.resolve(null);
    let t = new Uint8Array(2);
    let key = '';
    // 65,536 ids per address and far fewer pending: a free one is found within a few tries.
    for (let tries = 0; tries < 8; tries++) {
      this.nextTransaction = (this.nextTransaction + 1) & 0xffff;
      t = Uint8Array.of(this.nextTransaction >> 8, this.nextTransaction & 0xff);
      key = pendingKey(address, port, t);
      if (!this.pending.has(key)) break;
    }
    if (this.pending.has(key)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(key);
        if (expectedId) this.table.markFailed(expectedId, this.clock.now());
        resolve(null);
      }, this.queryTimeoutMs);
      this.pending.set(key, { resolve, timer, expectedId });
      this.send(
        encodeKrpc({ kind: 'query', transactionId: t, id: this.id, ...body } as KrpcQuery),
        address,
        port,
      );
    });
  }

  /** Pings a node to learn whether it is alive; an answer inserts it, a timeout marks it. */
  private verify(node: NodeInfo): void {
    if (this.closed || this.verifyPings >= DHT_MAX_VERIFY_PINGS_IN_FLIGHT) return;
    this.verifyPings++;
    void this.query(node.address, node.port, node.id, { method: 'ping' }).then(() => {
      this.verifyPings--;
    });
  }

  // ---- lookups

  /** Finds our neighbourhood from the bootstrap nodes (and saved ones); the table's size after. */
  async bootstrap(): Promise<number> {
    const seeds: LookupTarget[] = [...this.table.closest(this.id, DHT_K, this.clock.now())];
    seeds.push(...(await this.bootstrapSeeds()));
    await this.lookup(this.id, 'find_node', seeds);
    return this.table.size;
  }

  /** The K closest nodes to `target` that answered. */
  async findNode(target: NodeId): Promise<NodeInfo[]> {
    const r = await this.lookup(target, 'find_node');
    return r.closest.map(({ id, address, port }) => ({ id, address, port }));
  }

  /** Peers for `infoHash` from the DHT (also reported through `onPeersFound` as they come). */
  async getPeers(infoHash: NodeId): Promise<PeerAddress[]> {
    return (await this.lookup(infoHash, 'get_peers')).peers;
  }

  /**
   * get_peers toward `infoHash`, then announce_peer to the closest nodes that gave a token.
   * `impliedPort` asks them to use our UDP source port (BEP 5), for uTP or NAT.
   */
  async announce(infoHash: NodeId, port: number, impliedPort = false): Promise<AnnounceResult> {
    if (!isNodeId(infoHash)) throw new Error(`an info-hash must be ${NODE_ID_BYTES} bytes`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port ${port}`);
    const r = await this.lookup(infoHash, 'get_peers');
    const withToken = r.closest.filter((n) => n.token !== undefined);
    const answers = await Promise.all(
      withToken.map((n) =>
        this.query(n.address, n.port, n.id, {
          method: 'announce_peer',
          infoHash,
          port,
          token: n.token!,
          impliedPort,
        }),
      ),
    );
    return { peers: r.peers, announcedTo: answers.filter((a) => a !== null).length };
  }

  private async lookup(
    target: NodeId,
    method: 'find_node' | 'get_peers',
    givenSeeds?: LookupTarget[],
  ): Promise<LookupResult> {
    const empty: LookupResult = { closest: [], peers: [], queries: 0, timedOut: false };
    if (this.closed || this.lookups >= DHT_MAX_LOOKUPS_IN_FLIGHT) return empty;
    this.lookups++;
    try {
      let seeds: LookupTarget[] = givenSeeds ?? this.table.closest(target, DHT_K, this.clock.now());
      if (seeds.length === 0) seeds = await this.bootstrapSeeds();
      return await runLookup(seeds, {
        family: this.family,
        target,
        ownId: this.id,
        clock: this.clock,
        alpha: DHT_LOOKUP_ALPHA,
        k: DHT_K,
        maxQueries: DHT_LOOKUP_MAX_QUERIES,
        maxCandidates: DHT_LOOKUP_MAX_CANDIDATES,
        maxPeers: DHT_LOOKUP_MAX_PEERS,
        timeoutMs: this.lookupTimeoutMs,
        aborted: () => this.closed,
        query: async (node) => {
          const body: QueryBody =
            method === 'find_node' ? { method, target } : { method, infoHash: target };
          const r = await this.query(node.address, node.port, node.id, body);
          if (!r) return null;
          // BEP 32: a lookup walks its own family's nodes.
          const nodes = (this.family === 6 ? r.nodes6 : r.nodes) ?? [];
          return { id: r.id, nodes, values: r.values, token: r.token };
        },
        onPeers: method === 'get_peers' ? (p) => this.onPeersFound?.(target, p) : undefined,
      });
    } finally {
      this.lookups--;
    }
  }

  private async bootstrapSeeds(): Promise<LookupTarget[]> {
    const out: LookupTarget[] = [];
    for (const b of this.bootstrapNodes) {
      const literal = this.family === 6 ? canonicalIp(b.host) : b.host;
      const addresses = this.isOurFamily(literal)
        ? [literal]
        : isIP(literal) !== 0
          ? [] // a literal of the other family: the sibling node's to use
          : await this.resolveHost(b.host);
      for (const address of addresses) out.push({ id: null, address, port: b.port });
    }
    return out;
  }

  // ---- upkeep

  private maintain(): void {
    if (this.closed) return;
    const now = this.clock.now();
    this.peers.purge(now);
    for (const n of this.table.nodesIn('questionable', now)) this.verify(n);
    if (this.table.size === 0) {
      void this.bootstrap();
      return;
    }
    // BEP 5: a bucket unchanged for 15 minutes is refreshed by a lookup for an id inside it.
    const stale = this.table.staleBuckets(now, DHT_NODE_QUESTIONABLE_AFTER_MS);
    const depth = stale[0];
    if (depth !== undefined) {
      this.table.bucketRefreshed(depth, now);
      void this.findNode(randomIdWithPrefix(this.id, depth, this.random));
    }
  }
}

function pendingKey(address: string, port: number, t: Uint8Array): string {
  return `${address}:${port}/${Buffer.from(t).toString('hex')}`;
}

/** BEP 32 (issue 18): a host name's IPv6 addresses; none when it has none or the lookup fails. */
async function resolveIpv6(host: string): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  const found = await lookup(host, { family: 6, all: true }).catch(() => []);
  return found.map((a) => a.address);
}

/** Resolves a host name to IPv4 addresses; a failed lookup gives none (the router is down). */
async function resolveIpv4(host: string): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  const found = await lookup(host, { family: 4, all: true }).catch(() => []);
  return found.map((a) => a.address);
}
