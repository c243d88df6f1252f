import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRangeSync } from './range-hash';
import type { RangeFile, RangeHooks, RangeIo } from './range-hash';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-range-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Real file functions that also count the descriptors left open. */
function countingIo(): RangeIo & { open: Set<number>; opened: string[] } {
  const open = new Set<number>();
  const opened: string[] = [];
  return {
    open,
    opened,
    openSync: (p, flags) => {
      const fd = openSync(p, flags);
      opened.push(p);
      open.add(fd);
      return fd;
    },
    readSync: (fd, buf, off, len, pos) => readSync(fd, buf, off, len, pos),
    closeSync: (fd) => {
      open.delete(fd);
      closeSync(fd);
    },
    createHash: (alg) => createHash(alg),
  };
}

const quiet: RangeHooks = { cancelled: () => false, progress: () => {} };

function layout(sizes: number[], prefix: string): { files: RangeFile[]; content: Buffer } {
  let offset = 0;
  const parts: Buffer[] = [];
  const files = sizes.map((size, i) => {
    const data = randomBytes(size);
    parts.push(data);
    const p = path.join(dir, `${prefix}-${i}`);
    writeFileSync(p, data);
    const f = { path: p, length: size, offset };
    offset += size;
    return f;
  });
  return { files, content: Buffer.concat(parts) };
}

function expected(content: Buffer, pieceLength: number, from: number, to: number): Buffer {
  const out: Buffer[] = [];
  for (let i = from; i < to; i++) {
    out.push(
      createHash('sha1')
        .update(content.subarray(i * pieceLength, (i + 1) * pieceLength))
        .digest(),
    );
  }
  return Buffer.concat(out);
}

/**
 * The workers run the function's source text. A fresh V8 context has JavaScript's globals and
 * nothing of Node's (no require, no Buffer, no performance), so every test also runs a copy
 * made from the text in such a context: a free identifier on any path tested fails there.
 */
const bareCopy = vm.runInNewContext(`(${hashRangeSync.toString()})`) as typeof hashRangeSync;

describe.each([
  { name: 'hashRangeSync', hashRange: hashRangeSync },
  { name: 'its source text in a bare context', hashRange: bareCopy },
])('$name', ({ hashRange }) => {
  it('hashes pieces across files, including an empty one', () => {
    const { files, content } = layout([5000, 0, 7001], 'bare');
    const job = {
      files,
      pieceLength: 1024,
      totalLength: content.length,
      fromPiece: 2,
      toPiece: 12,
    };
    const res = hashRange(countingIo(), job, new Uint8Array(3000), quiet);
    expect(Buffer.from(res!.digests).equals(expected(content, 1024, 2, 12))).toBe(true);
  });

  it('marks the pieces of an unopenable file and of a failed read unreadable', () => {
    const { files, content } = layout([3000, 3000, 3000], 'faulty');
    const real = countingIo();
    let reads = 0;
    const io: RangeIo = {
      ...real,
      openSync: (p, flags) => {
        if (p === files[0]!.path) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return real.openSync(p, flags);
      },
      readSync: (fd, buf, off, len, pos) => {
        // File 1's first read is fine, its second fails (EIO); file 2 reads fine.
        if (reads++ === 1) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        return real.readSync(fd, buf, off, len, pos);
      },
    };
    const job = { files, pieceLength: 1000, totalLength: content.length, fromPiece: 0, toPiece: 9 };
    const res = hashRange(io, job, new Uint8Array(1500), quiet)!;
    // Pieces 0-2 are file 0 (unopenable). File 1's first read (3000-4499) is fine; its second
    // fails, and the rest of file 1 counts as unreadable: piece 3 ok, 4-5 not. 6-8 are file 2.
    expect(Array.from(res.readable)).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 1]);
    expect(Buffer.from(res.digests.subarray(0, 20))).toEqual(Buffer.alloc(20));
    const want = expected(content, 1000, 0, 9);
    expect(Buffer.from(res.digests.subarray(60, 80)).equals(want.subarray(60, 80))).toBe(true);
    expect(Buffer.from(res.digests.subarray(120)).equals(want.subarray(120))).toBe(true);
    expect(real.open.size).toBe(0);
  });

  it('hashes a pad file (BEP 47) as zeros without opening it', () => {
    const { files, content } = layout([2500, 1500, 2000], 'pad');
    const pad = { ...files[1]!, path: path.join(dir, 'no-such-pad'), zeros: true };
    const io = countingIo();
    const withZeros = Buffer.from(content);
    withZeros.fill(0, 2500, 4000);
    const job = {
      files: [files[0]!, pad, files[2]!],
      pieceLength: 1000,
      totalLength: content.length,
      fromPiece: 0,
      toPiece: 6,
    };
    const res = hashRange(io, job, new Uint8Array(700), quiet)!;
    expect(Array.from(res.readable)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Buffer.from(res.digests).equals(expected(withZeros, 1000, 0, 6))).toBe(true);
    expect(io.opened).not.toContain(pad.path);
    expect(io.open.size).toBe(0);
  });

  it('reads in buffer-sized steps, reports each, and skips files outside the range', () => {
    const { files, content } = layout([10_000, 20_000, 3], 'steps');
    const io = countingIo();
    const seen: number[] = [];
    const res = hashRange(
      io,
      { files, pieceLength: 4096, totalLength: content.length, fromPiece: 3, toPiece: 8 },
      new Uint8Array(5000),
      { cancelled: () => false, progress: (b) => seen.push(b) },
    );
    expect(Buffer.from(res!.digests).equals(expected(content, 4096, 3, 8))).toBe(true);
    expect(Array.from(res!.readable)).toEqual([1, 1, 1, 1, 1]);
    // Pieces 3..8 are bytes 12288..30003 (the last piece is short): file 0 (0..10000) lies
    // before them and is never opened; file 1 gives reads of at most 5000 bytes, file 2 one of 3.
    expect(io.opened).toEqual([files[1]!.path, files[2]!.path]);
    expect(seen).toEqual([5000, 5000, 5000, 2712, 3]);
    expect(io.open.size).toBe(0);
  });

  it('stops before the next read when cancelled, closing what it opened', () => {
    const { files, content } = layout([64 * 1024], 'cancel');
    const io = countingIo();
    let reads = 0;
    const res = hashRange(
      io,
      { files, pieceLength: 16 * 1024, totalLength: content.length, fromPiece: 0, toPiece: 4 },
      new Uint8Array(8 * 1024),
      { cancelled: () => reads >= 3, progress: () => reads++ },
    );
    expect(res).toBeNull();
    expect(reads).toBe(3);
    expect(io.open.size).toBe(0);
  });

  it('throws on a layout with a gap, closing what it opened', () => {
    const { files, content } = layout([1000, 1000], 'gap');
    const io = countingIo();
    const gappy = [files[0]!, { ...files[1]!, offset: 1500 }];
    expect(() =>
      hashRange(
        io,
        { files: gappy, pieceLength: 512, totalLength: content.length, fromPiece: 0, toPiece: 4 },
        new Uint8Array(700),
        quiet,
      ),
    ).toThrow('files are not contiguous at byte 1000');
    expect(io.open.size).toBe(0);
  });
});
