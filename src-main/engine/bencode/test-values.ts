/**
 * Random bencode values for property tests. Deterministic for a given Random, so a failure
 * reproduces from its seed.
 */
import type { Random } from '../time/clock';
import { createDict } from './types';
import type { BDict, BValue } from './types';

export interface RandomValueOptions {
  maxDepth: number;
  /**
   * Keys use only printable ASCII and never `__proto__`: the `bencode` package decodes keys as
   * UTF-8 text into plain objects, where `__proto__` would set the prototype.
   */
  asciiKeys: boolean;
}

function randomKey(rnd: Random, ascii: boolean): string {
  const n = rnd.int(8);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(ascii ? 0x20 + rnd.int(95) : rnd.int(256));
  if (!ascii && rnd.int(20) === 0) s = '__proto__';
  return s;
}

function randomInt(rnd: Random): number {
  switch (rnd.int(4)) {
    case 0:
      return rnd.int(10) - 5;
    case 1:
      return rnd.int(1_000_000) * (rnd.int(2) ? 1 : -1);
    case 2:
      return (rnd.int(2) ? 1 : -1) * Number.MAX_SAFE_INTEGER;
    default:
      return Math.floor((rnd.next() - 0.5) * 2 * Number.MAX_SAFE_INTEGER);
  }
}

export function randomBValue(rnd: Random, opts: RandomValueOptions, depth = 0): BValue {
  const kind = depth >= opts.maxDepth ? rnd.int(2) : rnd.int(4);
  if (kind === 0) return randomInt(rnd);
  if (kind === 1) return rnd.bytes(rnd.int(4) === 0 ? rnd.int(300) : rnd.int(12));
  if (kind === 2) {
    const n = rnd.int(5);
    const list: BValue[] = [];
    for (let i = 0; i < n; i++) list.push(randomBValue(rnd, opts, depth + 1));
    return list;
  }
  const dict: BDict = createDict();
  const n = rnd.int(5);
  for (let i = 0; i < n; i++)
    dict[randomKey(rnd, opts.asciiKeys)] = randomBValue(rnd, opts, depth + 1);
  return dict;
}
