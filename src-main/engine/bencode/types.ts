/**
 * Bencode values (BEP 3) as plain data.
 *
 * Invariants:
 * - Integers are JS numbers within Number.MAX_SAFE_INTEGER; byte strings are Uint8Array.
 * - A dict's keys are its raw key bytes as a 'latin1' string (one char per byte, lossless), so
 *   comparing two keys with `<` compares their bytes, as BEP 3's sort order requires.
 * - Dicts are created with Object.create(null): a key such as `__proto__` is plain data.
 */
export type BValue = number | Uint8Array | BValue[] | BDict;

export interface BDict {
  [key: string]: BValue;
}

/** A malformed bencoded input (or an unencodable value); `offset` is the byte where it was found. */
export class BencodeError extends Error {
  readonly code = 'bencode';
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(offset >= 0 ? `${message} at offset ${offset}` : message);
    this.name = 'BencodeError';
    this.offset = offset;
  }
}

/** A new dict with no prototype. */
export function createDict(): BDict {
  return Object.create(null) as BDict;
}

export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

export function isBytes(v: BValue | undefined): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function isList(v: BValue | undefined): v is BValue[] {
  return Array.isArray(v);
}
