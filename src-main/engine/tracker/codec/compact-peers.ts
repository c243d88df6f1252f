/**
 * Compact peer lists: BEP 23 (IPv4, 6 bytes a peer: address then port, big-endian) and BEP 7
 * (IPv6, 18 bytes a peer). A list whose length is not a multiple of the entry size is refused
 * as a whole: a tracker that sends a torn list is broken, and guessing would hand out bad peers.
 */
import { TrackerProtocolError } from './errors';

export interface PeerAddress {
  address: string;
  port: number;
}

/** BEP 23: 4 address bytes + 2 port bytes. */
export const COMPACT_PEER4_BYTES = 6;
/** BEP 7: 16 address bytes + 2 port bytes. */
export const COMPACT_PEER6_BYTES = 18;

/**
 * Parses dotted-quad IPv4 (no leading zeros, each part 0..255) into a uint32; -1 if it is not
 * one. A char loop, not split/regex: the tracker runs this for every new peer.
 */
export function parseIpv4(address: string): number {
  const n = address.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? address.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 0x2e) {
      if (digits === 0) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      if (i < n && ++dots > 3) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 ? value : -1;
}

/** Parses dotted-quad IPv4 into 4 bytes; null if it is not one. */
export function ipv4ToBytes(address: string): Uint8Array | null {
  const v = parseIpv4(address);
  if (v < 0) return null;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad); null if it is not one. */
export function ipv6ToBytes(address: string): Uint8Array | null {
  let s = address;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length < 2 || s.length > 45) return null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.indexOf('.', lastColon) >= 0) {
    // A trailing dotted quad stands for the last two groups.
    const tail4 = ipv4ToBytes(s.slice(lastColon + 1));
    if (!tail4) return null;
    const hi = (((tail4[0] as number) << 8) | (tail4[1] as number)).toString(16);
    const lo = (((tail4[2] as number) << 8) | (tail4[3] as number)).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseHalf = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseHalf(halves[0] as string);
  if (!head) return null;
  let groups: number[];
  if (halves.length === 2) {
    const rest = parseHalf(halves[1] as string);
    if (!rest || head.length + rest.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (groups[i] as number) >> 8;
    out[i * 2 + 1] = (groups[i] as number) & 0xff;
  }
  return out;
}

/** RFC 5952 text form: lower case, longest run (of two or more) of zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++)
    g.push(((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string =>
    g
      .slice(a, b)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as dual-stack sockets report) as plain IPv4. */
export function normalizeAddress(address: string): string {
  if (address.startsWith('::ffff:') && address.indexOf('.') > 0) return address.slice(7);
  return address;
}

/** The compact form of one peer, or null when the address is neither IPv4 nor IPv6. */
export function compactPeer(
  address: string,
  port: number,
): { family: 4 | 6; bytes: Uint8Array } | null {
  const a = normalizeAddress(address);
  const v4 = ipv4ToBytes(a);
  if (v4) {
    const out = new Uint8Array(COMPACT_PEER4_BYTES);
    out.set(v4, 0);
    out[4] = (port >> 8) & 0xff;
    out[5] = port & 0xff;
    return { family: 4, bytes: out };
  }
  const v6 = ipv6ToBytes(a);
  if (v6) {
    const out = new Uint8Array(COMPACT_PEER6_BYTES);
    out.set(v6, 0);
    out[16] = (port >> 8) & 0xff;
    out[17] = port & 0xff;
    return { family: 6, bytes: out };
  }
  return null;
}

function encodeList(peers: readonly PeerAddress[], family: 4 | 6, operation: string): Uint8Array {
  const size = family === 4 ? COMPACT_PEER4_BYTES : COMPACT_PEER6_BYTES;
  const out = new Uint8Array(peers.length * size);
  peers.forEach((p, i) => {
    const c = compactPeer(p.address, p.port);
    if (!c || c.family !== family || !Number.isInteger(p.port) || p.port < 0 || p.port > 65535) {
      throw new TrackerProtocolError(
        'bad-field',
        operation,
        `not an IPv${family} peer: ${p.address}:${p.port}`,
      );
    }
    out.set(c.bytes, i * size);
  });
  return out;
}

export function encodeCompactPeers4(peers: readonly PeerAddress[]): Uint8Array {
  return encodeList(peers, 4, 'encode compact peers');
}

export function encodeCompactPeers6(peers: readonly PeerAddress[]): Uint8Array {
  return encodeList(peers, 6, 'encode compact peers6');
}

/** `maxPeers`: entries past it are left undecoded (a hostile list costs no more than that). */
export function decodeCompactPeers4(buf: Uint8Array, maxPeers = Infinity): PeerAddress[] {
  if (buf.length % COMPACT_PEER4_BYTES !== 0) {
    throw new TrackerProtocolError(
      'bad-length',
      'decode compact peers',
      `${buf.length} bytes is not a multiple of 6`,
    );
  }
  const out: PeerAddress[] = [];
  const end = Math.min(buf.length, Math.max(0, maxPeers) * COMPACT_PEER4_BYTES);
  for (let o = 0; o < end; o += COMPACT_PEER4_BYTES) {
    out.push({
      address: `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`,
      port: ((buf[o + 4] as number) << 8) | (buf[o + 5] as number),
    });
  }
  return out;
}

export function decodeCompactPeers6(buf: Uint8Array, maxPeers = Infinity): PeerAddress[] {
  if (buf.length % COMPACT_PEER6_BYTES !== 0) {
    throw new TrackerProtocolError(
      'bad-length',
      'decode compact peers6',
      `${buf.length} bytes is not a multiple of 18`,
    );
  }
  const out: PeerAddress[] = [];
  const end = Math.min(buf.length, Math.max(0, maxPeers) * COMPACT_PEER6_BYTES);
  for (let o = 0; o < end; o += COMPACT_PEER6_BYTES) {
    out.push({
      address: formatIpv6(buf.subarray(o, o + 16)),
      port: ((buf[o + 16] as number) << 8) | (buf[o + 17] as number),
    });
  }
  return out;
}
