/**
 * BEP 9 `ut_metadata` messages: a bencoded dict `{msg_type, piece[, total_size]}`, followed, for
 * a data message, by the piece's bytes.
 *
 * Invariants: decoding is pure and bounded. The header is at most UT_METADATA_MAX_HEADER_BYTES
 * and decoded with our strict decoder; anything malformed raises ProtocolError, which closes
 * the peer. Unknown message types decode as 'unknown' (BEP 9: ignore them). The data of a
 * decoded data message is a view of the payload: copy it to keep it.
 */
import { BencodeError, decode, encode, isDict } from '../bencode';
import type { BValue } from '../bencode';
import { METADATA_MAX_BYTES, UT_METADATA_MAX_HEADER_BYTES } from '../limits';
import { ProtocolError } from '../wire/protocol-error';

/** BEP 9 msg_type values. */
export const UT_METADATA_REQUEST = 0;
export const UT_METADATA_DATA = 1;
export const UT_METADATA_REJECT = 2;

export type UtMetadataMessage =
  | { type: 'request'; piece: number }
  | { type: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { type: 'reject'; piece: number }
  | { type: 'unknown'; msgType: number };

const CH_E = 0x65;

function bad(what: string): ProtocolError {
  return new ProtocolError('unexpected-message', 'decode-ut-metadata', `ut_metadata: ${what}`);
}

export function encodeUtMetadata(m: Exclude<UtMetadataMessage, { type: 'unknown' }>): Uint8Array {
  if (m.type === 'request') return encode({ msg_type: UT_METADATA_REQUEST, piece: m.piece });
  if (m.type === 'reject') return encode({ msg_type: UT_METADATA_REJECT, piece: m.piece });
  const head = encode({ msg_type: UT_METADATA_DATA, piece: m.piece, total_size: m.totalSize });
  const out = new Uint8Array(head.length + m.data.length);
  out.set(head, 0);
  out.set(m.data, head.length);
  return out;
}

/**
 * Finds the header dict: bencode is prefix-free, so the first prefix ending in 'e' that decodes
 * whole is the header, and the bytes after it are the piece. Bounded by the header cap.
 */
function splitHeader(payload: Uint8Array): { header: BValue; end: number } {
  const limit = Math.min(payload.length, UT_METADATA_MAX_HEADER_BYTES);
  for (let i = 0; i < limit; i++) {
    if (payload[i] !== CH_E) continue;
    try {
      return { header: decode(payload.subarray(0, i + 1), { maxDepth: 4 }), end: i + 1 };
    } catch (err) {
      if (!(err instanceof BencodeError)) throw err;
    }
  }
  throw bad(`no bencoded header in the first ${limit} bytes`);
}

function intField(h: Record<string, BValue>, key: string, max: number): number {
  const v = h[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw bad(`${key} is missing or out of range`);
  }
  return v;
}

export function decodeUtMetadata(payload: Uint8Array): UtMetadataMessage {
  const { header, end } = splitHeader(payload);
  if (!isDict(header)) throw bad('the header is not a dictionary');
  const msgType = intField(header, 'msg_type', 0xffff);
  if (msgType > UT_METADATA_REJECT) return { type: 'unknown', msgType };
  // No piece index can pass the size cap's piece count; checked against the real count later.
  const piece = intField(header, 'piece', METADATA_MAX_BYTES);
  if (msgType === UT_METADATA_REQUEST) return { type: 'request', piece };
  if (msgType === UT_METADATA_REJECT) return { type: 'reject', piece };
  const totalSize = intField(header, 'total_size', Number.MAX_SAFE_INTEGER);
  return { type: 'data', piece, totalSize, data: payload.subarray(end) };
}
