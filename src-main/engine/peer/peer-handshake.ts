/**
 * The handshake rules of a connection, as pure functions: accepting the remote BEP 3 handshake
 * (info-hash, self-connection, the extensions both sides offer), building our BEP 10 handshake,
 * and merging the peer's successive BEP 10 handshakes.
 */
import net from 'node:net';
import { ipv6ToBytes } from '../tracker/codec/compact-peers';
import { encodeExtendedHandshake } from '../wire/extension-handshake';
import type { ExtendedHandshake } from '../wire/extension-handshake';
import { decodeReserved } from '../wire/handshake';
import type { Handshake } from '../wire/handshake';
import type { CloseReason } from './close-reason';

export interface Negotiated {
  fast: boolean;
  extended: boolean;
  dht: boolean;
}

/** The remote handshake accepted, with what both sides support; or why it is refused. */
export function negotiate(
  h: Handshake,
  ours: {
    infoHash: Uint8Array;
    peerId: Uint8Array;
    extensions: { fast: boolean; extended: boolean };
  },
): Negotiated | CloseReason {
  if (Buffer.compare(h.infoHash, ours.infoHash) !== 0) return 'info-hash-mismatch';
  if (Buffer.compare(h.peerId, ours.peerId) === 0) return 'self-connection';
  const flags = decodeReserved(h.reserved);
  return {
    fast: ours.extensions.fast && flags.fast,
    extended: ours.extensions.extended && flags.extended,
    dht: flags.dht,
  };
}

/** BEP 10 `yourip` for an address as text: the 4 bytes of an IPv4 address (also v4-mapped). */
export function ipv4Bytes(address: string | undefined): Uint8Array | undefined {
  const addr = address ?? '';
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (!net.isIPv4(v4)) return undefined;
  return new Uint8Array(v4.split('.').map(Number));
}

/** A v6 peer's address as BEP 10 `yourip` bytes (16); undefined for anything else. */
function ipv6YourIp(address: string | undefined): Uint8Array | undefined {
  if (!address || !net.isIPv6(address)) return undefined;
  return ipv6ToBytes(address) ?? undefined;
}

/** Our BEP 10 handshake payload. */
export function ourExtendedHandshake(
  extra: Partial<Omit<ExtendedHandshake, 'v' | 'reqq'>>,
  clientVersion: string,
  reqq: number,
  remoteAddress: string | undefined,
): Uint8Array {
  return encodeExtendedHandshake({
    m: extra.m ?? {},
    p: extra.p,
    metadata_size: extra.metadata_size,
    // --- IPv6 (issue 18): BEP 10 `yourip` is 16 bytes for a peer reached over IPv6.
    yourip: extra.yourip ?? ipv4Bytes(remoteAddress) ?? ipv6YourIp(remoteAddress),
    v: clientVersion,
    reqq,
  });
}

/** BEP 10: a later handshake updates the earlier one; `m` entries merge. */
export function mergeExtendedHandshake(
  prev: ExtendedHandshake | null,
  h: ExtendedHandshake,
): ExtendedHandshake {
  const m = Object.assign(Object.create(null) as Record<string, number>, prev?.m, h.m);
  return { ...prev, ...h, m };
}
