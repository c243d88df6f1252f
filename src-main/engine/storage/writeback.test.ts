import { describe, expect, it } from 'vitest';
import type { Storage } from './storage';
import { withWriteback } from './writeback';

/** A backend that records calls; its flushes settle when the test says. */
function recordingStorage() {
  const calls: string[] = [];
  const flushes: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const storage: Storage = {
    writePiece: (index, data) => {
      calls.push(`write ${index}`);
      return Promise.resolve(data);
    },
    read: () => Promise.resolve(new Uint8Array(0)),
    flush: () => {
      calls.push('flush');
      return new Promise<void>((resolve, reject) => flushes.push({ resolve, reject }));
    },
    close: () => {
      calls.push('close');
      return Promise.resolve();
    },
    remove: () => Promise.resolve(),
  };
  return { storage, calls, flushes };
}

const piece = (n: number): Uint8Array => new Uint8Array(n);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('withWriteback', () => {
  it('starts a sync every N bytes written, without waiting for it', async () => {
    const r = recordingStorage();
    const s = withWriteback(r.storage, 100);
    await s.writePiece(0, piece(60));
    expect(r.calls).toEqual(['write 0']);
    await s.writePiece(1, piece(60)); // 120 >= 100: a background flush starts
    expect(r.calls).toEqual(['write 0', 'write 1', 'flush']);
    // Writes go on while it runs, and no second flush starts alongside it.
    await s.writePiece(2, piece(60));
    await s.writePiece(3, piece(60));
    expect(r.calls.filter((c) => c === 'flush')).toHaveLength(1);
    r.flushes[0]!.resolve();
    await tick();
    await s.writePiece(4, piece(100)); // the next stretch reaches N again
    expect(r.calls.filter((c) => c === 'flush')).toHaveLength(2);
  });

  it('an explicit flush waits for the background one, then syncs what came after', async () => {
    const r = recordingStorage();
    const s = withWriteback(r.storage, 10);
    await s.writePiece(0, piece(10));
    let flushed = false;
    const done = s.flush().then(() => void (flushed = true));
    await tick();
    expect(r.calls).toEqual(['write 0', 'flush']); // still waiting on the background one
    r.flushes[0]!.resolve();
    await tick();
    expect(r.calls).toEqual(['write 0', 'flush', 'flush']);
    expect(flushed).toBe(false);
    r.flushes[1]!.resolve();
    await done;
    expect(flushed).toBe(true);
  });

  it('a background sync that fails is reported by the next flush, once', async () => {
    const r = recordingStorage();
    const s = withWriteback(r.storage, 10);
    await s.writePiece(0, piece(10));
    r.flushes[0]!.reject(new Error('EIO: the disk went away'));
    await tick();
    await expect(s.flush()).rejects.toThrow('EIO');
    // Reported once: the next flush is a real one again.
    const next = s.flush();
    await tick();
    r.flushes[1]!.resolve();
    await expect(next).resolves.toBeUndefined();
  });

  it('close waits for a background sync and reports its failure, and still closes', async () => {
    const r = recordingStorage();
    const s = withWriteback(r.storage, 10);
    await s.writePiece(0, piece(10));
    const closing = s.close();
    await tick();
    expect(r.calls).not.toContain('close');
    r.flushes[0]!.reject(new Error('ENOSPC'));
    await expect(closing).rejects.toThrow('ENOSPC');
    expect(r.calls.at(-1)).toBe('close');
  });

  it('counts the bytes of a write whose buffer the backend took', async () => {
    const r = recordingStorage();
    r.storage.writePiece = (index, data) => {
      r.calls.push(`write ${index}`);
      const buffer = data.buffer as ArrayBuffer;
      structuredClone(buffer, { transfer: [buffer] }); // detaches, as a worker would
      return Promise.resolve(new Uint8Array(0));
    };
    const s = withWriteback(r.storage, 50);
    await s.writePiece(0, piece(50));
    expect(r.calls).toEqual(['write 0', 'flush']);
  });
});
