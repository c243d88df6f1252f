import { describe, expect, it } from 'vitest';
import { FileLayout } from './file-layout';

// The multi-file fixture of docs/ARCHITECTURE.md: files straddle pieces, one is empty, one non-ASCII.
const files = [
  { path: ['a.txt'], length: 7 },
  { path: ['empty'], length: 0 },
  { path: ['dir', 'ünïcødé 名前.bin'], length: 10 },
  { path: ['c'], length: 1 },
  { path: ['z', 'zero'], length: 0 },
  { path: ['d'], length: 6 },
];

describe('FileLayout', () => {
  const layout = new FileLayout(files, 5);

  it('cuts the concatenated files into pieces', () => {
    expect(layout.totalLength).toBe(24);
    expect(layout.pieceCount).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => layout.pieceSize(i))).toEqual([5, 5, 5, 5, 4]);
    expect(() => layout.pieceSize(5)).toThrow(RangeError);
  });

  it('spans straddle files and skip zero-length files', () => {
    expect(layout.spans(1, 0, 5)).toEqual([
      { fileIndex: 0, fileOffset: 5, length: 2 },
      { fileIndex: 2, fileOffset: 0, length: 3 },
    ]);
    // piece 3 = bytes 15..19: last 2 of the non-ASCII file, all of c, first 2 of d
    expect(layout.spans(3, 0, 5)).toEqual([
      { fileIndex: 2, fileOffset: 8, length: 2 },
      { fileIndex: 3, fileOffset: 0, length: 1 },
      { fileIndex: 5, fileOffset: 0, length: 2 },
    ]);
    expect(layout.spans(3, 2, 1)).toEqual([{ fileIndex: 3, fileOffset: 0, length: 1 }]);
    expect(layout.spans(4, 1, 3)).toEqual([{ fileIndex: 5, fileOffset: 3, length: 3 }]);
    expect(layout.spans(2, 0, 0)).toEqual([]);
    expect(() => layout.spans(4, 2, 3)).toThrow(RangeError);
  });

  it('span lengths always add up and cover every byte once', () => {
    const seen = files.map((f) => new Array<number>(f.length).fill(0));
    for (let p = 0; p < layout.pieceCount; p++) {
      for (let b = 0; b < layout.pieceSize(p); b++) {
        const spans = layout.spans(p, b, 1);
        expect(spans).toHaveLength(1);
        const s = spans[0] as { fileIndex: number; fileOffset: number };
        const row = seen[s.fileIndex] as number[];
        row[s.fileOffset] = (row[s.fileOffset] ?? 0) + 1;
      }
    }
    expect(seen.flat().every((n) => n === 1)).toBe(true);
  });

  it('zero-length files own no piece', () => {
    expect(layout.piecesOfFile(0)).toEqual([0, 1]);
    expect(layout.piecesOfFile(1)).toBeNull();
    expect(layout.piecesOfFile(2)).toEqual([1, 3]);
    expect(layout.piecesOfFile(3)).toEqual([3, 3]);
    expect(layout.piecesOfFile(4)).toBeNull();
    expect(layout.piecesOfFile(5)).toEqual([3, 4]);
  });

  it('file progress counts verified bytes per file', () => {
    expect(layout.fileProgress((i) => i === 1 || i === 3)).toEqual([2, 0, 5, 1, 0, 2]);
    expect(layout.fileProgress(() => true)).toEqual(files.map((f) => f.length));
  });

  it('handles a single file, an exact multiple and an empty torrent', () => {
    const one = new FileLayout([{ path: ['x'], length: 13 }], 5);
    expect(one.pieceCount).toBe(3);
    expect(one.spans(2, 0, 3)).toEqual([{ fileIndex: 0, fileOffset: 10, length: 3 }]);
    expect(new FileLayout([{ path: ['x'], length: 10 }], 5).pieceSize(1)).toBe(5);
    expect(new FileLayout([{ path: ['x'], length: 0 }], 5).pieceCount).toBe(0);
    expect(() => new FileLayout([{ path: ['x'], length: -1 }], 5)).toThrow(RangeError);
  });
});
