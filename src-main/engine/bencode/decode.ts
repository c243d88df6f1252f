/**
 * Strict, iterative bencode decoder (BEP 3).
 *
 * Invariants:
 * - No recursion: nesting lives in an explicit stack bounded by `maxDepth`, so hostile input
 *   ("llllllll...") raises BencodeError, never RangeError.
 * - Input is bounded by `maxBytes` and item count by `maxItems` (limits.ts).
 * - Rejected: leading zeros (in integers and string lengths), `-0`, empty or non-digit numbers,
 *   integers beyond Number.MAX_SAFE_INTEGER, string lengths past the end, non-string dict keys,
 *   duplicate dict keys, unterminated items and trailing data.
 * - Unsorted dict keys are accepted, as libtorrent accepts them, unless `requireSortedKeys`.
 * - Byte strings are copied out, so the result never aliases `buf`.
 */
import { BENCODE_MAX_BYTES, BENCODE_MAX_DEPTH, BENCODE_MAX_ITEMS } from '../limits';
import { BencodeError, createDict, isDict } from './types';
import type { BDict, BValue } from './types';

export interface DecodeOptions {
  maxDepth?: number;
  maxBytes?: number;
  maxItems?: number;
  /** BEP 3 requires sorted keys, but real torrents sometimes break it; default false. */
  requireSortedKeys?: boolean;
}

const CH_I = 0x69;
const CH_L = 0x6c;
const CH_D = 0x64;
const CH_E = 0x65;
const CH_COLON = 0x3a;
const CH_MINUS = 0x2d;
const CH_0 = 0x30;
const CH_9 = 0x39;
/** 2^53 has 16 digits; a longer run of digits cannot be a safe integer. */
const MAX_SAFE_DIGITS = 16;

interface Frame {
  start: number;
  list: BValue[] | null;
  dict: BDict | null;
  /** The key waiting for its value (dicts only). */
  key: string | null;
  /** The greatest key so far: a key above it cannot be a duplicate. */
  maxKey: string | null;
  /** This container is the top-level dict's `info` value. */
  isInfo: boolean;
}

interface DecodeResult {
  value: BValue;
  infoSpan: [number, number] | null;
}

export function decode(buf: Uint8Array, opts: DecodeOptions = {}): BValue {
  return run(buf, opts, false).value;
}

/**
 * Decodes a .torrent file and returns the exact byte span of its top-level `info` value, so the
 * info-hash is SHA-1 over the bytes as sent, not over a re-encoding.
 */
export function decodeTorrentFile(
  buf: Uint8Array,
  opts: DecodeOptions = {},
): { value: BDict; infoSpan: [start: number, end: number] } {
  const { value, infoSpan } = run(buf, opts, true);
  if (!isDict(value)) throw new BencodeError('a torrent file must be a dictionary', 0);
  if (infoSpan === null) throw new BencodeError('a torrent file must have an info value', -1);
  return { value, infoSpan };
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f
    ? `'${String.fromCharCode(c)}'`
    : `0x${c.toString(16).padStart(2, '0')}`;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

function run(buf: Uint8Array, opts: DecodeOptions, trackInfo: boolean): DecodeResult {
  const maxDepth = opts.maxDepth ?? BENCODE_MAX_DEPTH;
  const maxBytes = opts.maxBytes ?? BENCODE_MAX_BYTES;
  const maxItems = opts.maxItems ?? BENCODE_MAX_ITEMS;
  const requireSorted = opts.requireSortedKeys ?? false;
  const len = buf.length;
  if (len > maxBytes) throw new BencodeError(`input of ${len} bytes exceeds ${maxBytes}`, 0);
  if (len === 0) throw new BencodeError('empty input', 0);

  const stack: Frame[] = [];
  let pos = 0;
  let items = 0;
  let root: BValue | undefined;
  let infoSpan: [number, number] | null = null;

  /** Reads the digits of a string length at `pos` and returns the [start, end) of its bytes. */
  const readString = (): [number, number] => {
    const at = pos;
    let n = 0;
    let digits = 0;
    while (true) {
      if (pos >= len) throw new BencodeError('unterminated string length', at);
      const c = buf[pos]!;
      if (c === CH_COLON) break;
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError(`invalid character ${describeByte(c)} in string length`, pos);
      }
      if (digits === 1 && n === 0) throw new BencodeError('leading zero in string length', at);
      n = n * 10 + (c - CH_0);
      digits++;
      if (digits > MAX_SAFE_DIGITS) throw new BencodeError('string length out of range', at);
      pos++;
    }
    if (digits === 0) throw new BencodeError('empty string length', at);
    pos++; // ':'
    if (n > len - pos) {
      throw new BencodeError(`string length ${n} exceeds the ${len - pos} bytes left`, at);
    }
    const start = pos;
    pos += n;
    return [start, pos];
  };

  const readInteger = (): number => {
    const at = pos;
    pos++; // 'i'
    let negative = false;
    if (pos < len && buf[pos] === CH_MINUS) {
      negative = true;
      pos++;
    }
    const digitsAt = pos;
    let n = 0;
    while (true) {
      if (pos >= len) throw new BencodeError('unterminated integer', at);
      const c = buf[pos]!;
      if (c === CH_E) break;
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError(`invalid character ${describeByte(c)} in integer`, pos);
      }
      if (pos === digitsAt + 1 && n === 0) throw new BencodeError('leading zero in integer', at);
      n = n * 10 + (c - CH_0);
      if (pos - digitsAt >= MAX_SAFE_DIGITS || n > Number.MAX_SAFE_INTEGER) {
        throw new BencodeError('integer beyond Number.MAX_SAFE_INTEGER', at);
      }
      pos++;
    }
    if (pos === digitsAt) throw new BencodeError('empty integer', at);
    if (negative && n === 0) throw new BencodeError('negative zero integer', at);
    pos++; // 'e'
    return negative ? -n : n;
  };

  const countItem = (at: number): void => {
    if (++items > maxItems) throw new BencodeError(`more than ${maxItems} items`, at);
  };

  /** Attaches a value to its parent (or makes it the root); returns whether it is info. */
  const attach = (value: BValue): boolean => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
      return false;
    }
    if (top.list !== null) {
      top.list.push(value);
      return false;
    }
    const key = top.key!;
    top.dict![key] = value;
    top.key = null;
    return trackInfo && stack.length === 1 && key === 'info';
  };

  const finishRoot = (): void => {
    if (stack.length === 0 && pos !== len) throw new BencodeError('trailing data', pos);
  };

  while (root === undefined || stack.length > 0) {
    const top = stack[stack.length - 1];
    if (pos >= len) {
      if (top === undefined) throw new BencodeError('unexpected end of input', pos);
      const what = top.list !== null ? 'list' : 'dictionary';
      throw new BencodeError(`unterminated ${what}`, top.start);
    }
    const c = buf[pos]!;

    if (top !== undefined && c === CH_E) {
      if (top.key !== null) {
        throw new BencodeError(`missing value for dictionary key "${top.key}"`, pos);
      }
      pos++;
      stack.pop();
      if (top.isInfo) infoSpan = [top.start, pos];
      finishRoot();
      continue;
    }

    if (top !== undefined && top.dict !== null && top.key === null) {
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError(`dictionary key must be a string, found ${describeByte(c)}`, pos);
      }
      const keyAt = pos;
      const [s, e] = readString();
      const key = latin1(buf, s, e);
      if (top.maxKey === null || key > top.maxKey) {
        top.maxKey = key;
      } else if (key in top.dict) {
        throw new BencodeError(`duplicate dictionary key "${key}"`, keyAt);
      } else if (requireSorted) {
        throw new BencodeError(`unsorted dictionary key "${key}"`, keyAt);
      }
      top.key = key;
      continue;
    }

    const at = pos;
    countItem(at);
    if (c === CH_I) {
      const n = readInteger();
      if (attach(n)) infoSpan = [at, pos];
      finishRoot();
    } else if (c >= CH_0 && c <= CH_9) {
      const [s, e] = readString();
      const bytes = new Uint8Array(e - s);
      bytes.set(buf.subarray(s, e));
      if (attach(bytes)) infoSpan = [at, pos];
      finishRoot();
    } else if (c === CH_L || c === CH_D) {
      if (stack.length >= maxDepth) throw new BencodeError(`nesting deeper than ${maxDepth}`, at);
      pos++;
      const isList = c === CH_L;
      const container: BValue = isList ? [] : createDict();
      const isInfo = attach(container);
      stack.push({
        start: at,
        list: isList ? (container as BValue[]) : null,
        dict: isList ? null : (container as BDict),
        key: null,
        maxKey: null,
        isInfo,
      });
    } else if (c === CH_MINUS) {
      throw new BencodeError('negative string length', at);
    } else {
      throw new BencodeError(`unexpected ${describeByte(c)}`, at);
    }
  }
  return { value: root, infoSpan };
}
