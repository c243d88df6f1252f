/**
 * BEP 15 UDP tracker packets, both directions. All integers are big-endian.
 * Requests:  connect 16 bytes; announce 98 bytes (BEP 41 options may follow and are ignored);
 *            scrape 16 + 20n bytes. Responses: connect 16; announce 20 + 6n (or 18n over IPv6);
 *            scrape 8 + 12n; error 8 + message.
 * Connection ids are opaque 8-byte values (a tracker may derive them from a MAC).
 */
import type { AnnounceEvent, AnnounceRequest } from './announce-request';
import { INFO_HASH_BYTES, PEER_ID_BYTES } from './announce-request';
import type { PeerAddress } from './compact-peers';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  decodeCompactPeers4,
  decodeCompactPeers6,
  parseIpv4,
} from './compact-peers';
import { TrackerProtocolError } from './errors';

/** BEP 15: the magic constant a connect request carries in place of a connection id. */
export const UDP_PROTOCOL_ID = 0x41727101980n;
/** The same, as two big-endian 32-bit halves (compared without a BigInt). */
const PROTOCOL_ID_HI = 0x417;
const PROTOCOL_ID_LO = 0x27101980;
export const UDP_ACTION_CONNECT = 0;
export const UDP_ACTION_ANNOUNCE = 1;
export const UDP_ACTION_SCRAPE = 2;
export const UDP_ACTION_ERROR = 3;
export const UDP_CONNECT_REQUEST_BYTES = 16;
export const UDP_ANNOUNCE_REQUEST_BYTES = 98;
export const UDP_SCRAPE_HEADER_BYTES = 16;
/** BEP 15: a scrape fits "up to about 74 torrents" in one packet. */
export const UDP_MAX_SCRAPE_HASHES = 74;
export const UDP_CONNECTION_ID_BYTES = 8;

/** BEP 15 event codes. */
const EVENT_CODES: Record<AnnounceEvent, number> = {
  none: 0,
  completed: 1,
  started: 2,
  stopped: 3,
};
const EVENTS: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

export type UdpRequest =
  | { action: 'connect'; transactionId: number }
  | {
      action: 'announce';
      connectionId: Uint8Array;
      transactionId: number;
      request: AnnounceRequest;
    }
  | { action: 'scrape'; connectionId: Uint8Array; transactionId: number; infoHashes: Uint8Array[] };

export interface UdpScrapeEntry {
  seeders: number;
  completed: number;
  leechers: number;
}

export type UdpResponse =
  | { action: 'connect'; transactionId: number; connectionId: Uint8Array }
  | {
      action: 'announce';
      transactionId: number;
      intervalSec: number;
      leechers: number;
      seeders: number;
      peers: PeerAddress[];
    }
  | { action: 'scrape'; transactionId: number; files: UdpScrapeEntry[] }
  | { action: 'error'; transactionId: number; message: string };

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function u32(n: number): number {
  return n >>> 0;
}

function writeCount(dv: DataView, offset: number, n: number): void {
  dv.setBigInt64(offset, BigInt(Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)))));
}

/**
 * Byte fields of decoded requests are views into the packet, which callers must not reuse.
 * Made with the Uint8Array constructor: `subarray` on a Buffer goes through the species
 * constructor (FastBuffer), several times the cost; three of them per announce showed as a tenth
 * of a decoded UDP announce's time.
 */
function view8(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}

/** A big-endian uint32 at `o` (the caller checked the length): no DataView per packet. */
function be32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

/**
 * int64 as a safe non-negative number; clients send 64-bit counts, JS counts are 53-bit.
 * Read as two 32-bit halves: a BigInt per field cost a tenth of decoding an announce.
 */
function countAt(b: Uint8Array, o: number, field: string): number {
  const hi = be32(b, o);
  if (hi >= 0x8000_0000)
    throw new TrackerProtocolError('bad-field', 'decode udp announce', `negative ${field}`);
  // Beyond 2^53 the sum rounds, but it is clamped to the same MAX_SAFE_INTEGER either way.
  const v = hi * 0x1_0000_0000 + be32(b, o + 4);
  return v > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : v;
}

export function encodeUdpConnectRequest(transactionId: number): Uint8Array {
  const out = new Uint8Array(UDP_CONNECT_REQUEST_BYTES);
  const dv = view(out);
  dv.setBigUint64(0, UDP_PROTOCOL_ID);
  dv.setUint32(8, UDP_ACTION_CONNECT);
  dv.setUint32(12, u32(transactionId));
  return out;
}

/** What an announce packet carries: the same shape `decodeUdpRequest` gives back. */
export type UdpAnnounceRequest = Omit<Extract<UdpRequest, { action: 'announce' }>, 'action'>;

/**
 * BEP 15 has no room for `compact`, `noPeerId` or `trackerId` (answers are always compact
 * without ids); `key` must be hex of a uint32, and `ip` an IPv4 address or null.
 */
export function encodeUdpAnnounceRequest(f: UdpAnnounceRequest): Uint8Array {
  const r = f.request;
  const ip = r.ip === null ? 0 : parseIpv4(r.ip);
  const key = r.key === null ? 0 : Number.parseInt(r.key, 16);
  if (
    f.connectionId.length !== UDP_CONNECTION_ID_BYTES ||
    r.infoHash.length !== INFO_HASH_BYTES ||
    r.peerId.length !== PEER_ID_BYTES
  ) {
    throw new TrackerProtocolError('bad-field', 'encode udp announce', 'wrong id length');
  }
  if (ip < 0 || !(key >= 0 && key <= 0xffffffff))
    throw new TrackerProtocolError('bad-field', 'encode udp announce', 'key or ip out of range');
  const out = new Uint8Array(UDP_ANNOUNCE_REQUEST_BYTES);
  const dv = view(out);
  out.set(f.connectionId, 0);
  dv.setUint32(8, UDP_ACTION_ANNOUNCE);
  dv.setUint32(12, u32(f.transactionId));
  out.set(r.infoHash, 16);
  out.set(r.peerId, 36);
  writeCount(dv, 56, r.downloaded);
  writeCount(dv, 64, r.left);
  writeCount(dv, 72, r.uploaded);
  dv.setUint32(80, EVENT_CODES[r.event]);
  dv.setUint32(84, ip >>> 0); // 0 means "the sender's address".
  dv.setUint32(88, u32(key));
  dv.setInt32(92, r.numwant === null ? -1 : Math.min(r.numwant, 0x7fffffff)); // -1: default
  dv.setUint16(96, r.port);
  return out;
}

export function encodeUdpScrapeRequest(f: {
  connectionId: Uint8Array;
  transactionId: number;
  infoHashes: readonly Uint8Array[];
}): Uint8Array {
  if (f.infoHashes.length === 0 || f.infoHashes.length > UDP_MAX_SCRAPE_HASHES) {
    throw new TrackerProtocolError(
      'bad-field',
      'encode udp scrape',
      `${f.infoHashes.length} info-hashes`,
    );
  }
  const out = new Uint8Array(UDP_SCRAPE_HEADER_BYTES + INFO_HASH_BYTES * f.infoHashes.length);
  const dv = view(out);
  out.set(f.connectionId, 0);
  dv.setUint32(8, UDP_ACTION_SCRAPE);
  dv.setUint32(12, u32(f.transactionId));
  f.infoHashes.forEach((h, i) => {
    if (h.length !== INFO_HASH_BYTES)
      throw new TrackerProtocolError('bad-field', 'encode udp scrape', 'info-hash length');
    out.set(h, UDP_SCRAPE_HEADER_BYTES + i * INFO_HASH_BYTES);
  });
  return out;
}

/**
 * Server side. Throws TrackerProtocolError for every packet that is not a valid request.
 * Ids and hashes in the result are views of `buf` (no copies on the hot path).
 */
export function decodeUdpRequest(buf: Uint8Array): UdpRequest {
  if (buf.length < 16) {
    throw new TrackerProtocolError('truncated', 'decode udp request', `${buf.length} bytes`);
  }
  // Read byte by byte: a DataView per packet cost more than the fields it read (issue 20).
  const action = be32(buf, 8);
  const transactionId = be32(buf, 12);
  switch (action) {
    case UDP_ACTION_CONNECT:
      if (be32(buf, 0) !== PROTOCOL_ID_HI || be32(buf, 4) !== PROTOCOL_ID_LO) {
        throw new TrackerProtocolError('bad-field', 'decode udp connect', 'wrong protocol id');
      }
      return { action: 'connect', transactionId };
    case UDP_ACTION_ANNOUNCE: {
      if (buf.length < UDP_ANNOUNCE_REQUEST_BYTES) {
        throw new TrackerProtocolError('truncated', 'decode udp announce', `${buf.length} bytes`);
      }
      const eventCode = be32(buf, 80);
      const event = EVENTS[eventCode];
      if (event === undefined)
        throw new TrackerProtocolError('bad-field', 'decode udp announce', `event ${eventCode}`);
      const port = ((buf[96] as number) << 8) | (buf[97] as number);
      if (port === 0)
        throw new TrackerProtocolError('bad-field', 'decode udp announce', 'invalid port: 0');
      const ipRaw = be32(buf, 84);
      const numwantRaw = be32(buf, 92) | 0;
      const request: AnnounceRequest = {
        infoHash: view8(buf, 16, 36),
        peerId: view8(buf, 36, 56),
        downloaded: countAt(buf, 56, 'downloaded'),
        left: countAt(buf, 64, 'left'),
        uploaded: countAt(buf, 72, 'uploaded'),
        event,
        port,
        numwant: numwantRaw < 0 ? null : numwantRaw,
        compact: true,
        noPeerId: true,
        key: be32(buf, 88).toString(16),
        trackerId: null,
        ip:
          ipRaw === 0
            ? null
            : `${ipRaw >>> 24}.${(ipRaw >>> 16) & 255}.${(ipRaw >>> 8) & 255}.${ipRaw & 255}`,
      };
      return { action: 'announce', connectionId: view8(buf, 0, 8), transactionId, request };
    }
    case UDP_ACTION_SCRAPE: {
      const body = buf.length - UDP_SCRAPE_HEADER_BYTES;
      if (body <= 0 || body % INFO_HASH_BYTES !== 0) {
        throw new TrackerProtocolError('bad-length', 'decode udp scrape', `${buf.length} bytes`);
      }
      const n = body / INFO_HASH_BYTES;
      if (n > UDP_MAX_SCRAPE_HASHES)
        throw new TrackerProtocolError('too-large', 'decode udp scrape', `${n} info-hashes`);
      const infoHashes: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const o = UDP_SCRAPE_HEADER_BYTES + i * INFO_HASH_BYTES;
        infoHashes.push(view8(buf, o, o + INFO_HASH_BYTES));
      }
      return { action: 'scrape', connectionId: view8(buf, 0, 8), transactionId, infoHashes };
    }
    default:
      throw new TrackerProtocolError('bad-action', 'decode udp request', `action ${action}`);
  }
}

export function encodeUdpConnectResponse(
  transactionId: number,
  connectionId: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(16);
  const dv = view(out);
  dv.setUint32(0, UDP_ACTION_CONNECT);
  dv.setUint32(4, u32(transactionId));
  out.set(connectionId.subarray(0, 8), 8);
  return out;
}

/**
 * `compactPeers` is the concatenation of 6-byte (IPv4) or 18-byte (IPv6) entries, as bytes or
 * as a latin1 string of them (what the tracker's registry holds).
 */
export function encodeUdpAnnounceResponse(f: {
  transactionId: number;
  intervalSec: number;
  leechers: number;
  seeders: number;
  compactPeers: Uint8Array | string;
}): Uint8Array {
  const out = Buffer.allocUnsafe(20 + f.compactPeers.length);
  out.writeUInt32BE(UDP_ACTION_ANNOUNCE, 0);
  out.writeUInt32BE(u32(f.transactionId), 4);
  out.writeUInt32BE(u32(f.intervalSec), 8);
  out.writeUInt32BE(u32(f.leechers), 12);
  out.writeUInt32BE(u32(f.seeders), 16);
  if (typeof f.compactPeers === 'string') out.write(f.compactPeers, 20, 'latin1');
  else out.set(f.compactPeers, 20);
  return out;
}

export function encodeUdpScrapeResponse(
  transactionId: number,
  files: readonly UdpScrapeEntry[],
): Uint8Array {
  const out = new Uint8Array(8 + 12 * files.length);
  const dv = view(out);
  dv.setUint32(0, UDP_ACTION_SCRAPE);
  dv.setUint32(4, u32(transactionId));
  files.forEach((f, i) => {
    dv.setUint32(8 + i * 12, u32(f.seeders));
    dv.setUint32(12 + i * 12, u32(f.completed));
    dv.setUint32(16 + i * 12, u32(f.leechers));
  });
  return out;
}

/**
 * `maxBytes` caps the whole packet (at least the 8-byte header): the message is cut, at a UTF-8
 * character boundary, to fit. A tracker passes the request's size, so that a request with a
 * forged source address never brings back more bytes than it cost (reflection).
 */
export function encodeUdpErrorResponse(
  transactionId: number,
  message: string,
  maxBytes = Infinity,
): Uint8Array {
  let text = Buffer.from(message, 'utf8');
  const room = Math.max(0, maxBytes - 8);
  if (text.length > room) {
    let end = room;
    // Back off continuation bytes (10xxxxxx) so a character is never split.
    while (end > 0 && ((text[end] as number) & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const out = new Uint8Array(8 + text.length);
  const dv = view(out);
  dv.setUint32(0, UDP_ACTION_ERROR);
  dv.setUint32(4, u32(transactionId));
  out.set(text, 8);
  return out;
}

/**
 * Client side. `family` is that of the socket the tracker was reached over: BEP 15 announce
 * responses carry IPv6 peers when the tracker was contacted over IPv6. At most `maxPeers` peers
 * of an announce answer are decoded.
 */
export function decodeUdpResponse(
  buf: Uint8Array,
  family: 4 | 6 = 4,
  maxPeers = Infinity,
): UdpResponse {
  if (buf.length < 8)
    throw new TrackerProtocolError('truncated', 'decode udp response', `${buf.length} bytes`);
  const dv = view(buf);
  const action = dv.getUint32(0);
  const transactionId = dv.getUint32(4);
  switch (action) {
    case UDP_ACTION_CONNECT:
      if (buf.length < 16)
        throw new TrackerProtocolError('truncated', 'decode udp connect', `${buf.length} bytes`);
      return {
        action: 'connect',
        transactionId,
        connectionId: new Uint8Array(buf.subarray(8, 16)),
      };
    case UDP_ACTION_ANNOUNCE: {
      if (buf.length < 20)
        throw new TrackerProtocolError('truncated', 'decode udp announce', `${buf.length} bytes`);
      const body = buf.subarray(20);
      const size = family === 4 ? COMPACT_PEER4_BYTES : COMPACT_PEER6_BYTES;
      // A torn trailing entry is dropped rather than failing the announce: the rest is valid.
      const whole = body.subarray(0, body.length - (body.length % size));
      return {
        action: 'announce',
        transactionId,
        intervalSec: dv.getUint32(8),
        leechers: dv.getUint32(12),
        seeders: dv.getUint32(16),
        peers:
          family === 4
            ? decodeCompactPeers4(whole, maxPeers)
            : decodeCompactPeers6(whole, maxPeers),
      };
    }
    case UDP_ACTION_SCRAPE: {
      if ((buf.length - 8) % 12 !== 0)
        throw new TrackerProtocolError('bad-length', 'decode udp scrape', `${buf.length} bytes`);
      const files: UdpScrapeEntry[] = [];
      for (let o = 8; o < buf.length; o += 12) {
        files.push({
          seeders: dv.getUint32(o),
          completed: dv.getUint32(o + 4),
          leechers: dv.getUint32(o + 8),
        });
      }
      return { action: 'scrape', transactionId, files };
    }
    case UDP_ACTION_ERROR:
      return {
        action: 'error',
        transactionId,
        message: Buffer.from(buf.buffer, buf.byteOffset + 8, buf.length - 8).toString('utf8'),
      };
    default:
      throw new TrackerProtocolError('bad-action', 'decode udp response', `action ${action}`);
  }
}
