import { describe, expect, it } from 'vitest';
import { PieceReadCache } from './read-cache';

function counting(fail: Set<number> = new Set()): {
  reads: number[];
  read: (i: number) => Promise<Uint8Array>;
} {
  const reads: number[] = [];
  return {
    reads,
    read: (i) => {
      reads.push(i);
      return fail.has(i)
        ? Promise.reject(new Error(`bad ${i}`))
        : Promise.resolve(Uint8Array.of(i));
    },
  };
}

describe('PieceReadCache', () => {
  it('reads a piece once for all its blocks', async () => {
    const src = counting();
    const cache = new PieceReadCache(src.read, 2);
    for (let i = 0; i < 4; i++) expect(await cache.get(7)).toEqual(Uint8Array.of(7));
    expect(src.reads).toEqual([7]);
  });

  it('evicts the least recently used piece', async () => {
    const src = counting();
    const cache = new PieceReadCache(src.read, 2);
    await cache.get(1);
    await cache.get(2);
    await cache.get(1); // 2 is now the oldest
    await cache.get(3);
    await cache.get(1);
    await cache.get(2);
    expect(src.reads).toEqual([1, 2, 3, 2]);
    expect(cache.size).toBe(2);
  });

  it('forgets a failed read, so the next request reads again', async () => {
    const fail = new Set([5]);
    const src = counting(fail);
    const cache = new PieceReadCache(src.read, 4);
    await expect(cache.get(5)).rejects.toThrow('bad 5');
    fail.clear();
    expect(await cache.get(5)).toEqual(Uint8Array.of(5));
    expect(src.reads).toEqual([5, 5]);
  });
});
