/**
 * The UDP front's fast path for the common packet (issue 20): a well-formed BEP 15 announce,
 * read in place into one reused object. `decodeUdpRequest` builds a request object, three
 * typed-array views, a hex string for `key` and an `ip` string per packet; a tracker needs
 * none of them to answer, and together they were a tenth of the JS time of an announce.
 *
 * Invariant: `readUdpAnnounce` accepts only packets that `decodeUdpRequest` decodes as an
 * announce, with the same field values (the property test checks this on random packets).
 * Anything else, including a claimed `ip` (which needs its string), returns false and is left
 * to the full decoder, so every refusal keeps its one code path, message and counter.
 */
import type { AnnounceEvent } from '../codec/announce-request';

/** BEP 15 announce offsets: the connection id, info-hash and peer id stay in the packet. */
export const UDP_ANNOUNCE_CONNECTION_ID_AT = 0;
export const UDP_ANNOUNCE_INFO_HASH_AT = 16;
export const UDP_ANNOUNCE_PEER_ID_AT = 36;
const ANNOUNCE_BYTES = 98;
const ACTION_ANNOUNCE = 1;

const EVENTS: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

/** The scalar fields of an announce; the byte fields are read at the offsets above. */
export interface UdpAnnounceFields {
  transactionId: number;
  downloaded: number;
  left: number;
  uploaded: number;
  event: AnnounceEvent;
  /** null: the client sent -1 (or any negative), the tracker's default. */
  numwant: number | null;
  port: number;
}

export function newUdpAnnounceFields(): UdpAnnounceFields {
  return {
    transactionId: 0,
    downloaded: 0,
    left: 0,
    uploaded: 0,
    event: 'none',
    numwant: null,
    port: 0,
  };
}

function be32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

/** An int64 count as the decoder reads it, or -1 when it is negative (the decoder refuses). */
function count(b: Uint8Array, o: number): number {
  const hi = be32(b, o);
  if (hi >= 0x8000_0000) return -1;
  const v = hi * 0x1_0000_0000 + be32(b, o + 4);
  return v > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : v;
}

/**
 * Fills `out` from `buf` when it is a valid announce without a claimed `ip`; false (and `out`
 * in an unspecified state) for any other packet.
 */
export function readUdpAnnounce(buf: Uint8Array, out: UdpAnnounceFields): boolean {
  if (buf.length < ANNOUNCE_BYTES || be32(buf, 8) !== ACTION_ANNOUNCE) return false;
  const event = EVENTS[be32(buf, 80)];
  const port = ((buf[96] as number) << 8) | (buf[97] as number);
  if (event === undefined || port === 0 || be32(buf, 84) !== 0) return false;
  const downloaded = count(buf, 56);
  const left = count(buf, 64);
  const uploaded = count(buf, 72);
  if (downloaded < 0 || left < 0 || uploaded < 0) return false;
  const numwant = be32(buf, 92) | 0;
  out.transactionId = be32(buf, 12);
  out.downloaded = downloaded;
  out.left = left;
  out.uploaded = uploaded;
  out.event = event;
  out.numwant = numwant < 0 ? null : numwant;
  out.port = port;
  return true;
}
