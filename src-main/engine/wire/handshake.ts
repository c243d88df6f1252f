/**
 * BEP 3 handshake: <19><"BitTorrent protocol"><8 reserved><20 info_hash><20 peer_id>, 68 bytes.
 * The reserved bits advertise BEP 5 (DHT), BEP 6 (Fast Extension) and BEP 10 (Extension
 * Protocol); unknown reserved bits are preserved by decode and ignored by `decodeReserved`.
 */
import { ProtocolError } from './protocol-error';

/** BEP 3: the protocol string every handshake starts with. */
export const PROTOCOL_STRING = 'BitTorrent protocol';
const PSTR = new TextEncoder().encode(PROTOCOL_STRING);
/** BEP 3: 1 + 19 + 8 + 20 + 20. */
export const HANDSHAKE_BYTES = 68;
/** BEP 3: info-hashes and peer ids are 20 bytes. */
export const ID_BYTES = 20;
export const RESERVED_BYTES = 8;

export interface Handshake {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  /** 8 bytes. */
  reserved: Uint8Array;
}

export interface ReservedFlags {
  /** BEP 6: reserved[7] & 0x04. */
  fast: boolean;
  /** BEP 10: reserved[5] & 0x10. */
  extended: boolean;
  /** BEP 5: reserved[7] & 0x01. */
  dht: boolean;
}

export function reservedFlags(flags: Partial<ReservedFlags>): Uint8Array {
  const r = new Uint8Array(RESERVED_BYTES);
  if (flags.extended) r[5] = 0x10;
  r[7] = (flags.fast ? 0x04 : 0) | (flags.dht ? 0x01 : 0);
  return r;
}

export function decodeReserved(reserved: Uint8Array): ReservedFlags {
  const r5 = reserved[5] ?? 0;
  const r7 = reserved[7] ?? 0;
  return { fast: (r7 & 0x04) !== 0, extended: (r5 & 0x10) !== 0, dht: (r7 & 0x01) !== 0 };
}

export function encodeHandshake(h: Handshake): Uint8Array {
  if (h.infoHash.length !== ID_BYTES || h.peerId.length !== ID_BYTES) {
    throw new RangeError('info-hash and peer id must be 20 bytes');
  }
  if (h.reserved.length !== RESERVED_BYTES) throw new RangeError('reserved must be 8 bytes');
  const out = new Uint8Array(HANDSHAKE_BYTES);
  out[0] = PSTR.length;
  out.set(PSTR, 1);
  out.set(h.reserved, 20);
  out.set(h.infoHash, 28);
  out.set(h.peerId, 48);
  return out;
}

/**
 * How many leading bytes of `buf` are consistent with a handshake prefix; lets a reader reject a
 * stranger (an HTTP probe, an encrypted stream) at its first byte instead of waiting for 68.
 */
export function checkHandshakePrefix(buf: Uint8Array): void {
  const n = Math.min(buf.length, 1 + PSTR.length);
  for (let i = 0; i < n; i++) {
    const want = i === 0 ? PSTR.length : PSTR[i - 1];
    if (buf[i] !== want) {
      throw new ProtocolError(
        'bad-handshake',
        'decode-handshake',
        i === 0
          ? `handshake protocol length ${buf[0]} is not ${PSTR.length}`
          : 'handshake protocol string is not "BitTorrent protocol"',
      );
    }
  }
}

/** Decodes the first 68 bytes of `buf` (copies the fields). */
export function decodeHandshake(buf: Uint8Array): Handshake {
  checkHandshakePrefix(buf);
  if (buf.length < HANDSHAKE_BYTES) {
    throw new ProtocolError(
      'bad-handshake',
      'decode-handshake',
      `handshake of ${buf.length} bytes is shorter than ${HANDSHAKE_BYTES}`,
    );
  }
  return {
    reserved: buf.slice(20, 28),
    infoHash: buf.slice(28, 48),
    peerId: buf.slice(48, 68),
  };
}
