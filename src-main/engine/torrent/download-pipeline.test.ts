import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PieceAssembly, requestsWanted, verifyThenWrite } from './download-pipeline';
import type { PieceBuffer, RequestBudgetInput } from './download-pipeline';
import { BLOCK_BYTES, REQUEST_BATCH_MAX } from '../limits';

const PIECE = 4 * BLOCK_BYTES;
const MiB = 1024 * 1024;

/** A peer with an empty pipeline of depth 100, in a torrent with a roomy budget. */
const budget = (over: Partial<RequestBudgetInput> = {}): number =>
  requestsWanted({
    depth: 100,
    inFlight: 0,
    inFlightTotal: 0,
    budgetBytes: 64 * MiB,
    piecesInVerifyOrWrite: 0,
    pieceLength: PIECE,
    ...over,
  });

describe('request budget', () => {
  it('fills an empty pipeline to its depth', () => {
    expect(budget()).toBe(100);
  });

  it('tops up only in batches of a quarter of the depth', () => {
    expect(budget({ inFlight: 80 })).toBe(0);
    expect(budget({ inFlight: 75 })).toBe(25);
  });

  it('batches are at most REQUEST_BATCH_MAX', () => {
    const depth = 8 * REQUEST_BATCH_MAX;
    expect(budget({ depth, inFlight: depth - REQUEST_BATCH_MAX })).toBe(REQUEST_BATCH_MAX);
  });

  it('pieces awaiting their write shrink the room for requests', () => {
    // 1 MiB budget = 64 blocks; 12 pieces of 4 blocks wait: 16 blocks of room.
    expect(budget({ budgetBytes: MiB, piecesInVerifyOrWrite: 12 })).toBe(16);
  });

  it('a full budget sends nothing', () => {
    expect(budget({ budgetBytes: MiB, inFlightTotal: 64 })).toBe(0);
  });

  it('a small room still feeds an idle peer, but not a busy one', () => {
    expect(budget({ budgetBytes: MiB, inFlightTotal: 60 })).toBe(4);
    expect(budget({ budgetBytes: MiB, inFlightTotal: 60, inFlight: 10 })).toBe(0);
  });
});

describe('PieceAssembly', () => {
  it('assembles blocks in any order', () => {
    const asm = new PieceAssembly(PIECE, 4);
    let buf: PieceBuffer | undefined;
    for (const b of [3, 0, 2, 1])
      buf = asm.addBlock(7, b * BLOCK_BYTES, new Uint8Array(BLOCK_BYTES).fill(b), PIECE);
    expect(buf!.received).toBe(4);
    expect(buf!.blocks).toBe(4);
    expect([0, 1, 2, 3].map((b) => buf!.data[b * BLOCK_BYTES])).toEqual([0, 1, 2, 3]);
    expect(asm.partialCount).toBe(1);
  });

  it('a short last piece gets a short view of a full buffer', () => {
    const asm = new PieceAssembly(PIECE, 4);
    const buf = asm.addBlock(9, 0, new Uint8Array(100), 100);
    expect(buf.data.length).toBe(100);
    expect(buf.blocks).toBe(1);
    expect(buf.data.buffer.byteLength).toBe(PIECE);
  });

  it('recycles buffers up to its limit', () => {
    const asm = new PieceAssembly(PIECE, 1);
    const a = asm.addBlock(0, 0, new Uint8Array(1), PIECE);
    const b = asm.addBlock(1, 0, new Uint8Array(1), PIECE);
    asm.finish(0);
    asm.finish(1);
    asm.release(a.data);
    asm.release(b.data);
    expect(asm.freeCount).toBe(1);
    const c = asm.addBlock(2, 0, new Uint8Array(1), PIECE);
    expect(c.data.buffer).toBe(a.data.buffer);
  });

  it('a detached buffer is not kept', () => {
    const asm = new PieceAssembly(PIECE, 4);
    asm.release(new Uint8Array(0));
    expect(asm.freeCount).toBe(0);
  });

  it('a stop abandons every partial piece and keeps their buffers', () => {
    const asm = new PieceAssembly(PIECE, 4);
    asm.addBlock(3, 0, new Uint8Array(1), PIECE);
    asm.addBlock(5, 0, new Uint8Array(1), PIECE);
    expect(asm.abandonAll()).toEqual([3, 5]);
    expect(asm.partialCount).toBe(0);
    expect(asm.freeCount).toBe(2);
  });
});

describe('verifyThenWrite', () => {
  const data = new Uint8Array(PIECE).fill(42);
  const good = createHash('sha1').update(data).digest();
  const sha1Owned = (d: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }> =>
    Promise.resolve({ digest: createHash('sha1').update(d).digest(), data: d });

  it('writes a piece whose hash matches', async () => {
    const written: number[] = [];
    const out = await verifyThenWrite(1, { data, received: 4, blocks: 4 }, good, {
      sha1Owned,
      writePiece: (i, d) => (written.push(i), Promise.resolve(d)),
    });
    expect(out).toEqual({ kind: 'verified' });
    expect(written).toEqual([1]);
  });

  it('never writes a piece whose hash does not match', async () => {
    const written: number[] = [];
    const out = await verifyThenWrite(1, { data, received: 4, blocks: 4 }, new Uint8Array(20), {
      sha1Owned,
      writePiece: (i, d) => (written.push(i), Promise.resolve(d)),
    });
    expect(out).toEqual({ kind: 'hash-mismatch' });
    expect(written).toEqual([]);
  });

  it('reports hash and write errors apart', async () => {
    const buf = { data, received: 4, blocks: 4 };
    const hashFail = await verifyThenWrite(1, buf, good, {
      sha1Owned: () => Promise.reject(new Error('worker died')),
      writePiece: (_i, d) => Promise.resolve(d),
    });
    expect(hashFail.kind).toBe('hash-error');
    const writeFail = await verifyThenWrite(1, buf, good, {
      sha1Owned,
      writePiece: () => Promise.reject(new Error('ENOSPC')),
    });
    expect(writeFail.kind).toBe('write-error');
  });

  it('follows the buffer through the worker and the writer', async () => {
    const moved = new Uint8Array(PIECE).fill(42);
    const kept = new Uint8Array(PIECE);
    const buf = { data, received: 4, blocks: 4 };
    await verifyThenWrite(1, buf, good, {
      sha1Owned: () => Promise.resolve({ digest: good, data: moved }),
      writePiece: (_i, d) => {
        expect(d).toBe(moved);
        return Promise.resolve(kept);
      },
    });
    expect(buf.data).toBe(kept);
  });
});
