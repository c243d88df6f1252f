import { describe, expect, it } from 'vitest';
import { initialFilePriorities, piecePriorities, wantedBytes } from './file-priorities';

/** Three files over pieces 0-1, 1-3 and 4 (file 1 shares piece 1 with file 0). */
const ranges: ([number, number] | null)[] = [[0, 1], [1, 3], [4, 4], null];
const piecesOf = (f: number): [number, number] | null => ranges[f] ?? null;

describe('file priorities', () => {
  it('starts at normal, with the skipped files skipped (out-of-range indices ignored)', () => {
    expect(initialFilePriorities(3, [1, 7, -1])).toEqual(['normal', 'skip', 'normal']);
  });

  it('a piece takes the highest priority of the files it touches', () => {
    const p = piecePriorities(['skip', 'high', 'skip', 'normal'], 5, piecesOf);
    expect([...p]).toEqual([0, 2, 2, 2, 0]);
  });

  it('a piece shared with a wanted file is fetched though the other file is skipped', () => {
    const p = piecePriorities(['normal', 'skip', 'skip', 'skip'], 5, piecesOf);
    expect([...p]).toEqual([1, 1, 0, 0, 0]);
  });

  it('skipped files are not wanted bytes', () => {
    expect(wantedBytes(['normal', 'skip', 'high'], [10, 20, 30])).toBe(40);
  });
});
