/**
 * Bencode encoder (BEP 3).
 *
 * Invariants:
 * - Output is canonical: dict keys sorted by raw bytes, integers without leading zeros.
 * - Accepts BValue plus conveniences: JS strings (encoded as UTF-8), plain objects and Maps.
 * - Keys of plain objects and string keys of Maps are raw bytes as 'latin1' strings, exactly as
 *   `decode` returns them, so decode -> encode is the identity. Use a Map with Uint8Array keys
 *   for keys that are text beyond latin1.
 * - `undefined` and `null` dict values are skipped (optional fields); anywhere else, and for
 *   booleans, non-integers and unsafe integers, encoding throws BencodeError.
 */
import { BencodeError } from './types';
import type { BValue } from './types';

export type Encodable =
  | BValue
  | string
  | Encodable[]
  | ReadonlyMap<string | Uint8Array, Encodable | null | undefined>
  | { readonly [key: string]: Encodable | null | undefined };

const utf8 = new TextEncoder();

class Writer {
  buf = new Uint8Array(256);
  len = 0;

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  bytes(b: Uint8Array): void {
    this.ascii(`${b.length}:`);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

function keyBytes(key: string, where: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0xff) {
      throw new BencodeError(
        `${where}: key "${key}" is not a latin1 byte string (use a Map with Uint8Array keys)`,
        -1,
      );
    }
    out[i] = c;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

type Entry = [Uint8Array, Encodable];

function dictEntries(value: object, where: string): Entry[] {
  const entries: Entry[] = [];
  if (value instanceof Map) {
    for (const [k, v] of value as Map<unknown, Encodable | null | undefined>) {
      if (v === undefined || v === null) continue;
      if (k instanceof Uint8Array) entries.push([k, v]);
      else if (typeof k === 'string') entries.push([keyBytes(k, where), v]);
      else throw new BencodeError(`${where}: Map keys must be strings or Uint8Array`, -1);
    }
  } else {
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, Encodable | null | undefined>)[k];
      if (v === undefined || v === null) continue;
      entries.push([keyBytes(k, where), v]);
    }
  }
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  for (let i = 1; i < entries.length; i++) {
    if (compareBytes(entries[i - 1]![0], entries[i]![0]) === 0) {
      throw new BencodeError(`${where}: duplicate key`, -1);
    }
  }
  return entries;
}

function write(w: Writer, value: Encodable, depth: number, where: string): void {
  if (depth > 10_000) throw new BencodeError(`${where}: nesting too deep to encode`, -1);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new BencodeError(`${where}: ${value} is not a safe integer`, -1);
    }
    w.ascii(`i${value}e`); // `${-0}` is "0"
  } else if (typeof value === 'string') {
    w.bytes(utf8.encode(value));
  } else if (value instanceof Uint8Array) {
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.ascii('l');
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as Encodable | null | undefined;
      if (item === undefined || item === null) {
        throw new BencodeError(`${where}[${i}]: null or undefined in a list`, -1);
      }
      write(w, item, depth + 1, `${where}[${i}]`);
    }
    w.ascii('e');
  } else if (typeof value === 'object' && value !== null) {
    if (ArrayBuffer.isView(value)) {
      throw new BencodeError(`${where}: only Uint8Array byte strings are encodable`, -1);
    }
    w.ascii('d');
    for (const [k, v] of dictEntries(value, where)) {
      w.bytes(k);
      write(w, v, depth + 1, `${where}.${String.fromCharCode(...k.subarray(0, 64))}`);
    }
    w.ascii('e');
  } else {
    throw new BencodeError(`${where}: a ${typeof value} is not encodable`, -1);
  }
}

export function encode(value: Encodable): Uint8Array {
  const w = new Writer();
  write(w, value, 0, '(root)');
  return w.buf.slice(0, w.len);
}
