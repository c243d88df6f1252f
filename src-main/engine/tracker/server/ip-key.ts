/**
 * The unit the tracker's per-IP limits count: an IPv4 address, or an IPv6 /64 (one IPv6 host is
 * routinely given a whole /64, so counting single addresses would let it pose as many hosts).
 * A key is one JS number, so the limits keep numbers in Maps and never allocate a string:
 * IPv4 keys are negative (-1 - address), IPv6 keys are a 53-bit hash of the /64 (non-negative;
 * two /64s that collide are counted together, which only ever errs on the strict side).
 */

/**
 * The key of the address in a registry compact entry: `entry[at]` is the length (6 for IPv4,
 * 18 for IPv6), then the address bytes, then the port.
 */
export function ipKeyOfEntry(entry: Uint8Array, at: number): number {
  const b = (i: number): number => entry[at + 1 + i] as number;
  if (entry[at] === 6) return -1 - (((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0);
  const hi = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0;
  const lo = ((b(4) << 24) | (b(5) << 16) | (b(6) << 8) | b(7)) >>> 0;
  // 64 bits do not fit a JS number exactly: two mixed 32-bit halves give 53 bits in which
  // neighbouring /64s (a /56 or /48 customer's, or strangers') land far apart.
  return (
    mix(hi ^ Math.imul(lo, 0x9e3779b1)) * 2 ** 21 + (mix(lo ^ Math.imul(hi, 0x85ebca6b)) >>> 11)
  );
}

/** A 32-bit finaliser (murmur3's fmix32): every input bit moves every output bit. */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether the entry's address is loopback (127/8 or ::1): the user's own machine. */
export function isLoopbackEntry(entry: Uint8Array, at: number): boolean {
  if (entry[at] === 6) return entry[at + 1] === 127;
  for (let i = 1; i < 16; i++) if (entry[at + i] !== 0) return false;
  return entry[at + 16] === 1;
}
