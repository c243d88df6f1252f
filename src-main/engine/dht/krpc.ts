/**
 * KRPC (BEP 5): the DHT's bencoded query / response / error messages over UDP.
 *
 * Invariants:
 * - `decodeKrpc` is total: any bytes give a `KrpcMessage` or throw a `KrpcError`, nothing else.
 * - Decoding uses our strict bencode with KRPC-sized limits (packet bytes, depth, items).
 * - Lists a remote node controls are capped: nodes and values beyond the caps are dropped.
 * - IPv6 (BEP 32, issue 18): responses carry `nodes6` (38-byte entries) beside or instead of
 *   `nodes`; find_node and get_peers may carry `want` (`n4`, `n6`); `values` hold 6- or 18-byte
 *   peers. Unknown `want` entries are ignored (BEP 32 leaves room for more).
 * - A query with an unknown method still yields its transaction id (in the error), so the
 *   node can answer BEP 5's error 204.
 */
import { BencodeError, decode, encode, isBytes, isDict, isList } from '../bencode';
import type { BDict, BValue } from '../bencode';
import {
  KRPC_MAX_DEPTH,
  KRPC_MAX_ITEMS,
  KRPC_MAX_NODES_PER_RESPONSE,
  KRPC_MAX_PACKET_BYTES,
  KRPC_MAX_TOKEN_BYTES,
  KRPC_MAX_TRANSACTION_ID_BYTES,
  KRPC_MAX_VALUES_PER_RESPONSE,
} from '../limits';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  decodeCompactPeers4,
  decodeCompactPeers6,
  compactPeer,
} from '../tracker/codec/compact-peers';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import {
  decodeCompactNodes,
  decodeCompactNodes6,
  encodeCompactNodes,
  encodeCompactNodes6,
} from './compact-nodes';
import type { NodeInfo } from './compact-nodes';
import { isNodeId } from './node-id';
import type { NodeId } from './node-id';

/** BEP 5 error codes. */
export const KRPC_GENERIC_ERROR = 201;
export const KRPC_SERVER_ERROR = 202;
export const KRPC_PROTOCOL_ERROR = 203;
export const KRPC_METHOD_UNKNOWN = 204;

export type KrpcErrorCode =
  | 'too-large'
  | 'bad-bencode'
  | 'not-a-dict'
  | 'bad-transaction-id'
  | 'bad-type'
  | 'unknown-method'
  | 'bad-field';

/** A malformed KRPC packet. `transactionId` is set when the packet had a usable one. */
export class KrpcError extends Error {
  readonly code: KrpcErrorCode;
  readonly transactionId: Uint8Array | null;
  /** The BEP 5 error code to answer with, when the packet was a query worth answering. */
  readonly replyCode: number;

  constructor(
    code: KrpcErrorCode,
    message: string,
    transactionId: Uint8Array | null = null,
    options?: { cause?: unknown; replyCode?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KrpcError';
    this.code = code;
    this.transactionId = transactionId;
    this.replyCode =
      options?.replyCode ?? (code === 'unknown-method' ? KRPC_METHOD_UNKNOWN : KRPC_PROTOCOL_ERROR);
  }
}

interface QueryBase {
  kind: 'query';
  transactionId: Uint8Array;
  /** The querying node's id. */
  id: NodeId;
}

export type KrpcQuery =
  | (QueryBase & { method: 'ping' })
  | (QueryBase & { method: 'find_node'; target: NodeId; want?: DhtWant[] })
  | (QueryBase & { method: 'get_peers'; infoHash: NodeId; want?: DhtWant[] })
  | (QueryBase & {
      method: 'announce_peer';
      infoHash: NodeId;
      port: number;
      token: Uint8Array;
      /** BEP 5: use the UDP source port instead of `port` (peers behind NAT, uTP). */
      impliedPort: boolean;
    });

export type KrpcMethod = KrpcQuery['method'];

/** BEP 32 `want`: which families of nodes the querier asks for. */
export type DhtWant = 'n4' | 'n6';

/**
 * A response. The fields depend on the query it answers, which the decoder cannot know, so
 * all but `id` are optional; the caller checks what its query needs.
 */
export interface KrpcResponse {
  kind: 'response';
  transactionId: Uint8Array;
  id: NodeId;
  nodes?: NodeInfo[];
  /** --- BEP 32 (issue 18): IPv6 nodes. */
  nodes6?: NodeInfo[];
  values?: PeerAddress[];
  token?: Uint8Array;
}

export interface KrpcErrorMessage {
  kind: 'error';
  transactionId: Uint8Array;
  errorCode: number;
  message: string;
}

export type KrpcMessage = KrpcQuery | KrpcResponse | KrpcErrorMessage;

const METHODS: ReadonlySet<string> = new Set(['ping', 'find_node', 'get_peers', 'announce_peer']);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const utf8 = new TextDecoder();

// ---- encoding

/** Encodes a message; throws only on programmer error (a field out of range). */
export function encodeKrpc(msg: KrpcMessage): Uint8Array {
  switch (msg.kind) {
    case 'query':
      return encode({ t: msg.transactionId, y: 'q', q: msg.method, a: queryArgs(msg) });
    case 'response': {
      const r: Record<string, BValue | undefined> = { id: msg.id };
      if (msg.nodes !== undefined) r['nodes'] = encodeCompactNodes(msg.nodes);
      if (msg.nodes6 !== undefined) r['nodes6'] = encodeCompactNodes6(msg.nodes6);
      if (msg.values !== undefined) r['values'] = encodeValues(msg.values);
      if (msg.token !== undefined) r['token'] = msg.token;
      return encode({ t: msg.transactionId, y: 'r', r });
    }
    case 'error':
      return encode({ t: msg.transactionId, y: 'e', e: [msg.errorCode, msg.message] });
  }
}

function queryArgs(msg: KrpcQuery): Record<string, BValue> {
  switch (msg.method) {
    case 'ping':
      return { id: msg.id };
    case 'find_node':
      return { id: msg.id, target: msg.target, ...wantArg(msg.want) };
    case 'get_peers':
      return { id: msg.id, info_hash: msg.infoHash, ...wantArg(msg.want) };
    case 'announce_peer':
      return {
        id: msg.id,
        info_hash: msg.infoHash,
        port: msg.port,
        token: msg.token,
        implied_port: msg.impliedPort ? 1 : 0,
      };
  }
}

function wantArg(want: DhtWant[] | undefined): Record<string, BValue> {
  return want && want.length > 0 ? { want: want.map((w) => Buffer.from(w, 'latin1')) } : {};
}

/** BEP 5 `values`: a list of compact peers, one string each (BEP 32: IPv6 peers 18 bytes). */
function encodeValues(peers: readonly PeerAddress[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of peers) {
    const c = compactPeer(p.address, p.port);
    if (c === null || !Number.isInteger(p.port) || p.port < 0 || p.port > 65535) {
      continue;
    }
    out.push(c.bytes);
  }
  return out;
}

// ---- decoding

/**
 * Whether a datagram on a shared UDP port is for the DHT: KRPC is a bencoded dict, so it starts
 * with 'd' (0x64), while a uTP header (BEP 29) starts with its type and version nibbles, 0x01
 * to 0x41. The session's demultiplexer uses this before `DhtNode.receive`.
 */
export function isKrpcPacket(packet: Uint8Array): boolean {
  return packet.length > 0 && packet[0] === 0x64;
}

export function decodeKrpc(packet: Uint8Array): KrpcMessage {
  if (packet.length > KRPC_MAX_PACKET_BYTES) {
    throw new KrpcError(
      'too-large',
      `packet of ${packet.length} bytes exceeds ${KRPC_MAX_PACKET_BYTES}`,
    );
  }
  let root: BValue;
  try {
    root = decode(packet, {
      maxBytes: KRPC_MAX_PACKET_BYTES,
      maxDepth: KRPC_MAX_DEPTH,
      maxItems: KRPC_MAX_ITEMS,
    });
  } catch (err) {
    if (err instanceof BencodeError)
      throw new KrpcError('bad-bencode', err.message, null, { cause: err });
    throw err;
  }
  if (!isDict(root)) throw new KrpcError('not-a-dict', 'a KRPC message must be a dictionary');
  const t = root['t'];
  if (!isBytes(t) || t.length === 0 || t.length > KRPC_MAX_TRANSACTION_ID_BYTES) {
    throw new KrpcError('bad-transaction-id', 'missing or oversized transaction id "t"');
  }
  const y = root['y'];
  const type = isBytes(y) ? latin1(y) : '';
  switch (type) {
    case 'q':
      return decodeQuery(root, t);
    case 'r':
      return decodeResponse(root, t);
    case 'e':
      return decodeError(root, t);
    default:
      throw new KrpcError('bad-type', 'message type "y" must be q, r or e', t);
  }
}

function fieldError(t: Uint8Array, field: string, what: string): KrpcError {
  return new KrpcError('bad-field', `"${field}" ${what}`, t);
}

function requireId(d: BDict, field: string, t: Uint8Array): NodeId {
  const v = d[field];
  if (!isNodeId(v)) throw fieldError(t, field, 'must be a 20-byte string');
  return v;
}

function decodeQuery(root: BDict, t: Uint8Array): KrpcQuery {
  const q = root['q'];
  if (!isBytes(q)) throw fieldError(t, 'q', 'must be a string');
  const method = latin1(q);
  if (!METHODS.has(method)) {
    throw new KrpcError('unknown-method', `unknown method "${method.slice(0, 32)}"`, t);
  }
  const a = root['a'];
  if (!isDict(a)) throw fieldError(t, 'a', 'must be a dictionary');
  const base = { kind: 'query' as const, transactionId: t, id: requireId(a, 'id', t) };
  switch (method) {
    case 'ping':
      return { ...base, method };
    case 'find_node':
      return { ...base, method, target: requireId(a, 'target', t), ...decodeWant(a, t) };
    case 'get_peers':
      return { ...base, method, infoHash: requireId(a, 'info_hash', t), ...decodeWant(a, t) };
    default: {
      const infoHash = requireId(a, 'info_hash', t);
      const implied = a['implied_port'];
      if (implied !== undefined && typeof implied !== 'number') {
        throw fieldError(t, 'implied_port', 'must be an integer');
      }
      const impliedPort = implied !== undefined && implied !== 0;
      const port = a['port'];
      // With implied_port the port is ignored, but BEP 5 still sends it; 0 is then fine.
      const minPort = impliedPort ? 0 : 1;
      if (typeof port !== 'number' || port < minPort || port > 65535) {
        throw fieldError(t, 'port', 'must be an integer port');
      }
      const token = a['token'];
      if (!isBytes(token) || token.length === 0 || token.length > KRPC_MAX_TOKEN_BYTES) {
        throw fieldError(t, 'token', `must be a string of 1..${KRPC_MAX_TOKEN_BYTES} bytes`);
      }
      return { ...base, method: 'announce_peer', infoHash, port, token, impliedPort };
    }
  }
}

/** BEP 32 `want`: a list of strings; `n4` and `n6` are kept, anything else is ignored. */
function decodeWant(a: BDict, t: Uint8Array): { want?: DhtWant[] } {
  const w = a['want'];
  if (w === undefined) return {};
  if (!isList(w)) throw fieldError(t, 'want', 'must be a list');
  const want: DhtWant[] = [];
  for (const v of w) {
    if (!isBytes(v)) throw fieldError(t, 'want', 'entries must be strings');
    const s = latin1(v);
    if ((s === 'n4' || s === 'n6') && !want.includes(s)) want.push(s);
  }
  return { want };
}

function decodeResponse(root: BDict, t: Uint8Array): KrpcResponse {
  const r = root['r'];
  if (!isDict(r)) throw fieldError(t, 'r', 'must be a dictionary');
  const out: KrpcResponse = { kind: 'response', transactionId: t, id: requireId(r, 'id', t) };
  const nodes = r['nodes'];
  if (nodes !== undefined) {
    if (!isBytes(nodes)) throw fieldError(t, 'nodes', 'must be a string');
    const list = decodeCompactNodes(nodes, KRPC_MAX_NODES_PER_RESPONSE);
    if (list === null) throw fieldError(t, 'nodes', 'length must be a multiple of 26');
    out.nodes = list;
  }
  const nodes6 = r['nodes6'];
  if (nodes6 !== undefined) {
    if (!isBytes(nodes6)) throw fieldError(t, 'nodes6', 'must be a string');
    const list = decodeCompactNodes6(nodes6, KRPC_MAX_NODES_PER_RESPONSE);
    if (list === null) throw fieldError(t, 'nodes6', 'length must be a multiple of 38');
    out.nodes6 = list;
  }
  const values = r['values'];
  if (values !== undefined) {
    if (!isList(values)) throw fieldError(t, 'values', 'must be a list');
    const peers: PeerAddress[] = [];
    for (const v of values) {
      if (peers.length >= KRPC_MAX_VALUES_PER_RESPONSE) break;
      if (!isBytes(v)) throw fieldError(t, 'values', 'entries must be strings');
      if (v.length === COMPACT_PEER4_BYTES) peers.push(...decodeCompactPeers4(v));
      else if (v.length === COMPACT_PEER6_BYTES) peers.push(...decodeCompactPeers6(v));
      else throw fieldError(t, 'values', 'entries must be 6 or 18 bytes');
    }
    out.values = peers;
  }
  const token = r['token'];
  if (token !== undefined) {
    if (!isBytes(token) || token.length === 0 || token.length > KRPC_MAX_TOKEN_BYTES) {
      throw fieldError(t, 'token', `must be a string of 1..${KRPC_MAX_TOKEN_BYTES} bytes`);
    }
    out.token = token;
  }
  return out;
}

function decodeError(root: BDict, t: Uint8Array): KrpcErrorMessage {
  const e = root['e'];
  if (!isList(e) || e.length < 2) throw fieldError(t, 'e', 'must be a list [code, message]');
  const [code, message] = e;
  if (typeof code !== 'number' || !isBytes(message)) {
    throw fieldError(t, 'e', 'must be a list [code, message]');
  }
  return {
    kind: 'error',
    transactionId: t,
    errorCode: code,
    message: utf8.decode(message.subarray(0, 200)),
  };
}
