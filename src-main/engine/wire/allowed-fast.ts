/**
 * BEP 6 canonical allowed-fast set: the k pieces a peer at an IPv4 address may request from us
 * while choked. Every client derives the same set from the peer's /24 network and the
 * info-hash, so a peer cannot widen it by reconnecting from another port or address in its /24.
 */
import crypto from 'node:crypto';

/** Returns up to `k` distinct piece indices; empty for IPv6 or an empty torrent (BEP 6 covers IPv4 only). */
export function allowedFastSet(
  ipv4: string,
  infoHash: Uint8Array,
  pieceCount: number,
  k: number,
): number[] {
  const octets = ipv4.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255))
    return [];
  if (pieceCount <= 0 || k <= 0) return [];
  const want = Math.min(k, pieceCount);
  // BEP 6: x = (ip & 0xFFFFFF00) followed by the info-hash, then x = SHA1(x) repeatedly.
  let x: Uint8Array = new Uint8Array(24);
  x.set(octets.slice(0, 3), 0);
  x.set(infoHash.subarray(0, 20), 4);
  const out: number[] = [];
  const seen = new Set<number>();
  // Each round yields five candidates; duplicates are rare, so this bound is never reached.
  for (let round = 0; out.length < want && round < want * 8 + 8; round++) {
    x = crypto.createHash('sha1').update(x).digest();
    for (let at = 0; at < 20 && out.length < want; at += 4) {
      const y =
        (((x[at] ?? 0) << 24) |
          ((x[at + 1] ?? 0) << 16) |
          ((x[at + 2] ?? 0) << 8) |
          (x[at + 3] ?? 0)) >>>
        0;
      const index = y % pieceCount;
      if (seen.has(index)) continue;
      seen.add(index);
      out.push(index);
    }
  }
  return out;
}
