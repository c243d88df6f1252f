import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, DiskWriteError, HashWritePoolError } from './errors';
import { HashWritePool } from './hash-write-pool';

const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();

function referenceHashes(content: Uint8Array, pieceLength: number): Uint8Array {
  const n = Math.ceil(content.length / pieceLength);
  const out = new Uint8Array(n * 20);
  for (let i = 0; i < n; i++) {
    out.set(sha1(content.subarray(i * pieceLength, (i + 1) * pieceLength)), i * 20);
  }
  return out;
}

/** Byte equality without vitest's element-by-element diffing of large arrays. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const same = Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected);
  if (!same) expect(Buffer.from(actual)).toEqual(Buffer.from(expected));
  expect(same).toBe(true);
}

/** Worker threads and their ports still alive in this process. */
function liveWorkerHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
}

let dir: string;
const pools: HashWritePool[] = [];
const pool = (threads?: number): HashWritePool => poolOf(threads);
function poolOf(threads?: number, mainThreadHelps = false): HashWritePool {
  const p = new HashWritePool({ ...(threads === undefined ? {} : { threads }), mainThreadHelps });
  pools.push(p);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-hash-'));
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFiles(
  sizes: number[],
  prefix: string,
): { path: string; length: number; data: Buffer }[] {
  return sizes.map((size, i) => {
    const data = randomBytes(size);
    const p = path.join(dir, `${prefix}-${i}`);
    writeFileSync(p, data);
    return { path: p, length: size, data };
  });
}

describe('HashWritePool.sha1', () => {
  it('equals node:crypto for empty, small, large and view inputs', async () => {
    const p = pool(2);
    const big = randomBytes(3 * 1024 * 1024 + 7);
    const inputs = [
      new Uint8Array(0),
      randomBytes(1),
      randomBytes(16 * 1024),
      big,
      big.subarray(5, 70_005),
    ];
    const digests = await Promise.all(inputs.map((b) => p.sha1(b)));
    digests.forEach((d, i) => expect(Buffer.from(d)).toEqual(sha1(inputs[i]!)));
    // The caller's bytes stay intact (copied, not transferred).
    expect(big.length).toBe(3 * 1024 * 1024 + 7);
  });

  it('hashes the bytes as they were when sha1 was called, reusing staging buffers safely', async () => {
    const p = pool(2);
    const expected: Buffer[] = [];
    const jobs: Promise<Uint8Array>[] = [];
    const buf = randomBytes(100_000);
    for (let round = 0; round < 50; round++) {
      expected.push(sha1(buf));
      jobs.push(p.sha1(buf));
      buf[round] = buf[round]! ^ 0xff; // the caller reuses its buffer at once
      if (round % 10 === 9) await Promise.all(jobs.slice(-10));
    }
    const digests = await Promise.all(jobs);
    digests.forEach((d, i) => expectSameBytes(d, expected[i]!));
  });

  it('reads SharedArrayBuffer input in place', async () => {
    const p = pool(1);
    const shared = new Uint8Array(new SharedArrayBuffer(1000));
    shared.set(randomBytes(1000));
    expect(Buffer.from(await p.sha1(shared.subarray(10, 900)))).toEqual(
      sha1(shared.subarray(10, 900)),
    );
  });

  it('runs queued piece tasks in the order they came (oldest buffers come back first)', async () => {
    const p = pool(1);
    const order: number[] = [];
    const jobs = Array.from({ length: 8 }, (_, i) =>
      p.sha1(randomBytes(64 * 1024)).then(() => order.push(i)),
    );
    await Promise.all(jobs);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs many concurrent requests across workers', async () => {
    const p = pool(2);
    const inputs = Array.from({ length: 200 }, (_, i) => randomBytes(i * 97));
    const digests = await Promise.all(inputs.map((b) => p.sha1(b)));
    digests.forEach((d, i) => expect(Buffer.from(d)).toEqual(sha1(inputs[i]!)));
    expect(p.workerCount).toBe(2);
  });
});

describe('HashWritePool.sha1Owned', () => {
  it('moves a plain buffer to a worker and back without copying, and reads shared ones in place', async () => {
    const p = pool(2);
    const bytes = randomBytes(1 << 20);
    const own = new Uint8Array(bytes.length + 100);
    own.set(bytes, 100);
    const view = own.subarray(100);
    const pending = p.sha1Owned(view);
    expect(own.buffer.byteLength).toBe(0); // moved: the caller's views are detached meanwhile
    const { digest, data } = await pending;
    expect(Buffer.from(digest)).toEqual(sha1(bytes));
    expect(data.byteOffset).toBe(100);
    expect(data.buffer.byteLength).toBe(bytes.length + 100);
    expectSameBytes(data, bytes);

    // Bytes already moved away are refused at once (postMessage would drop them silently).
    await expect(p.sha1Owned(view)).rejects.toThrow(/moved away/);
    expect(Buffer.from((await p.sha1Owned(new Uint8Array(0))).digest)).toEqual(
      sha1(Buffer.alloc(0)),
    );

    const shared = new Uint8Array(new SharedArrayBuffer(1000));
    shared.set(randomBytes(1000));
    const res = await p.sha1Owned(shared);
    expect(res.data).toBe(shared);
    expect(Buffer.from(res.digest)).toEqual(sha1(shared));
  });
});

describe('HashWritePool.writeAt', () => {
  it('writes shared and plain bytes at their positions, in many syscalls', async () => {
    const p = pool(2);
    const file = path.join(dir, 'write-at.bin');
    const big = randomBytes(100_000 + 7); // several 16 KiB syscalls and a short tail
    const shared = new Uint8Array(new SharedArrayBuffer(5000));
    shared.set(randomBytes(5000));
    const fd = openSync(file, 'w+');
    try {
      await Promise.all([
        p.writeAt(fd, big, 0),
        p.writeAt(fd, shared.subarray(100, 4100), big.length),
        p.writeAt(fd, new Uint8Array(0), 3),
      ]);
    } finally {
      closeSync(fd);
    }
    expectSameBytes(
      readFileSync(file),
      Buffer.concat([big, Buffer.from(shared.subarray(100, 4100))]),
    );
  });

  it('runs the writes of one lane in the order asked, one at a time', async () => {
    const p = pool(2);
    const file = path.join(dir, 'lanes.bin');
    const fd = openSync(file, 'w+');
    try {
      // Overlapping writes, none awaited: only a lane's order makes the last one win.
      const versions = Array.from({ length: 12 }, (_, i) => new Uint8Array(256 * 1024).fill(i));
      const sideLane = randomBytes(1000);
      await Promise.all([
        ...versions.map((v) => p.writeAt(fd, v, 0, 7)),
        p.writeAt(fd, new Uint8Array(sideLane), 300 * 1024, 8),
      ]);
      const got = readFileSync(file);
      expect(got.subarray(0, 256 * 1024).every((b) => b === 11)).toBe(true);
      expectSameBytes(got.subarray(300 * 1024), sideLane);
    } finally {
      closeSync(fd);
    }
  });

  it('a failed write rejects with the system error code and the pool keeps working', async () => {
    const p = pool(1);
    const file = path.join(dir, 'read-only.bin');
    writeFileSync(file, 'x');
    const fd = openSync(file, 'r');
    try {
      const err = await p.writeAt(fd, randomBytes(10), 0).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DiskWriteError);
      expect(err).toMatchObject({ code: 'EBADF' });
    } finally {
      closeSync(fd);
    }
    expect(Buffer.from(await p.sha1(Buffer.from('abc')))).toEqual(sha1(Buffer.from('abc')));
  });
});

describe.each([
  { mode: 'workers only', helps: false },
  { mode: 'the main thread helping', helps: true },
])('HashWritePool.hashPieces, $mode', ({ helps }) => {
  const pool = (threads?: number): HashWritePool => poolOf(threads, helps);

  it('hashes pieces that span files, including empty files, equal to node:crypto', async () => {
    const files = writeFiles([3, 0, 10, 1, 0, 6, 100_000, 5], 'span');
    const content = Buffer.concat(files.map((f) => f.data));
    for (const pieceLength of [1, 7, 8, 16_384, 1 << 20]) {
      const res = await pool(2).hashPieces(files, pieceLength);
      expectSameBytes(res.digests, referenceHashes(content, pieceLength));
      expect(Array.from(res.readable).every((r) => r === 1)).toBe(true);
    }
  });

  it('hashes a sub-range of pieces, indexed from fromPiece', async () => {
    const files = writeFiles([50_000, 30_001], 'range');
    const content = Buffer.concat(files.map((f) => f.data));
    const all = referenceHashes(content, 4096);
    const res = await pool(2).hashPieces(files, 4096, { fromPiece: 3, toPiece: 17 });
    expect(res.readable.length).toBe(14);
    expectSameBytes(res.digests, all.subarray(3 * 20, 17 * 20));
    const tail = await pool(1).hashPieces(files, 4096, { fromPiece: 19 });
    expectSameBytes(tail.digests, all.subarray(19 * 20));
    const none = await pool(1).hashPieces(files, 4096, { fromPiece: 5, toPiece: 5 });
    expect(none.digests.length).toBe(0);
    expect(() => pool(1).hashPieces(files, 4096, { fromPiece: 0, toPiece: 21 })).toThrow(
      RangeError,
    );
  });

  it('marks pieces of missing and short files unreadable, not failed', async () => {
    const files = writeFiles([10, 10, 10, 10], 'missing');
    const content = Buffer.concat(files.map((f) => f.data));
    const ref = referenceHashes(content, 8);
    const layout = files.map((f) => ({ path: f.path, length: f.length }));
    layout[1] = { path: path.join(dir, 'does-not-exist'), length: 10 };
    // Declared 10 bytes but only 4 on disk.
    writeFileSync(files[3]!.path, files[3]!.data.subarray(0, 4));
    const res = await pool(2).hashPieces(layout, 8);
    // Bytes: f0 0-9, f1 10-19 (missing), f2 20-29, f3 30-39 (34-39 absent). Pieces of 8.
    expect(Array.from(res.readable)).toEqual([1, 0, 0, 1, 0]);
    expectSameBytes(res.digests.subarray(0, 20), ref.subarray(0, 20));
    expectSameBytes(res.digests.subarray(60, 80), ref.subarray(60, 80));
    expect(Buffer.from(res.digests.subarray(20, 40))).toEqual(Buffer.alloc(20));
    const verified = await pool(1).checkPieces(layout, 8, ref);
    expect(Array.from(verified)).toEqual([1, 0, 0, 1, 0]);
  });

  it('checkPieces reports pieces whose data differs', async () => {
    const files = writeFiles([40_000], 'check');
    const ref = referenceHashes(files[0]!.data, 1024);
    const corrupted = Buffer.from(files[0]!.data);
    corrupted[5000] = corrupted[5000]! ^ 0xff;
    writeFileSync(files[0]!.path, corrupted);
    const verified = await pool(2).checkPieces(files, 1024, ref);
    expect(verified.length).toBe(40);
    expect(Array.from(verified).filter((v) => v === 0)).toEqual([0]);
    expect(verified[4]).toBe(0);
    const sub = await pool(2).checkPieces(files, 1024, ref, { fromPiece: 4, toPiece: 6 });
    expect(Array.from(sub)).toEqual([0, 1]);
  });

  it('reports monotonic progress that ends at the range length', async () => {
    const files = writeFiles([9 * 1024 * 1024, 3 * 1024 * 1024 + 11], 'progress');
    const seen: number[] = [];
    await pool(2).hashPieces(files, 256 * 1024, { onProgress: (b) => seen.push(b) });
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(12 * 1024 * 1024 + 11);
    const ranged: number[] = [];
    await pool(2).hashPieces(files, 256 * 1024, {
      fromPiece: 10,
      toPiece: 20,
      onProgress: (b) => ranged.push(b),
    });
    expect(ranged[ranged.length - 1]).toBe(10 * 256 * 1024);
  });

  it('is cancelled by an AbortSignal, before or during hashing', async () => {
    const files = writeFiles([48 * 1024 * 1024], 'cancel');
    const p = pool(2);
    const before = new AbortController();
    before.abort();
    await expect(p.hashPieces(files, 1 << 20, { signal: before.signal })).rejects.toBeInstanceOf(
      AbortError,
    );

    const during = new AbortController();
    let progressCalls = 0;
    const job = p.hashPieces(files, 1 << 20, {
      signal: during.signal,
      onProgress: () => {
        if (++progressCalls === 1) during.abort();
      },
    });
    const err = await job.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).name).toBe('AbortError');
    expect(progressCalls).toBe(1);
    // The pool is still usable afterwards.
    const again = await p.hashPieces(
      files.map((f) => ({ ...f, length: 1000 })),
      100,
    );
    expect(Buffer.from(again.digests.subarray(0, 20))).toEqual(
      sha1(files[0]!.data.subarray(0, 100)),
    );
  });

  it('a throwing onProgress fails that job only; the pool goes on', async () => {
    const files = writeFiles([24 * 1024 * 1024], 'throwing-progress');
    const p = pool(2);
    const job = p.hashPieces(files, 1 << 20, {
      onProgress: () => {
        throw new Error('progress bar broke');
      },
    });
    await expect(job).rejects.toThrow('progress bar broke');
    const again = await p.hashPieces(files, 1 << 20);
    expectSameBytes(again.digests, referenceHashes(files[0]!.data, 1 << 20));
  });

  it('close rejects pending work and leaves no worker behind', async () => {
    const handlesBefore = liveWorkerHandles();
    const files = writeFiles([32 * 1024 * 1024], 'close');
    const p = new HashWritePool({ threads: 2, mainThreadHelps: helps });
    const job = p.hashPieces(files, 1 << 20);
    const small = p.sha1(new Uint8Array(10));
    // The main thread is one of the two threads when it helps.
    expect(p.workerCount).toBe(helps ? 1 : 2);
    expect(liveWorkerHandles()).toBeGreaterThan(handlesBefore);
    const outcomes = Promise.allSettled([job, small]);
    await p.close();
    const [jobOutcome, smallOutcome] = await outcomes;
    expect(jobOutcome.status === 'rejected' && jobOutcome.reason).toBeInstanceOf(
      HashWritePoolError,
    );
    expect(smallOutcome.status === 'rejected' && (smallOutcome.reason as Error).message).toBe(
      'close: the pool was closed with tasks pending',
    );
    expect(p.workerCount).toBe(0);
    expect(liveWorkerHandles()).toBe(handlesBefore);
    await expect(p.sha1(new Uint8Array(1))).rejects.toThrow('sha1: the pool is closed');
  });

  it('prestart boots every worker before any task, and they still close', async () => {
    const handlesBefore = liveWorkerHandles();
    const p = new HashWritePool({ threads: 3, mainThreadHelps: helps });
    p.prestart();
    expect(p.workerCount).toBe(helps ? 2 : 3);
    p.prestart(); // idempotent
    expect(p.workerCount).toBe(helps ? 2 : 3);
    await p.close();
    expect(p.workerCount).toBe(0);
    expect(liveWorkerHandles()).toBe(handlesBefore);
  });

  it('starts workers lazily and closes an unused pool at once', async () => {
    const p = new HashWritePool({ threads: 3, mainThreadHelps: helps });
    expect(p.threads).toBe(3);
    expect(p.workerCount).toBe(0);
    await p.close();
    expect(new HashWritePool().threads).toBe(os.availableParallelism());
  });
});

describe('HashWritePool with the main thread helping', () => {
  /** Counts turns of the event loop until the returned function is called. */
  function countTurns(): () => number {
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    return () => {
      ticking = false;
      return turns;
    };
  }

  it('with one thread, hashes ranges on the main thread alone, in slices between loop turns', async () => {
    const files = writeFiles([40 * 1024 * 1024 + 3], 'slices');
    const p = poolOf(1, true);
    const stop = countTurns();
    const seen: number[] = [];
    const res = await p.hashPieces(files, 1 << 20, { onProgress: (b) => seen.push(b) });
    const turns = stop();
    expectSameBytes(res.digests, referenceHashes(files[0]!.data, 1 << 20));
    // No worker: the loop turned between the 4 MiB slices (11 of them), nothing else made it.
    expect(p.workerCount).toBe(0);
    expect(turns).toBeGreaterThanOrEqual(10);
    expect(seen[seen.length - 1]).toBe(40 * 1024 * 1024 + 3);
  });

  it('leaves pieces longer than a slice to the workers', async () => {
    const files = writeFiles([20 * 1024 * 1024 + 5], 'long-pieces');
    const p = poolOf(1, true);
    const res = await p.hashPieces(files, 8 << 20);
    expectSameBytes(res.digests, referenceHashes(files[0]!.data, 8 << 20));
    expect(p.workerCount).toBe(1);
  });

  it('leaves piece hashes and writes to the workers, one per core less one', async () => {
    const p = poolOf(3, true);
    const data = randomBytes(100_000);
    const digests = await Promise.all([p.sha1(data), p.sha1(data), p.sha1(data), p.sha1(data)]);
    for (const d of digests) expect(Buffer.from(d)).toEqual(sha1(data));
    expect(p.workerCount).toBe(2);
    const file = path.join(dir, 'helped-lanes');
    const fd = openSync(file, 'w');
    try {
      // Lanes map onto the two workers, not onto a third.
      await Promise.all([0, 1, 2, 3].map((lane) => p.writeAt(fd, data, lane * data.length, lane)));
    } finally {
      closeSync(fd);
    }
    expect(p.workerCount).toBe(2);
    expect(readFileSync(file).equals(Buffer.concat([data, data, data, data]))).toBe(true);
  });

  it('splits a range between the main thread and one worker on two threads', async () => {
    const files = writeFiles([48 * 1024 * 1024 + 1], 'two-threads');
    const p = poolOf(2, true);
    const res = await p.hashPieces(files, 1 << 20);
    expectSameBytes(res.digests, referenceHashes(files[0]!.data, 1 << 20));
    expect(p.workerCount).toBe(1);
  });

  it('close in the middle of a slice run leaves no slice scheduled', async () => {
    const files = writeFiles([40 * 1024 * 1024], 'close-main');
    const p = new HashWritePool({ threads: 1, mainThreadHelps: true });
    const immediatesBefore = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'Immediate').length;
    let closing: Promise<void> | null = null;
    const job = p.hashPieces(files, 1 << 20, {
      onProgress: () => {
        closing ??= p.close();
      },
    });
    await expect(job).rejects.toBeInstanceOf(HashWritePoolError);
    await closing;
    const immediatesAfter = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'Immediate').length;
    expect(immediatesAfter).toBeLessThanOrEqual(immediatesBefore);
  });
});
