/**
 * A map keyed by 20-byte info-hashes read straight from a packet, with no hex string per
 * lookup. Turning each announce's info-hash into hex for the allow-list and the swarm map
 * (hexSlice, a fresh 40-character string hashed twice, then garbage) cost about a tenth of an
 * announce's time in the tracker (issue 20).
 *
 * Invariants:
 * - Keys are compared in full; the 30-bit hash only picks the chain. It is seeded per map (the
 *   seed comes from the caller's Random), so a client choosing info-hashes in open mode cannot
 *   aim them at one chain without knowing it.
 * - Each key is stored once (a copy of its bytes); `delete` unlinks it, and an emptied chain
 *   leaves the Map, so memory follows the live keys.
 */
import { INFO_HASH_BYTES } from '../codec/announce-request';

interface Entry<T> {
  readonly key: Uint8Array;
  value: T;
  next: Entry<T> | null;
}

export class InfoHashMap<T> {
  private readonly chains = new Map<number, Entry<T>>();
  private count = 0;

  constructor(private readonly seed: number) {}

  get size(): number {
    return this.count;
  }

  /** A seeded mix of the key's five 32-bit words, folded into a small integer (a Smi key). */
  private hash(b: Uint8Array, at: number): number {
    let h = this.seed | 0;
    for (let w = 0; w < INFO_HASH_BYTES; w += 4) {
      const o = at + w;
      const v =
        ((b[o] as number) |
          ((b[o + 1] as number) << 8) |
          ((b[o + 2] as number) << 16) |
          ((b[o + 3] as number) << 24)) >>>
        0;
      h = Math.imul(h ^ v, 0x9e3779b1);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0x85ebca6b);
    return (h ^ (h >>> 16)) & 0x3fffffff;
  }

  private static equal(key: Uint8Array, b: Uint8Array, at: number): boolean {
    for (let i = 0; i < INFO_HASH_BYTES; i++) if (key[i] !== b[at + i]) return false;
    return true;
  }

  /** The value for the 20 bytes at `at` in `b` (an info-hash inside a packet, say). */
  get(b: Uint8Array, at = 0): T | undefined {
    for (let e: Entry<T> | null | undefined = this.chains.get(this.hash(b, at)); e; e = e.next)
      if (InfoHashMap.equal(e.key, b, at)) return e.value;
    return undefined;
  }

  has(b: Uint8Array, at = 0): boolean {
    return this.get(b, at) !== undefined;
  }

  set(b: Uint8Array, value: T, at = 0): void {
    const h = this.hash(b, at);
    const head = this.chains.get(h);
    for (let e: Entry<T> | null | undefined = head; e; e = e.next) {
      if (InfoHashMap.equal(e.key, b, at)) {
        e.value = value;
        return;
      }
    }
    const key = b.slice(at, at + INFO_HASH_BYTES);
    this.chains.set(h, { key, value, next: head ?? null });
    this.count++;
  }

  delete(b: Uint8Array, at = 0): boolean {
    const h = this.hash(b, at);
    let prev: Entry<T> | null = null;
    for (let e: Entry<T> | null | undefined = this.chains.get(h); e; prev = e, e = e.next) {
      if (!InfoHashMap.equal(e.key, b, at)) continue;
      if (prev) prev.next = e.next;
      else if (e.next) this.chains.set(h, e.next);
      else this.chains.delete(h);
      this.count--;
      return true;
    }
    return false;
  }

  clear(): void {
    this.chains.clear();
    this.count = 0;
  }
}

/** Lower-case hex of 40 characters to the 20 bytes, or null when it is not that. */
export function infoHashBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
