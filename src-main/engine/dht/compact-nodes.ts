/**
 * BEP 5 "compact node info": 20 id bytes then a 6-byte compact IPv4 address (BEP 23 layout),
 * 26 bytes a node. A string whose length is not a multiple of 26 is refused as a whole.
 */
import { formatIpv6, ipv4ToBytes, ipv6ToBytes } from '../tracker/codec/compact-peers';
import { NODE_ID_BYTES } from './node-id';
import type { NodeId } from './node-id';

export const COMPACT_NODE4_BYTES = NODE_ID_BYTES + 6;

export interface NodeInfo {
  id: NodeId;
  address: string;
  port: number;
}

/** Encodes IPv4 nodes; a node whose address is not IPv4 or whose port is invalid is skipped. */
export function encodeCompactNodes(nodes: readonly NodeInfo[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const n of nodes) {
    const ip = ipv4ToBytes(n.address);
    if (!ip || n.id.length !== NODE_ID_BYTES || !Number.isInteger(n.port)) continue;
    if (n.port < 1 || n.port > 65535) continue;
    const out = new Uint8Array(COMPACT_NODE4_BYTES);
    out.set(n.id, 0);
    out.set(ip, NODE_ID_BYTES);
    out[NODE_ID_BYTES + 4] = n.port >> 8;
    out[NODE_ID_BYTES + 5] = n.port & 0xff;
    parts.push(out);
  }
  const all = new Uint8Array(parts.length * COMPACT_NODE4_BYTES);
  parts.forEach((p, i) => all.set(p, i * COMPACT_NODE4_BYTES));
  return all;
}

/** Decodes at most `max` nodes; null when the length is not a multiple of 26. */
export function decodeCompactNodes(buf: Uint8Array, max: number): NodeInfo[] | null {
  if (buf.length % COMPACT_NODE4_BYTES !== 0) return null;
  const out: NodeInfo[] = [];
  for (let o = 0; o < buf.length && out.length < max; o += COMPACT_NODE4_BYTES) {
    const a = o + NODE_ID_BYTES;
    out.push({
      id: buf.slice(o, a),
      address: `${buf[a]}.${buf[a + 1]}.${buf[a + 2]}.${buf[a + 3]}`,
      port: (buf[a + 4]! << 8) | buf[a + 5]!,
    });
  }
  return out;
}

// --- IPv6, BEP 32 (issue 18) ---
/** BEP 32 `nodes6`: 20 id bytes then 16 address bytes and a 2-byte port, 38 bytes a node. */
export const COMPACT_NODE6_BYTES = NODE_ID_BYTES + 18;

/** Encodes IPv6 nodes; a node whose address is not IPv6 (or is v4-mapped) is skipped. */
export function encodeCompactNodes6(nodes: readonly NodeInfo[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const n of nodes) {
    const ip = n.address.includes(':') ? ipv6ToBytes(n.address) : null;
    if (!ip || n.id.length !== NODE_ID_BYTES || !Number.isInteger(n.port)) continue;
    if (n.port < 1 || n.port > 65535) continue;
    const out = new Uint8Array(COMPACT_NODE6_BYTES);
    out.set(n.id, 0);
    out.set(ip, NODE_ID_BYTES);
    out[NODE_ID_BYTES + 16] = n.port >> 8;
    out[NODE_ID_BYTES + 17] = n.port & 0xff;
    parts.push(out);
  }
  const all = new Uint8Array(parts.length * COMPACT_NODE6_BYTES);
  parts.forEach((p, i) => all.set(p, i * COMPACT_NODE6_BYTES));
  return all;
}

/** Decodes at most `max` IPv6 nodes; null when the length is not a multiple of 38. */
export function decodeCompactNodes6(buf: Uint8Array, max: number): NodeInfo[] | null {
  if (buf.length % COMPACT_NODE6_BYTES !== 0) return null;
  const out: NodeInfo[] = [];
  for (let o = 0; o < buf.length && out.length < max; o += COMPACT_NODE6_BYTES) {
    const a = o + NODE_ID_BYTES;
    out.push({
      id: buf.slice(o, a),
      address: formatIpv6(buf.subarray(a, a + 16)),
      port: (buf[a + 16]! << 8) | buf[a + 17]!,
    });
  }
  return out;
}
