/**
 * BEP 11 peer exchange (`ut_pex`): the bencoded dict carried in an extended message.
 *
 * Invariants:
 * - Decoding is strict bencode over at most PEX_MAX_MESSAGE_BYTES; the payload must be a dict.
 *   Each of `added`, `added6`, `dropped`, `dropped6`, when present, must be a byte string whose
 *   length is a multiple of its entry size (6 or 18); a torn list is refused as a whole.
 * - At most PEX_MAX_RECEIVED_PER_MESSAGE added (IPv4 and IPv6 together) and as many dropped
 *   entries are accepted; more raise a ProtocolError before any entry is decoded.
 * - `added.f` / `added6.f` (one flag byte per entry) are used only when their length matches;
 *   BEP 11 makes them optional, so a mismatch drops the flags, not the peers.
 * - Port 0 entries are skipped: nobody can dial them.
 * - Malformed input raises ProtocolError('bad-pex'), nothing else.
 */
import { BencodeError, decode, encode, isBytes, isDict } from '../bencode';
import type { BValue } from '../bencode';
import { PEX_MAX_MESSAGE_BYTES, PEX_MAX_RECEIVED_PER_MESSAGE } from '../limits';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  compactPeer,
  decodeCompactPeers4,
  decodeCompactPeers6,
} from '../tracker/codec/compact-peers';
import { ProtocolError } from './protocol-error';

/** BEP 11 `added.f` bits. */
export const PEX_FLAG_PREFERS_ENCRYPTION = 0x01;
/** The peer is a seed (upload only). */
export const PEX_FLAG_SEED = 0x02;
export const PEX_FLAG_UTP = 0x04;
export const PEX_FLAG_HOLEPUNCH = 0x08;
/** The sender connected to this peer itself, so the address is reachable. */
export const PEX_FLAG_REACHABLE = 0x10;

export interface PexPeer {
  address: string;
  port: number;
  /** BEP 11 flag bits; 0 when unknown. */
  flags: number;
}

export interface PexMessage {
  added: PexPeer[];
  dropped: { address: string; port: number }[];
}

function fail(message: string, cause?: unknown): never {
  throw new ProtocolError('bad-pex', 'decode-pex', message, cause);
}

/** Encodes a message; addresses that are neither IPv4 nor IPv6 are left out. */
export function encodePex(msg: PexMessage): Uint8Array {
  const added4: Uint8Array[] = [];
  const flags4: number[] = [];
  const added6: Uint8Array[] = [];
  const flags6: number[] = [];
  for (const p of msg.added) {
    const c = compactPeer(p.address, p.port);
    if (!c) continue;
    if (c.family === 4) {
      added4.push(c.bytes);
      flags4.push(p.flags & 0xff);
    } else {
      added6.push(c.bytes);
      flags6.push(p.flags & 0xff);
    }
  }
  const dropped4: Uint8Array[] = [];
  const dropped6: Uint8Array[] = [];
  for (const p of msg.dropped) {
    const c = compactPeer(p.address, p.port);
    if (c) (c.family === 4 ? dropped4 : dropped6).push(c.bytes);
  }
  return encode({
    added: Buffer.concat(added4),
    'added.f': Uint8Array.from(flags4),
    added6: Buffer.concat(added6),
    'added6.f': Uint8Array.from(flags6),
    dropped: Buffer.concat(dropped4),
    dropped6: Buffer.concat(dropped6),
  });
}

/** A compact list's byte string, or an empty one when absent; anything else is refused. */
function list(dict: Record<string, BValue>, key: string, entryBytes: number): Uint8Array {
  const v = dict[key];
  if (v === undefined) return new Uint8Array(0);
  if (!isBytes(v)) fail(`${key} is not a byte string`);
  if (v.length % entryBytes !== 0)
    fail(`${key} of ${v.length} bytes is not a multiple of ${entryBytes}`);
  return v;
}

function flagsFor(dict: Record<string, BValue>, key: string, count: number): Uint8Array | null {
  const v = dict[key];
  return isBytes(v) && v.length === count ? v : null;
}

export function decodePex(payload: Uint8Array): PexMessage {
  if (payload.length > PEX_MAX_MESSAGE_BYTES)
    fail(`PEX message of ${payload.length} bytes exceeds ${PEX_MAX_MESSAGE_BYTES}`);
  let value: BValue;
  try {
    value = decode(payload, { maxBytes: PEX_MAX_MESSAGE_BYTES, maxDepth: 4 });
  } catch (err) {
    if (!(err instanceof BencodeError)) throw err;
    fail(`PEX message is not valid bencode: ${err.message}`, err);
  }
  if (!isDict(value)) fail('PEX message is not a dictionary');
  const a4 = list(value, 'added', COMPACT_PEER4_BYTES);
  const a6 = list(value, 'added6', COMPACT_PEER6_BYTES);
  const d4 = list(value, 'dropped', COMPACT_PEER4_BYTES);
  const d6 = list(value, 'dropped6', COMPACT_PEER6_BYTES);
  const addedCount = a4.length / COMPACT_PEER4_BYTES + a6.length / COMPACT_PEER6_BYTES;
  const droppedCount = d4.length / COMPACT_PEER4_BYTES + d6.length / COMPACT_PEER6_BYTES;
  if (addedCount > PEX_MAX_RECEIVED_PER_MESSAGE)
    fail(`PEX message adds ${addedCount} peers, over ${PEX_MAX_RECEIVED_PER_MESSAGE}`);
  if (droppedCount > PEX_MAX_RECEIVED_PER_MESSAGE)
    fail(`PEX message drops ${droppedCount} peers, over ${PEX_MAX_RECEIVED_PER_MESSAGE}`);
  const added: PexPeer[] = [];
  const withFlags = (peers: { address: string; port: number }[], f: Uint8Array | null): void => {
    peers.forEach((p, i) => {
      if (p.port > 0) added.push({ ...p, flags: f ? (f[i] as number) : 0 });
    });
  };
  const peers4 = decodeCompactPeers4(a4);
  withFlags(peers4, flagsFor(value, 'added.f', peers4.length));
  const peers6 = decodeCompactPeers6(a6);
  withFlags(peers6, flagsFor(value, 'added6.f', peers6.length));
  const dropped = [...decodeCompactPeers4(d4), ...decodeCompactPeers6(d6)].filter(
    (p) => p.port > 0,
  );
  return { added, dropped };
}
