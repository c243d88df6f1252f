import { describe, expect, it } from 'vitest';
import { FileLayout } from './file-layout';
import { MemoryStorage } from './memory-storage';
import { FaultyStorage } from './faulty-storage';
import { PieceCompletion, piecesOfBitfield, trackCompletion } from './piece-completion';

describe('PieceCompletion', () => {
  it('sets, clears and counts pieces in a BEP 3 bitfield', () => {
    const c = new PieceCompletion(10);
    c.set(0);
    c.set(9);
    c.set(9);
    expect(c.count).toBe(2);
    expect([...c.bitfield()]).toEqual([0b1000_0000, 0b0100_0000]);
    c.clear(0);
    expect(c.has(0)).toBe(false);
    expect(c.has(9)).toBe(true);
    expect(c.count).toBe(1);
    expect(() => c.set(10)).toThrow(RangeError);
  });

  it('moves its version on every change and not on a no-op', () => {
    const c = new PieceCompletion(4);
    const v0 = c.version;
    c.set(1);
    const v1 = c.version;
    expect(v1).not.toBe(v0);
    c.set(1);
    expect(c.version).toBe(v1);
    c.replace(new Uint8Array([1, 0, 1, 1]));
    const v2 = c.version;
    expect(v2).not.toBe(v1);
    c.replace(new Uint8Array([1, 0, 1, 1]));
    expect(c.version).toBe(v2);
    expect(c.count).toBe(3);
    expect([...piecesOfBitfield(c.bitfield(), 4)]).toEqual([1, 0, 1, 1]);
  });

  it('is marked by the storage once a write resolved, and never by a failed write', async () => {
    const layout = new FileLayout([{ path: ['f'], length: 20 }], 10);
    const inner = new FaultyStorage(new MemoryStorage(layout), { failAfterBytes: 10 });
    const c = new PieceCompletion(2);
    const storage = trackCompletion(inner, c);
    await storage.writePiece(0, new Uint8Array(10).fill(1));
    expect(c.has(0)).toBe(true);
    await expect(storage.writePiece(1, new Uint8Array(10))).rejects.toThrow();
    expect(c.has(1)).toBe(false);
    // Everything else reaches the backend itself.
    expect([...(await storage.read(0, 0, 2))]).toEqual([1, 1]);
    expect((storage as FaultyStorage).bytesWritten).toBe(10);
  });
});
