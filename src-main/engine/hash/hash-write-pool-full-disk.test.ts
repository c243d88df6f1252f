/**
 * The worker's writes on a real file system that fills up: the kernel then writes fewer bytes
 * than asked before it refuses with ENOSPC. A short write must be continued (and here fail),
 * never taken as done (Transmission #2367). Needs a tmpfs we may mount (root in a container
 * that allows it); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskWriteError, HashWritePool } from './index';

function mountTmpfs(sizeBytes: number): { dir: string } | { reason: string } {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'swarmscope-fill-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return { dir };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

const small = mountTmpfs(256 * 1024);
const mounted = 'dir' in small;
if (!mounted)
  console.warn(`skipping the full-disk write test: cannot mount a tmpfs (${small.reason})`);
const pool = new HashWritePool({ threads: 1 });

afterAll(async () => {
  await pool.close();
  if ('dir' in small) {
    execFileSync('umount', [small.dir], { stdio: 'pipe' });
    fs.rmSync(small.dir, { recursive: true, force: true });
  }
});

describe('worker writes on a full file system', () => {
  it.skipIf(!mounted)(
    'a write the disk takes only part of fails with ENOSPC, and the part it took is on disk',
    async () => {
      const dir = (small as { dir: string }).dir;
      // Leave about 40 KiB free, then write 64 KiB, one syscall's worth (WRITE_CHUNK_BYTES): the
      // kernel takes 40 KiB of it and says so; taking that as done would lose the rest silently.
      fs.writeFileSync(path.join(dir, 'filler'), new Uint8Array(256 * 1024 - 40 * 1024));
      const file = path.join(dir, 'piece.bin');
      const fd = fs.openSync(file, 'w+');
      try {
        const data = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
        const err = await pool.writeAt(fd, data, 0).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DiskWriteError);
        expect((err as DiskWriteError).code).toBe('ENOSPC');
        const size = fs.fstatSync(fd).size;
        expect(size).toBeGreaterThan(0);
        // `data` moved to the worker and is gone; its length was 64 KiB.
        expect(size).toBeLessThan(64 * 1024);
      } finally {
        fs.closeSync(fd);
      }
    },
  );
});
