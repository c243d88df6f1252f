/**
 * BEP 5 node ids: 160-bit strings compared by XOR distance. Ids are 20-byte Uint8Arrays; the
 * hex form is the key of maps and the persisted form.
 */
import type { Random } from '../time/clock';

/** BEP 5: node ids and info-hashes share the 160-bit SHA-1 space. */
export const NODE_ID_BYTES = 20;
export const NODE_ID_BITS = NODE_ID_BYTES * 8;

export type NodeId = Uint8Array;

export function isNodeId(v: unknown): v is NodeId {
  return v instanceof Uint8Array && v.length === NODE_ID_BYTES;
}

export function randomNodeId(random: Random): NodeId {
  return random.bytes(NODE_ID_BYTES);
}

export function idToHex(id: NodeId): string {
  return Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');
}

/** The id for a 40-digit hex string, or null when it is not one. */
export function idFromHex(hex: string): NodeId | null {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function idsEqual(a: NodeId, b: NodeId): boolean {
  for (let i = 0; i < NODE_ID_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Orders `a` and `b` by XOR distance to `target`: negative when `a` is closer. */
export function compareDistance(target: NodeId, a: NodeId, b: NodeId): number {
  for (let i = 0; i < NODE_ID_BYTES; i++) {
    const da = (a[i]! ^ target[i]!) & 0xff;
    const db = (b[i]! ^ target[i]!) & 0xff;
    if (da !== db) return da - db;
  }
  return 0;
}

/** Leading bits `a` and `b` share (160 when equal): the bucket depth of `b` seen from `a`. */
export function commonPrefixBits(a: NodeId, b: NodeId): number {
  for (let i = 0; i < NODE_ID_BYTES; i++) {
    const x = (a[i]! ^ b[i]!) & 0xff;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return NODE_ID_BITS;
}

/**
 * A random id sharing exactly `bits` leading bits with `base` (then differing at bit `bits`):
 * a target inside one bucket's range, for refreshing it.
 */
export function randomIdWithPrefix(base: NodeId, bits: number, random: Random): NodeId {
  const out = random.bytes(NODE_ID_BYTES);
  for (let bit = 0; bit < Math.min(bits, NODE_ID_BITS); bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    out[byte] = (out[byte]! & ~mask) | (base[byte]! & mask);
  }
  if (bits < NODE_ID_BITS) {
    const byte = bits >> 3;
    const mask = 0x80 >> (bits & 7);
    out[byte] = (out[byte]! & ~mask) | (~base[byte]! & mask);
  }
  return out;
}
