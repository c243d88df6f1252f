/**
 * The uTP packet codec (BEP 29): a 20-byte header, an optional chain of extensions, then the
 * payload.
 *
 *   0       4       8               16              24              32
 *   +-------+-------+---------------+---------------+---------------+
 *   | type  | ver   | extension     | connection_id                 |
 *   | timestamp_microseconds                                        |
 *   | timestamp_difference_microseconds                             |
 *   | wnd_size                                                      |
 *   | seq_nr                        | ack_nr                        |
 *
 * Invariants:
 * - Decoding is pure and bounded: at most UTP_MAX_EXTENSIONS extensions, a selective ack of 1 to
 *   UTP_MAX_SACK_BYTES bytes, nothing read past the end. Any malformed packet raises
 *   `UtpPacketError` and nothing else (utp.property.test.ts).
 * - Only DATA and FIN carry a payload; a SYN, STATE or RESET with one is malformed.
 * - Unknown extensions are skipped (BEP 29 says so); a second selective ack is malformed.
 * - The decoded payload is a view of the input; copy it to keep it past the caller's buffer.
 */
import { UTP_MAX_EXTENSIONS, UTP_MAX_SACK_BYTES } from '../limits';

/** BEP 29 packet types. */
export const ST_DATA = 0;
export const ST_FIN = 1;
export const ST_STATE = 2;
export const ST_RESET = 3;
export const ST_SYN = 4;
export type UtpType = 0 | 1 | 2 | 3 | 4;

export const UTP_VERSION = 1;
export const UTP_HEADER_BYTES = 20;
/** BEP 29 extension 1: a bitmask of packets received past ack_nr + 1. */
const EXT_SELECTIVE_ACK = 1;

export const TYPE_NAMES = ['DATA', 'FIN', 'STATE', 'RESET', 'SYN'] as const;

export interface UtpPacket {
  type: UtpType;
  connectionId: number;
  /** The sender's clock when sending, in microseconds, modulo 2^32. */
  timestampUs: number;
  /** The sender's last measured one-way delay of our packets to it, in microseconds. */
  timestampDiffUs: number;
  /** Bytes the sender can still take in (its receive window). */
  wndSize: number;
  seqNr: number;
  ackNr: number;
  /**
   * Selective ack bitmask: bit i of byte j (least significant first) acknowledges
   * ack_nr + 2 + 8j + i. Null when absent.
   */
  selectiveAck: Uint8Array | null;
  payload: Uint8Array;
}

export type UtpPacketErrorCode =
  'too-short' | 'bad-version' | 'bad-type' | 'bad-extension' | 'unexpected-payload';

/** The one error type of the codec: a malformed datagram from the network. */
export class UtpPacketError extends Error {
  readonly code: UtpPacketErrorCode;

  constructor(code: UtpPacketErrorCode, message: string) {
    super(message);
    this.name = 'UtpPacketError';
    this.code = code;
  }
}

export function decodePacket(buf: Uint8Array): UtpPacket {
  if (buf.length < UTP_HEADER_BYTES) {
    throw new UtpPacketError('too-short', `${buf.length} bytes, less than a header`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const first = buf[0] as number;
  if ((first & 0x0f) !== UTP_VERSION) {
    throw new UtpPacketError('bad-version', `version ${first & 0x0f}`);
  }
  const type = first >> 4;
  if (type > ST_SYN) throw new UtpPacketError('bad-type', `type ${type}`);
  let selectiveAck: Uint8Array | null = null;
  let next = buf[1] as number;
  let at = UTP_HEADER_BYTES;
  for (let n = 0; next !== 0; n++) {
    if (n >= UTP_MAX_EXTENSIONS) {
      throw new UtpPacketError('bad-extension', `more than ${UTP_MAX_EXTENSIONS} extensions`);
    }
    if (at + 2 > buf.length) throw new UtpPacketError('bad-extension', 'extension header cut');
    const kind = next;
    next = buf[at] as number;
    const len = buf[at + 1] as number;
    at += 2;
    if (at + len > buf.length) throw new UtpPacketError('bad-extension', 'extension body cut');
    if (kind === EXT_SELECTIVE_ACK) {
      if (selectiveAck) throw new UtpPacketError('bad-extension', 'two selective acks');
      // BEP 29 asks for a multiple of 4 bytes, but libtorrent sends just the bytes it needs
      // (1 to 32): refusing those would drop every ack it sends while packets are missing.
      if (len < 1 || len > UTP_MAX_SACK_BYTES) {
        throw new UtpPacketError('bad-extension', `selective ack of ${len} bytes`);
      }
      selectiveAck = buf.subarray(at, at + len);
    }
    at += len;
  }
  const payload = buf.subarray(at);
  if (payload.length > 0 && type !== ST_DATA && type !== ST_FIN) {
    throw new UtpPacketError('unexpected-payload', `${TYPE_NAMES[type]} with a payload`);
  }
  return {
    type: type as UtpType,
    connectionId: view.getUint16(2),
    timestampUs: view.getUint32(4),
    timestampDiffUs: view.getUint32(8),
    wndSize: view.getUint32(12),
    seqNr: view.getUint16(16),
    ackNr: view.getUint16(18),
    selectiveAck,
    payload,
  };
}

/** The header fields; the payload is passed apart so a data packet is built with one copy. */
export type UtpHeader = Omit<UtpPacket, 'payload'>;

/** Encodes one packet: header, the selective ack if any, then `payload`. */
export function encodePacket(h: UtpHeader, payload?: Uint8Array): Buffer {
  const sack = h.selectiveAck;
  if (sack && (sack.length < 4 || sack.length % 4 !== 0 || sack.length > UTP_MAX_SACK_BYTES)) {
    throw new RangeError(`selective ack of ${sack.length} bytes`);
  }
  const extBytes = sack ? 2 + sack.length : 0;
  const out = Buffer.allocUnsafe(UTP_HEADER_BYTES + extBytes + (payload?.length ?? 0));
  out[0] = (h.type << 4) | UTP_VERSION;
  out[1] = sack ? EXT_SELECTIVE_ACK : 0;
  out.writeUInt16BE(h.connectionId & 0xffff, 2);
  out.writeUInt32BE(h.timestampUs >>> 0, 4);
  out.writeUInt32BE(h.timestampDiffUs >>> 0, 8);
  out.writeUInt32BE(h.wndSize >>> 0, 12);
  out.writeUInt16BE(h.seqNr & 0xffff, 16);
  out.writeUInt16BE(h.ackNr & 0xffff, 18);
  let at = UTP_HEADER_BYTES;
  if (sack) {
    out[at] = 0;
    out[at + 1] = sack.length;
    out.set(sack, at + 2);
    at += 2 + sack.length;
  }
  if (payload) out.set(payload, at);
  return out;
}

// ---- 16-bit sequence arithmetic (seq_nr and ack_nr wrap)

export const SEQ_MASK = 0xffff;

/** `b - a` as a signed distance in (-32768, 32768]: positive when b is after a. */
export function seqDistance(a: number, b: number): number {
  const d = (b - a) & SEQ_MASK;
  return d > 0x8000 ? d - 0x10000 : d;
}

export function seqAdd(a: number, n: number): number {
  return (a + n) & SEQ_MASK;
}
