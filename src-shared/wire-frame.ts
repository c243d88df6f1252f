/**
 * The web host's WebSocket frame codec: JSON for structure, a binary tail for typed arrays
 * (docs/ARCHITECTURE.md section 2: bulk data crosses the WebSocket as binary frames, not base64).
 *
 * Layout of one frame:
 *   u32 LE  header length H
 *   H bytes header: ASCII JSON `{"v": value, "b": [[kind, length], ...]}` where each typed
 *           array inside `value` is replaced by `{"$bin": index}`
 *   tail    the arrays' elements, one after another, little-endian
 *
 * Invariants:
 * - The header is pure ASCII (non-ASCII characters are written as \u escapes), so this module
 *   needs no TextEncoder and stays free of DOM and Node.
 * - Decoding never trusts the peer: lengths must add up exactly, placeholders must point at a
 *   segment, nesting is bounded; anything else throws ContractError('bad-request').
 * - Decoded typed arrays are fresh copies, aligned and independent of the frame's buffer.
 */
import { ContractError } from './model';

/** Deeper than any contract payload by far; bounds the recursion on hostile input. */
export const maxFrameDepth = 32;
/**
 * Typed arrays in one frame. No contract message carries more than three (a piece-map delta);
 * each one costs an allocation, so a hostile frame must not declare a million (issue 16 item 8).
 */
export const maxFrameSegments = 64;

type BinKind = 'u8' | 'u16' | 'u32' | 'f64';
type BinArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const kindBytes: Record<BinKind, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };
const placeholderKey = '$bin';

function frameError(problem: string): ContractError {
  return new ContractError('bad-request', `frame: ${problem}`);
}

function kindOf(v: unknown): BinKind | null {
  if (v instanceof Uint8Array) return 'u8';
  if (v instanceof Uint16Array) return 'u16';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Float64Array) return 'f64';
  return null;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Encodes a message. Throws (a programmer error) on values JSON cannot carry faithfully. */
export function encodeFrame(value: unknown): Uint8Array<ArrayBuffer> {
  const arrays: BinArray[] = [];
  const kinds: [BinKind, number][] = [];
  const lift = (v: unknown, depth: number): unknown => {
    if (depth > maxFrameDepth) throw frameError('value nested too deeply');
    if (typeof v !== 'object' || v === null) return v;
    const kind = kindOf(v);
    if (kind !== null) {
      const arr = v as BinArray;
      arrays.push(arr);
      kinds.push([kind, arr.length]);
      return { [placeholderKey]: arrays.length - 1 };
    }
    if (Array.isArray(v)) return v.map((x) => lift(x, depth + 1));
    if (!isPlainObject(v)) throw frameError(`cannot encode a ${v.constructor?.name ?? 'object'}`);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === placeholderKey) throw frameError(`the key ${placeholderKey} is reserved`);
      out[k] = lift(x, depth + 1);
    }
    return out;
  };
  const body = lift(value, 0);
  const json = JSON.stringify({ v: body === undefined ? null : body, b: kinds }).replace(
    /[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
  let tailBytes = 0;
  for (const a of arrays) tailBytes += a.byteLength;
  const out = new Uint8Array(4 + json.length + tailBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  for (let i = 0; i < json.length; i++) out[4 + i] = json.charCodeAt(i);
  let at = 4 + json.length;
  for (const a of arrays) {
    writeArray(a, view, at);
    at += a.byteLength;
  }
  return out;
}

function writeArray(a: BinArray, view: DataView, at: number): void {
  if (a instanceof Uint8Array) {
    new Uint8Array(view.buffer, view.byteOffset + at, a.byteLength).set(a);
  } else if (a instanceof Uint16Array) {
    for (let i = 0; i < a.length; i++) view.setUint16(at + i * 2, a[i] ?? 0, true);
  } else if (a instanceof Uint32Array) {
    for (let i = 0; i < a.length; i++) view.setUint32(at + i * 4, a[i] ?? 0, true);
  } else {
    for (let i = 0; i < a.length; i++) view.setFloat64(at + i * 8, a[i] ?? 0, true);
  }
}

function asciiToString(bytes: Uint8Array): string {
  let s = '';
  const chunk = 8192;
  for (let i = 0; i < bytes.length; i += chunk) {
    const part = bytes.subarray(i, i + chunk);
    for (const b of part) if (b > 0x7f) throw frameError('header is not ASCII');
    s += String.fromCharCode(...part);
  }
  return s;
}

function readArray(kind: BinKind, length: number, view: DataView, at: number): BinArray {
  switch (kind) {
    case 'u8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + length));
    case 'u16': {
      const a = new Uint16Array(length);
      for (let i = 0; i < length; i++) a[i] = view.getUint16(at + i * 2, true);
      return a;
    }
    case 'u32': {
      const a = new Uint32Array(length);
      for (let i = 0; i < length; i++) a[i] = view.getUint32(at + i * 4, true);
      return a;
    }
    case 'f64': {
      const a = new Float64Array(length);
      for (let i = 0; i < length; i++) a[i] = view.getFloat64(at + i * 8, true);
      return a;
    }
  }
}

interface Segment {
  kind: BinKind;
  length: number;
  at: number;
}

/** Parses the length prefix and the JSON header `{v, b}`. */
function decodeFrameHeader(frame: Uint8Array): { v: unknown; b: unknown[]; headerLength: number } {
  if (frame.byteLength < 4) throw frameError('shorter than its length prefix');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > frame.byteLength - 4) throw frameError('header length exceeds the frame');
  let header: unknown;
  try {
    header = JSON.parse(asciiToString(frame.subarray(4, 4 + headerLength)));
  } catch (err) {
    if (err instanceof ContractError) throw err;
    throw frameError(`header is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof header !== 'object' || header === null || !('v' in header) || !('b' in header)) {
    throw frameError('header must be {v, b}');
  }
  const segments = (header as { b: unknown }).b;
  if (!Array.isArray(segments)) throw frameError('header.b must be a list');
  return { v: (header as { v: unknown }).v, b: segments, headerLength };
}

/**
 * Decodes a frame from an untrusted peer. Throws ContractError('bad-request') when malformed.
 * Segments are only described until a placeholder uses them, and a frame must use every segment
 * it declares: declaring many unused ones cost an array each (issue 16 item 8).
 */
export function decodeFrame(frame: Uint8Array): unknown {
  const { v, b: declared, headerLength } = decodeFrameHeader(frame);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (declared.length > maxFrameSegments) throw frameError('too many binary segments');
  const segments: Segment[] = [];
  let at = 4 + headerLength;
  for (const seg of declared) {
    const kind: unknown = Array.isArray(seg) ? seg[0] : undefined;
    const length: unknown = Array.isArray(seg) ? seg[1] : undefined;
    if (
      typeof kind !== 'string' ||
      !Object.hasOwn(kindBytes, kind) ||
      typeof length !== 'number' ||
      !Number.isInteger(length) ||
      length < 0
    ) {
      throw frameError('bad binary segment descriptor');
    }
    const bytes = length * kindBytes[kind as BinKind];
    if (at + bytes > frame.byteLength) throw frameError('binary segments exceed the frame');
    segments.push({ kind: kind as BinKind, length, at });
    at += bytes;
  }
  if (at !== frame.byteLength) throw frameError('trailing bytes after the binary segments');
  const used = new Set<number>();
  const lower = (v: unknown, depth: number): unknown => {
    if (depth > maxFrameDepth) throw frameError('value nested too deeply');
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => lower(x, depth + 1));
    const o = v as Record<string, unknown>;
    if (placeholderKey in o) {
      const index = o[placeholderKey];
      const seg = typeof index === 'number' ? segments[index] : undefined;
      if (Object.keys(o).length !== 1 || seg === undefined) {
        throw frameError('bad binary placeholder');
      }
      if (used.has(index as number)) throw frameError('binary segment used twice');
      used.add(index as number);
      return readArray(seg.kind, seg.length, view, seg.at);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      // JSON.parse makes `__proto__` an own key; define it as one so it never sets a prototype
      // (the validators then refuse it as an unknown field).
      Object.defineProperty(out, k, {
        value: lower(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const value = lower(v, 0);
  if (used.size !== segments.length) throw frameError('binary segment without a placeholder');
  return value;
}
